# shellcheck shell=bash disable=SC2034 # (globals used by the files that source this one)
# Settings, logging and small helpers shared by bench/run and its lib/*.bash files.

# ---- Settings (environment variables; QUICK=1 picks the short mode) -------------------

# The issue asks for at least 3 runs of 10 s per scenario, each after a warm-up; the quick
# mode (about a minute in all) runs each once, briefly, to check that everything works.
if [[ -n ${QUICK:-} && ${QUICK} != 0 ]]; then
  MODE=quick
  REPEATS=${REPEATS:-1}
  DURATION_S=${DURATION_S:-1}
  WARMUP_S=${WARMUP_S:-1}
else
  MODE=full
  REPEATS=${REPEATS:-3}
  DURATION_S=${DURATION_S:-10}
  WARMUP_S=${WARMUP_S:-2}
fi
# Unset SERVERS: every server that applies (see settle_server_list in lib/servers.bash).
SERVERS_GIVEN=${SERVERS:+yes}
SERVERS=${SERVERS:-}
SCENARIOS=${SCENARIOS:-1 2 3 4 5 6}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-1000}
# The issue asks for nginx with sendfile on; NGINX_SENDFILE=off shows what that costs it
# on loopback for large files (see bench/README.md).
NGINX_SENDFILE=${NGINX_SENDFILE:-on}
# Where the results go: the full run's files are kept in git, the quick ones are not.
RESULTS_NAME=${RESULTS_NAME:-$([[ $MODE == full ]] && echo latest || echo quick)}

# Extra seconds a wrk call may take past its duration before `timeout` ends it.
readonly WRK_GRACE_S=20
# How long a server may take to answer its first request.
readonly SERVER_START_TIMEOUT_S=15
# How often each of scenario 6's idle connections sends a small GET (whole seconds, well
# under every server's keep-alive timeout: ours closes after 5 s of silence).
readonly HOLDER_PING_INTERVAL_S=2
# How long a server may take to stop after SIGTERM before it gets SIGKILL.
readonly SERVER_STOP_TIMEOUT_S=5

# ---- Logging ---------------------------------------------------------------------------

say() { printf '[bench] %s\n' "$*" >&2; }
warn() { printf '[bench] warning: %s\n' "$*" >&2; }
die() {
  printf '[bench] error: %s\n' "$*" >&2
  exit 1
}

# ---- Small helpers ---------------------------------------------------------------------

is_root() { [[ $(id -u) == 0 ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

# A free TCP port on 127.0.0.1, chosen by the kernel (listen on port 0, read, close).
free_port() {
  node -e "const s = require('node:net').createServer();
    s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

# Quotes a string for JSON (backslash, double quote, control characters as spaces).
json_string() {
  local text=${1//\\/\\\\}
  text=${text//\"/\\\"}
  text=${text//[$'\t\r\n']/ }
  printf '"%s"' "$text"
}
