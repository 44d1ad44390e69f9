# shellcheck shell=bash
# The check registry and the loop that runs checks.
#
# A check is a bash function whose name is its id ("basics.get-root"); the part before the dot
# is its group. It is registered, just above its definition, with
#     check ID POINTS "one-line description"
# and when it runs it sends requests (wire.sh) and states expectations (expect.sh).
#
# Each check runs in a subshell of its own, with errexit on, so a bug in one check cannot
# disturb the next: its results go to files in its folder $RESULTS_DIR/NNN-ID/:
#   id group points description   what it is            verdict   pass | fail | error
#   expectations                    see expect.sh          error     why it could not be judged
#   exchange-N.*                    see wire.sh            ms        how long it took

readonly GROUPS_IN_ORDER=(basics mime methods errors paths caching ranges connections)
CHECK_IDS=()
declare -A CHECK_POINTS=() CHECK_DESCRIPTION=()
RESULTS_DIR=

check() {
  CHECK_IDS+=("$1")
  CHECK_POINTS[$1]=$2
  CHECK_DESCRIPTION[$1]=$3
}

group_of() { printf '%s\n' "${1%%.*}"; }

# cannot_check REASON: ends the running check as an error (not a failure): the suite could not
# carry it out, so it says nothing about the server (a site without a PNG, say).
cannot_check() {
  printf '%s\n' "$*" >"$CHECK_DIR/error"
  exit 3
}

# need_site_file KIND: the site file a check needs, or an error naming what is missing.
need_site_file() {
  site_file "$1" || cannot_check "the site folder has no file of the kind '$1' (see docs/GRADING.md for what a site needs)"
}

# run_checks ID...: runs the checks in order. When one ends with a timeout or a refused
# connection (or dies half-way), the server is probed; if it no longer answers, every
# remaining check is recorded as an error at once rather than waiting on a dead server.
run_checks() {
  local index=0 id dead_after=
  for id in "$@"; do
    index=$((index + 1))
    CHECK_DIR=$RESULTS_DIR/$(printf '%03d' "$index")-$id
    mkdir -p "$CHECK_DIR"
    write_check_meta "$id"
    if [[ -n $dead_after ]]; then
      printf 'not run: the server stopped answering after %s\n' "$dead_after" >"$CHECK_DIR/error"
      printf 'error\n' >"$CHECK_DIR/verdict"
      printf '0\n' >"$CHECK_DIR/ms"
      show_progress "$id"
      continue
    fi
    run_one_check "$id"
    show_progress "$id"
    if [[ -f $CHECK_DIR/trouble ]] && ! server_answers; then
      dead_after=$id
      say "the server no longer answers after $id; the remaining checks are errors"
    fi
  done
}

write_check_meta() {
  printf '%s\n' "$1" >"$CHECK_DIR/id"
  group_of "$1" >"$CHECK_DIR/group"
  printf '%s\n' "${CHECK_POINTS[$1]}" >"$CHECK_DIR/points"
  printf '%s\n' "${CHECK_DESCRIPTION[$1]}" >"$CHECK_DIR/description"
}

run_one_check() {
  local id=$1 started status=0
  started=$(now_us)
  : >"$CHECK_DIR/expectations"
  set +e
  (
    set -Eeuo pipefail
    # An error file already written (by cannot_check) says more than the failing line does.
    # Only this subshell's own failures count, not those of pipes and substitutions in it.
    CHECK_SUBSHELL=$BASH_SUBSHELL
    trap '((BASH_SUBSHELL != CHECK_SUBSHELL)) || [[ -s $CHECK_DIR/error ]] || printf "the check stopped on an unexpected error (a bug in the suite): line %s: %s\n" "$LINENO" "$BASH_COMMAND" >"$CHECK_DIR/error"' ERR
    EXCHANGE_COUNT=0 TROUBLE=
    "$id"
    [[ -z $TROUBLE ]] || : >"$CHECK_DIR/trouble"
  )
  status=$?
  set -e
  printf '%s\n' $((($(now_us) - started) / 1000)) >"$CHECK_DIR/ms"
  # A check that died half-way may have met a dead server: let the runner probe.
  ((status == 0)) || : >"$CHECK_DIR/trouble"
  printf '%s\n' "$(verdict_of "$status")" >"$CHECK_DIR/verdict"
}

verdict_of() {
  if [[ -s $CHECK_DIR/error ]] || (($1 != 0)); then
    [[ -s $CHECK_DIR/error ]] || printf 'the check stopped with status %s\n' "$1" >"$CHECK_DIR/error"
    printf 'error\n'
  elif grep -q '^fail' "$CHECK_DIR/expectations"; then
    printf 'fail\n'
  elif grep -q '^ok' "$CHECK_DIR/expectations"; then
    printf 'pass\n'
  else
    printf 'the check stated no expectation (a bug in the suite)\n' >"$CHECK_DIR/error"
    printf 'error\n'
  fi
}

# server_answers: one plain request; true when any HTTP status line comes back.
server_answers() {
  local saved_dir=$CHECK_DIR saved_count=$EXCHANGE_COUNT answered=1
  CHECK_DIR=$(mktemp -d "$RESULTS_DIR/probe.XXXXXX")
  EXCHANGE_COUNT=0
  send --limit 5 "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  if [[ -z $STATUS ]]; then
    answered=0
    if [[ $END_KIND == refused ]]; then
      cat "$EXCHANGE.end" >"$RESULTS_DIR/probe-end"
    else
      printf '%s; connection: %s\n' "${RESPONSE_PROBLEM:-no response}" "$(cat "$EXCHANGE.end")" >"$RESULTS_DIR/probe-end"
    fi
  fi
  rm -rf "$CHECK_DIR"
  CHECK_DIR=$saved_dir EXCHANGE_COUNT=$saved_count
  ((answered))
}

# show_progress ID: one line per check on a terminal, so a long run shows it is alive.
show_progress() {
  [[ -t 2 ]] || return 0
  printf '  %-5s %s\n' "$(tr '[:lower:]' '[:upper:]' <"$CHECK_DIR/verdict")" "$1" >&2
}
