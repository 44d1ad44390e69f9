# shellcheck shell=bash
# What students see of each check on Gradescope, as the teacher decides it in a file passed with
# --visibility FILE (docs/GRADING.md, "Teacher controls"). One rule a line, later lines win:
#
#     # comment
#     *                    visible
#     paths.traversal-*    hidden
#     errors               after_due_date
#     stage:12             after_due_date
#
# The selector is a check id, a group, a stage (stage:N or stage:NAME), or a glob over check
# ids (* ? [..]). The visibility is one of:
#   visible          the student sees the check and its whole failure report (the default)
#   after_due_date   Gradescope shows the check, report included, once the due date has passed
#   hidden           the student sees the check's name, pass or fail, and its points; none of
#                    the bytes, the expectation or the retry command
# Only results.json is affected: text, TAP, JUnit and HTML are the teacher's (and a student's
# own, when they run the grader themselves).

declare -A CHECK_VISIBILITY=() # id -> visible | after_due_date | hidden

# load_visibility FILE: reads the rules, or stops the run (exit 2) naming the line at fault.
load_visibility() {
  local file=$1 line number=0 selector visibility extra matched id
  [[ -r $file && ! -d $file ]] || cannot_run "--visibility $file: no such readable file"
  while IFS= read -r line || [[ -n $line ]]; do
    number=$((number + 1))
    line=${line%%#*}
    read -r selector visibility extra <<<"$line" || true
    [[ -n $selector ]] || continue
    [[ -n $visibility && -z $extra ]] ||
      cannot_run "$file, line $number: expected a selector and a visibility, like 'errors.missing-host hidden'"
    case $visibility in
      visible | after_due_date | hidden) ;;
      *) cannot_run "$file, line $number: '$visibility' is not a visibility (visible, after_due_date or hidden)" ;;
    esac
    matched=0
    for id in "${CHECK_IDS[@]}"; do
      if selects "$selector" "$id"; then
        CHECK_VISIBILITY[$id]=$visibility
        matched=1
      fi
    done
    ((matched)) ||
      cannot_run "$file, line $number: '$selector' names no check, group or stage (scripts/grade --list shows them)"
  done <"$file"
}

# selects SELECTOR ID: true when the rule's selector covers the check.
selects() {
  local selector=$1 id=$2 number
  if [[ $selector == stage:* ]]; then
    number=$(stage_number "${selector#stage:}") ||
      cannot_run "visibility: no stage '${selector#stage:}' (1 to $STAGE_COUNT, or ${STAGE_NAMES[*]})"
    [[ ${CHECK_STAGE[$id]:-$UNPLACED_STAGE} == "$number" ]]
  elif [[ $selector != *.* && $selector != *[*?[]* ]]; then
    [[ ${id%%.*} == "$selector" ]]
  else
    # shellcheck disable=SC2053 # the selector is a glob on purpose
    [[ $id == $selector ]]
  fi
}

visibility_of() { printf '%s\n' "${CHECK_VISIBILITY[$1]:-visible}"; }
