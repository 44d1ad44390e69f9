# shellcheck shell=bash
# Talking to the server: one `send` is one TCP connection, made by netcat-openbsd (the one
# pinned raw client), carrying exactly the bytes a check wrote, and recording what came back
# and how the connection ended. A check may make several exchanges; each is kept in the
# check's folder as exchange-N.request / .response / .label / .end for the reports.
#
# How the client behaves after sending is part of the experiment, so it is chosen per send:
#   (default)        a polite client: send, wait until the response has arrived (bytes came,
#                    then 0.05 s of quiet), then shut down the write side. A server that stops
#                    at the client's end-of-file still gets to answer first. If no byte has
#                    come within 2 s (scaled), it shuts down its side all the same, so that a
#                    server that closed without answering is seen to have closed.
#   --half-close     send, then shut down the write side at once (`printf ... | nc -N`): the
#                    server sees end-of-file before it has answered.
#   --hold S         send, then keep the write side open S more seconds: whatever the server
#                    does with the connection, it does on its own. (After a close, nc leaves
#                    only when its input ends, so a close is only known to have happened
#                    "within S".)
#   --then TEXT      with --hold: once the hold is over, send TEXT on the same connection (the
#                    next request of a client that did not notice a close), then end the input.
#   --trickle B:D    send B bytes at a time, D seconds apart, then hold 1 s.
#   --silent         connect and send nothing (`nc -d`); wait for the server to close.
#   --limit S        give up S seconds after connecting (default 5); scaled by --timeout-scale.
#   --head           the request is HEAD, so responses carry no body (for the framing).
#   --label TEXT     what this exchange is for, shown in the reports.
#   --retry SHELL    a shell command that prints the same request bytes, shorter than the
#                    printf the reports would write otherwise (a 64 KiB head, say); the reports
#                    use it only after checking that it prints exactly the bytes sent.

TARGET_HOST='' TARGET_PORT=''
CHECK_DIR=          # set by the runner: where this check's exchanges are kept
EXCHANGE_COUNT=0    # exchanges so far in this check
EXCHANGE=           # path prefix of the latest exchange: $EXCHANGE.request, .response...
END_KIND=           # closed | open | refused: how the latest connection ended
END_MS=0            # when it ended (or the client gave up), in ms after connecting
ENDED_US=0          # the same moment, in microseconds since the epoch
CLOSED_WITHIN_MS=0  # for END_KIND=closed: the server had closed by then
TROUBLE=            # set when an exchange timed out or was refused (the runner then probes)
# nc cannot tell a reset from a close: on a TCP RST it leaves at once with status 0 and says
# nothing, as after a close and the end of its input. Both are reported as "closed".

send() {
  local mode=polite hold=0 trickle='' limit=5 label='' head_request='' then='' producer='' request
  while (($# > 1)); do
    case $1 in
      --half-close) mode=half-close; shift ;;
      --hold) mode=hold; hold=$2; shift 2 ;;
      --then) then=$2; shift 2 ;;
      --trickle) mode=trickle; trickle=$2; hold=1; shift 2 ;;
      --silent) mode=silent; shift ;;
      --limit) limit=$2; shift 2 ;;
      --head) head_request=1; shift ;;
      --label) label=$2; shift 2 ;;
      --retry) producer=$2; shift 2 ;;
      *) break ;;
    esac
  done
  request=$1

  EXCHANGE_COUNT=$((EXCHANGE_COUNT + 1))
  EXCHANGE=$CHECK_DIR/exchange-$EXCHANGE_COUNT
  printf '%b' "$request" >"$EXCHANGE.request"
  # What --then sends is kept apart, for the feeder and the reports.
  [[ -z $then ]] || printf '%b' "$then" >"$EXCHANGE.then"
  printf '%s\n' "${label:-}" >"$EXCHANGE.label"
  [[ -z $producer ]] || printf '%s\n' "$producer" >"$EXCHANGE.producer"

  local limit_s hold_s started rc=0
  limit_s=$(scaled "$limit")
  hold_s=$(scaled "$hold")
  # How this client behaved, for the command a report gives to try the exchange again.
  printf '%s %s %s\n' "$mode" "$hold_s" "${trickle:--}" >"$EXCHANGE.client"
  started=$(now_us)
  : >"$EXCHANGE.response"
  case $mode in
    half-close)
      timeout -k 1 "$limit_s" nc -v -N "$TARGET_HOST" "$TARGET_PORT" \
        <"$EXCHANGE.request" >"$EXCHANGE.response" 2>"$EXCHANGE.nc-log" || rc=$? ;;
    silent)
      timeout -k 1 "$limit_s" nc -v -d "$TARGET_HOST" "$TARGET_PORT" \
        </dev/null >"$EXCHANGE.response" 2>"$EXCHANGE.nc-log" || rc=$? ;;
    *)
      # A feeder process writes nc's input through a named pipe, and decides when it ends.
      # The polite client then shuts down its write side (-N); the holding one does not, so
      # whatever the server does next, it does on its own.
      local feeder half_close=()
      [[ $mode != polite ]] || half_close=(-N)
      mkfifo "$EXCHANGE.input"
      feed "$mode" "$trickle" "$hold_s" "$(scaled 2)" >"$EXCHANGE.input" &
      feeder=$!
      timeout -k 1 "$limit_s" nc -v "${half_close[@]}" "$TARGET_HOST" "$TARGET_PORT" \
        <"$EXCHANGE.input" >"$EXCHANGE.response" 2>"$EXCHANGE.nc-log" || rc=$?
      kill "$feeder" 2>/dev/null || true
      wait "$feeder" 2>/dev/null || true
      rm -f "$EXCHANGE.input" ;;
  esac
  ENDED_US=$(now_us)
  END_MS=$(((ENDED_US - started) / 1000))
  classify_end "$rc" "$mode" "$(scaled_ms "$hold")" "$limit_s"
  parse_response 1 "$head_request"
}

# feed MODE TRICKLE HOLD_S FIRST_BYTE_S: nc's input.
#   polite: the request, then wait until the response file has grown and then kept its size
#           for 0.05 s, or FIRST_BYTE_S seconds if nothing at all comes.
#   hold:   the request, then HOLD_S seconds of silence, then what --then gave (if anything).
#   trickle: the request TRICKLE=B:D, B bytes every D seconds, then a hold.
# It runs in the background and send kills it once nc is gone; every pause is a `nap`, which
# the TERM trap ends too, so that no sleep outlives the exchange.
NAP_PID=''
feed() {
  local mode=$1 trickle=$2 hold_s=$3 first_byte_s=$4
  trap '[[ -z $NAP_PID ]] || kill "$NAP_PID" 2>/dev/null; exit 0' TERM
  case $mode in
    polite)
      cat "$EXCHANGE.request"
      wait_for_quiet_response "$first_byte_s" ;;
    hold)
      cat "$EXCHANGE.request"
      hold_then_note_the_time "$hold_s"
      # Once the server has closed, this write may fail (nc may be gone): that is fine.
      [[ ! -f $EXCHANGE.then ]] || cat "$EXCHANGE.then" 2>/dev/null || true ;;
    trickle)
      local piece=${trickle%%:*} delay=${trickle#*:} size offset
      size=$(file_size "$EXCHANGE.request")
      for ((offset = 0; offset < size; offset += piece)); do
        bytes_of "$EXCHANGE.request" "$offset" "$piece"
        nap "$delay"
      done
      hold_then_note_the_time "$hold_s" ;;
  esac
}

# nap SECONDS: sleep in the background and wait for it, so that a TERM to the feeder is
# handled at once (bash runs a trap only after a foreground command ends) and the trap can
# stop the sleep by its PID.
nap() {
  sleep "$1" &
  NAP_PID=$!
  wait "$NAP_PID"
  NAP_PID=''
}

# hold_then_note_the_time SECONDS: keeps nc's input open, then writes down when it ended,
# so that classify_end can tell "nc left at once: the server had already closed" from "nc
# had to wait for the server".
hold_then_note_the_time() {
  nap "$1"
  now_us >"$EXCHANGE.input-ended"
}

# wait_for_quiet_response FIRST_BYTE_S: until the response has come and then kept its size
# for 0.05 s. nc leaves a closed connection only once its input ends, so waiting without
# bound for a first byte would make a server that closed without answering look like one
# that keeps the connection open: after FIRST_BYTE_S seconds of nothing, the wait ends.
wait_for_quiet_response() {
  local size last=-1 deadline
  deadline=$(($(now_us) + $(ms_of "$1") * 1000))
  while :; do
    nap 0.05
    size=$(file_size "$EXCHANGE.response")
    if ((size > 0 && size == last)); then return 0; fi
    if ((size == 0 && $(now_us) >= deadline)); then
      now_us >"$EXCHANGE.input-ended"
      return 0
    fi
    last=$size
  done
}

# closed_before_input_ended: nc left within 0.5 s of the moment its input ended after a hold
# (or after the polite client gave up waiting for a first byte): the server had closed by then.
closed_before_input_ended() {
  local input_ended
  [[ -s $EXCHANGE.input-ended ]] || return 1
  IFS= read -r input_ended <"$EXCHANGE.input-ended"
  ((ENDED_US - input_ended <= 500000))
}

# classify_end RC MODE HOLD_MS LIMIT_S: turns nc's exit into END_KIND and a sentence for the
# reports ($EXCHANGE.end).
classify_end() {
  local rc=$1 mode=$2 hold_ms=$3 limit_s=$4 how
  if grep -q -i 'refused\|failed:\|No route\|not known' "$EXCHANGE.nc-log"; then
    END_KIND=refused
    how="could not connect: $(connect_failure "$EXCHANGE.nc-log")"
  elif ((rc == 124 || rc == 137)); then
    END_KIND=open
    how="still open after $limit_s s, when the client gave up"
  else
    END_KIND=closed
    CLOSED_WITHIN_MS=$END_MS
    # nc leaves a closed connection only once its input ends: if it left right then (a busy
    # machine may take a moment), the server had closed during the hold or the wait.
    if [[ $mode == hold || $mode == trickle ]] && closed_before_input_ended; then
      how="closed by the server within the $(seconds_of "$hold_ms") s the client kept its side open"
      CLOSED_WITHIN_MS=$hold_ms
    elif [[ $mode == polite && ! -s $EXCHANGE.response ]] && closed_before_input_ended; then
      how="closed by the server within the $(seconds_of "$(scaled_ms 2)") s the client waited"
      CLOSED_WITHIN_MS=$(scaled_ms 2)
    else
      how="closed by the server $(seconds_of "$END_MS") s after connecting"
    fi
  fi
  [[ $END_KIND == closed ]] || TROUBLE=1
  [[ $END_KIND == refused ]] || case $mode in
    polite)
      if [[ -s $EXCHANGE.response ]]; then
        how="client half-closed once the response had arrived; $how"
      elif [[ -s $EXCHANGE.input-ended ]]; then
        how="client waited $(seconds_of "$(scaled_ms 2)") s for a response, none came, then half-closed; $how"
      else
        how="client waited for a response, its side open; $how"
      fi ;;
    hold)
      [[ ! -f $EXCHANGE.then ]] || how="client sent a next request on the same connection after the hold; $how" ;;
    half-close) how="client half-closed right after sending; $how" ;;
    silent) how="client sent nothing; $how" ;;
  esac
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

# curl_exchange [--label TEXT] ARG...: one run of curl, for checks where a real client's
# behaviour is the point (does it reuse the connection?). Its verbose log (-v: what it sent
# and received, and "Re-using existing connection") is kept as the exchange's response, and
# its standard output (what -w printed) in CURL_OUTPUT.
CURL_OUTPUT=''
curl_exchange() {
  local label='' rc=0
  if [[ $1 == --label ]]; then label=$2; shift 2; fi
  EXCHANGE_COUNT=$((EXCHANGE_COUNT + 1))
  EXCHANGE=$CHECK_DIR/exchange-$EXCHANGE_COUNT
  printf '%s\n' "$label" >"$EXCHANGE.label"
  shell_words curl -sS -v "$@" >"$EXCHANGE.command" # what the reports give to try it again
  : >"$EXCHANGE.request"
  timeout -k 1 "$(scaled 10)" curl -sS -v --max-time "$(scaled 8)" "$@" \
    >"$EXCHANGE.out" 2>"$EXCHANGE.response" || rc=$?
  CURL_OUTPUT=$(cat "$EXCHANGE.out")
  if ((rc == 0)); then
    printf 'every transfer completed\n' >"$EXCHANGE.end"
    printf 'closed\n' >"$EXCHANGE.end-kind"
  else
    printf '%s\n' "$(curl_failure "$rc")" >"$EXCHANGE.end"
    printf '%s\n' "$( ((rc == 7)) && printf refused || printf failed)" >"$EXCHANGE.end-kind"
    TROUBLE=1
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
