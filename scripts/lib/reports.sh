# shellcheck shell=bash
# The reports, all made from the result folders the runner wrote (see runner.sh):
# text (stdout), TAP 13, JUnit XML, Gradescope results.json, and the HTML page (report-html.sh).

# The results, read once into arrays indexed by the check's position in the run.
R_DIR=() R_ID=() R_GROUP=() R_POINTS=() R_DESCRIPTION=() R_VERDICT=() R_MS=() R_SCORE=()

load_results() {
  local dir i=0
  for dir in "$RESULTS_DIR"/[0-9][0-9][0-9]-*/; do
    [[ -d $dir ]] || continue
    dir=${dir%/}
    R_DIR[i]=$dir
    IFS= read -r "R_ID[i]" <"$dir/id"
    IFS= read -r "R_GROUP[i]" <"$dir/group"
    IFS= read -r "R_POINTS[i]" <"$dir/points"
    IFS= read -r "R_DESCRIPTION[i]" <"$dir/description"
    IFS= read -r "R_VERDICT[i]" <"$dir/verdict"
    IFS= read -r "R_MS[i]" <"$dir/ms"
    # A check earns all its points or none.
    if [[ ${R_VERDICT[i]} == pass ]]; then R_SCORE[i]=${R_POINTS[i]}; else R_SCORE[i]=0; fi
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

# --- what happened in one check, as indented plain text --------------------------------------

# check_details DIR INDENT: the exchanges (request as "> " lines, response as "< " lines),
# how each connection ended, and every expectation with its verdict. Rendered once per check
# and kept in DIR/details, since every report shows it.
check_details() {
  [[ -f $1/details ]] || render_check_details "$1" >"$1/details"
  if [[ -z $2 ]]; then printf '%s\n' "$(<"$1/details")"; else sed "s/^/$2/" "$1/details"; fi
}

render_check_details() {
  local dir=$1 exchange label
  [[ ! -s $dir/error ]] || printf 'could not be carried out: %s\n' "$(<"$dir/error")"
  for exchange in "$dir"/exchange-*.request; do
    [[ -f $exchange ]] || continue
    exchange=${exchange%.request}
    label=$(<"$exchange.label")
    printf 'exchange %s%s\n' "${exchange##*-}" "${label:+: $label}"
    if [[ -f $exchange.command ]]; then
      printf '  $ %s\n' "$(<"$exchange.command")"
      visible_file "$exchange.response" 4096 | sed 's/^/  | /'
    else
      visible_file "$exchange.request" 1024 | sed 's/^/  > /'
      if [[ -f $exchange.then ]]; then
        printf '  (then, after the hold, on the same connection:)\n'
        visible_file "$exchange.then" 1024 | sed 's/^/  > /'
      fi
      visible_file "$exchange.response" 1536 | sed 's/^/  < /'
    fi
    [[ ! -s $exchange.end ]] || printf '  connection: %s\n' "$(<"$exchange.end")"
  done
  if [[ -s $dir/expectations ]]; then
    printf 'expected:\n'
    expectation_lines "$dir" '  '
  fi
}

# expectation_lines DIR PAD: "✓ wanted", "✗ wanted — got", "• note".
expectation_lines() {
  local outcome wanted got
  while IFS=$'\t' read -r outcome wanted got _; do
    case $outcome in
      ok) printf '%s✓ %s\n' "$2" "$wanted" ;;
      fail) printf '%s✗ %s; received %s\n' "$2" "$wanted" "$got" ;;
      info) printf '%s• %s\n' "$2" "$wanted" ;;
    esac
  done <"$1/expectations"
}

# first_problem DIR: one line saying why a check did not pass.
first_problem() {
  local wanted got
  if [[ -s $1/error ]]; then
    head -n 1 "$1/error"
  else
    IFS=$'\t' read -r _ wanted got _ < <(grep -m 1 '^fail' "$1/expectations")
    printf 'expected %s; received %s\n' "$wanted" "$got"
  fi
}

# --- text --------------------------------------------------------------------------------

text_report() {
  local i group earned possible passed checks errors
  printf 'Grading %s (site: %s), %s\n' "$TARGET" "$SITE_DIR" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  while IFS= read -r group; do
    printf '\n%s\n' "$group"
    for i in "${!R_ID[@]}"; do
      [[ ${R_GROUP[i]} == "$group" ]] || continue
      printf '  %-5s %-40s %3s/%-2s %s\n' "${R_VERDICT[i]^^}" "${R_ID[i]}" "${R_SCORE[i]}" "${R_POINTS[i]}" "${R_DESCRIPTION[i]}"
      if [[ ${R_VERDICT[i]} != pass ]]; then
        check_details "${R_DIR[i]}" '        '
        printf '\n'
      fi
    done
  done < <(groups_run)

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
  local i
  printf 'TAP version 13\n1..%s\n' "${#R_ID[@]}"
  for i in "${!R_ID[@]}"; do
    if [[ ${R_VERDICT[i]} == pass ]]; then
      printf 'ok %s - %s: %s\n' $((i + 1)) "${R_ID[i]}" "${R_DESCRIPTION[i]}"
      continue
    fi
    printf 'not ok %s - %s: %s\n' $((i + 1)) "${R_ID[i]}" "${R_DESCRIPTION[i]}"
    printf '  ---\n  group: %s\n  points: 0/%s\n  severity: %s\n  message: "%s"\n  details: |\n' \
      "${R_GROUP[i]}" "${R_POINTS[i]}" "${R_VERDICT[i]}" "$(first_problem "${R_DIR[i]}" | sed 's/["\\]/\\&/g')"
    check_details "${R_DIR[i]}" '    '
    printf '  ...\n'
  done
}

# --- JUnit XML: a failed expectation is a <failure>, a check not carried out an <error> -----

xml_escape() { markup_escape "$1"; }

junit_report() {
  local i group checks failures errors
  printf '<?xml version="1.0" encoding="UTF-8"?>\n'
  printf '<testsuites name="webserver-lab grade %s" tests="%s" failures="%s" errors="%s">\n' \
    "$(xml_escape "$TARGET")" "${#R_ID[@]}" "$(count_verdict fail)" "$(count_verdict error)"
  while IFS= read -r group; do
    read -r checks failures errors < <(junit_group_counts "$group")
    printf '  <testsuite name="%s" tests="%s" failures="%s" errors="%s">\n' "$group" "$checks" "$failures" "$errors"
    for i in "${!R_ID[@]}"; do
      [[ ${R_GROUP[i]} == "$group" ]] && junit_testcase "$i"
    done
    printf '  </testsuite>\n'
  done < <(groups_run)
  printf '</testsuites>\n'
}

junit_testcase() {
  local i=$1 element
  printf '    <testcase classname="%s" name="%s: %s" time="%s">\n' "${R_GROUP[i]}" \
    "${R_ID[i]}" "$(xml_escape "${R_DESCRIPTION[i]}")" "$(seconds_of "${R_MS[i]}")"
  case ${R_VERDICT[i]} in
    fail) element=failure ;;
    error) element=error ;;
    *) element=system-out ;;
  esac
  if [[ $element == system-out ]]; then
    printf '      <system-out>'
  else
    printf '      <%s message="%s">' "$element" "$(xml_escape "$(first_problem "${R_DIR[i]}")")"
  fi
  xml_escape "$(check_details "${R_DIR[i]}" '')"
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

# json_string TEXT: TEXT as a JSON string (the texts are printable ASCII, tabs and newlines).
json_string() {
  printf '"'
  # First gather every line (:a;N;$!ba), then escape, so that the escapes reach every line.
  printf '%s' "$1" | sed -e ':a;N;$!ba' -e 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g; s/\r/\\r/g; s/\n/\\n/g' | tr -d '\n'
  printf '"'
}

gradescope_report() {
  local i earned possible passed checks separator='' output status
  read -r earned possible passed checks < <(group_totals '')
  printf '{\n  "score": %s,\n  "max_score": %s,\n  "visibility": "visible",\n' "$earned" "$possible"
  printf '  "output": %s,\n  "tests": [\n' "$(json_string "$passed passed, $((checks - passed)) failed")"
  for i in "${!R_ID[@]}"; do
    if [[ ${R_VERDICT[i]} == pass ]]; then
      status=passed
      output=$(expectation_lines "${R_DIR[i]}" '')
    else
      status=failed
      output=$(check_details "${R_DIR[i]}" '')
    fi
    printf '%s    {"name": %s, "score": %s, "max_score": %s, "status": "%s", "output": %s, "visibility": "visible"}' \
      "$separator" "$(json_string "${R_ID[i]}: ${R_DESCRIPTION[i]}")" "${R_SCORE[i]}" "${R_POINTS[i]}" \
      "$status" "$(json_string "$output")"
    separator=$',\n'
  done
  printf '\n  ]\n}\n'
}

# --- writing them --------------------------------------------------------------------------

write_reports() {
  load_results
  if [[ -n $REPORTS_DIR ]]; then
    mkdir -p "$REPORTS_DIR"
    text_report >"$REPORTS_DIR/report.txt"
    tap_report >"$REPORTS_DIR/report.tap"
    JUNIT_FILE=${JUNIT_FILE:-$REPORTS_DIR/junit.xml}
    GRADESCOPE_FILE=${GRADESCOPE_FILE:-$REPORTS_DIR/results.json}
    HTML_DIR=${HTML_DIR:-$REPORTS_DIR/html}
  fi
  [[ -z $JUNIT_FILE ]] || junit_report >"$JUNIT_FILE"
  [[ -z $GRADESCOPE_FILE ]] || gradescope_report >"$GRADESCOPE_FILE"
  if [[ -n $HTML_DIR ]]; then
    mkdir -p "$HTML_DIR"
    html_report >"$HTML_DIR/index.html"
  fi
  if [[ -n $TAP ]]; then
    tap_report
  elif [[ -n $REPORTS_DIR ]]; then
    cat "$REPORTS_DIR/report.txt"
  else
    text_report
  fi
}
