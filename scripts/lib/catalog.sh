# shellcheck shell=bash
# What each check is for, beside what it does: the stage it belongs to on the way from the seed
# to a complete server, and the rule it enforces. Both are declared right under the check's
# registration in scripts/checks/NN-GROUP.sh, and apply to the check registered last:
#
#     check errors.missing-host 2 "HTTP/1.1 without a Host field: 400"
#     stage malformed
#     rfc 'RFC 9112 §3.2' 'A server MUST respond with a 400 (Bad Request) status code to any ...'
#
# or, where no RFC sentence decides and the lab made a choice:
#
#     lab_choice 'one bad request must never take the server down for everyone else'
#
# `rfc` takes an optional third argument, a note on how the lab applies the sentence.
# A check without a stage or a rule still runs (in a last "not yet placed" stage), but
# `scripts/grade --list` flags it and the test suite fails on it.

# The stages, in the order a student meets them, from the seed's scope onward.
readonly STAGE_NAMES=(answer status-line files not-found types methods malformed paths conditional ranges persistent hostile)
declare -A STAGE_TITLE=(
  [answer]="answering at all"
  [status-line]="a status line"
  [files]="the right file"
  [not-found]="404 for a missing file"
  [types]="content types"
  [methods]="HEAD and methods"
  [malformed]="malformed requests"
  [paths]="paths and traversal"
  [conditional]="validators and conditional requests"
  [ranges]="ranges"
  [persistent]="persistent connections and pipelining"
  [hostile]="hostile input"
)
readonly STAGE_COUNT=${#STAGE_NAMES[@]}
readonly UNPLACED_STAGE=$((STAGE_COUNT + 1)) # where a check without a stage runs, last

declare -A CHECK_STAGE=()       # id -> stage number, 1..STAGE_COUNT
declare -A CHECK_RULE_SOURCE=() # id -> "RFC 9112 §3.2", or "the lab's own choice"
declare -A CHECK_RULE_TEXT=()   # id -> the RFC's sentence, or why the lab chose
declare -A CHECK_RULE_NOTE=()   # id -> how the lab applies the sentence (optional)

# last_check: LAST_CHECK is the id of the check registered last, for the declarations below.
# (A variable, not printed: every start of the grader declares 75 checks, and a subshell for
# each declaration cost 150 processes.)
LAST_CHECK=''
last_check() {
  ((${#CHECK_IDS[@]})) || { say "internal error: '${FUNCNAME[1]}' before any check"; exit 2; }
  LAST_CHECK=${CHECK_IDS[-1]}
}

# stage_number_into VAR NAME_OR_NUMBER: VAR = 1..STAGE_COUNT, or a failure. (Its local has a
# name no caller uses: printf -v would set the local, not the caller's VAR.)
stage_number_into() {
  local _stage_index
  if [[ $2 =~ ^[0-9]+$ ]]; then
    ((10#$2 >= 1 && 10#$2 <= STAGE_COUNT)) && printf -v "$1" '%d' $((10#$2)) && return 0
    return 1
  fi
  for _stage_index in "${!STAGE_NAMES[@]}"; do
    [[ ${STAGE_NAMES[_stage_index]} == "$2" ]] && printf -v "$1" '%d' $((_stage_index + 1)) && return 0
  done
  return 1
}

# stage_number NAME_OR_NUMBER: the same, printed.
stage_number() {
  local number
  stage_number_into number "$1" && printf '%s\n' "$number"
}

# stage NAME: the stage of the check registered last.
stage() {
  local number
  last_check
  stage_number_into number "$1" || { say "internal error: $LAST_CHECK: no stage '$1' (${STAGE_NAMES[*]})"; exit 2; }
  CHECK_STAGE[$LAST_CHECK]=$number
}

# rfc SOURCE QUOTE [NOTE]: the sentence of an RFC the check registered last enforces.
rfc() {
  last_check
  CHECK_RULE_SOURCE[$LAST_CHECK]=$1
  CHECK_RULE_TEXT[$LAST_CHECK]=$2
  CHECK_RULE_NOTE[$LAST_CHECK]=${3:-}
}

# lab_choice WHY: the check registered last enforces no RFC sentence but a choice of the lab.
lab_choice() {
  last_check
  CHECK_RULE_SOURCE[$LAST_CHECK]="the lab's own choice"
  CHECK_RULE_TEXT[$LAST_CHECK]=$1
  CHECK_RULE_NOTE[$LAST_CHECK]=''
}

stage_of() { printf '%s\n' "${CHECK_STAGE[$1]:-$UNPLACED_STAGE}"; }

# stage_title N: "malformed requests"; the stage after the last holds checks not yet placed.
stage_title() {
  if (($1 >= 1 && $1 <= STAGE_COUNT)); then
    printf '%s\n' "${STAGE_TITLE[${STAGE_NAMES[$1 - 1]}]}"
  else
    printf 'checks not yet placed in a stage\n'
  fi
}

# rule_line ID: the rule in one line, as every report shows it.
rule_line() {
  local source=${CHECK_RULE_SOURCE[$1]:-} text=${CHECK_RULE_TEXT[$1]:-} note=${CHECK_RULE_NOTE[$1]:-}
  if [[ -z $source ]]; then
    printf '(no rule recorded for this check)\n'
  elif [[ $source == "the lab's own choice" ]]; then
    printf "the lab's own choice: %s\n" "$text"
  else
    printf '%s: “%s”%s\n' "$source" "$text" "${note:+ ($note)}"
  fi
}

# catalog_problems: one line per check that lacks a stage or a rule (nothing when all is well).
catalog_problems() {
  local id
  for id in "${CHECK_IDS[@]}"; do
    [[ -n ${CHECK_STAGE[$id]:-} ]] || printf '%s has no stage (add: stage NAME under its check line)\n' "$id"
    [[ -n ${CHECK_RULE_SOURCE[$id]:-} ]] || printf '%s has no rule (add: rfc SOURCE QUOTE, or lab_choice WHY)\n' "$id"
  done
  return 0
}
