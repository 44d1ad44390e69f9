# shellcheck shell=bash
# shellcheck disable=SC2034,SC2317 # globals read, and functions called as ${MODE}_*, by grade-submission
# What grade-submission leaves in the reports folder besides the grader's own reports:
#   status.txt   the status (first line) and why (the rest); written last, so that a folder
#                with one holds a finished grading (grade-class skips it unless --force)
#   the five reports (report.txt, report.tap, junit.xml, results.json, html/index.html) when
#   the grader did not write them: the server never ran or never answered. Every check is
#   then listed with 0 points and the reason, with the end of the build or run log.
# It uses STATUS, REASON, LOG_NAME (build.log or run.log), SUBMISSION_NAME, MODE and REPORTS.

readonly GRADER_REPORTS=(report.txt report.tap junit.xml results.json html/index.html)

grader_reports_written() {
  local report
  for report in "${GRADER_REPORTS[@]}"; do
    [[ -s $REPORTS/$report ]] || return 1
  done
}

write_status() {
  printf '%s\n%s\n' "$STATUS" "$REASON" >"$REPORTS/status.txt.part"
  mv "$REPORTS/status.txt.part" "$REPORTS/status.txt"
}

# what_happened: the reason, then the end of the log that shows it.
what_happened() {
  printf '%s\n' "$REASON"
  if [[ -n ${LOG_NAME:-}  && -s $REPORTS/$LOG_NAME ]]; then
    printf '\nThe end of %s:\n' "$LOG_NAME"
    log_tail "$REPORTS/$LOG_NAME" | sed 's/^/  | /'
  fi
}

# note_on_text_report: a graded report whose server then crashed or hung opens with what happened.
note_on_text_report() {
  { what_happened; printf '\n'; cat "$REPORTS/report.txt"; } >"$REPORTS/report.txt.part"
  mv "$REPORTS/report.txt.part" "$REPORTS/report.txt"
}

WHAT=''

write_unrun_reports() {
  WHAT=$(what_happened)
  mkdir -p "$REPORTS/html"
  unrun_text >"$REPORTS/report.txt"
  unrun_tap | escape_marked >"$REPORTS/report.tap"
  unrun_junit | escape_marked >"$REPORTS/junit.xml"
  unrun_json | escape_marked >"$REPORTS/results.json"
  unrun_html | escape_marked >"$REPORTS/html/index.html"
}

unrun_text() {
  local group max
  printf 'Grading %s (%s mode): %s\n\n%s\n' "$SUBMISSION_NAME" "$MODE" "$STATUS" "$WHAT"
  printf '\nNo check could be run, so each scores 0.\n\nScores\n'
  for group in "${GROUP_NAMES[@]}"; do
    max=$(group_points "$group")
    printf '  %-12s %4s/%-4s %3s%%\n' "$group" 0 "$max" 0
  done
  printf '  %-12s %4s/%-4s %3s%%\n\n0 passed, %s failed\n' total 0 "$(max_score)" 0 "${#CHECK_IDS[@]}"
}

unrun_tap() {
  local id n=0
  printf 'TAP version 13\n1..%s\n' "${#CHECK_IDS[@]}"
  for id in "${CHECK_IDS[@]}"; do
    n=$((n + 1))
    printf 'not ok %s - %s\n  ---\n  group: %s\n  points: 0/%s\n  severity: error\n  message: %s\n  ...\n' \
      "$n" "$(tap_description "$id: ${CHECK_TEXT[$id]}")" "${CHECK_GROUP[$id]}" "${CHECK_POINTS[$id]}" \
      "$(yaml_string "not run: $REASON")"
  done
}

unrun_junit() {
  local group id count
  printf '<?xml version="1.0" encoding="UTF-8"?>\n'
  printf '<testsuites name="%s" tests="%s" failures="0" errors="%s">\n' \
    "$(xml_attribute "webserver-lab grade $SUBMISSION_NAME")" "${#CHECK_IDS[@]}" "${#CHECK_IDS[@]}"
  for group in "${GROUP_NAMES[@]}"; do
    count=$(group_checks "$group")
    printf '  <testsuite name="%s" tests="%s" failures="0" errors="%s">\n' "$(xml_attribute "$group")" "$count" "$count"
    for id in "${CHECK_IDS[@]}"; do
      [[ ${CHECK_GROUP[$id]} == "$group" ]] || continue
      printf '    <testcase classname="%s" name="%s" time="0"><error message="%s">%s</error></testcase>\n' \
        "$(xml_attribute "$group")" "$(xml_attribute "$id: ${CHECK_TEXT[$id]}")" "$(xml_attribute "not run: $REASON")" \
        "$(xml_text "$WHAT")"
    done
    printf '  </testsuite>\n'
  done
  printf '</testsuites>\n'
}

unrun_json() {
  local id separator=''
  printf '{\n  "score": 0,\n  "max_score": %s,\n  "visibility": "visible",\n  "output": %s,\n  "tests": [\n' \
    "$(max_score)" "$(json_string "$STATUS: $WHAT")"
  for id in "${CHECK_IDS[@]}"; do
    printf '%s    {"name": %s, "score": 0, "max_score": %s, "status": "failed", "output": %s, "visibility": "visible"}' \
      "$separator" "$(json_string "$id: ${CHECK_TEXT[$id]}")" "${CHECK_POINTS[$id]}" "$(json_string "not run: $REASON")"
    separator=$',\n'
  done
  printf '\n  ]\n}\n'
}

unrun_html() {
  local id
  cat <<HTML
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>$(html_text "$SUBMISSION_NAME"): $STATUS</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
.status{display:inline-block;padding:.15rem .7rem;border-radius:1rem;background:#fde2e1;color:#8a1c17;font-weight:600;font-size:1rem;vertical-align:middle}
pre{background:#1d2330;color:#e8eaf0;padding:1rem;border-radius:.5rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.3rem .6rem;border-bottom:1px solid #e3e6ec;text-align:left}
td.pts{text-align:right;white-space:nowrap}
</style></head><body><main>
<h1>$(html_text "$SUBMISSION_NAME") <span class="status">$STATUS</span></h1>
<p>Score: <b>0 / $(max_score)</b> ($MODE mode). No check could be run:</p>
<pre>$(html_text "$WHAT")</pre>
<table><tr><th>check</th><th>what it asks</th><th>points</th></tr>
HTML
  for id in "${CHECK_IDS[@]}"; do
    printf '<tr><td><code>%s</code></td><td>%s</td><td class="pts">0 / %s</td></tr>\n' \
      "$id" "$(html_text "${CHECK_TEXT[$id]}")" "${CHECK_POINTS[$id]}"
  done
  printf '</table></main></body></html>\n'
}

# write_summary FILE: the outcome in Markdown (GitHub Actions shows $GITHUB_STEP_SUMMARY).
write_summary() {
  local group id earned max failing=0
  read_earned "$REPORTS/report.tap"
  {
    printf '## %s: %s, %s / %s points\n\n' "$SUBMISSION_NAME" "$STATUS" "$(earned_total)" "$(max_score)"
    [[ -z $REASON ]] || printf '%s\n\n' "$REASON"
    printf '| group | points | checks passed |\n| --- | ---: | ---: |\n'
    for group in "${GROUP_NAMES[@]}"; do
      printf '| %s | %s / %s | %s / %s |\n' "$group" "$(earned_total "$group")" "$(group_points "$group")" \
        "$(passed_checks "$group")" "$(group_checks "$group")"
    done
    printf '\n'
    for id in "${CHECK_IDS[@]}"; do
      earned=${EARNED[$id]:-0} max=${CHECK_POINTS[$id]}
      ((earned < max)) || continue
      ((failing++ > 0)) || printf '### Checks that did not pass\n\n'
      # shellcheck disable=SC2016 # Markdown's backquotes
      printf -- '- `%s` (%s points): %s\n' "$id" "$max" "${CHECK_TEXT[$id]}"
    done
    if [[ -n $LOG_NAME && -s $REPORTS/$LOG_NAME && $STATUS != graded ]]; then
      # shellcheck disable=SC2016 # Markdown's backquotes
      printf '\n<details><summary>The end of %s</summary>\n\n```\n%s\n```\n</details>\n' "$LOG_NAME" "$(log_tail "$REPORTS/$LOG_NAME")"
    fi
  } >>"$1"
}
