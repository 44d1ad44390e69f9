# shellcheck shell=bash
# Talking to the server: one `send` is one TCP connection, made by netcat-openbsd (the one
# pinned raw client), carrying exactly the bytes a check wrote, and recording what came back
# and how the connection ended. A check may make several exchanges; each is kept in the
# check's folder as exchange-N.request / .response / .label / .end for the reports.
#
# How the client behaves after sending is part of the experiment, so it is chosen per send:
#   (default)        a polite client: send, wait until the response has arrived (complete by
#                    its framing, or no new byte for a moment when only the close can end it),
#                    then shut down the write side, and give the server CLOSE_GRACE to close.
#                    If no byte has come within FIRST_BYTE_WAIT, it shuts down its side all the
#                    same, so that a server that closed without answering is seen to have closed.
#   --half-close     send, then shut down the write side at once (`printf ... | nc -N`): the
#                    server sees end-of-file before it has answered.
#   --hold S         send, wait until the response has arrived, then keep the write side open S
#                    more seconds: whatever the server does with the connection, it does on its
#                    own. (nc leaves a closed connection only when its input ends, so a close is
#                    only known to have happened "within S of the response".)
#   --then TEXT      with --hold: once the hold is over, send TEXT on the same connection (the
#                    next request of a client that did not notice a close), then end the input.
#   --trickle B:D    send B bytes at a time, D seconds apart, then behave as the polite client.
#   --silent         connect and send nothing (`nc -d`); wait for the server to close.
#   --limit S        give up S seconds after connecting (default EXCHANGE_LIMIT, plus the hold).
#   --head           the request is HEAD, so responses carry no body (for the framing).
#   --label TEXT     what this exchange is for, shown in the reports.
#   --retry SHELL    a shell command that prints the same request bytes, shorter than the
#                    printf the reports would write otherwise (a 64 KiB head, say); the reports
#                    use it only after checking that it prints exactly the bytes sent.
#
# Every exchange is bounded whatever the server does: at most MAX_RESPONSE_BYTES are read (see
# site.sh), at most its limit in seconds, and never past the run's time budget (runner.sh).
# Times are measured from the right moment: a close from the response's last byte (or from
# the connection, when nothing came), so a slow but correct server is judged on what it does.

# The time limits, in seconds, each multiplied by --timeout-scale (docs/GRADING.md lists them).
readonly EXCHANGE_LIMIT=5  # one exchange, from connecting to giving up, unless its check says more
readonly FIRST_BYTE_WAIT=2 # how long a client waits for the first byte before it goes on
readonly CLOSE_GRACE=1     # after its input ended with a response in hand: the wait for a close
readonly HOLD_LINGER=0.5   # after a hold without --then: nc leaves a closed connection within this
readonly POLL=0.05         # how often the client looks at what has arrived (no new byte between
                           # two looks: a response that only a close can end is taken as sent)
readonly POLL_HELD=0.2     # the same, once the response is in hand and nothing else is coming

# scale_time_limits: the limits above in milliseconds, times --timeout-scale (after the
# arguments are read): EXCHANGE_LIMIT_MS, FIRST_BYTE_WAIT_MS, CLOSE_GRACE_MS, HOLD_LINGER_MS.
scale_time_limits() {
  scaled_ms_into EXCHANGE_LIMIT_MS "$EXCHANGE_LIMIT"
  scaled_ms_into FIRST_BYTE_WAIT_MS "$FIRST_BYTE_WAIT"
  scaled_ms_into CLOSE_GRACE_MS "$CLOSE_GRACE"
  scaled_ms_into HOLD_LINGER_MS "$HOLD_LINGER"
  scaled_ms_into RUN_BUDGET_MS "$RUN_BUDGET"
}

TARGET_HOST='' TARGET_PORT=''
CHECK_DIR=         # set by the runner: where this check's exchanges are kept
EXCHANGE_COUNT=0   # exchanges so far in this check
EXCHANGE=          # path prefix of the latest exchange: $EXCHANGE.request, .response...
END_KIND=          # closed | open | cut | refused: how the latest connection ended
END_MS=0           # when it ended (or the client gave up), in ms after connecting
CLOSED_AFTER_MS=0  # for END_KIND=closed: the server had closed this long after the response
                   # ended (its last byte, or the connection's start when nothing came)
OPEN_AFTER_MS=0    # for END_KIND=open: still open this long after the response ended
TROUBLE=           # why an exchange looks like a dead, stalled or flooding server (judge_exchange);
                   # the runner then probes, or stops the run
FLOODED=           # set when a response ran past MAX_RESPONSE_BYTES (the runner stops the run)
BUDGET_CUT=        # set when the run's time budget cut this exchange short
# nc cannot tell a reset from a close: on a TCP RST it leaves at once with status 0 and says
# nothing, as after a close and the end of its input. Both are reported as "closed".

send() {
  local mode=polite hold=0 trickle='' limit='' label='' head_request='' then='' producer=''
  while (($# > 1)); do
    case $1 in
      --half-close) mode=half-close; shift ;;
      --hold) mode=hold; hold=$2; shift 2 ;;
      --then) then=$2; shift 2 ;;
      --trickle) mode=trickle; trickle=$2; shift 2 ;;
      --silent) mode=silent; shift ;;
      --limit) limit=$2; shift 2 ;;
      --head) head_request=1; shift ;;
      --label) label=$2; shift 2 ;;
      --retry) producer=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local hold_ms limit_ms
  scaled_ms_into hold_ms "$hold"
  if [[ -n $limit ]]; then scaled_ms_into limit_ms "$limit"; else limit_ms=$((EXCHANGE_LIMIT_MS + hold_ms)); fi

  EXCHANGE_COUNT=$((EXCHANGE_COUNT + 1))
  EXCHANGE=$CHECK_DIR/exchange-$EXCHANGE_COUNT
  printf '%b' "$1" >"$EXCHANGE.request"
  # What --then sends is kept apart, for the client and the reports.
  [[ -z $then ]] || printf '%b' "$then" >"$EXCHANGE.then"
  printf '%s\n' "${label:-}" >"$EXCHANGE.label"
  [[ -z $producer ]] || printf '%s\n' "$producer" >"$EXCHANGE.producer"

  HEAD_REQUEST=$head_request
  limit_within_budget "$limit_ms"
  # How this client behaved, for the command a report gives to try the exchange again.
  local hold_s
  seconds_into hold_s "$hold_ms"
  printf '%s %s %s\n' "$mode" "$hold_s" "${trickle:--}" >"$EXCHANGE.client"
  run_client "$mode" "$hold_ms" "$trickle" "$LIMIT_MS"
  classify_end "$mode" "$hold_ms" "$LIMIT_MS"
  waited "$END_MS"
  parse_response 1 "$head_request"
  judge_exchange "$mode"
  [[ -z $BUDGET_CUT ]] || out_of_budget
}

# limit_within_budget MS: LIMIT_MS is MS, or less if the run's time budget ends sooner (the
# exchange is then marked, so that reaching that limit is reported as the budget's doing).
# Nothing left at all: the check cannot go on.
limit_within_budget() {
  local left=$((RUN_BUDGET_MS - TARGET_WAITED_MS))
  ((left > 0)) || out_of_budget
  LIMIT_MS=$1
  if ((LIMIT_MS > left)); then
    LIMIT_MS=$left
    : >"$EXCHANGE.budget-limited"
  fi
}

out_of_budget() {
  cannot_check "not finished: the run's time budget ($(seconds_of "$RUN_BUDGET_MS") s of waiting on the server) ran out during this check$(slowness_note)"
}

# run_client MODE HOLD_MS TRICKLE LIMIT_MS: the connection itself. nc writes the response
# straight into its file under a file-size limit (ulimit -f), the byte cap: past it the kernel
# stops nc (SIGXFSZ), however fast the server sends. nc's input is a named pipe this shell
# writes and closes, so that it decides when the input ends; meanwhile it watches the response
# grow (writing down when its first and last bytes came, for the timings), and gives up on a
# server that keeps the connection once it has answered.
run_client() {
  local mode=$1 hold_ms=$2 trickle=$3 limit_ms=$4 options=(-v) client in='' input=/dev/null
  INPUT_ENDED_US=0
  case $mode in
    polite | half-close | trickle) options+=(-N) ;;
    silent) options+=(-d) ;;
  esac
  if [[ $mode != silent ]]; then
    input=$EXCHANGE.input
    mkfifo "$input"
  fi
  : >"$EXCHANGE.response"
  local limit_s
  seconds_into limit_s "$limit_ms"
  CONNECTED_US=${EPOCHREALTIME/./}
  (
    ulimit -f $((MAX_RESPONSE_BYTES / 1024 + 1)) # in KiB: a flood ends at 1 KiB past the cap
    exec timeout -k 1 "$limit_s" nc "${options[@]}" "$TARGET_HOST" "$TARGET_PORT" \
      <"$input" >"$EXCHANGE.response" 2>"$EXCHANGE.nc-log"
  ) &
  client=$!
  if [[ $mode != silent ]]; then
    exec {in}>"$input"
    write_request "$mode" "$trickle" "$in"
  fi
  if [[ $mode == half-close ]]; then end_input; fi
  watch_response "$mode" "$hold_ms" "$client"
  [[ -z $in ]] || exec {in}>&-
  [[ $mode == silent ]] || rm -f "$input"
}

# write_request MODE TRICKLE FD: the request into nc's input; a trickle B bytes at a time.
# (cat and dd, not printf: should nc be gone, SIGPIPE ends them, not this shell.)
write_request() {
  if [[ $1 != trickle ]]; then
    cat "$EXCHANGE.request" >&"$3" 2>/dev/null || true
    return 0
  fi
  local piece=${2%%:*} delay=${2#*:} size offset
  size=$(file_size "$EXCHANGE.request")
  for ((offset = 0; offset < size; offset += piece)); do
    bytes_of "$EXCHANGE.request" "$offset" "$piece" >&"$3" 2>/dev/null || true
    sleep "$delay"
  done
}

# end_input: closes nc's input (with -N, nc then shuts down its write side) and notes when.
end_input() {
  [[ -n $in ]] || return 0
  exec {in}>&-
  in=''
  INPUT_ENDED_US=${EPOCHREALTIME/./}
}

# watch_response MODE HOLD_MS CLIENT: until nc is gone. It looks at the response every POLL
# (every POLL_HELD once the response is in hand, when only the server's next move is awaited),
# and makes the client's next move (next_move). FIRST_BYTE_US and LAST_BYTE_US (0: nothing
# came) are the times the first and last bytes were seen; CLIENT_RC is nc's exit status;
# GAVE_UP is set when this client ended the connection.
watch_response() {
  local mode=$1 hold_ms=$2 client=$3 size last_size=0 grew now napper which rc=0 arrived_us=0
  local first_byte_deadline linger_ms=$CLOSE_GRACE_MS poll=$POLL
  [[ $mode != hold || -f $EXCHANGE.then ]] || linger_ms=$HOLD_LINGER_MS
  [[ $mode != silent ]] || poll=$POLL_HELD # nothing to decide: only the close is awaited
  # Counted from the end of the request (a trickled one takes a while to send).
  first_byte_deadline=$((${EPOCHREALTIME/./} + FIRST_BYTE_WAIT_MS * 1000))
  FIRST_BYTE_US=0 LAST_BYTE_US=0 GAVE_UP=''
  while :; do
    sleep "$poll" &
    napper=$!
    which=''
    # (2>/dev/null: bash would report nc stopped by the byte cap as "File size limit exceeded".)
    wait -n -p which "$client" "$napper" 2>/dev/null || rc=$?
    if [[ $which == "$client" ]]; then
      CLIENT_RC=$rc
      kill "$napper" 2>/dev/null || true
      break
    fi
    rc=0 now=${EPOCHREALTIME/./}
    size=$(stat -c %s "$EXCHANGE.response")
    grew=0
    if ((size != last_size)); then
      ((FIRST_BYTE_US)) || FIRST_BYTE_US=$now
      LAST_BYTE_US=$now last_size=$size grew=1
    fi
    # The response has arrived: complete by its framing, or quiet when only a close ends it,
    # or nothing at all came in FIRST_BYTE_WAIT.
    if ((arrived_us == 0)); then
      if response_arrived "$size" "$grew" || ((size == 0 && now >= first_byte_deadline)); then arrived_us=$now; fi
    fi
    ((arrived_us == 0 || grew)) || poll=$POLL_HELD
    next_move
  done
  ENDED_US=${EPOCHREALTIME/./}
  # Bytes that came in the last moments, after the last look.
  size=$(stat -c %s "$EXCHANGE.response")
  if ((size != last_size)); then
    ((FIRST_BYTE_US)) || FIRST_BYTE_US=$ENDED_US
    LAST_BYTE_US=$ENDED_US
  fi
}

# next_move: what the client does now, with watch_response's view of the response:
#   polite, trickle: once the response has arrived, end the input; CLOSE_GRACE later, if the
#                    server still keeps the connection, give up (the response is in hand).
#   hold:            once the response has arrived, hold HOLD_MS, send --then's text, end the
#                    input; then give up after HOLD_LINGER (CLOSE_GRACE with --then, whose
#                    answer, if any, must be seen).
#   half-close, silent: nothing; the server closes, or the limit ends it.
next_move() {
  case $mode in
    polite | trickle) ((arrived_us == 0)) || end_input ;;
    hold)
      if ((arrived_us && now - arrived_us >= hold_ms * 1000)) && [[ -n $in ]]; then
        [[ ! -f $EXCHANGE.then ]] || cat "$EXCHANGE.then" >&"$in" 2>/dev/null || true
        end_input
        poll=$POLL
      fi ;;
    *) return 0 ;;
  esac
  # Input ended with a response in hand and the server keeps the connection: give up.
  if ((size > 0 && INPUT_ENDED_US && arrived_us)) &&
    ((now - (INPUT_ENDED_US > LAST_BYTE_US ? INPUT_ENDED_US : LAST_BYTE_US) >= linger_ms * 1000)); then
    GAVE_UP=1
    kill -TERM "$client" 2>/dev/null || true
  fi
}

# response_arrived SIZE GREW: true when the first response in the stream is all there by its
# own framing (RFC 9112 6.3), or, when only a close can end it (no Content-Length, not chunked)
# or its head cannot be read, when no byte came since the last look (GREW is 0: a QUIET).
# The full judgement is parse_response's; this only says when the client may go on.
response_arrived() {
  local size=$1 grew=$2 text head lowered length
  ((size > 0)) || return 1
  IFS= read -r -d '' -N 65536 text <"$EXCHANGE.response" || true
  head=${text%%"$CRLF$CRLF"*}
  if [[ $head == "$text" ]]; then # no head yet; unless it is not HTTP at all
    [[ $text != HTTP/* && ${#text} -ge 5 && $grew == 0 ]]
    return
  fi
  lowered=${head,,}
  if [[ -n $HEAD_REQUEST || $head =~ ^HTTP/[0-9.]+\ (1[0-9][0-9]|204|304) ]]; then
    return 0
  elif [[ $lowered =~ $'\n'transfer-encoding:[^$'\r']*chunked ]]; then
    [[ $(tail -c 5 "$EXCHANGE.response") == "0"$'\r\n\r\n' ]]
  elif [[ $lowered =~ $'\n'content-length:[[:blank:]]*([0-9]+) ]]; then
    length=${BASH_REMATCH[1]}
    ((size >= ${#head} + 4 + 10#$length))
  else
    ((grew == 0)) # close-delimited: the poll that saw no new byte is the quiet
  fi
}

# classify_end MODE HOLD_MS LIMIT_MS: turns how nc ended into END_KIND, the timings and a
# sentence for the reports ($EXCHANGE.end).
classify_end() {
  local mode=$1 hold_ms=$2 limit_ms=$3 how size reference
  size=$(stat -c %s "$EXCHANGE.response")
  END_MS=$(((ENDED_US - CONNECTED_US) / 1000))
  reference=$((LAST_BYTE_US ? LAST_BYTE_US : CONNECTED_US)) # the response's end, or the start
  CLOSED_AFTER_MS=0 OPEN_AFTER_MS=$(((ENDED_US - reference) / 1000))
  BUDGET_CUT=''
  if grep -q -i 'refused\|failed:\|No route\|not known\|unreachable' "$EXCHANGE.nc-log"; then
    END_KIND=refused
    how="could not connect: $(connect_failure "$EXCHANGE.nc-log")"
  elif ((size > MAX_RESPONSE_BYTES)); then
    END_KIND=cut
    how="cut by the client after $MAX_RESPONSE_BYTES bytes, the most any check needs, $(seconds_of "$END_MS") s after connecting"
  elif [[ -n $GAVE_UP ]]; then
    END_KIND=open
    how="still open $(seconds_of "$OPEN_AFTER_MS") s after the response ended, when the client gave up"
  elif ((CLIENT_RC == 124 || CLIENT_RC == 137)); then
    END_KIND=open
    [[ ! -f $EXCHANGE.budget-limited ]] || BUDGET_CUT=1
    if ! grep -q succeeded "$EXCHANGE.nc-log"; then
      how="could not connect within $(seconds_of "$limit_ms") s"
    elif ((size == 0)); then
      how="connected, but nothing came in $(seconds_of "$limit_ms") s; still open when the client gave up"
    else
      how="still open after $(seconds_of "$limit_ms") s (the last byte came $(seconds_of "$OPEN_AFTER_MS") s before), when the client gave up"
    fi
  else
    END_KIND=closed
    closed_when "$mode" "$hold_ms" "$reference"
    how=$CLOSE_TEXT
  fi
  [[ $END_KIND == refused ]] || how="$(client_behaviour "$mode" "$size")$how"
  printf '%s\n' "$how" >"$EXCHANGE.end"
  printf '%s\n' "$END_KIND" >"$EXCHANGE.end-kind"
}

# connect_failure NC_LOG: why the connection could not be made, in words (not nc's own).
connect_failure() {
  if grep -q -i 'refused' "$1"; then
    printf 'the connection was refused: nothing listens on port %s\n' "$TARGET_PORT"
  elif grep -q -i 'not known\|name or service\|resolve' "$1"; then
    printf 'the host name %s is unknown\n' "$TARGET_HOST"
  elif grep -q -i 'no route\|unreachable' "$1"; then
    printf 'no route to %s\n' "$TARGET_HOST"
  elif grep -q -i 'timed out' "$1"; then
    printf 'the connection attempt timed out\n'
  else
    printf 'the connection could not be made\n'
  fi
}

# closed_when MODE HOLD_MS REFERENCE_US: CLOSED_AFTER_MS and CLOSE_TEXT for a closed connection.
# nc leaves a closed connection only once its input ends: if it left right then (a busy machine
# may take a moment), the server had closed during the hold, and that is all that is known.
closed_when() {
  local mode=$1 hold_ms=$2 reference=$3 seconds
  if [[ $mode == hold ]] && ((INPUT_ENDED_US && ENDED_US - INPUT_ENDED_US <= 500000)); then
    CLOSED_AFTER_MS=$hold_ms
    seconds_into seconds "$hold_ms"
    CLOSE_TEXT="closed by the server within the $seconds s the client kept its side open after the response"
    return 0
  fi
  CLOSED_AFTER_MS=$(((ENDED_US - reference) / 1000))
  seconds_into seconds "$CLOSED_AFTER_MS"
  local when="$seconds s after"
  # nc was waiting for its input to end: the close came at that moment or before.
  if [[ $mode == polite || $mode == trickle ]] && ((INPUT_ENDED_US && ENDED_US - INPUT_ENDED_US <= 500000)); then
    when="within $seconds s of"
  fi
  if ((LAST_BYTE_US)); then
    seconds_into seconds "$END_MS"
    CLOSE_TEXT="closed by the server $when the response's last byte ($seconds s after connecting)"
  else
    CLOSE_TEXT="closed by the server $when connecting"
  fi
}

# client_behaviour MODE SIZE: what the client did, before how the connection ended.
client_behaviour() {
  case $1 in
    polite | trickle)
      if (($2 > 0 && INPUT_ENDED_US)); then
        printf 'client half-closed once the response had arrived; '
      elif (($2 == 0 && INPUT_ENDED_US)); then
        printf 'client waited %s s for a response, none came, then half-closed; ' "$(seconds_of "$FIRST_BYTE_WAIT_MS")"
      fi ;;
    hold) [[ ! -f $EXCHANGE.then ]] || printf 'client sent a next request on the same connection after the hold; ' ;;
    half-close) printf 'client half-closed right after sending; ' ;;
    silent) printf 'client sent nothing; ' ;;
  esac
}

# judge_exchange MODE: is this exchange a sign that the server is dead, stalled or flooding?
# (The runner then asks the server again, or stops the run; see runner.sh.)
#   refused                          nothing listening any more
#   cut                              the response ran past the byte cap
#   open, without a whole response   it stalled: nothing, or part of a response, then silence
# A server that keeps the connection once it has answered in full is not in trouble, nor a
# silent client's connection left open (the idle check judges that).
judge_exchange() {
  local mode=$1
  printf '%s\n' $(((FIRST_BYTE_US ? FIRST_BYTE_US - CONNECTED_US : 0) / 1000)) >"$EXCHANGE.first-byte-ms"
  case $END_KIND in
    refused) trouble "$(refusal_reason)" ;;
    cut)
      FLOODED=1
      trouble "its response never ends: more than $MAX_RESPONSE_BYTES bytes in answer to one request, when the most any check needs is twice the largest site file and 1 MiB" ;;
    closed) # nothing at all, then a close: a dying server looks like this (the probe tells)
      [[ $mode == silent || -s $EXCHANGE.response ]] || trouble "it closed the connection without answering" ;;
    open)
      [[ $mode != silent && -z $GAVE_UP ]] || return 0
      if ! grep -q succeeded "$EXCHANGE.nc-log"; then
        trouble "could not connect to $TARGET within $(seconds_of "$END_MS") s"
      elif [[ ! -s $EXCHANGE.response ]]; then
        trouble "it accepted the connection but never answered (nothing in $(seconds_of "$END_MS") s)"
      elif [[ -n $RESPONSE_PROBLEM ]]; then
        trouble "its response stalled: $RESPONSE_PROBLEM"
      fi ;;
  esac
}

# refusal_reason: why the connection could not be made, in a few words ("refused" is the
# usual one: the port is closed, the server is not running, or it died).
refusal_reason() {
  if grep -q -i 'refused' "$EXCHANGE.nc-log"; then
    printf 'nothing listening at %s (connection refused)\n' "$TARGET"
  else
    printf 'could not connect to %s (%s)\n' "$TARGET" "$(connect_failure "$EXCHANGE.nc-log")"
  fi
}

trouble() {
  TROUBLE=$1
  [[ -z $CHECK_DIR ]] || printf '%s\n' "$1" >"$CHECK_DIR/trouble"
  [[ -z $FLOODED || -z $CHECK_DIR ]] || : >"$CHECK_DIR/flooded"
}

# waited MS: this exchange kept the run waiting on the target MS ms (the budget counts them;
# the runner adds up the .waited-ms files of a check once it is over).
waited() {
  TARGET_WAITED_MS=$((TARGET_WAITED_MS + $1))
  printf '%s\n' "$1" >"$EXCHANGE.waited-ms"
}

# curl_exchange [--label TEXT] ARG...: one run of curl, for checks where a real client's
# behaviour is the point (does it reuse the connection?). Its verbose log (-v: what it sent
# and received, and "Re-using existing connection") is kept as the exchange's response, and
# its standard output (what -w printed) in CURL_OUTPUT. It is bounded as send is: in time
# (and the run's budget) and in bytes.
CURL_OUTPUT=''
curl_exchange() {
  local label='' rc=0
  if [[ $1 == --label ]]; then label=$2; shift 2; fi
  EXCHANGE_COUNT=$((EXCHANGE_COUNT + 1))
  EXCHANGE=$CHECK_DIR/exchange-$EXCHANGE_COUNT
  printf '%s\n' "$label" >"$EXCHANGE.label"
  shell_words curl -sS -v "$@" >"$EXCHANGE.command" # what the reports give to try it again
  : >"$EXCHANGE.request"
  local curl_limit_ms started_us=${EPOCHREALTIME/./}
  scaled_ms_into curl_limit_ms 8
  limit_within_budget "$curl_limit_ms"
  timeout -k 1 "$(seconds_of $((LIMIT_MS + 2000)))" curl -sS -v --max-time "$(seconds_of "$LIMIT_MS")" \
    --max-filesize "$MAX_RESPONSE_BYTES" "$@" 2>&1 >"$EXCHANGE.out" | head -c "$MAX_RESPONSE_BYTES" >"$EXCHANGE.response" ||
    rc=${PIPESTATUS[0]}
  waited $(((${EPOCHREALTIME/./} - started_us) / 1000))
  CURL_OUTPUT=$(head -c 1024 "$EXCHANGE.out")
  if ((rc == 0)); then
    printf 'every transfer completed\n' >"$EXCHANGE.end"
    printf 'closed\n' >"$EXCHANGE.end-kind"
  else
    printf '%s\n' "$(curl_failure "$rc")" >"$EXCHANGE.end"
    printf '%s\n' "$( ((rc == 7)) && printf refused || printf failed)" >"$EXCHANGE.end-kind"
    trouble "$(curl_failure "$rc")"
    if ((rc == 28)) && [[ -f $EXCHANGE.budget-limited ]]; then out_of_budget; fi
  fi
}

# curl_failure STATUS: what went wrong, for curl's commonest exit statuses, in words.
curl_failure() {
  case $1 in
    7) printf 'could not connect: nothing listens on port %s\n' "$TARGET_PORT" ;;
    28 | 124 | 137) printf 'a transfer did not finish in time\n' ;;
    52) printf 'the server closed a connection without sending any response\n' ;;
    55 | 56) printf 'the connection broke while a transfer was under way (closed or reset)\n' ;;
    8) printf 'a response was not valid HTTP\n' ;;
    18) printf 'a body was shorter than its Content-Length\n' ;;
    *) printf 'a transfer failed (exit status %s)\n' "$1" ;;
  esac
}
