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

# need_fixture dotfile|symlink-out: a fixture of the path-safety checks, or an error saying
# what the site folder lacks and how to put it back (never a pass or a fail: without the
# fixture the check would test nothing).
need_fixture() {
  local lost=" (a copy of the site may lose it; scripts/site-fixtures DIR puts back the lab's)"
  case $1 in
    dotfile) site_dotfile || cannot_check "the site folder has no dotfile, like files/.env in the lab's site$lost" ;;
    symlink-out)
      site_symlink_out && return 0
      if [[ -e $SITE_DIR/files/outside-link ]]; then
        lost=": files/outside-link is a plain file, as git on Windows and zip make of a link; scripts/site-fixtures DIR makes it a link again"
      fi
      cannot_check "the site folder has no symbolic link leading out of it, like files/outside-link -> /etc/passwd in the lab's site$lost" ;;
  esac
}

# The whole run's time budget, in seconds (times --timeout-scale): against any target, however
# slow or hostile, the run waits on it for about this long at most. A check that would start
# later is not run, and an exchange that would end later is cut short; both are reported as
# errors saying so. It counts the time spent in exchanges (TARGET_WAITED_MS: connecting,
# sending, waiting, reading), not the wall clock: the grader's own work (starting nc, reading
# what came back, writing the reports) is the machine's speed, not the server's, and a busy
# machine must not cut a correct server short.
readonly RUN_BUDGET=120
RUN_BUDGET_MS=0     # RUN_BUDGET scaled (scale_time_limits)
TARGET_WAITED_MS=0  # the run's time in exchanges so far; a check adds its own as it goes

# waited_in DIR: WAITED_IN is the time the exchanges kept in DIR spent, in ms (each wrote its
# .waited-ms).
WAITED_IN=0
waited_in() {
  local file ms total=0
  for file in "$1"/exchange-*.waited-ms; do
    [[ -s $file ]] || continue
    IFS= read -r ms <"$file"
    total=$((total + ms))
  done
  WAITED_IN=$total
}

# slowness_note: how long the server took to begin its responses so far, when that is what
# spent the budget (every exchange writes its first-byte-ms; a correct server takes ~0.01 s).
slowness_note() {
  local total=0 count=0 ms file
  for file in "$RESULTS_DIR"/*/exchange-*.first-byte-ms; do
    [[ -s $file ]] || continue
    IFS= read -r ms <"$file"
    ((ms > 0)) || continue
    total=$((total + ms)) count=$((count + 1))
  done
  ((count > 0 && total / count >= 200)) || return 0
  printf '; the server took %s s on average to begin each of its %s so far, where a prompt one takes about 0.01 s' \
    "$(seconds_of $((total / count)))" "$(plural "$count" response)"
}

# run_checks ID...: runs the checks in order. A run stops early, and the remaining checks are
# recorded at once as errors that say why, when
#   - the target did not answer the first request (DEAD_REASON is set before the run),
#   - a check met a flood (a response past the byte cap), or
#   - a check met trouble (a refused connection, a stall, no answer) and the server then fails
#     a plain GET / as well (server_answers), or
#   - the run's time budget is spent.
DEAD_REASON=''
run_checks() {
  local index=0 id
  for id in "$@"; do
    index=$((index + 1))
    CHECK_DIR=$RESULTS_DIR/$(printf '%03d' "$index")-$id
    mkdir -p "$CHECK_DIR"
    write_check_meta "$id"
    if [[ -z $DEAD_REASON ]] && ((TARGET_WAITED_MS >= RUN_BUDGET_MS)); then
      DEAD_REASON="the run's time budget ($(seconds_of "$RUN_BUDGET_MS") s of waiting on the server) was spent before this check$(slowness_note)"
      say "the time budget is spent; the remaining checks are errors"
    fi
    if [[ -n $DEAD_REASON ]]; then
      record_not_run "$id"
      continue
    fi
    run_one_check "$id"
    waited_in "$CHECK_DIR"
    TARGET_WAITED_MS=$((TARGET_WAITED_MS + WAITED_IN))
    show_progress "$id"
    judge_the_target_after "$id"
  done
}

record_not_run() {
  printf 'not run: %s\n' "$DEAD_REASON" >"$CHECK_DIR/error"
  printf 'error\n' >"$CHECK_DIR/verdict"
  printf '0\n' >"$CHECK_DIR/ms"
  show_progress "$1"
}

# judge_the_target_after ID: after a flood, or trouble the server does not recover from, the
# rest of the run is not worth waiting for.
judge_the_target_after() {
  local reason
  [[ -f $CHECK_DIR/trouble ]] || return 0
  reason=$(head -n 1 "$CHECK_DIR/trouble")
  if [[ -f $CHECK_DIR/flooded ]]; then
    DEAD_REASON="during $1, $reason"
  elif ! server_answers; then
    DEAD_REASON="after $1, no answer to a plain GET /: $PROBE_REASON"
  else
    return 0
  fi
  say "$DEAD_REASON; the remaining checks are errors"
}

write_check_meta() {
  printf '%s\n' "$1" >"$CHECK_DIR/id"
  group_of "$1" >"$CHECK_DIR/group"
  printf '%s\n' "${CHECK_POINTS[$1]}" >"$CHECK_DIR/points"
  printf '%s\n' "${CHECK_DESCRIPTION[$1]}" >"$CHECK_DIR/description"
  : >"$CHECK_DIR/expectations" # none yet; a check not run (record_not_run) keeps none
}

run_one_check() {
  local id=$1 started=${EPOCHREALTIME/./} status=0
  : >"$CHECK_DIR/expectations"
  set +e
  (
    set -Eeuo pipefail
    # An error file already written (by cannot_check) says more than the failing line does.
    # Only this subshell's own failures count, not those of pipes and substitutions in it.
    CHECK_SUBSHELL=$BASH_SUBSHELL
    trap '((BASH_SUBSHELL != CHECK_SUBSHELL)) || [[ -s $CHECK_DIR/error ]] || printf "the check stopped on an unexpected error (a bug in the suite): line %s: %s\n" "$LINENO" "$BASH_COMMAND" >"$CHECK_DIR/error"' ERR
    EXCHANGE_COUNT=0 TROUBLE='' FLOODED=''
    "$id"
    judge_framing
  )
  status=$?
  set -e
  printf '%s\n' $(((${EPOCHREALTIME/./} - started) / 1000)) >"$CHECK_DIR/ms"
  # A check that died half-way (not one that said why it could not go on: cannot_check exits
  # with 3) may have met a dead server: let the runner probe.
  ((status == 0 || status == 3)) || [[ -f $CHECK_DIR/trouble ]] || printf 'the check stopped half-way\n' >"$CHECK_DIR/trouble"
  verdict_of "$status" >"$CHECK_DIR/verdict"
  # What the reports never show goes at once, so that the temporary files stay small.
  rm -f "$CHECK_DIR"/exchange-*.body "$CHECK_DIR"/exchange-*.window "$CHECK_DIR/wanted-body" "$CHECK_DIR"/exchange-*.out
}

# verdict_of STATUS: pass, fail or error, from the check's exit status and its expectations
# (one failed expectation fails it; none at all is a bug in the suite).
verdict_of() {
  local line verdict=''
  if [[ -s $CHECK_DIR/error ]] || (($1 != 0)); then
    [[ -s $CHECK_DIR/error ]] || printf 'the check stopped with status %s\n' "$1" >"$CHECK_DIR/error"
    printf 'error\n'
    return 0
  fi
  while IFS= read -r line; do
    case $line in
      fail*) verdict=fail && break ;;
      ok*) verdict=pass ;;
    esac
  done <"$CHECK_DIR/expectations"
  if [[ -z $verdict ]]; then
    printf 'the check stated no expectation (a bug in the suite)\n' >"$CHECK_DIR/error"
    verdict=error
  fi
  printf '%s\n' "$verdict"
}

# server_answers: one plain GET /, in a subshell of its own (a probe is not part of any check,
# and is never cut by the time budget, though its time counts against it). True when an HTTP
# status line came back and the exchange neither stalled nor flooded; else PROBE_REASON says
# what happened.
PROBE_REASON=''
server_answers() {
  local probe_dir
  probe_dir=$(mktemp -d "$RESULTS_DIR/probe.XXXXXX")
  (
    CHECK_DIR=$probe_dir EXCHANGE_COUNT=0 TROUBLE='' FLOODED='' TARGET_WAITED_MS=0
    send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
    if [[ -n $TROUBLE ]]; then
      printf '%s\n' "$TROUBLE" >"$CHECK_DIR/reason"
    elif [[ -z $STATUS ]]; then
      printf '%s (%s)\n' "${RESPONSE_PROBLEM:-it sent no response}" "$(<"$EXCHANGE.end")" >"$CHECK_DIR/reason"
    fi
  ) || printf 'the probe stopped on an unexpected error (a bug in the suite)\n' >"$probe_dir/reason"
  PROBE_REASON=''
  [[ ! -s $probe_dir/reason ]] || IFS= read -r PROBE_REASON <"$probe_dir/reason"
  waited_in "$probe_dir"
  TARGET_WAITED_MS=$((TARGET_WAITED_MS + WAITED_IN))
  rm -rf "$probe_dir"
  [[ -z $PROBE_REASON ]]
}

# show_progress ID: one line per check on a terminal, so a long run shows it is alive.
show_progress() {
  [[ -t 2 ]] || return 0
  printf '  %-5s %s\n' "$(tr '[:lower:]' '[:upper:]' <"$CHECK_DIR/verdict")" "$1" >&2
}
