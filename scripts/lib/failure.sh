# shellcheck shell=bash
# One failing check, told so that a student can learn from it, in this order:
#   1. the verdict in one line: what was expected; what was received instead
#   2. the rule the check enforces (an RFC's sentence, or the lab's own choice and why)
#   3. a command to try it again against the same server (retry.sh)
#   4. the request as sent and the response as received, CR and LF visible, long bodies cut
#   5. where bytes were compared, the first byte that differs, with a caret under it
#   6. for a connection that ended badly, how it ended and the likely cause in the server's code
# The text report shows the exchange the verdict is about, cut short; TAP, JUnit and
# Gradescope show every exchange at more length (see failure_block). report-html.sh lays the
# same pieces out as a page.

# Excerpt sizes: lines of a head, lines of a body, characters of a line, per kind of report.
# The text report shows a response's status line, counts its other header fields in a line,
# and shows a line of its body only when the failure is about what the body holds: the bytes
# compared are in the verdict, the caret lines or that line; the rest is one command away.
readonly SHORT_HEAD=1 SHORT_BODY=1 SHORT_LINE=120
readonly FULL_HEAD=40 FULL_BODY=20 FULL_LINE=200

# The reports tell each failing check up to five times (text, TAP, JUnit, Gradescope, HTML):
# what they read about it is set in variables, not printed into a subshell, and the verdict
# line is read once (load_results, in reports.sh). A grading of a target that is down forked
# 4,300 processes for its reports before (20 s on a 2-core VM).

# first_failed DIR: FIRST_FAILED is the first failed expectation of a check, as tab-separated
# fields (see expect.sh), or a line of empty fields when none failed (a check not carried out).
FIRST_FAILED=''
first_failed() {
  local line
  FIRST_FAILED=$'\t\t\t\t\t'
  while IFS= read -r line; do
    [[ $line != fail$'\t'* ]] || { FIRST_FAILED=$line; return 0; }
  done <"$1/expectations"
}

# verdict_text_into VAR DIR: VAR = the verdict in one line. (Its locals have names no caller
# uses, as mark_into's.)
verdict_text_into() {
  local _verdict_wanted _verdict_received _verdict_error
  if [[ -s $2/error ]]; then
    IFS= read -r _verdict_error <"$2/error" || true
    printf -v "$1" 'could not be carried out: %s' "$_verdict_error"
    return 0
  fi
  first_failed "$2"
  IFS=$'\t' read -r _ _verdict_wanted _verdict_received _ <<<"$FIRST_FAILED"
  printf -v "$1" 'expected %s; received %s' "$_verdict_wanted" "$_verdict_received"
}

# also_lines DIR PAD MAX: the failed expectations after the first, one line each ("received
# the same" when it is what the verdict already says), at most MAX of them. MAX 0, for the text
# report: all of them in one line, each after a •, but those that received the same.
also_lines() {
  local outcome wanted received first='' shown=0 more=0 joined=''
  while IFS=$'\t' read -r outcome wanted received _; do
    [[ $outcome == fail ]] || continue
    if [[ -z $first ]]; then first=$received; continue; fi
    [[ $received != "$first" ]] || received='the same'
    if (($3 == 0)); then
      [[ $received == 'the same' ]] || joined+=" • $wanted; received $received"
      continue
    fi
    if ((shown == $3)); then more=$((more + 1)); continue; fi
    printf '%salso expected %s; received %s\n' "$2" "$wanted" "$received"
    shown=$((shown + 1))
  done <"$1/expectations"
  [[ -z $joined ]] || printf '%salso expected%s\n' "$2" "$joined"
  ((more == 0)) || printf '%s… and %s\n' "$2" "$(plural "$more" 'other failed expectation')"
}

# count_exchanges DIR: EXCHANGES is the number of exchanges the check in DIR made.
EXCHANGES=0
count_exchanges() {
  local file
  EXCHANGES=0
  for file in "$1"/exchange-*.request; do
    [[ -f $file ]] && EXCHANGES=$((EXCHANGES + 1))
  done
  return 0
}

# verdict_exchange DIR: VERDICT_EXCHANGE is the number of the exchange the verdict is about
# (the last one made when the check stopped without a failed expectation); EXCHANGES is counted
# on the way.
VERDICT_EXCHANGE=0
verdict_exchange() {
  local number
  count_exchanges "$1"
  first_failed "$1"
  IFS=$'\t' read -r _ _ _ number _ <<<"$FIRST_FAILED"
  if [[ -z ${number:-} || $number == 0 ]]; then number=$EXCHANGES; fi
  VERDICT_EXCHANGE=$number
}

# retry_lines EXCHANGE PAD: "retry: COMMAND", a long command's further lines under its start.
retry_lines() {
  local command
  command=$(retry_command "$1")
  printf '%s\n' "$command" | awk -v pad="$2" 'NR == 1 { print pad "retry: " $0; next } { print pad "       " $0 }'
}

# rule_lines ID PAD: "rule:  ..." under the verdict.
rule_lines() {
  printf '%srule:  %s\n' "$2" "$(rule_line "$1")"
}

# wire_lines EXCHANGE PAD SIZE: the request as "> " lines and the response as "< " lines; for
# curl, its own log as "| " lines (SIZE short: only the lines that tell the story).
wire_lines() {
  local exchange=$1 pad=$2 size=$3
  if [[ -f $exchange.command ]]; then
    if [[ $size == short ]]; then
      # The lines that tell how connections were made, reused and closed.
      visible_excerpt "$exchange.response" '' 0 400 "$SHORT_LINE" |
        grep -E '^\* (Connected|Re-using|Closing|Connection)' | head -n 8 | sed "s/^/$pad| /" || true
    else
      visible_excerpt "$exchange.response" "$pad| " 0 120 "$FULL_LINE"
    fi
    return 0
  fi
  if [[ $size == short ]]; then
    # The retry command's printf above shows these bytes already, unless a shorter command
    # makes them (a 64 KiB head).
    [[ ! -s $exchange.producer ]] || visible_excerpt "$exchange.request" "$pad> " "$SHORT_HEAD" 0 "$SHORT_LINE" 1
  else
    visible_excerpt "$exchange.request" "$pad> " "$FULL_HEAD" "$FULL_BODY" "$FULL_LINE"
  fi
  if [[ -f $exchange.then ]]; then
    printf '%s  (then, after the hold, on the same connection:)\n' "$pad"
    if [[ $size == short ]]; then
      visible_excerpt "$exchange.then" "$pad> " "$SHORT_HEAD" 0 "$SHORT_LINE" 1
    else
      visible_excerpt "$exchange.then" "$pad> " "$FULL_HEAD" 0 "$FULL_LINE"
    fi
  fi
  response_lines "$exchange" "$pad" "$size"
}

# response_lines EXCHANGE PAD SIZE: the response as "< " lines. In the text report a response
# already shown for an earlier check (the same bytes, but for its Date) is named, not repeated.
response_lines() {
  local excerpt key
  if [[ $3 != short ]]; then
    visible_excerpt "$1.response" "$2< " "$FULL_HEAD" "$FULL_BODY" "$FULL_LINE"
    return 0
  fi
  excerpt=$(visible_excerpt "$1.response" "$2< " "$SHORT_HEAD" "$(body_matters "$1" && printf '%s' "$SHORT_BODY" || printf 0)" \
    "$SHORT_LINE" 1)
  if [[ -n ${DEDUPE_RESPONSES:-} && -s $1.response ]]; then
    key=$(sed '/^[Dd]ate:/d' "$1.response" | cksum) # the whole response, but for its Date
    if [[ -n ${SHOWN_RESPONSE[$key]:-} && ${SHOWN_RESPONSE[$key]} != "$CURRENT_CHECK" ]]; then
      printf '%s< (the same response as for %s above%s)\n' "$2" "${SHOWN_RESPONSE[$key]}" \
        "$(grep -q -a -i '^Date:' "$1.response" && printf ', but for its Date')"
      return 0
    fi
    SHOWN_RESPONSE["$key"]=$CURRENT_CHECK
  fi
  printf '%s\n' "$excerpt"
}

# body_matters EXCHANGE: true when a failed expectation on this exchange is about what its body
# holds (a leak, a file that should have stayed hidden, a body where none belongs).
body_matters() {
  local number=${1##*-} outcome field kind
  while IFS=$'\t' read -r outcome _ _ field kind _; do
    [[ $outcome == fail && $field == "$number" ]] || continue
    case $kind in expect_no_leak | expect_no_copy_of | expect_no_body) return 0 ;; esac
  done <"${1%/*}/expectations"
  return 1
}

# detail_lines DIR FIELD PAD: the caret lines an expectation kept (its DETAIL field).
detail_lines() {
  [[ -n $2 && -f $1/$2 ]] || return 0
  sed "s/^/$3/" "$1/$2"
}

# ended_badly EXCHANGE KIND RECEIVED: true when the connection did not end as a plain answer
# and close: refused, timed out, closed without (all of) a response, or the kind of ending the
# failed expectation was about.
ended_badly() {
  local end
  end=$(end_kind "$1")
  [[ $end == refused || $end == open || $end == failed || $end == cut ]] && return 0
  [[ ! -s $1.response ]] && [[ $(client_mode "$1") != silent ]] && return 0
  case $2 in
    expect_closed_within | expect_kept_open | expect_no_answer_to_then | expect_complete_response | judge_framing) return 0 ;;
  esac
  [[ $3 == "no further response"* ]]
}

end_kind() { if [[ -s $1.end-kind ]]; then printf '%s\n' "$(<"$1.end-kind")"; else printf 'closed\n'; fi; }

client_mode() {
  local mode=polite
  [[ ! -s $1.client ]] || read -r mode _ <"$1.client"
  printf '%s\n' "$mode"
}

# likely_cause EXCHANGE KIND RECEIVED: what in a server's code most often leads to this ending.
likely_cause() {
  local exchange=$1 kind=$2 received=$3 end mode
  end=$(end_kind "$exchange")
  mode=$(client_mode "$exchange")
  case $end in
    refused) printf 'nothing accepted the connection: the server is not running, listens on another port, or crashed on an earlier request (look at its console)\n'; return 0 ;;
    failed) printf 'a transfer broke off: look at the server'"'"'s console for an error on this request\n'; return 0 ;;
    cut) printf 'the response went on past the size of any file of the site: does the server stop writing at the end of the file, and send no more bytes than its Content-Length says?\n'; return 0 ;;
  esac
  case $kind in
    expect_kept_open) printf 'the server closes the connection after each response: an HTTP/1.1 connection stays open unless the request says Connection: close, so keep reading requests on the same socket in a loop\n'; return 0 ;;
    expect_no_answer_to_then) printf 'the server answered a request sent after it should have closed: once it decides to close (Connection: close, or HTTP/1.0), it must stop reading and close after that response\n'; return 0 ;;
  esac
  if [[ $received == "no further response"* ]]; then
    printf 'the server answered the first request and stopped: requests pipelined on one connection must each be answered, in order, so keep reading after the first response\n'
  elif [[ $end == open && $mode == silent ]]; then
    printf 'the server waits forever for a request: give each connection a read timeout and close it when nothing comes\n'
  elif [[ $end == open && ! -s $exchange.response ]]; then
    printf 'no answer in time, and the connection still open: does the server wait for more than the head (for the client to close, or for a body)? It must answer once the empty line (\\r\\n\\r\\n) has arrived\n'
  elif [[ $end == open && $kind == expect_closed_within ]]; then
    closing_cause "$exchange"
  elif [[ $end == open ]]; then
    printf 'the response stopped short and the connection stayed open: does Content-Length count the bytes actually sent, and is every byte written (a loop around send, or sendall)?\n'
  elif [[ ! -s $exchange.response ]]; then
    closed_without_answer_cause "$mode"
  elif [[ $kind == expect_complete_response || $kind == judge_framing ]] && [[ $received == *shorter* ]]; then
    printf 'the server closed before the whole body was written: write every byte (a loop around send, or sendall) before closing\n'
  elif [[ $kind == expect_closed_within ]]; then
    printf 'the server closed, but only after the time limit: close right after the response instead of waiting for an idle timeout\n'
  fi
}

closed_without_answer_cause() {
  case $1 in
    half-close) printf 'closed without answering once the client had finished sending: does the server give up when a read returns no bytes (the client half-closed) before it has answered the request it already has?\n' ;;
    trickle) printf 'closed without answering a request that came in small pieces: does the server read only once? Keep reading until the empty line that ends the head\n' ;;
    silent) ;;
    *) printf 'closed without answering: did the server crash on this request (look at its console), or hang up on a request it could not parse? Answer with an error status (400) instead\n' ;;
  esac
}

# closing_cause EXCHANGE: why a server may keep open a connection it should close.
closing_cause() {
  if grep -q -i $'^connection:[ \t]*close' "$1.request"; then
    printf 'the server kept the connection open after answering a request with Connection: close: close the socket once that response is written\n'
  elif grep -q $'^[A-Z]* [^ ]* HTTP/1\\.0\r' "$1.request"; then
    printf 'the server kept an HTTP/1.0 connection open: without Connection: keep-alive, close it once the response is written\n'
  else
    printf 'the server did not close the connection in time: close it once the response is written, or when the client has gone quiet\n'
  fi
}

# connection_lines EXCHANGE KIND RECEIVED PAD: how the connection ended and its likely cause,
# when it ended badly.
connection_lines() {
  local cause
  ended_badly "$1" "$2" "$3" || return 0
  # (Not when the verdict has just said it.)
  [[ ! -s $1.end || $(<"$1.end") == "$3" ]] || printf '%sconnection: %s\n' "$4" "$(<"$1.end")"
  cause=$(likely_cause "$1" "$2" "$3")
  [[ -z $cause ]] || printf '%slikely cause: %s\n' "$4" "$cause"
}

# failure_block DIR ID SIZE PAD: everything about a check that did not pass, after its verdict
# line (which the caller prints, with the check's name). SIZE short: the exchange the verdict is
# about, cut for the text report; full: every exchange and every expectation.
failure_block() {
  local dir=$1 id=$2 size=$3 pad=$4 number kind received detail exchange
  verdict_exchange "$dir"
  number=$VERDICT_EXCHANGE
  IFS=$'\t' read -r _ _ received _ kind detail <<<"$FIRST_FAILED"
  also_lines "$dir" "$pad" "$( [[ $size == short ]] && printf 0 || printf 8)"
  rule_lines "$id" "$pad"
  exchange=$dir/exchange-$number
  [[ ! -f $exchange.request ]] || retry_lines "$exchange" "$pad"
  if [[ $size == short ]]; then
    if [[ -f $exchange.request ]]; then
      ((EXCHANGES == 1)) || printf '%s(exchange %s of %s%s)\n' "$pad" "$number" \
        "$EXCHANGES" "$(label_of "$exchange" ': ')"
      wire_lines "$exchange" "$pad" short
      detail_lines "$dir" "${detail:-}" "$pad"
      connection_lines "$exchange" "${kind:-}" "${received:-}" "$pad"
    fi
    return 0
  fi
  every_exchange "$dir" "$pad" "$number" "${kind:-}" "${received:-}"
  printf '%sexpectations:\n' "$pad"
  expectation_lines "$dir" "$pad  "
}

label_of() {
  local label
  label=$(<"$1.label")
  [[ -z $label ]] || printf '%s%s' "$2" "$label"
}

# every_exchange DIR PAD VERDICT_NUMBER KIND RECEIVED: each exchange in full, the caret lines of
# its failed comparisons under it, and how the verdict's connection ended.
every_exchange() {
  local dir=$1 pad=$2 exchange number field_number detail outcome cause total
  count_exchanges "$dir"
  total=$EXCHANGES
  for exchange in "$dir"/exchange-*.request; do
    [[ -f $exchange ]] || continue
    exchange=${exchange%.request}
    number=${exchange##*-}
    if ((total > 1)); then
      printf '%sexchange %s of %s%s%s\n' "$pad" "$number" "$total" "$(label_of "$exchange" ': ')" \
        "$( [[ $number == "$3" ]] && printf ' (the verdict is about this one)')"
    fi
    wire_lines "$exchange" "$pad" full
    while IFS=$'\t' read -r outcome _ _ field_number _ detail; do
      [[ $outcome == fail && $field_number == "$number" ]] && detail_lines "$dir" "$detail" "$pad"
    done <"$dir/expectations"
    [[ ! -s $exchange.end ]] || printf '%sconnection: %s\n' "$pad" "$(<"$exchange.end")"
    if [[ $number == "$3" ]] && ended_badly "$exchange" "$4" "$5"; then
      cause=$(likely_cause "$exchange" "$4" "$5")
      [[ -z $cause ]] || printf '%slikely cause: %s\n' "$pad" "$cause"
    fi
  done
}

# expectation_lines DIR PAD: "✓ wanted", "✗ wanted; received ...", "• note".
expectation_lines() {
  local outcome wanted received
  while IFS=$'\t' read -r outcome wanted received _; do
    case $outcome in
      ok) printf '%s✓ %s\n' "$2" "$wanted" ;;
      fail) printf '%s✗ %s; received %s\n' "$2" "$wanted" "$received" ;;
      info) printf '%s• %s\n' "$2" "$wanted" ;;
    esac
  done <"$1/expectations"
}
