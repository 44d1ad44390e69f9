# shellcheck shell=bash
# The six scenarios of issue 4 and the file set they read.

# Sets the SC_* variables that describe scenario N:
#   SC_TITLE        what it measures, as printed in the table
#   SC_FILE         the file every request asks for
#   SC_CONNECTIONS  wrk's concurrent connections
#   SC_CLOSE        yes: each request asks for `Connection: close` (one request per connection)
#   SC_IDLE         keep-alive connections held open beside wrk's (scenario 6)
#   SC_HEADLINE     the figure the ratios compare: requestsPerSecond or megabytesPerSecond
load_scenario() {
  SC_CLOSE=no
  SC_IDLE=0
  SC_HEADLINE=requestsPerSecond
  case $1 in
    1) SC_TITLE='1 KiB, keep-alive, 50 conns' SC_FILE=1k.bin SC_CONNECTIONS=50 ;;
    2) SC_TITLE='1 KiB, Connection: close, 50 conns' SC_FILE=1k.bin SC_CONNECTIONS=50 SC_CLOSE=yes ;;
    3) SC_TITLE='64 KiB, keep-alive, 20 conns' SC_FILE=64k.bin SC_CONNECTIONS=20 ;;
    4) SC_TITLE='10 MiB, 4 conns' SC_FILE=10m.bin SC_CONNECTIONS=4 SC_HEADLINE=megabytesPerSecond ;;
    5) SC_TITLE='200 MiB, 1 conn' SC_FILE=200m.bin SC_CONNECTIONS=1 SC_HEADLINE=megabytesPerSecond ;;
    6)
      SC_TITLE="1 KiB, keep-alive, 50 conns + $IDLE_CONNECTIONS idle"
      SC_FILE=1k.bin SC_CONNECTIONS=50 SC_IDLE=$IDLE_CONNECTIONS
      ;;
    *) die "unknown scenario: $1 (known: 1 2 3 4 5 6)" ;;
  esac
}

# Writes the description of the current scenario as one JSON line (for bench/report.mjs).
scenario_json() {
  printf '{"id":%d,"title":%s,"file":"%s","connections":%d,"connectionClose":%s,"idleConnections":%d,"headline":"%s"}\n' \
    "$1" "$(json_string "$SC_TITLE")" "$SC_FILE" "$SC_CONNECTIONS" \
    "$([[ $SC_CLOSE == yes ]] && echo true || echo false)" "$SC_IDLE" "$SC_HEADLINE"
}

# Random bytes (so no server can win by compressing), written once per benchmark run.
# The directory must be readable by nginx's worker, which runs as an unprivileged user.
generate_file_set() {
  FILES_DIR=$WORK_DIR/files
  mkdir -p "$FILES_DIR"
  head -c 1024 /dev/urandom >"$FILES_DIR/1k.bin"
  head -c $((64 * 1024)) /dev/urandom >"$FILES_DIR/64k.bin"
  head -c $((10 * 1024 * 1024)) /dev/urandom >"$FILES_DIR/10m.bin"
  head -c $((200 * 1024 * 1024)) /dev/urandom >"$FILES_DIR/200m.bin"
  chmod 755 "$WORK_DIR" "$FILES_DIR"
  chmod 644 "$FILES_DIR"/*.bin
}
