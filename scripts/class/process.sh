# shellcheck shell=bash
# shellcheck disable=SC2034,SC2317 # globals read, and functions called as ${MODE}_*, by grade-submission
# Process mode, for graders that cannot run Docker (Gradescope's runners, a CI job): the
# submission's executable `run` is started in the foreground, in a session and process group of
# its own, with PORT (a free port), SITE_ROOT (the site folder) and HOST=127.0.0.1 (for the
# servers that honour it), and the whole group is stopped at the end.
#
# What it does NOT isolate, plainly: the server runs as the grader's user, with that user's
# files, network (the Internet included) and processes within its reach; nothing limits its CPU,
# memory or processes; a process that leaves its group (setsid, a daemon) is not stopped. Only
# its log is bounded: a server that writes more than GRADING_RUN_LOG_MIB to any file is stopped
# by the kernel (RLIMIT_FSIZE). Grade untrusted code in container mode, or on a machine that is
# thrown away afterwards (as Gradescope's containers are).

process_requirements() {
  local tool
  for tool in setsid nc curl timeout; do
    command -v "$tool" >/dev/null || cannot_grade "'$tool' is not installed (process mode needs setsid, nc, curl and timeout)"
  done
}

process_prepare() {
  LOG_NAME=''
  if [[ ! -e $SUBMISSION/run ]]; then
    outcome build-failed "The submission has no file named run (process mode starts the server with ./run)."
    return 1
  fi
  if [[ ! -f $SUBMISSION/run || ! -x $SUBMISSION/run ]]; then
    outcome build-failed "The submission's run is not an executable file (chmod +x run)."
    return 1
  fi
  PORT=$(free_port) || cannot_grade "no free port was found on 127.0.0.1"
  TARGET=127.0.0.1:$PORT
}

# free_port: a 127.0.0.1 port nothing listens on, below the ephemeral range (where the
# machine's outgoing connections take their ports, and would make the server's bind fail).
free_port() {
  local port first=32768
  read -r first _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((first > 11024)) || first=32768
  for _ in {1..50}; do
    port=$((10000 + RANDOM % (first - 10000)))
    if ! nc -z -w 1 127.0.0.1 "$port" 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  return 1
}

process_start() {
  LOG_NAME=run.log
  (
    cd "$SUBMISSION" || exit 126
    ulimit -f $((GRADING_RUN_LOG_MIB * 1024)) 2>/dev/null || true # in KiB
    export PORT SITE_ROOT=$SITE HOST=127.0.0.1
    exec setsid ./run
  ) >"$REPORTS/run.log" 2>&1 </dev/null &
  SERVER_PID=$!
}

process_alive() {
  local stat
  kill -0 "$SERVER_PID" 2>/dev/null || return 1
  stat=$(cat "/proc/$SERVER_PID/stat" 2>/dev/null) || return 0
  [[ ${stat##*) } != Z* ]] # exited, but not yet reaped
}

# process_exit: how the server ended, in words (only once it has).
process_exit() {
  local code=0
  wait "$SERVER_PID" 2>/dev/null || code=$?
  exit_in_words "$code"
}

process_listening() {
  nc -z -w 1 127.0.0.1 "$PORT" >/dev/null 2>&1
}

process_grade_command() {
  local options
  mapfile -t options < <(grader_options)
  GRADE_COMMAND=("$SCRIPTS/grade" --target "$TARGET" --site "$SITE" --reports "$REPORTS" "${options[@]}")
}

process_answer() {
  answer_of curl
}

process_collect_logs() {
  keep_tail "$REPORTS/run.log" $((GRADING_RUN_LOG_MIB * 1024 * 1024))
}

# process_cleanup: SIGTERM to the server's whole process group, SIGKILL after the grace.
process_cleanup() {
  [[ -n ${SERVER_PID:-} ]] || return 0
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || return 0
  local i
  for ((i = 0; i < GRADING_STOP_GRACE_S * 10; i++)); do
    kill -0 -- "-$SERVER_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
}
