# shellcheck shell=bash
# The HTML report: one self-contained page (no scripts, fonts or images from elsewhere). It opens
# with the score, the stage reached and the next step, then the ladder of stages, then every
# check that did not pass, open, told as failure.sh tells it (verdict, rule, a command to retry,
# the request and response side by side, the caret, the likely cause); then points by group, and
# every check stage by stage, passing ones folded.

html_report() {
  local earned possible passed checks i failures stage group
  read -r earned possible passed checks < <(group_totals '')
  failures=$((checks - passed))
  html_head
  printf '<header><div class="score %s"><b>%s%%</b><span>%s / %s points</span></div>\n' \
    "$(all_passed && printf good || printf bad)" "$(percent "$earned" "$possible")" "$earned" "$possible"
  printf '<div><h1>HTTP server report</h1><p>%s &middot; site <code>%s</code> &middot; %s</p>\n' \
    "$(html_text "$TARGET")" "$(html_text "$SITE_DIR")" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '<p class="totals"><span class="pass">%s passed</span> <span class="fail">%s failed</span> <span class="error">%s could not run</span></p></div></header>\n' \
    "$passed" "$(count_verdict fail)" "$(count_verdict error)"
  html_next_step
  html_ladder
  if ((failures)); then
    printf '<h2 id="failures">What to fix, in order (%s)</h2>\n' "$failures"
    while IFS= read -r stage; do
      for i in "${!R_ID[@]}"; do
        [[ ${R_STAGE[i]} != "$stage" || ${R_VERDICT[i]} == pass ]] || html_failure "$i"
      done
    done < <(stages_run)
  fi
  printf '<h2>Points by group</h2>\n<section class="groups">\n'
  while IFS= read -r group; do
    html_group_card "$group"
  done < <(groups_run)
  printf '</section>\n'
  html_all_checks
  printf '<footer>Made by <code>scripts/grade</code>. Bytes are shown as they crossed the wire: <code>\\r\\n</code> is CR LF, <code>\\xHH</code> a byte that is not printable ASCII. Each retry command sends the very same bytes.</footer>\n</main></body></html>\n'
}

# html_next_step: the stage reached and the next step, with the verdict of the check to fix.
html_next_step() {
  local reached step open
  { IFS= read -r reached; IFS= read -r step; } < <(progress_lines)
  open=$(first_open_check)
  printf '<section class="next %s"><p class="reached">%s</p>\n' "$( [[ -n $open ]] && printf open || printf 'done')" \
    "$(html_text "$reached")"
  if [[ -n $open ]]; then
    printf '<p class="step">Your next step: stage %s, %s: <a href="#check-%s"><code>%s</code></a></p>\n' \
      "${R_STAGE[open]}" "$(html_text "$(stage_title "${R_STAGE[open]}")")" "${R_ID[open]}" "${R_ID[open]}"
    printf '<p class="why">%s</p>\n' "$(html_text "${R_VERDICT_TEXT[open]}")"
  else
    printf '<p class="step">%s</p>\n' "$(html_text "$step")"
  fi
  printf '</section>\n'
}

# html_ladder: the stages in order, each passed, failing or not run.
html_ladder() {
  local stage passed checks class
  printf '<ol class="ladder">\n'
  for ((stage = 1; stage <= STAGE_COUNT; stage++)); do
    read -r passed checks < <(stage_totals "$stage")
    if ((checks == 0)); then class=notrun; elif ((passed == checks)); then class=pass; else class=fail; fi
    printf '<li class="%s"><a href="#stage-%s"><span class="n">%s</span><span class="t">%s</span><span class="c">%s</span></a></li>\n' \
      "$class" "$stage" "$stage" "$(html_text "$(stage_title "$stage")")" \
      "$( ((checks)) && printf '%s/%s' "$passed" "$checks" || printf 'not run')"
  done
  printf '</ol>\n'
}

# html_failure I: one check that did not pass, open, every piece of its story.
html_failure() {
  local i=$1 dir=${R_DIR[$1]} id=${R_ID[$1]} number exchange kind received also
  verdict_exchange "$dir"
  number=$VERDICT_EXCHANGE
  IFS=$'\t' read -r _ _ received _ kind _ <<<"$FIRST_FAILED"
  exchange=$dir/exchange-$number
  printf '<details class="check %s" open id="check-%s"><summary><span class="badge">%s</span><code>%s</code> %s<span class="pts">stage %s &middot; 0/%s</span></summary>\n<div class="body">\n' \
    "${R_VERDICT[i]}" "$id" "${R_VERDICT[i]^^}" "$id" "$(html_text "${R_DESCRIPTION[i]}")" "${R_STAGE[i]}" "${R_POINTS[i]}"
  printf '<p class="verdict">%s</p>\n' "$(html_text "${R_VERDICT_TEXT[i]}")"
  also=$(also_lines "$dir" '' 8)
  [[ -z $also ]] || printf '<ul class="also">%s</ul>\n' "$(printf '%s\n' "$also" | while IFS= read -r line; do
    printf '<li>%s</li>' "$(html_text "$line")"
  done)"
  html_rule "$id"
  if [[ -f $exchange.request ]]; then
    printf '<div class="retry"><h5>Try it yourself</h5><pre>%s</pre></div>\n' "$(html_text "$(retry_command "$exchange")")"
    html_exchange "$exchange" "$EXCHANGES"
    html_carets "$dir" "$number"
    html_connection "$exchange" "${kind:-}" "${received:-}"
  fi
  printf '<details class="more"><summary>every exchange and expectation of this check</summary>\n'
  html_every_exchange "$dir" "$number"
  html_expectations "$dir"
  printf '</details>\n</div></details>\n'
}

html_rule() {
  local source=${CHECK_RULE_SOURCE[$1]:-} text=${CHECK_RULE_TEXT[$1]:-} note=${CHECK_RULE_NOTE[$1]:-}
  mark_into text x "$text"
  if [[ -z $source ]]; then
    printf '<blockquote class="rule">no rule recorded for this check</blockquote>\n'
  elif [[ $source == "the lab's own choice" ]]; then
    printf '<blockquote class="rule"><b>The lab&#39;s own choice:</b> %s</blockquote>\n' "$text"
  else
    mark_into source x "$source"
    [[ -z $note ]] || { mark_into note x "$note"; note=" <i>($note)</i>"; }
    printf '<blockquote class="rule"><b>%s</b> &ldquo;%s&rdquo;%s</blockquote>\n' "$source" "$text" "$note"
  fi
}

# html_exchange EXCHANGE COUNT: the request and the response side by side (curl: its log).
html_exchange() {
  local exchange=$1 number=${1##*-} request response label title
  label=$(<"$exchange.label")
  title="exchange $number of $2${label:+: $label}"
  ((${2} > 1)) || title=$label
  if [[ -n $title ]]; then
    mark_into title x "$title"
    printf '<h4>%s</h4>\n' "$title"
  fi
  if [[ -f $exchange.command ]]; then
    response=$(visible_excerpt "$exchange.response" '' 0 120 "$FULL_LINE")
    mark_into response x "$response"
    printf '<pre class="res">%s</pre>\n' "$response"
    return 0
  fi
  request=$(visible_excerpt "$exchange.request" '' "$FULL_HEAD" "$FULL_BODY" "$FULL_LINE")
  [[ ! -f $exchange.then ]] || request+=$'\n(then, after the hold, on the same connection:)\n'$(visible_excerpt "$exchange.then" '' "$FULL_HEAD" 0 "$FULL_LINE")
  mark_into request x "$request"
  printf '<div class="pair"><div><h5>request, as sent</h5><pre class="req">%s</pre></div>' "$request"
  response=$(visible_excerpt "$exchange.response" '' "$FULL_HEAD" "$FULL_BODY" "$FULL_LINE")
  mark_into response x "$response"
  printf '<div><h5>response, as received</h5><pre class="res">%s</pre></div></div>\n' "$response"
}

# html_carets DIR NUMBER: the caret lines of every failed comparison on exchange NUMBER.
html_carets() {
  local outcome field detail
  while IFS=$'\t' read -r outcome _ _ field _ detail; do
    [[ $outcome == fail && $field == "$2" && -n $detail && -f $1/$detail ]] || continue
    printf '<pre class="caret">%s</pre>\n' "$(html_text "$(<"$1/$detail")")"
  done <"$1/expectations"
}

html_connection() {
  local cause
  [[ ! -s $1.end ]] || printf '<p class="conn">connection: %s</p>\n' "$(html_text "$(<"$1.end")")"
  ended_badly "$1" "$2" "$3" || return 0
  cause=$(likely_cause "$1" "$2" "$3")
  [[ -z $cause ]] || printf '<p class="cause"><b>Likely cause:</b> %s</p>\n' "$(html_text "$cause")"
}

# html_every_exchange DIR SKIP: the exchanges other than SKIP (already shown), with the caret
# lines of their failed comparisons.
html_every_exchange() {
  local dir=$1 exchange number total
  count_exchanges "$dir"
  total=$EXCHANGES
  for exchange in "$dir"/exchange-*.request; do
    [[ -f $exchange ]] || continue
    exchange=${exchange%.request}
    number=${exchange##*-}
    [[ $number != "$2" ]] || continue
    html_exchange "$exchange" "$total"
    html_carets "$dir" "$number"
    [[ ! -s $exchange.end ]] || printf '<p class="conn">connection: %s</p>\n' "$(html_text "$(<"$exchange.end")")"
  done
}

html_expectations() {
  local outcome wanted received
  [[ -s $1/expectations ]] || return 0
  printf '<ul class="expect">\n'
  while IFS=$'\t' read -r outcome wanted received _; do
    mark_into wanted x "$wanted"
    case $outcome in
      ok) printf '<li class="ok">%s</li>\n' "$wanted" ;;
      fail)
        mark_into received x "$received"
        printf '<li class="no">expected %s; received <span class="got">%s</span></li>\n' "$wanted" "$received" ;;
      info) printf '<li class="info">%s</li>\n' "$wanted" ;;
    esac
  done <"$1/expectations"
  printf '</ul>\n'
}

html_group_card() {
  local earned possible passed checks width
  read -r earned possible passed checks < <(group_totals "$1")
  width=$(percent "$earned" "$possible")
  printf '<div class="card"><span class="name">%s</span><span class="bar"><i style="width:%s%%" class="%s"></i></span><span class="nums">%s/%s points &middot; %s/%s checks</span></div>\n' \
    "$1" "$width" "$( ((passed == checks)) && printf good || printf bad)" "$earned" "$possible" "$passed" "$checks"
}

# html_all_checks: every check stage by stage; a failing one points to its story above.
html_all_checks() {
  local stage i passed checks
  printf '<h2>Every check, stage by stage</h2>\n'
  while IFS= read -r stage; do
    read -r passed checks < <(stage_totals "$stage")
    printf '<section class="stage" id="stage-%s"><h3>Stage %s: %s <span>%s of %s passed</span></h3>\n' \
      "$stage" "$stage" "$(html_text "$(stage_title "$stage")")" "$passed" "$checks"
    for i in "${!R_ID[@]}"; do
      [[ ${R_STAGE[i]} == "$stage" ]] || continue
      if [[ ${R_VERDICT[i]} == pass ]]; then
        printf '<details class="check pass"><summary><span class="badge">PASS</span><code>%s</code> %s<span class="pts">%s/%s</span></summary>\n<div class="body">\n' \
          "${R_ID[i]}" "$(html_text "${R_DESCRIPTION[i]}")" "${R_SCORE[i]}" "${R_POINTS[i]}"
        html_rule "${R_ID[i]}"
        html_expectations "${R_DIR[i]}"
        html_every_exchange "${R_DIR[i]}" none
        printf '</div></details>\n'
      else
        printf '<p class="check-link %s"><span class="badge">%s</span><a href="#check-%s"><code>%s</code></a> %s<span class="pts">0/%s</span></p>\n' \
          "${R_VERDICT[i]}" "${R_VERDICT[i]^^}" "${R_ID[i]}" "${R_ID[i]}" "$(html_text "${R_DESCRIPTION[i]}")" "${R_POINTS[i]}"
      fi
    done
    printf '</section>\n'
  done < <(stages_run)
}

html_head() {
  cat <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HTTP server report</title>
<style>
:root { --good: #1a7f37; --bad: #cf222e; --err: #9a6700; --ink: #1f2328; --soft: #656d76; --line: #d0d7de; --bg: #f6f8fa; --blue: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header { display: flex; gap: 24px; align-items: center; margin-bottom: 16px; }
h1 { margin: 0; font-size: 26px; }
header p { margin: 4px 0; color: var(--soft); }
.score { width: 120px; height: 120px; border-radius: 50%; display: flex; flex-direction: column; align-items: center; justify-content: center; color: #fff; flex: none; }
.score.good { background: var(--good); } .score.bad { background: var(--bad); }
.score b { font-size: 32px; } .score span { font-size: 12px; }
.totals span { margin-right: 12px; font-weight: 600; }
.totals .pass { color: var(--good); } .totals .fail { color: var(--bad); } .totals .error { color: var(--err); }
.next { border: 1px solid var(--line); border-left: 6px solid var(--blue); border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; background: #f3f8ff; }
.next.done { border-left-color: var(--good); background: #f2fbf4; }
.next p { margin: 2px 0; } .next .reached { font-weight: 700; font-size: 17px; } .next .step { font-size: 16px; }
.next .why { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; color: var(--bad); }
ol.ladder { list-style: none; padding: 0; margin: 0 0 8px; display: grid; grid-template-columns: repeat(6, 1fr); gap: 6px; }
ol.ladder a { display: flex; flex-direction: column; height: 100%; padding: 6px 8px; border-radius: 6px; border: 1px solid var(--line); color: inherit; text-decoration: none; font-size: 13px; line-height: 1.3; }
ol.ladder .n { font-weight: 700; } ol.ladder .c { margin-top: auto; color: var(--soft); font-variant-numeric: tabular-nums; }
ol.ladder .pass a { background: #e6f4ea; border-color: #a8d8b3; } ol.ladder .fail a { background: #fdecec; border-color: #f1a9a9; }
ol.ladder .notrun a { background: var(--bg); color: var(--soft); }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; }
h3 { margin: 20px 0 6px; } h3 span { color: var(--soft); font-weight: 400; font-size: 14px; }
details.check, .check-link { border: 1px solid var(--line); border-left: 6px solid var(--good); border-radius: 6px; margin: 8px 0; }
details.fail, .check-link.fail { border-left-color: var(--bad); } details.error, .check-link.error { border-left-color: var(--err); }
.check-link { padding: 6px 12px; margin: 6px 0; }
summary { cursor: pointer; padding: 8px 12px; list-style-position: inside; }
summary code, .check-link code { font-weight: 600; margin-right: 6px; }
.badge { display: inline-block; min-width: 54px; text-align: center; font-size: 12px; font-weight: 700; color: #fff; border-radius: 4px; padding: 1px 6px; margin-right: 8px; background: var(--good); }
.fail .badge { background: var(--bad); } .error .badge { background: var(--err); }
.pts { float: right; color: var(--soft); font-variant-numeric: tabular-nums; }
.body { padding: 6px 16px 12px; border-top: 1px solid var(--line); background: #fcfcfd; }
.verdict { font-weight: 700; color: var(--bad); font-size: 16px; margin: 6px 0; }
ul.also { margin: 0 0 8px; padding-left: 20px; color: var(--bad); }
blockquote.rule { margin: 8px 0; padding: 6px 12px; border-left: 4px solid var(--soft); background: var(--bg); color: var(--ink); }
.retry h5, .pair h5 { margin: 8px 0 4px; color: var(--soft); font-weight: 600; }
.retry pre { border-left: 4px solid var(--good); background: #0d1117; color: #e6edf3; user-select: all; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
pre { margin: 0; padding: 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; font-size: 12.5px; white-space: pre-wrap; word-break: break-all; max-height: 360px; overflow: auto; }
pre.req { border-left: 4px solid var(--blue); } pre.res { border-left: 4px solid #8250df; }
pre.caret { margin-top: 8px; border-left: 4px solid var(--bad); white-space: pre; word-break: normal; }
.conn { color: var(--soft); font-size: 13px; margin: 6px 0 0; }
.cause { margin: 6px 0 0; padding: 6px 10px; background: #fff8c5; border: 1px solid #e3cf6e; border-radius: 6px; }
details.more { margin-top: 10px; } details.more > summary { color: var(--blue); padding: 4px 0; }
h4 { margin: 12px 0 4px; }
ul.expect { list-style: none; padding: 0; }
ul.expect li { padding: 2px 0 2px 24px; position: relative; }
ul.expect li::before { position: absolute; left: 2px; font-weight: 700; }
li.ok::before { content: "\2713"; color: var(--good); } li.no::before { content: "\2717"; color: var(--bad); } li.info::before { content: "\2022"; color: var(--soft); }
li.no { color: var(--bad); } .got { color: var(--ink); font-family: ui-monospace, monospace; font-size: 13px; }
.groups { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
.card { display: block; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); }
.card .name { font-weight: 700; display: block; }
.card .bar { display: block; height: 8px; background: #e6e9ec; border-radius: 4px; margin: 8px 0 6px; overflow: hidden; }
.card .bar i { display: block; height: 100%; }
.card .bar i.good { background: var(--good); } .card .bar i.bad { background: var(--bad); }
.card .nums { font-size: 13px; color: var(--soft); }
footer { margin-top: 32px; color: var(--soft); font-size: 13px; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; } ol.ladder { grid-template-columns: repeat(3, 1fr); } header { flex-direction: column; align-items: flex-start; } }
</style></head><body><main>
HTML
}
