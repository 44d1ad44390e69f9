# shellcheck shell=bash disable=SC2034 # (globals used by the files that source this one)
# Starting and stopping the four servers. Every process is started in the background,
# remembered by PID in LIVE_PIDS, and stopped by that PID (and its children's PIDs) —
# never by name — even when the benchmark is interrupted (see cleanup in bench/run).

declare -a LIVE_PIDS=()
declare -a SERVER_PIN=() CLIENT_PIN=()
PINNING=none

# Server on CPU 0, everything else (wrk, the idle-connection holder, this script's own
# helpers) on CPU 1, so that the load generator never steals the server's core.
choose_cpu_pinning() {
  if (($(nproc) >= 2)) && taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null; then
    SERVER_PIN=(taskset -c 0)
    CLIENT_PIN=(taskset -c 1)
    PINNING='server on CPU 0, wrk and helpers on CPU 1'
    taskset -p -c 1 $$ >/dev/null || true
  else
    warn "taskset cannot pin to CPUs 0 and 1 here: server and wrk will share the CPUs"
  fi
}

# The servers of this run, in turn order, unless SERVERS names them: ours on the image's
# Node; ours-before (OUR_BASELINE's build) when it is given; ours-host when the host's Node
# is another major than the image's (the same major would measure ours twice); then nginx,
# the Node `http` server and Python.
settle_server_list() {
  [[ ${SERVERS_GIVEN:-} == yes ]] && return 0
  SERVERS=ours
  [[ -n ${OUR_BASELINE:-} ]] && SERVERS+=' ours-before'
  [[ $HOST_NODE_VERSION != "${SHIPPED_NODE_VERSION%%.*}".* ]] && SERVERS+=' ours-host'
  SERVERS+=' nginx node-http python'
  return 0
}

# Starts a command in the background; its PID goes to LAUNCHED_PID and LIVE_PIDS.
launch() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  LAUNCHED_PID=$!
  LIVE_PIDS+=("$LAUNCHED_PID")
}

# Sends SIGTERM to a process and waits for it. If it is still running after the grace
# period, SIGKILLs it and the children it had (an nginx worker must not outlive a killed
# master). Only then: the PIDs of processes that ended on their own may belong to others.
stop_process_tree() {
  local pid=$1 tree waited=0 member
  tree=$(process_tree "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < SERVER_STOP_TIMEOUT_S * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    for member in $tree; do
      kill -KILL "$member" 2>/dev/null || true
    done
  fi
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

forget_pid() {
  local pid kept=()
  for pid in "${LIVE_PIDS[@]}"; do
    [[ $pid == "$1" ]] || kept+=("$pid")
  done
  LIVE_PIDS=("${kept[@]}")
}

# Fills SERVER_COMMAND with the command line that serves FILES_DIR on PORT.
server_command() {
  local name=$1 port=$2
  case $name in
    ours) our_server_command "$SHIPPED_NODE" "$OUR_SERVER" "$port" "${OUR_NODE_FLAGS[@]}" ;;
    ours-host) our_server_command "$HOST_NODE" "$OUR_SERVER" "$port" "${OUR_NODE_FLAGS[@]}" ;;
    ours-before) our_server_command "$SHIPPED_NODE" "$OUR_BASELINE" "$port" "${BASELINE_NODE_FLAGS[@]}" ;;
    nginx)
      write_nginx_config "$port"
      SERVER_COMMAND=("$NGINX" -e "$RUN_DIR/nginx-error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf")
      ;;
    node-http)
      # On the same Node as ours: the ratio then compares our code with Node's `http`, not
      # two Node releases.
      SERVER_COMMAND=("$SHIPPED_NODE" "$BENCH_DIR/node-http-server.mjs" --root "$FILES_DIR" --port "$port"
        --host 127.0.0.1)
      ;;
    python)
      # Python's default protocol, HTTP/1.0: it closes the connection after every response,
      # so its keep-alive rows are really one request per connection. (With --protocol
      # HTTP/1.1 it keeps connections but writes head and body in separate sends, and
      # Nagle's algorithm with delayed ACKs then stalls each response about 40 ms.)
      SERVER_COMMAND=("$PYTHON" -m http.server "$port" --bind 127.0.0.1 --directory "$FILES_DIR")
      ;;
    *) die "unknown server: $name (known: ours ours-host ours-before nginx node-http python)" ;;
  esac
}

# Our server on Node binary NODE, from build MAIN_JS, with the Node flags that follow (the
# image's, normally). Log level warn: no access log, as nginx has `access_log off`.
# NODE_PATH lets a copied build find its packages in ours (Node tries it only after the
# build's own node_modules).
our_server_command() {
  local node=$1 main_js=$2 port=$3
  shift 3
  SERVER_COMMAND=(env "NODE_PATH=$REPO_DIR/node_modules" "$node" "$@" "$main_js"
    --root "$FILES_DIR" --port "$port" --host 127.0.0.1 --log-level warn)
}

# What runs each server (the Node release for ours and node-http), one JSON line each, for
# the report; the command lines show the work directory as WORK and this checkout as `.`.
servers_json() {
  local server runtime command
  for server in $SERVERS; do
    server_command "$server" N
    case $server in
      ours | ours-before | node-http) runtime="Node $SHIPPED_NODE_VERSION" ;;
      ours-host) runtime="Node $HOST_NODE_VERSION" ;;
      *) runtime='' ;;
    esac
    command=${SERVER_COMMAND[*]}
    command=${command//"$WORK_DIR"/WORK}
    command=${command//"$REPO_DIR"/.}
    printf '{"server":"%s","runtime":%s,"command":%s}\n' \
      "$server" "$(json_string "$runtime")" "$(json_string "$command")"
  done
}

write_nginx_config() {
  sed -e "s|@ROOT@|$FILES_DIR|g" -e "s|@PORT@|$1|g" -e "s|@RUN_DIR@|$RUN_DIR|g" \
    -e "s|@SENDFILE@|$NGINX_SENDFILE|g" \
    "$BENCH_DIR/nginx.conf.template" >"$RUN_DIR/nginx.conf"
}

# Starts server NAME on PORT, pinned, and waits until it answers. Sets SERVER_PID.
# Returns 1 (after printing the end of its log) if it does not come up.
start_server() {
  local name=$1 port=$2 log=$3
  server_command "$name" "$port"
  launch "$log" "${SERVER_PIN[@]}" "${SERVER_COMMAND[@]}"
  SERVER_PID=$LAUNCHED_PID
  if ! wait_until_serving "$port" "$SERVER_PID"; then
    warn "$name did not start; the end of its log:"
    tail -n 5 "$log" >&2
    stop_process_tree "$SERVER_PID"
    return 1
  fi
}

# Polls with curl (each try bounded to 1 s) until the server answers 200 for the 1 KiB
# file; fails if the process exits or SERVER_START_TIMEOUT_S passes.
wait_until_serving() {
  local port=$1 pid=$2 deadline=$((SECONDS + SERVER_START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$port/1k.bin" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
