# shellcheck shell=bash
# shellcheck disable=SC2034 # globals that the commands sourcing this file read
# What grade-submission and grade-class share: messages, the named limits, the checks (always
# read from `scripts/grade --list`, never written down here, so that a new check is a new
# column), the points a report shows as earned, and text made safe for CSV and URLs (for JSON,
# XML, TAP and HTML, the grader's escape.sh).

readonly EXIT_SOME_FAILED=1 EXIT_COULD_NOT_RUN=2
readonly STATUSES=(graded build-failed no-listen crashed timeout)

say() { printf '%s: %s\n' "$PROGRAM" "$*" >&2; }

# usage_error TEXT: a bad command line; nothing was graded (exit 2).
usage_error() {
  say "$*"
  say "usage: $USAGE"
  exit "$EXIT_COULD_NOT_RUN"
}

# --- the limits, each named, with its unit and its reason ------------------------------------
# Each may be changed through the environment variable of the same name (a heavier language, a
# slow machine); docs/CLASS.md lists them.
: "${GRADING_BUILD_LIMIT_S:=300}"  # docker build: a language and a few packages take a minute or two
: "${GRADING_START_LIMIT_S:=30}"   # from the start to accepting connections: a JVM starts in seconds
: "${GRADING_GRADE_LIMIT_S:=600}"  # one run of scripts/grade: about a minute against a correct server
: "${GRADING_ANSWER_LIMIT_S:=5}"   # after grading, the time a server has to answer a plain GET /
: "${GRADING_STOP_GRACE_S:=2}"     # from SIGTERM to SIGKILL when a server is stopped
: "${GRADING_RUN_LOG_MIB:=10}"     # what a running server may write to its log (then cut or stopped)
: "${GRADING_CPUS:=1}"             # container mode: CPUs a server may use
: "${GRADING_MEMORY_MIB:=256}"     # container mode: its memory (no swap); the lab's server needs 100
: "${GRADING_PIDS:=128}"           # container mode: its processes and threads; Node uses about 12
: "${GRADING_TMP_MIB:=16}"         # container mode: its writable /tmp (the rest of its disk is read-only)

check_limits() {
  local name
  for name in GRADING_BUILD_LIMIT_S GRADING_START_LIMIT_S GRADING_GRADE_LIMIT_S GRADING_ANSWER_LIMIT_S \
    GRADING_STOP_GRACE_S GRADING_RUN_LOG_MIB GRADING_CPUS GRADING_MEMORY_MIB GRADING_PIDS GRADING_TMP_MIB; do
    [[ ${!name} =~ ^[1-9][0-9]{0,5}$ ]] || usage_error "$name must be a whole number from 1 to 999999 (got '${!name}')"
  done
}

# check_timeout_scale N: refuses what scripts/grade's --timeout-scale would.
check_timeout_scale() {
  [[ $1 =~ ^[0-9]+(\.[0-9]{1,3})?$ && ! $1 =~ ^0+(\.0*)?$ ]] \
    || usage_error "--timeout-scale needs a positive number like 2 or 1.5 (got '$1')"
}

# visibility_file_of FILE: FILE's absolute path, once scripts/grade has read it as a visibility
# file (--visibility); a file it refuses is a usage error with its own words (which line, why).
visibility_file_of() {
  local problem
  [[ -f $1 && -r $1 ]] || usage_error "--visibility $1: no such readable file"
  problem=$("$SCRIPTS/grade" --list --visibility "$1" 2>&1 >/dev/null) ||
    usage_error "--visibility: ${problem#grade: cannot run: }"
  printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"
}

# Lines of a log shown in a report when a submission did not build or run.
readonly LOG_TAIL_LINES=30

# --- the checks ------------------------------------------------------------------------------
# CHECK_IDS in the grader's order; CHECK_GROUP, CHECK_POINTS, CHECK_TEXT by id; GROUP_NAMES in order.
CHECK_IDS=() GROUP_NAMES=()
declare -A CHECK_GROUP=() CHECK_POINTS=() CHECK_TEXT=()

# load_checks: reads `scripts/grade --list`, whose first line names its columns (ID, GROUP,
# POINTS, then DESCRIPTION, the rest of the line). Columns are found by name, so that a new
# column does not break this. Fails when the list cannot be read.
load_checks() {
  local lines header line id_at=-1 group_at=-1 points_at=-1 text_at=-1 i fields
  mapfile -t lines < <("$SCRIPTS/grade" --list 2>/dev/null) || return 1
  ((${#lines[@]} > 1)) || return 1
  read -ra header <<<"${lines[0]}"
  for i in "${!header[@]}"; do
    case ${header[i]} in
      ID) id_at=$i ;;
      GROUP) group_at=$i ;;
      POINTS) points_at=$i ;;
      DESCRIPTION) text_at=$i ;;
    esac
  done
  ((id_at >= 0 && group_at >= 0 && points_at >= 0 && text_at > id_at)) || return 1
  for line in "${lines[@]:1}"; do
    read -ra fields <<<"$line"
    ((${#fields[@]} > text_at)) && [[ ${fields[points_at]} =~ ^[0-9]+$ ]] || return 1
    add_check "${fields[id_at]}" "${fields[group_at]}" "${fields[points_at]}" "${fields[*]:text_at}"
  done
}

add_check() {
  CHECK_IDS+=("$1")
  CHECK_GROUP[$1]=$2
  CHECK_POINTS[$1]=$3
  CHECK_TEXT[$1]=$4
  [[ " ${GROUP_NAMES[*]} " == *" $2 "* ]] || GROUP_NAMES+=("$2")
}

max_score() {
  local id total=0
  for id in "${CHECK_IDS[@]}"; do total=$((total + CHECK_POINTS[$id])); done
  printf '%s\n' "$total"
}

# read_earned TAP_FILE: EARNED[id] = the points each check in a TAP report earned: all of its
# points on an "ok" line (and PASSED[id]=1), 0 on "not ok" or a skipped check. A check the
# report does not list has no entry. TAP is the grader's machine-readable verdict, one line a
# check: "ok N - ID: description" or "not ok N - ID: description".
declare -A EARNED=() PASSED=()
read_earned() {
  local line id
  EARNED=() PASSED=()
  [[ -f $1 ]] || return 0
  while IFS= read -r line; do
    [[ $line =~ ^(not\ )?ok\ [0-9]+\ -\ ([^:[:space:]]+) ]] || continue
    id=${BASH_REMATCH[2]}
    [[ -n ${CHECK_POINTS[$id]:-} ]] || continue
    # A SKIP directive is a # not escaped as \# (TAP 14), as the grader escapes one in a description.
    if [[ -z ${BASH_REMATCH[1]} && ! $line =~ (^|[^\\])\#\ *[Ss][Kk][Ii][Pp] ]]; then
      EARNED[$id]=${CHECK_POINTS[$id]}
      PASSED[$id]=1
    else
      EARNED[$id]=0
    fi
  done <"$1"
}

# earned_total [GROUP]: the points in EARNED, of one group or all.
earned_total() {
  local id total=0
  for id in "${!EARNED[@]}"; do
    [[ -z ${1:-} || ${CHECK_GROUP[$id]} == "$1" ]] && total=$((total + EARNED[$id]))
  done
  printf '%s\n' "$total"
}

# passed_checks [GROUP]: how many checks passed, of one group or all.
passed_checks() {
  local id count=0
  for id in "${!PASSED[@]}"; do
    [[ -z ${1:-} || ${CHECK_GROUP[$id]} == "$1" ]] && count=$((count + 1))
  done
  printf '%s\n' "$count"
}

# group_points GROUP, group_checks GROUP: what a group is worth, and how many checks it has.
group_points() {
  local id total=0
  for id in "${CHECK_IDS[@]}"; do
    [[ ${CHECK_GROUP[$id]} == "$1" ]] && total=$((total + CHECK_POINTS[$id]))
  done
  printf '%s\n' "$total"
}

group_checks() {
  local id count=0
  for id in "${CHECK_IDS[@]}"; do [[ ${CHECK_GROUP[$id]} == "$1" ]] && count=$((count + 1)); done
  printf '%s\n' "$count"
}

percent_of() {
  if (($2 == 0)); then printf '0\n'; else printf '%s\n' $((100 * $1 / $2)); fi
}

# --- text made safe --------------------------------------------------------------------------

# JSON, XML, TAP and HTML text: the grader's own escaping (scripts/lib/escape.sh), so that a
# report grade-submission writes is as safe as one the grader writes: each writer marks its
# text (json_string, xml_text, html_text...) and pipes the finished report through
# escape_marked.
# shellcheck source=scripts/lib/escape.sh
source "$SCRIPTS/lib/escape.sh"

# csv_field TEXT: quoted (with " doubled) when it holds a comma, a quote or a line break.
csv_field() {
  if [[ $1 == *[,\"$'\n\r']* ]]; then
    printf '"%s"' "${1//'"'/'""'}"
  else
    printf '%s' "$1"
  fi
}

# url_path TEXT: TEXT percent-encoded for a relative link (every byte but A-Z a-z 0-9 - . _ ~).
url_path() {
  local LC_ALL=C text=$1 i c out=''
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s' "$out"
}

# log_tail FILE: the last lines of a log, each cut to 300 characters, for a report.
log_tail() {
  [[ -s $1 ]] || return 0
  tail -n "$LOG_TAIL_LINES" "$1" | cut -c 1-300
}

# keep_tail FILE BYTES: cuts FILE down to its last BYTES bytes.
keep_tail() {
  local size
  [[ -f $1 ]] || return 0
  size=$(wc -c <"$1")
  ((size > $2)) || return 0
  tail -c "$2" "$1" >"$1.cut" && mv "$1.cut" "$1"
}

# run_id: 10 random hex digits, so that two runs, or two checkouts, never share a name.
run_id() {
  od -An -N5 -tx1 /dev/urandom | tr -d ' \n'
}

# duration SECONDS: "45 s", "2 min 05 s".
duration() {
  if (($1 < 60)); then printf '%s s\n' "$1"; else printf '%s min %02d s\n' $(($1 / 60)) $(($1 % 60)); fi
}
