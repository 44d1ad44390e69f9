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
    --port "$port" --path "/$SC_FILE" --count "$SC_IDLE" \
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

# Stops the holder and prints its JSON summary (or null).
stop_idle_holder() {
  stop_process_tree "$HOLDER_PID"
  if [[ -s $RUN_DIR/holder-summary.json ]]; then cat "$RUN_DIR/holder-summary.json"; else echo null; fi
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
measure_one_run() {
  local scenario=$1 server=$2 rep=$3 port label
  label="scenario $scenario, run $rep/$REPEATS, $server"
  port=$(free_port)
  if ! start_server "$server" "$port" "$RUN_DIR/$server-s$scenario-r$rep.log"; then
    record_failed_run "$scenario" "$server" "$rep" "the server did not start"
    return 0
  fi
  local idle_rss_kib
  idle_rss_kib=$(memory_kib_of_tree "$SERVER_PID" VmRSS)

  if ((SC_IDLE > 0)) && ! start_idle_holder "$port"; then
    stop_process_tree "$HOLDER_PID"
    stop_process_tree "$SERVER_PID"
    record_failed_run "$scenario" "$server" "$rep" "could not open the idle connections"
    return 0
  fi

  run_wrk "$WARMUP_S" "$port" "$RUN_DIR/warmup.txt" || true
  ((SC_IDLE > 0)) && { kill -USR1 "$HOLDER_PID" 2>/dev/null || true; }

  local ticks_before client_ms_before wrk_status=0
  ticks_before=$(cpu_ticks_of_tree "$SERVER_PID")
  measure_children_cpu_ms
  client_ms_before=$CHILDREN_CPU_MS
  run_wrk "$DURATION_S" "$port" "$RUN_DIR/wrk.txt" || wrk_status=$?
  measure_children_cpu_ms
  local ticks_after client_ms_after=$CHILDREN_CPU_MS peak_rss_kib processes
  ticks_after=$(cpu_ticks_of_tree "$SERVER_PID")
  peak_rss_kib=$(memory_kib_of_tree "$SERVER_PID" VmHWM)
  processes=$(process_tree "$SERVER_PID" | wc -l)

  local holder=null server_alive=yes
  ((SC_IDLE > 0)) && holder=$(stop_idle_holder)
  kill -0 "$SERVER_PID" 2>/dev/null || server_alive=no
  stop_process_tree "$SERVER_PID"

  local wrk_json
  wrk_json=$(sed -n 's/^BENCH_JSON //p' "$RUN_DIR/wrk.txt")
  if ((wrk_status != 0)) || [[ -z $wrk_json ]]; then
    record_failed_run "$scenario" "$server" "$rep" "wrk failed (exit $wrk_status): $(tail -n 2 "$RUN_DIR/wrk.txt")"
    return 0
  fi
  if [[ $server_alive == no ]]; then
    record_failed_run "$scenario" "$server" "$rep" "the server exited during the run"
    return 0
  fi

  printf '{"scenario":%d,"server":"%s","rep":%d,"ok":true,"durationS":%d,"wrk":%s,"serverCpuTicks":%d,"clockTicksPerSecond":%d,"clientCpuMs":%d,"idleRssKiB":%d,"peakRssKiB":%d,"processes":%d,"idleHolder":%s}\n' \
    "$scenario" "$server" "$rep" "$DURATION_S" "$wrk_json" $((ticks_after - ticks_before)) \
    "$CLK_TCK" $((client_ms_after - client_ms_before)) "$idle_rss_kib" "$peak_rss_kib" \
    "$processes" "$holder" >>"$WORK_DIR/runs.jsonl"
  say "$label: $(progress_line "$wrk_json" $((ticks_after - ticks_before)) "$peak_rss_kib")"
}

# A one-line summary of a run for the terminal (the report computes the real figures).
progress_line() {
  local wrk_json=$1 ticks=$2 peak_rss_kib=$3 requests bytes duration_us
  requests=$(json_integer requests "$wrk_json")
  bytes=$(json_integer bytes "$wrk_json")
  duration_us=$(json_integer durationUs "$wrk_json")
  ((duration_us > 0)) || duration_us=1
  printf '%d req/s, %d MB/s, server CPU %d%%, peak RSS %d MiB' \
    $((requests * 1000000 / duration_us)) $((bytes / duration_us)) \
    $((ticks * 100 * 1000000 / CLK_TCK / duration_us)) $((peak_rss_kib / 1024))
}
