# shellcheck shell=bash
# The reports, all made from the result folders the runner wrote (see runner.sh):
# text (stdout), TAP 13, JUnit XML, Gradescope results.json, and the HTML page (report-html.sh).
# Each opens with the stage reached and the student's next step; each failure is told by
# failure.sh: its verdict, its rule, a command to retry it, the bytes, the caret, the cause.

# The results, read once into arrays indexed by the check's position in the run.
R_DIR=() R_ID=() R_GROUP=() R_STAGE=() R_POINTS=() R_DESCRIPTION=() R_VERDICT=() R_MS=() R_SCORE=()
R_VERDICT_TEXT=() # the verdict in one line (failure.sh), for a check that did not pass

load_results() {
  local dir i=0
  for dir in "$RESULTS_DIR"/[0-9][0-9][0-9]-*/; do
    [[ -d $dir ]] || continue
    dir=${dir%/}
    R_DIR[i]=$dir
    IFS= read -r "R_ID[i]" <"$dir/id"
    IFS= read -r "R_GROUP[i]" <"$dir/group"
    R_STAGE[i]=${CHECK_STAGE[${R_ID[i]}]:-$UNPLACED_STAGE}
    IFS= read -r "R_POINTS[i]" <"$dir/points"
    IFS= read -r "R_DESCRIPTION[i]" <"$dir/description"
    IFS= read -r "R_VERDICT[i]" <"$dir/verdict"
    IFS= read -r "R_MS[i]" <"$dir/ms"
    # A check earns all its points or none.
    if [[ ${R_VERDICT[i]} == pass ]]; then R_SCORE[i]=${R_POINTS[i]}; else R_SCORE[i]=0; fi
    R_VERDICT_TEXT[i]=''
    [[ ${R_VERDICT[i]} == pass ]] || verdict_text_into "R_VERDICT_TEXT[i]" "$dir"
    i=$((i + 1))
  done
}

count_verdict() {
  local verdict count=0
  for verdict in "${R_VERDICT[@]}"; do
    [[ $verdict == "$1" ]] && count=$((count + 1))
  done
  printf '%s\n' "$count"
}

all_passed() {
  local verdict
  for verdict in "${R_VERDICT[@]}"; do
    [[ $verdict == pass ]] || return 1
  done
}

# group_totals GROUP: "earned possible passed checks" for one group, or for all with "".
group_totals() {
  local i earned=0 possible=0 passed=0 checks=0
  for i in "${!R_ID[@]}"; do
    [[ -z $1 || ${R_GROUP[i]} == "$1" ]] || continue
    earned=$((earned + R_SCORE[i]))
    possible=$((possible + R_POINTS[i]))
    checks=$((checks + 1))
    [[ ${R_VERDICT[i]} == pass ]] && passed=$((passed + 1))
  done
  printf '%s %s %s %s\n' "$earned" "$possible" "$passed" "$checks"
}

# groups_run: the groups that have results, in order.
groups_run() {
  local group
  for group in "${GROUPS_IN_ORDER[@]}"; do
    [[ " ${R_GROUP[*]} " == *" $group "* ]] && printf '%s\n' "$group"
  done
  return 0
}

percent() {
  if (($2 == 0)); then printf '0\n'; else printf '%s\n' $((100 * $1 / $2)); fi
}

# --- stages: how far the server has come, and what to do next ------------------------------

# stages_run: the stages that have results, in order.
stages_run() {
  printf '%s\n' "${R_STAGE[@]}" | sort -n -u
}

# stage_totals N: "passed checks" for stage N.
stage_totals() {
  local i passed=0 checks=0
  for i in "${!R_ID[@]}"; do
    [[ ${R_STAGE[i]} == "$1" ]] || continue
    checks=$((checks + 1))
    [[ ${R_VERDICT[i]} == pass ]] && passed=$((passed + 1))
  done
  printf '%s %s\n' "$passed" "$checks"
}

# shown_to_student I: for results.json, true when the student sees check I now (visible or
# hidden, not after_due_date); for the other reports, always.
shown_to_student() {
  [[ ${PROGRESS_FOR:-} != gradescope ]] || [[ $(visibility_of "${R_ID[$1]}") != after_due_date ]]
}

# first_open_check: the index of the first check, in stage order, that did not pass; nothing
# when every check passed.
first_open_check() {
  local stage i
  while IFS= read -r stage; do
    for i in "${!R_ID[@]}"; do
      [[ ${R_STAGE[i]} == "$stage" && ${R_VERDICT[i]} != pass ]] && shown_to_student "$i" && printf '%s\n' "$i" && return 0
    done
  done < <(stages_run)
  return 0
}

# stage_reached: the last stage, counting from the first run, up to which every check passes.
stage_reached() {
  local stage reached=0 open
  open=$(first_open_check)
  while IFS= read -r stage; do
    [[ -n $open ]] && ((stage >= R_STAGE[open])) && break
    reached=$stage
  done < <(stages_run)
  printf '%s\n' "$reached"
}

# progress_lines: "Stage reached: ..." and "Your next step: ...", the opening of every report.
progress_lines() {
  local reached open last_run
  reached=$(stage_reached)
  open=$(first_open_check)
  last_run=$(stages_run | tail -n 1)
  if ((reached == 0)); then
    printf 'Stage reached: none yet (stage %s, %s, does not pass)\n' "${R_STAGE[open]}" "$(stage_title "${R_STAGE[open]}")"
  elif [[ -n $open ]]; then
    printf 'Stage reached: %s of %s (%s): every check up to it passes\n' "$reached" "$STAGE_COUNT" "$(stage_title "$reached")"
  else
    printf 'Stage reached: %s of %s (%s): every check run passes\n' "$reached" "$STAGE_COUNT" "$(stage_title "$reached")"
  fi
  if [[ -n $open ]]; then
    printf 'Your next step: stage %s, %s: %s: %s\n' "${R_STAGE[open]}" "$(stage_title "${R_STAGE[open]}")" \
      "${R_ID[open]}" "$(next_step_detail "$open")"
  elif ((last_run < STAGE_COUNT)); then
    printf 'Your next step: stage %s, %s (grade again with --stage %s)\n' $((last_run + 1)) \
      "$(stage_title $((last_run + 1)))" $((last_run + 1))
  else
    printf 'Your next step: none; every stage passes\n'
  fi
}

next_step_detail() {
  if [[ ${PROGRESS_FOR:-} == gradescope && $(visibility_of "${R_ID[$1]}") == hidden ]]; then
    printf '%s (its details are hidden)\n' "${R_DESCRIPTION[$1]}"
  else
    printf '%s\n' "${R_VERDICT_TEXT[$1]}"
  fi
}

# stage_lines: one line per stage run: ✓ or ✗, number, title, checks passed; the stages up to
# the one reached, when there are several, in one line.
stage_lines() {
  local stage passed checks mark last=0 reached total_passed=0 total_checks=0
  reached=$(stage_reached)
  while IFS= read -r stage; do
    read -r passed checks < <(stage_totals "$stage")
    if ((reached > 1 && stage <= reached)); then
      total_passed=$((total_passed + passed)) total_checks=$((total_checks + checks))
      ((stage == reached)) && printf '✓ stages 1-%-2s %-40s %2s of %s passed\n' "$reached" \
        "$(stage_title 1) to $(stage_title "$reached")" "$total_passed" "$(plural "$total_checks" check)"
      last=$stage
      continue
    fi
    if ((passed == checks)); then mark='✓'; else mark='✗'; fi
    printf '%s stage %-2s  %-40s %2s of %s passed\n' "$mark" "$stage" "$(stage_title "$stage")" "$passed" "$(plural "$checks" check)"
    last=$stage
  done < <(stages_run)
  if ((${#SELECTED_STAGE} && last < STAGE_COUNT)); then
    printf '  stages %s to %s not run (--stage %s)\n' $((last + 1)) "$STAGE_COUNT" "$SELECTED_STAGE"
  fi
}

# --- text --------------------------------------------------------------------------------

text_report() {
  local stage i earned possible passed checks errors separator verdict not_run=''
  printf 'Grading %s (site: %s), %s\n' "$TARGET" "$SITE_DIR" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  progress_lines
  printf '\n'
  stage_lines
  # Every check that did not pass, stage by stage: its verdict line, then its block; a blank
  # line between stages. The checks a stopped run did not run share one reason: it is told
  # once, in full, then each of them in a line.
  declare -gA SHOWN_RESPONSE=()
  while IFS= read -r stage; do
    separator=$'\n'
    for i in "${!R_ID[@]}"; do
      [[ ${R_STAGE[i]} == "$stage" && ${R_VERDICT[i]} != pass ]] || continue
      verdict=${R_VERDICT_TEXT[i]}
      if [[ -n $not_run && $verdict == "$not_run" ]]; then
        printf '%s%s %s (stage %s, 0/%s): not run, for the same reason\n' "$separator" "${R_VERDICT[i]^^}" \
          "${R_ID[i]}" "$stage" "${R_POINTS[i]}"
      else
        printf '%s%s %s (stage %s, 0/%s): %s\n' "$separator" "${R_VERDICT[i]^^}" "${R_ID[i]}" "$stage" \
          "${R_POINTS[i]}" "$verdict"
        CURRENT_CHECK=${R_ID[i]} DEDUPE_RESPONSES=1 failure_block "${R_DIR[i]}" "${R_ID[i]}" short '    '
      fi
      [[ $verdict != 'could not be carried out: not run: '* ]] || not_run=$verdict
      separator=''
    done
  done < <(stages_run)

  printf '\nScores\n'
  while IFS= read -r group; do
    read -r earned possible passed checks < <(group_totals "$group")
    printf '  %-12s %4s/%-4s %3s%%   %s of %s passed\n' "$group" "$earned" "$possible" \
      "$(percent "$earned" "$possible")" "$passed" "$(plural "$checks" check)"
  done < <(groups_run)
  read -r earned possible passed checks < <(group_totals '')
  printf '  %-12s %4s/%-4s %3s%%\n' total "$earned" "$possible" "$(percent "$earned" "$possible")"
  errors=$(count_verdict error)
  ((errors == 0)) || printf '  (%s could not be carried out, and count as failed)\n' "$(plural "$errors" check)"
  printf '\n%s passed, %s failed\n' "$passed" $((checks - passed))
}

# --- TAP version 13 ------------------------------------------------------------------------

tap_report() {
  local i line
  printf 'TAP version 13\n'
  while IFS= read -r line; do printf '# %s\n' "$(tap_comment "$line")"; done < <(progress_lines)
  printf '1..%s\n' "${#R_ID[@]}"
  local description message details
  for i in "${!R_ID[@]}"; do
    mark_into description t "${R_ID[i]}: ${R_DESCRIPTION[i]}"
    if [[ ${R_VERDICT[i]} == pass ]]; then
      printf 'ok %s - %s\n' $((i + 1)) "$description"
      continue
    fi
    printf 'not ok %s - %s\n' $((i + 1)) "$description"
    mark_into message y "${R_VERDICT_TEXT[i]}"
    full_failure "$i"
    mark_into details b "$FULL_FAILURE"
    # The block's indentation is given (|2), so that no first line can change it.
    printf '  ---\n  group: %s\n  stage: %s\n  points: 0/%s\n  severity: %s\n  message: %s\n  details: |2\n    %s\n  ...\n' \
      "${R_GROUP[i]}" "${R_STAGE[i]}" "${R_POINTS[i]}" "${R_VERDICT[i]}" "$message" "$details"
  done
}

# full_failure I: FULL_FAILURE is the verdict and the whole failure block of check I, kept in
# its folder since TAP, JUnit and Gradescope all show it.
FULL_FAILURE=''
full_failure() {
  local dir=${R_DIR[$1]}
  if [[ ! -f $dir/failure ]]; then
    {
      printf '✗ %s\n' "${R_VERDICT_TEXT[$1]}"
      # (|| true: a step of the block that fails leaves it shorter, never the report unwritten.)
      failure_block "$dir" "${R_ID[$1]}" full '' || true
    } >"$dir/failure"
  fi
  FULL_FAILURE=$(<"$dir/failure")
}

# --- JUnit XML: a failed expectation is a <failure>, a check not carried out an <error> -----

junit_report() {
  local i group checks failures errors
  printf '<?xml version="1.0" encoding="UTF-8"?>\n'
  printf '<!-- %s -->\n' "$(xml_comment "$(progress_lines)")"
  printf '<testsuites name="%s" tests="%s" failures="%s" errors="%s">\n' \
    "$(xml_attribute "webserver-lab grade $TARGET")" "${#R_ID[@]}" "$(count_verdict fail)" "$(count_verdict error)"
  while IFS= read -r group; do
    read -r checks failures errors < <(junit_group_counts "$group")
    printf '  <testsuite name="%s" tests="%s" failures="%s" errors="%s">\n' "$(xml_attribute "$group")" \
      "$checks" "$failures" "$errors"
    for i in "${!R_ID[@]}"; do
      [[ ${R_GROUP[i]} == "$group" ]] && junit_testcase "$i"
    done
    printf '  </testsuite>\n'
  done < <(groups_run)
  printf '</testsuites>\n'
}

junit_testcase() {
  local i=$1 element group name seconds message text
  mark_into group a "${R_GROUP[i]}"
  mark_into name a "${R_ID[i]}: ${R_DESCRIPTION[i]}"
  seconds_into seconds "${R_MS[i]}"
  printf '    <testcase classname="%s" name="%s" time="%s">\n' "$group" "$name" "$seconds"
  case ${R_VERDICT[i]} in
    fail) element=failure ;;
    error) element=error ;;
    *) element=system-out ;;
  esac
  if [[ $element == system-out ]]; then
    printf '      <system-out>%s' "$(xml_text "$(expectation_lines "${R_DIR[i]}" '')")"
  else
    mark_into message a "${R_VERDICT_TEXT[i]}"
    full_failure "$i"
    mark_into text x "$FULL_FAILURE"
    printf '      <%s message="%s">%s' "$element" "$message" "$text"
  fi
  printf '</%s>\n    </testcase>\n' "$element"
}

junit_group_counts() {
  local i checks=0 failures=0 errors=0
  for i in "${!R_ID[@]}"; do
    [[ ${R_GROUP[i]} == "$1" ]] || continue
    checks=$((checks + 1))
    case ${R_VERDICT[i]} in
      fail) failures=$((failures + 1)) ;;
      error) errors=$((errors + 1)) ;;
    esac
  done
  printf '%s %s %s\n' "$checks" "$failures" "$errors"
}

# --- Gradescope results.json ----------------------------------------------------------------

readonly HIDDEN_OUTPUT="The details of this check are hidden: only whether it passed and its points are shown."

gradescope_report() {
  local i earned possible passed checks separator='' output status visibility
  read -r earned possible passed checks < <(group_totals '')
  printf '{\n  "score": %s,\n  "max_score": %s,\n  "visibility": "visible",\n' "$earned" "$possible"
  output="$(PROGRESS_FOR=gradescope progress_lines)"$'\n'"$passed passed, $((checks - passed)) failed"
  printf '  "output": %s,\n  "tests": [\n' "$(json_string "$output")"
  local name
  for i in "${!R_ID[@]}"; do
    visibility=${CHECK_VISIBILITY[${R_ID[i]}]:-visible}
    if [[ ${R_VERDICT[i]} == pass ]]; then
      status=passed
      output=$(expectation_lines "${R_DIR[i]}" '')
    else
      status=failed
      full_failure "$i"
      output=$FULL_FAILURE
    fi
    if [[ $visibility == hidden ]]; then
      output=$HIDDEN_OUTPUT visibility=visible
    fi
    mark_into name j "${R_ID[i]}: ${R_DESCRIPTION[i]}"
    mark_into output j "$output"
    printf '%s    {"name": %s, "score": %s, "max_score": %s, "status": "%s", "output": %s, "visibility": "%s"}' \
      "$separator" "$name" "${R_SCORE[i]}" "${R_POINTS[i]}" "$status" "$output" "$visibility"
    separator=$',\n'
  done
  printf '\n  ]\n}\n'
}

# --- writing them --------------------------------------------------------------------------

write_reports() {
  load_results
  if [[ -n $REPORTS_DIR ]]; then
    mkdir -p "$REPORTS_DIR"
    text_report | without_work_folder | plain_text >"$REPORTS_DIR/report.txt"
    tap_report | finished >"$REPORTS_DIR/report.tap"
    JUNIT_FILE=${JUNIT_FILE:-$REPORTS_DIR/junit.xml}
    GRADESCOPE_FILE=${GRADESCOPE_FILE:-$REPORTS_DIR/results.json}
    HTML_DIR=${HTML_DIR:-$REPORTS_DIR/html}
  fi
  [[ -z $JUNIT_FILE ]] || junit_report | finished >"$JUNIT_FILE"
  [[ -z $GRADESCOPE_FILE ]] || gradescope_report | finished >"$GRADESCOPE_FILE"
  if [[ -n $HTML_DIR ]]; then
    mkdir -p "$HTML_DIR"
    html_report | finished >"$HTML_DIR/index.html"
  fi
  if [[ -n $TAP ]]; then
    tap_report | finished
  elif [[ -n $REPORTS_DIR ]]; then
    cat "$REPORTS_DIR/report.txt"
  else
    text_report | without_work_folder | plain_text
  fi
}

# finished: a machine-readable report, its marked text escaped for its format (escape.sh).
finished() { without_work_folder | escape_marked; }

# without_work_folder: a last guard: the suite's temporary folder never reaches a report (a
# message of the suite's own bug may name a file in it).
without_work_folder() {
  LC_ALL=C sed "s#$(printf '%s' "$RESULTS_DIR" | sed 's/[][\\.*^$#]/\\&/g')#(the grader's work folder)#g"
}
