# shellcheck shell=bash
# The HTML report: one self-contained page (no scripts, fonts or images from elsewhere) with
# the score, a bar per group, and every check as a <details> element that opens onto its
# expectations and the exact bytes exchanged. Failed checks start open. A checkbox hides the
# passing ones (CSS :has, no JavaScript).

html_escape() { markup_escape "$1"; }

html_report() {
  local earned possible passed checks group i
  read -r earned possible passed checks < <(group_totals '')
  html_head
  printf '<header><div class="score %s"><b>%s%%</b><span>%s / %s points</span></div>\n' \
    "$(all_passed && printf good || printf bad)" "$(percent "$earned" "$possible")" "$earned" "$possible"
  printf '<div><h1>HTTP server report</h1><p>%s &middot; site <code>%s</code> &middot; %s</p>\n' \
    "$(html_escape "$TARGET")" "$(html_escape "$SITE_DIR")" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '<p class="totals"><span class="pass">%s passed</span> <span class="fail">%s failed</span> <span class="error">%s could not run</span></p></div></header>\n' \
    "$passed" "$(count_verdict fail)" "$(count_verdict error)"

  printf '<section class="groups">\n'
  while IFS= read -r group; do
    html_group_card "$group"
  done < <(groups_run)
  printf '</section>\n<label class="filter"><input type="checkbox" id="only-problems"> show only the checks that did not pass</label>\n'

  while IFS= read -r group; do
    read -r earned possible passed checks < <(group_totals "$group")
    printf '<section class="group%s"><h2 id="%s">%s</h2>\n' "$( ((passed == checks)) && printf ' all-pass')" "$group" "$group"
    for i in "${!R_ID[@]}"; do
      [[ ${R_GROUP[i]} == "$group" ]] && html_check "$i"
    done
    printf '</section>\n'
  done < <(groups_run)
  printf '<footer>Made by <code>scripts/grade</code>. Each request is shown byte for byte: <code>\\r\\n</code> is CR LF, <code>\\xHH</code> a byte that is not printable ASCII.</footer>\n</main></body></html>\n'
}

html_group_card() {
  local earned possible passed checks width
  read -r earned possible passed checks < <(group_totals "$1")
  width=$(percent "$earned" "$possible")
  printf '<a class="card" href="#%s"><span class="name">%s</span><span class="bar"><i style="width:%s%%" class="%s"></i></span><span class="nums">%s/%s points &middot; %s/%s checks</span></a>\n' \
    "$1" "$1" "$width" "$( ((passed == checks)) && printf good || printf bad)" "$earned" "$possible" "$passed" "$checks"
}

html_check() {
  local i=$1 dir=${R_DIR[$1]} verdict=${R_VERDICT[$1]} open=''
  [[ $verdict == pass ]] || open=' open'
  printf '<details class="check %s"%s><summary><span class="badge">%s</span><code>%s</code> %s<span class="pts">%s/%s</span></summary>\n' \
    "$verdict" "$open" "${verdict^^}" "${R_ID[i]}" "$(html_escape "${R_DESCRIPTION[i]}")" "${R_SCORE[i]}" "${R_POINTS[i]}"
  printf '<div class="body">\n'
  [[ ! -s $dir/error ]] || printf '<p class="why">Could not be carried out: %s</p>\n' "$(html_escape "$(<"$dir/error")")"
  html_expectations "$dir"
  html_exchanges "$dir"
  printf '</div></details>\n'
}

html_expectations() {
  local outcome wanted got
  [[ -s $1/expectations ]] || return 0
  printf '<ul class="expect">\n'
  while IFS=$'\t' read -r outcome wanted got _; do
    case $outcome in
      ok) printf '<li class="ok">%s</li>\n' "$(html_escape "$wanted")" ;;
      fail) printf '<li class="no">%s<br><span class="got">received %s</span></li>\n' "$(html_escape "$wanted")" "$(html_escape "$got")" ;;
      info) printf '<li class="info">%s</li>\n' "$(html_escape "$wanted")" ;;
    esac
  done <"$1/expectations"
  printf '</ul>\n'
}

html_exchanges() {
  local exchange n label request
  for exchange in "$1"/exchange-*.request; do
    [[ -f $exchange ]] || continue
    exchange=${exchange%.request}
    n=${exchange##*-}
    label=$(<"$exchange.label")
    printf '<div class="exchange"><h4>exchange %s%s</h4>\n' "$n" "$(html_escape "${label:+: $label}")"
    if [[ -f $exchange.command ]]; then
      printf '<pre class="cmd">$ %s</pre>\n' "$(html_escape "$(<"$exchange.command")")"
      printf '<pre class="res">%s</pre>\n' "$(html_escape "$(visible_file "$exchange.response" 4096)")"
    else
      request=$(visible_file "$exchange.request" 1024)
      [[ ! -f $exchange.then ]] || request+=$'\n(then, after the hold, on the same connection:)\n'$(visible_file "$exchange.then" 1024)
      printf '<div class="pair"><div><h5>request</h5><pre class="req">%s</pre></div>' "$(html_escape "$request")"
      printf '<div><h5>response</h5><pre class="res">%s</pre></div></div>\n' "$(html_escape "$(visible_file "$exchange.response" 1536)")"
    fi
    [[ ! -s $exchange.end ]] || printf '<p class="conn">connection: %s</p>\n' "$(html_escape "$(<"$exchange.end")")"
    printf '</div>\n'
  done
}

html_head() {
  cat <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HTTP server report</title>
<style>
:root { --good: #1a7f37; --bad: #cf222e; --err: #9a6700; --ink: #1f2328; --soft: #656d76; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header { display: flex; gap: 24px; align-items: center; margin-bottom: 20px; }
h1 { margin: 0; font-size: 26px; }
header p { margin: 4px 0; color: var(--soft); }
.score { width: 130px; height: 130px; border-radius: 50%; display: flex; flex-direction: column; align-items: center; justify-content: center; color: #fff; flex: none; }
.score.good { background: var(--good); } .score.bad { background: var(--bad); }
.score b { font-size: 34px; } .score span { font-size: 12px; }
.totals span { margin-right: 12px; font-weight: 600; }
.totals .pass { color: var(--good); } .totals .fail { color: var(--bad); } .totals .error { color: var(--err); }
.groups { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { display: block; padding: 12px 14px; border: 1px solid var(--line); border-radius: 8px; color: inherit; text-decoration: none; background: var(--bg); }
.card:hover { border-color: var(--soft); }
.card .name { font-weight: 700; text-transform: capitalize; display: block; }
.card .bar { display: block; height: 8px; background: #e6e9ec; border-radius: 4px; margin: 8px 0 6px; overflow: hidden; }
.card .bar i { display: block; height: 100%; }
.card .bar i.good { background: var(--good); } .card .bar i.bad { background: var(--bad); }
.card .nums { font-size: 13px; color: var(--soft); }
.filter { display: block; margin: 8px 0 16px; color: var(--soft); }
body:has(#only-problems:checked) :is(details.pass, section.all-pass) { display: none; }
h2 { text-transform: capitalize; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; }
details.check { border: 1px solid var(--line); border-left: 6px solid var(--good); border-radius: 6px; margin: 8px 0; }
details.fail { border-left-color: var(--bad); } details.error { border-left-color: var(--err); }
summary { cursor: pointer; padding: 8px 12px; list-style-position: inside; }
summary code { font-weight: 600; margin-right: 6px; }
.badge { display: inline-block; min-width: 54px; text-align: center; font-size: 12px; font-weight: 700; color: #fff; border-radius: 4px; padding: 1px 6px; margin-right: 8px; background: var(--good); }
.fail .badge { background: var(--bad); } .error .badge { background: var(--err); }
.pts { float: right; color: var(--soft); font-variant-numeric: tabular-nums; }
.body { padding: 4px 16px 12px; border-top: 1px solid var(--line); background: #fcfcfd; }
.why { color: var(--err); font-weight: 600; }
ul.expect { list-style: none; padding: 0; }
ul.expect li { padding: 2px 0 2px 24px; position: relative; }
ul.expect li::before { position: absolute; left: 2px; font-weight: 700; }
li.ok::before { content: "\2713"; color: var(--good); } li.no::before { content: "\2717"; color: var(--bad); } li.info::before { content: "\2022"; color: var(--soft); }
li.no { color: var(--bad); } .got { color: var(--ink); font-family: ui-monospace, monospace; font-size: 13px; }
.exchange h4 { margin: 12px 0 4px; } h5 { margin: 4px 0; color: var(--soft); font-weight: 600; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
pre { margin: 0; padding: 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; font-size: 12.5px; white-space: pre-wrap; word-break: break-all; max-height: 360px; overflow: auto; }
pre.req { border-left: 4px solid #0969da; } pre.res { border-left: 4px solid #8250df; }
.conn { color: var(--soft); font-size: 13px; margin: 6px 0 0; }
footer { margin-top: 32px; color: var(--soft); font-size: 13px; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; } header { flex-direction: column; align-items: flex-start; } }
</style></head><body><main>
HTML
}
