# shellcheck shell=bash
# One measured run: a fresh server, a warm-up, the measured wrk run, and the figures the
# kernel and wrk give us, appended as one JSON line to $WORK_DIR/runs.jsonl.
#
# The server is restarted for every run (rather than reset with /proc/PID/clear_refs), so
# its peak RSS (VmHWM) covers exactly this scenario's warm-up and measured run, and no
# scenario inherits another's caches, buffers or leaks.

# Runs wrk for SECONDS against the current scenario, pinned to the client CPU, its whole
# output (human report + our BENCH_JSON line) going to OUT. Bounded by `timeout`.
run_wrk() {
  local seconds=$1 port=$2 out=$3
  local -a header=()
  if [[ $SC_CLOSE == yes ]]; then
    header=(-H 'Connection: close')
  fi
  timeout --foreground --kill-after=5 $((seconds + WRK_GRACE_S)) \
    "${CLIENT_PIN[@]}" wrk -t1 -c "$SC_CONNECTIONS" -d "${seconds}s" --timeout 10s \
    -s "$BENCH_DIR/wrk-report.lua" "${header[@]}" "http://127.0.0.1:$port/$SC_FILE" >"$out" 2>&1
}

# Starts the idle-connection holder (scenario 6) and waits until it has opened its
# connections. Sets HOLDER_PID. Its summary lands in $RUN_DIR/holder-summary.json.
start_idle_holder() {
  local port=$1
  rm -f "$RUN_DIR/holder-ready" "$RUN_DIR/holder-summary.json"
  launch "$RUN_DIR/holder.log" "${CLIENT_PIN[@]}" node "$BENCH_DIR/idle-connections.mjs" \
    --port "$port" --path "/$SC_FILE" --count "$SC_IDLE" --interval-ms "${HOLDER_PING_INTERVAL_S}000" \
    --ready-file "$RUN_DIR/holder-ready" --summary-file "$RUN_DIR/holder-summary.json" \
    --max-seconds $((WARMUP_S + DURATION_S + 2 * WRK_GRACE_S + 60))
  HOLDER_PID=$LAUNCHED_PID
  local waited=0
  until [[ -s $RUN_DIR/holder-ready ]]; do
    kill -0 "$HOLDER_PID" 2>/dev/null || return 1
    ((waited < 300)) || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Stops the holder and puts its JSON summary (or null) in RESULT_HOLDER. Not to be called
# in a $(...) subshell: the stop must update this shell's list of live PIDs.
stop_idle_holder() {
  stop_process_tree "$HOLDER_PID"
  RESULT_HOLDER=null
  if [[ -s $RUN_DIR/holder-summary.json ]]; then
    RESULT_HOLDER=$(<"$RUN_DIR/holder-summary.json")
  fi
}

# Prints the integer value of "FIELD": in a flat-enough JSON text (wrk's BENCH_JSON).
json_integer() {
  if [[ $2 =~ \"$1\":([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}

# Appends a failed run, so the report shows it instead of silently dropping it.
record_failed_run() {
  local scenario=$1 server=$2 rep=$3 reason=$4
  warn "scenario $scenario, $server, run $rep: $reason"
  printf '{"scenario":%d,"server":"%s","rep":%d,"ok":false,"error":%s}\n' \
    "$scenario" "$server" "$rep" "$(json_string "$reason")" >>"$WORK_DIR/runs.jsonl"
}

# The measured run of scenario SCENARIO (already loaded) for SERVER, repetition REP.
# The figures travel in RESULT_* variables from one step to the next.
measure_one_run() {
  local scenario=$1 server=$2 rep=$3 port
  port=$(free_port)
  if ! start_server "$server" "$port" "$RUN_DIR/$server-s$scenario-r$rep.log"; then
    record_failed_run "$scenario" "$server" "$rep" "the server did not start"
    return 0
  fi
  RESULT_IDLE_RSS_KIB=$(memory_kib_of_tree "$SERVER_PID" VmRSS)
  RESULT_HELD_RSS_KIB=0
  if ((SC_IDLE > 0)); then
    if ! start_idle_holder "$port"; then
      stop_process_tree "$HOLDER_PID"
      stop_process_tree "$SERVER_PID"
      record_failed_run "$scenario" "$server" "$rep" "could not open the idle connections"
      return 0
    fi
    # What the idle connections alone cost, before any load: once each has been accepted
    # and has made its first request (within one ping interval).
    sleep "$HOLDER_PING_INTERVAL_S.5"
    RESULT_HELD_RSS_KIB=$(memory_kib_of_tree "$SERVER_PID" VmRSS)
  fi

  run_wrk "$WARMUP_S" "$port" "$RUN_DIR/warmup.txt" || true
  measure_window "$port"
  stop_run_processes
  record_run "$scenario" "$server" "$rep"
}

# The measured wrk run, with the server's CPU time and wrk's read just before and after.
measure_window() {
  local port=$1 ticks_before client_ms_before machine_before
  if ((SC_IDLE > 0)); then
    kill -USR1 "$HOLDER_PID" 2>/dev/null || true # the holder's window starts now
  fi
  ticks_before=$(cpu_ticks_of_tree "$SERVER_PID")
  machine_before=$(machine_busy_ticks)
  measure_children_cpu_ms
  client_ms_before=$CHILDREN_CPU_MS
  RESULT_WRK_STATUS=0
  run_wrk "$DURATION_S" "$port" "$RUN_DIR/wrk.txt" || RESULT_WRK_STATUS=$?
  measure_children_cpu_ms
  RESULT_MACHINE_TICKS=$(($(machine_busy_ticks) - machine_before))
  RESULT_CLIENT_MS=$((CHILDREN_CPU_MS - client_ms_before))
  RESULT_SERVER_TICKS=$(($(cpu_ticks_of_tree "$SERVER_PID") - ticks_before))
  RESULT_PEAK_RSS_KIB=$(memory_kib_of_tree "$SERVER_PID" VmHWM)
  RESULT_PROCESSES=$(process_tree "$SERVER_PID" | wc -l)
}

# Stops the holder (if any) and the server, noting whether the server was still alive.
stop_run_processes() {
  RESULT_HOLDER=null
  if ((SC_IDLE > 0)); then
    stop_idle_holder
  fi
  RESULT_SERVER_ALIVE=yes
  kill -0 "$SERVER_PID" 2>/dev/null || RESULT_SERVER_ALIVE=no
  stop_process_tree "$SERVER_PID"
}

# Appends the run to runs.jsonl — or a failed run, if wrk or the server failed.
record_run() {
  local scenario=$1 server=$2 rep=$3 wrk_json
  wrk_json=$(sed -n 's/^BENCH_JSON //p' "$RUN_DIR/wrk.txt")
  if ((RESULT_WRK_STATUS != 0)) || [[ -z $wrk_json ]]; then
    record_failed_run "$scenario" "$server" "$rep" \
      "wrk failed (exit $RESULT_WRK_STATUS): $(tail -n 2 "$RUN_DIR/wrk.txt")"
    return 0
  fi
  if [[ $RESULT_SERVER_ALIVE == no ]]; then
    record_failed_run "$scenario" "$server" "$rep" "the server exited during the run"
    return 0
  fi
  printf '{"scenario":%d,"server":"%s","rep":%d,"ok":true,"durationS":%d,"wrk":%s,"serverCpuTicks":%d,"machineBusyTicks":%d,"clockTicksPerSecond":%d,"clientCpuMs":%d,"idleRssKiB":%d,"heldRssKiB":%d,"peakRssKiB":%d,"processes":%d,"idleHolder":%s}\n' \
    "$scenario" "$server" "$rep" "$DURATION_S" "$wrk_json" "$RESULT_SERVER_TICKS" "$RESULT_MACHINE_TICKS" "$CLK_TCK" \
    "$RESULT_CLIENT_MS" "$RESULT_IDLE_RSS_KIB" "$RESULT_HELD_RSS_KIB" "$RESULT_PEAK_RSS_KIB" "$RESULT_PROCESSES" \
    "$RESULT_HOLDER" >>"$WORK_DIR/runs.jsonl"
  say "scenario $scenario, run $rep/$REPEATS, $server: $(progress_line "$wrk_json")"
}

# A one-line summary of a run for the terminal (the report computes the real figures).
progress_line() {
  local wrk_json=$1 ticks=$RESULT_SERVER_TICKS peak_rss_kib=$RESULT_PEAK_RSS_KIB
  local requests bytes duration_us
  requests=$(json_integer requests "$wrk_json")
  bytes=$(json_integer bytes "$wrk_json")
  duration_us=$(json_integer durationUs "$wrk_json")
  ((duration_us > 0)) || duration_us=1
  printf '%d req/s, %d MB/s, server CPU %d%%, peak RSS %d MiB' \
    $((requests * 1000000 / duration_us)) $((bytes / duration_us)) \
    $((ticks * 100 * 1000000 / CLK_TCK / duration_us)) $((peak_rss_kib / 1024))
}
