# shellcheck shell=bash disable=SC2034 # (globals used by the files that source this one)
# Making sure the tools are there: wrk, nginx, python3, taskset, curl, and a build of our
# server that matches the working tree.

# Debian package that provides each command the benchmark needs.
declare -A PACKAGE_OF=(
  [wrk]=wrk
  [nginx]=nginx-light
  [curl]=curl
  [taskset]=util-linux
  [python3]=python3
)

# Installs, with apt-get when we are root, the packages of the commands that are missing;
# otherwise says exactly what to run and stops.
install_missing_tools() {
  local -a missing=()
  local command
  for command in "${!PACKAGE_OF[@]}"; do
    if ! have "$command" && ! [[ -x /usr/sbin/$command ]]; then
      missing+=("${PACKAGE_OF[$command]}")
    fi
  done
  ((${#missing[@]} == 0)) && return 0

  if ! is_root || ! have apt-get; then
    die "missing tools; install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# nginx lives in /usr/sbin, which is not on every user's PATH.
nginx_command() {
  if have nginx; then command -v nginx; else echo /usr/sbin/nginx; fi
}

# The real Python interpreter (not a pyenv shim), so the PID we start is Python's own.
python_command() {
  python3 -c 'import sys; print(sys.executable)'
}

# True when server/dist/main.js is missing or older than a source or build setting.
our_build_is_stale() {
  local main_js=$REPO_DIR/server/dist/main.js
  [[ -f $main_js ]] || return 0
  [[ -n $(find "$REPO_DIR/server/src" "$REPO_DIR/package.json" "$REPO_DIR/tsconfig.json" \
    "$REPO_DIR/tsconfig.build.json" -newer "$main_js" -print -quit 2>/dev/null) ]]
}

# npm ci installs exactly the lockfile, as the Makefile does; no fallback to npm install,
# which could install other versions than the lockfile's.
install_node_modules() {
  (cd "$REPO_DIR" && npm ci --no-audit --no-fund) >&2 || die "npm ci failed (above)"
}

# Builds our server when needed. If its sources do not exist yet, ours (and ours-host) are
# left out of this run (the other servers still run), so the benchmark can be developed
# before it. A build given by path (OUR_SERVER, OUR_BASELINE) is used as it is.
prepare_our_server() {
  if [[ " $SERVERS " == *" ours-before "* && -z ${OUR_BASELINE:-} ]]; then
    die "ours-before needs OUR_BASELINE=path/to/main.js (the build to compare with)"
  fi
  check_given_build OUR_BASELINE
  if [[ ${OUR_SERVER_GIVEN:-} == yes ]]; then
    check_given_build OUR_SERVER
    return 0
  fi
  if [[ ! -f $REPO_DIR/server/src/main.ts ]]; then
    warn "server/src/main.ts does not exist yet: leaving our server out of this run"
    local server kept=''
    for server in $SERVERS; do
      [[ $server == ours || $server == ours-host ]] || kept+="$server "
    done
    SERVERS=$kept
    return 0
  fi
  our_build_is_stale || return 0
  say "building our server (server/dist/main.js is missing or older than its sources)"
  if [[ ! -d $REPO_DIR/node_modules ]]; then
    install_node_modules
  fi
  (cd "$REPO_DIR" && npm run --silent build) >&2 || die "npm run build failed"
}

# A build named by the variable NAME (OUR_SERVER, OUR_BASELINE) must exist; NAME becomes
# its absolute path.
check_given_build() {
  local name=$1 path=${!1:-}
  [[ -n $path ]] || return 0
  [[ -f $path ]] || die "$name=$path: no such file (name the main.js of a build, such as server/dist/main.js)"
  printf -v "$name" '%s' "$(realpath "$path")"
}

# Copies the build into the work directory and runs ours from there: server/dist may be
# rebuilt while the benchmark runs (someone is working on the server), and every run of
# one benchmark must measure the same build. The copy finds its packages via NODE_PATH
# (the build is CommonJS, which honours it).
snapshot_our_server() {
  [[ ${OUR_SERVER_GIVEN:-} == yes ]] && return 0
  [[ " $SERVERS " == *" ours "* || " $SERVERS " == *" ours-host "* ]] || return 0
  cp -R "$REPO_DIR/server/dist" "$WORK_DIR/our-server"
  OUR_SERVER=$WORK_DIR/our-server/main.js
}

# Lets one process hold the 1,000 idle connections plus wrk's, with room to spare.
raise_open_file_limit() {
  local wanted=$((IDLE_CONNECTIONS + 1024)) hard
  hard=$(ulimit -Hn)
  if [[ $hard != unlimited ]] && ((hard < wanted)); then
    ulimit -Hn "$wanted" 2>/dev/null || warn "cannot raise the open-file limit past $hard"
    hard=$(ulimit -Hn)
  fi
  ulimit -Sn "$hard"
}
