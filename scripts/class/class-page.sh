# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # ROW_* are read by grade-class; NAMES, OUT, MODE, SITE come from it
# The class page, OUT/index.html: one self-contained page (no script, font or image from
# elsewhere) with the score distribution, each group's and each check's pass rate (where the
# class struggles, lowest first), and one row per student linking to that student's report.
# It reads what grade-class read: NAMES, OUT, the checks, and each OUT/NAME/status.txt and
# report.tap.

declare -A ROW_STATUS=() ROW_SCORE=() ROW_REASON=() ROW_EARNED=() CHECK_PASSES=()
ROWS=()

# load_rows: the graded submissions, their status, score and points per group and per check.
load_rows() {
  local name id group status reason
  ROWS=()
  for id in "${CHECK_IDS[@]}"; do CHECK_PASSES[$id]=0; done
  for name in "${NAMES[@]}"; do
    is_graded "$name" || continue
    { IFS= read -r status; IFS= read -r reason || true; } <"$OUT/$name/status.txt"
    read_earned "$OUT/$name/report.tap"
    ROWS+=("$name")
    ROW_STATUS[$name]=$status ROW_REASON[$name]=$reason ROW_SCORE[$name]=$(earned_total)
    for group in "${GROUP_NAMES[@]}"; do ROW_EARNED[$name/$group]=$(earned_total "$group"); done
    for id in "${!PASSED[@]}"; do CHECK_PASSES[$id]=$((CHECK_PASSES[$id] + 1)); done
  done
}

status_counts() {
  local status name count words=()
  load_rows
  for status in "${STATUSES[@]}"; do
    count=0
    for name in "${ROWS[@]}"; do [[ ${ROW_STATUS[$name]} == "$status" ]] && count=$((count + 1)); done
    ((count == 0)) || words+=("$count $status")
  done
  local IFS=,
  printf '%s\n' "${words[*]:-nothing graded}" | sed 's/,/, /g'
}

# rate_class PERCENT: the colour of a pass rate.
rate_class() {
  if (($1 >= 80)); then printf good; elif (($1 >= 50)); then printf fair; else printf poor; fi
}

class_page() {
  load_rows
  local max total=${#ROWS[@]}
  max=$(max_score)
  page_head
  page_summary "$max" "$total"
  page_distribution "$max"
  page_groups "$total"
  page_students "$max"
  page_checks "$total"
  printf '<footer>Made by <code>scripts/grade-class</code> from each submission&#39;s <code>report.tap</code>; the same numbers are in <a href="class.csv">class.csv</a>. A check earns all its points or none.</footer>\n</main></body></html>\n'
}

page_head() {
  cat <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report</title>
<style>
:root{--ink:#1d2330;--muted:#5b6475;--line:#e3e6ec;--bg:#f6f7f9;--good:#1f8a4c;--fair:#c98a04;--poor:#c2362f}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:var(--bg);color:var(--ink)}
main{max-width:78rem;margin:0 auto;padding:1.5rem}h1{margin:.2rem 0;font-size:1.7rem}h2{font-size:1.2rem;margin:2rem 0 .6rem}
.sub{color:var(--muted);margin:0}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
.card{background:#fff;border:1px solid var(--line);border-radius:.6rem;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}.card span{color:var(--muted);font-size:.85rem}
.chip{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-size:.8rem;font-weight:600;white-space:nowrap}
.graded{background:#dff3e7;color:#17663a}.build-failed,.crashed{background:#fde2e1;color:#8a1c17}
.no-listen,.timeout{background:#fff1cc;color:#7a5500}
.panel{background:#fff;border:1px solid var(--line);border-radius:.6rem;padding:1rem}
.hist{display:flex;align-items:flex-end;gap:.4rem;height:11rem;padding-top:1.2rem}
.hist div{flex:1;display:flex;flex-direction:column;justify-content:flex-end;align-items:center;height:100%}
.hist i{display:block;width:100%;background:#4a6fd1;border-radius:.3rem .3rem 0 0;min-height:2px}
.hist em{font-style:normal;font-size:.8rem;color:var(--muted)}.hist b{font-size:.85rem}
.bar{display:inline-block;width:9rem;height:.7rem;background:#eceff4;border-radius:.4rem;overflow:hidden;vertical-align:middle}
.bar i{display:block;height:100%}.bar .good{background:var(--good)}.bar .fair{background:var(--fair)}.bar .poor{background:var(--poor)}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:.6rem;font-size:.9rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#fafbfc;font-weight:600;position:sticky;top:0}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.why{color:var(--muted);font-size:.82rem;max-width:24rem}.logs{font-size:.78rem}code{font-size:.85em}a{color:#2f55c4}
.groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.6rem}
.groups .panel{padding:.6rem .8rem}.groups .bar{width:100%}
.wide{overflow-x:auto}.wide .bar{width:4.5rem}.wide th{font-size:.8rem}.wide td.n{padding:.35rem .4rem}
footer{color:var(--muted);font-size:.85rem;margin:2rem 0 1rem}
</style></head><body><main>
HTML
}

page_summary() {
  local max=$1 total=$2 name status count sum=0 scores=() median=0 full=0
  for name in "${ROWS[@]}"; do
    sum=$((sum + ROW_SCORE[$name]))
    scores+=("${ROW_SCORE[$name]}")
    ((ROW_SCORE[$name] < max)) || full=$((full + 1))
  done
  if ((total)); then
    mapfile -t scores < <(printf '%s\n' "${scores[@]}" | sort -n)
    median=${scores[total / 2]}
    ((total % 2)) || median=$(((scores[total / 2 - 1] + scores[total / 2]) / 2))
  fi
  printf '<h1>Class report: %s</h1>\n' "$(html_text "$(basename "$SUBMISSIONS")")"
  printf '<p class="sub">%s submissions graded in %s mode against the site <code>%s</code> &middot; %s</p>\n' \
    "$total" "$MODE" "$(html_text "$(basename "$SITE")")" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '<div class="cards">\n'
  printf '<div class="card"><b>%s</b><span>submissions</span></div>\n' "$total"
  printf '<div class="card"><b>%s / %s</b><span>median score</span></div>\n' "$median" "$max"
  printf '<div class="card"><b>%s %%</b><span>mean score</span></div>\n' "$(percent_of "$sum" $((max * (total > 0 ? total : 1))))"
  printf '<div class="card"><b>%s</b><span>with full marks</span></div>\n' "$full"
  printf '<div class="card"><span>status</span><br>'
  for status in "${STATUSES[@]}"; do
    count=0
    for name in "${ROWS[@]}"; do [[ ${ROW_STATUS[$name]} == "$status" ]] && count=$((count + 1)); done
    ((count == 0)) || printf '<span class="chip %s">%s %s</span> ' "$status" "$count" "$status"
  done
  printf '</div>\n</div>\n'
}

# page_distribution MAX: how many students in each tenth of the points (the last bar: full marks).
page_distribution() {
  local max=$1 bucket name counts=() names=() most=1 low high
  for bucket in {0..10}; do counts[bucket]=0 names[bucket]=''; done
  for name in "${ROWS[@]}"; do
    bucket=$(percent_of "${ROW_SCORE[$name]}" "$max")
    bucket=$((bucket / 10))
    counts[bucket]=$((counts[bucket] + 1))
    names[bucket]+="${names[bucket]:+, }$name"
  done
  for bucket in {0..10}; do ((counts[bucket] <= most)) || most=${counts[bucket]}; done
  printf '<h2>Score distribution</h2>\n<div class="panel"><div class="hist">\n'
  for bucket in {0..10}; do
    low=$((bucket * 10)) high=$((bucket * 10 + 9))
    printf '<div title="%s"><b>%s</b><i style="height:%s%%"></i><em>%s</em></div>\n' \
      "$(html_text "${names[bucket]:-nobody}")" "${counts[bucket]}" $((counts[bucket] * 85 / most)) \
      "$( ((bucket == 10)) && printf '100 %%' || printf '%s&ndash;%s %%' "$low" "$high")"
  done
  printf '</div></div>\n'
}

page_groups() {
  local total=$1 group name sum rate
  printf '<h2>Points earned per group</h2>\n<div class="groups">\n'
  for group in "${GROUP_NAMES[@]}"; do
    sum=0
    for name in "${ROWS[@]}"; do sum=$((sum + ROW_EARNED[$name/$group])); done
    rate=$(percent_of "$sum" $(($(group_points "$group") * (total > 0 ? total : 1))))
    printf '<div class="panel"><b>%s</b> <span class="sub">%s %% of its %s points, on average</span><br><span class="bar"><i class="%s" style="width:%s%%"></i></span></div>\n' \
      "$group" "$rate" "$(group_points "$group")" "$(rate_class "$rate")" "$rate"
  done
  printf '</div>\n'
}

# page_checks TOTAL: every check's pass rate, lowest first (the grader's order among equals).
page_checks() {
  local total=$1 id rate order=0 line
  printf '<h2>Where the class struggles: every check, by pass rate</h2>\n<table><tr><th>check</th><th>group</th><th>what it asks</th><th>points</th><th>passed by</th></tr>\n'
  while IFS=' ' read -r _ _ id; do
    rate=$(percent_of "${CHECK_PASSES[$id]}" "$total")
    printf '<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s of %s <span class="bar"><i class="%s" style="width:%s%%"></i></span> %s %%</td></tr>\n' \
      "$(html_text "$id")" "${CHECK_GROUP[$id]}" "$(html_text "${CHECK_TEXT[$id]}")" "${CHECK_POINTS[$id]}" \
      "${CHECK_PASSES[$id]}" "$total" "$(rate_class "$rate")" "$rate" "$rate"
  done < <(for id in "${CHECK_IDS[@]}"; do
    printf '%05d %05d %s\n' "${CHECK_PASSES[$id]}" $((order++)) "$id"
  done | sort)
  printf '</table>\n'
}

page_students() {
  local max=$1 name group rate report link
  printf '<h2>Students</h2>\n<div class="wide"><table><tr><th>submission</th><th>status, and why</th><th>score</th>'
  for group in "${GROUP_NAMES[@]}"; do printf '<th>%s</th>' "$group"; done
  printf '</tr>\n'
  for name in "${ROWS[@]}"; do
    link=$(url_path "$name")
    report=$link/html/index.html
    [[ -f $OUT/$name/html/index.html ]] || report=$link/report.txt
    rate=$(percent_of "${ROW_SCORE[$name]}" "$max")
    printf '<tr><td><a href="%s">%s</a><div class="logs">%s</div></td>' "$report" "$(html_text "$name")" "$(log_links "$name" "$link")"
    printf '<td class="why"><span class="chip %s">%s</span> %s</td>' "${ROW_STATUS[$name]}" "${ROW_STATUS[$name]}" "$(html_text "${ROW_REASON[$name]}")"
    printf '<td class="n">%s / %s <span class="bar"><i class="%s" style="width:%s%%"></i></span></td>' \
      "${ROW_SCORE[$name]}" "$max" "$(rate_class "$rate")" "$rate"
    for group in "${GROUP_NAMES[@]}"; do printf '<td class="n">%s</td>' "${ROW_EARNED[$name/$group]}"; done
    printf '</tr>\n'
  done
  printf '</table></div>\n'
}

# log_links NAME LINK: links to the text report and the logs a submission has.
log_links() {
  local log words links=()
  for log in report.txt build.log run.log; do
    case $log in report.txt) words='text report' ;; build.log) words='build log' ;; *) words='run log' ;; esac
    [[ ! -s $OUT/$1/$log ]] || links+=("<a href=\"$2/$log\">$words</a>")
  done
  local IFS='|'
  printf '%s' "${links[*]}" | sed 's/|/ \&middot; /g'
}
