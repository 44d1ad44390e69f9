# shellcheck shell=bash
# Reading the raw bytes a server sent back. parse_response N picks the Nth response out of the
# latest exchange (pipelined requests get several) and sets:
#   STATUS_LINE  the first line, without its CRLF        STATUS  its three-digit code
#   HEADER[name] each field by lower-case name; repeated fields joined with ", "
#   HEADER_SEEN[name]  how many times the field appeared
#   BODY         a file with the body (chunked coding removed)   BODY_BYTES  its size
#   FRAMING      how the body's end was found, in words
#   RESPONSE_PROBLEM   empty, or why the response is incomplete or malformed
#   RESPONSE_END       the offset just after this response in the stream
# Framing follows RFC 9112 6.3: no body after HEAD or for 1xx/204/304; else chunked; else
# Content-Length; else the body runs until the server closes.
#
# Each response parsed leaves its verdict in $EXCHANGE.framing.N (N its number in the
# stream): empty when it is whole and well formed, else the problem. The runner turns these
# into one expectation for every check (judge_framing), so that no check can pass on the
# status or a prefix of a response that never ended, came short, or was cut.

declare -A HEADER=() HEADER_SEEN=()
STATUS_LINE='' STATUS='' BODY='' BODY_BYTES=0 FRAMING='' RESPONSE_PROBLEM='' RESPONSE_END=0

readonly CRLF=$'\r\n'

parse_response() {
  local number=$1 head_request=${2:-} offset=0 i
  for ((i = 1; i < number; i++)); do
    parse_response_at "$offset" "$head_request"
    offset=$RESPONSE_END
  done
  parse_response_at "$offset" "$head_request"
  if [[ -n $STATUS_LINE || $(file_size "$EXCHANGE.response") -gt $offset ]]; then
    printf '%s\n' "$RESPONSE_PROBLEM" >"$EXCHANGE.framing.$number"
  fi
}

# bytes_after_response: how many bytes the stream holds beyond the response last parsed.
bytes_after_response() {
  printf '%s\n' $(($(file_size "$EXCHANGE.response") - RESPONSE_END))
}

parse_response_at() {
  local offset=$1 head_request=$2 stream text head line name value total
  stream=$EXCHANGE.response
  total=$(file_size "$stream")
  HEADER=() HEADER_SEEN=()
  STATUS_LINE='' STATUS='' BODY_BYTES=0 FRAMING='' RESPONSE_PROBLEM='' RESPONSE_END=$offset
  BODY=$EXCHANGE.body
  : >"$BODY"

  if ((total == 0)); then
    RESPONSE_PROBLEM="no response: the server sent nothing"
    return 0
  elif ((offset >= total)); then
    RESPONSE_PROBLEM="no further response: nothing came after byte $total"
    return 0
  fi
  # The head is text up to the first empty line; a NUL cannot be in it, so reading up to the
  # first NUL (or 64 KiB) is enough to find it.
  bytes_of "$stream" "$offset" 65536 >"$EXCHANGE.window"
  IFS= read -r -d '' text <"$EXCHANGE.window" || true
  head=${text%%"$CRLF$CRLF"*}
  if [[ $head == "$text" ]]; then
    STATUS_LINE=${text%%$'\n'*}
    STATUS_LINE=${STATUS_LINE%$'\r'}
    status_code_of "$STATUS_LINE"
    RESPONSE_END=$total
    if [[ -z $STATUS && $STATUS_LINE != HTTP/* ]]; then
      RESPONSE_PROBLEM="not an HTTP response: it does not begin with a status line 'HTTP/1.x NNN reason'"
    else
      RESPONSE_PROBLEM="the response head never ends: no empty line (CRLF CRLF) after the header fields$(how_it_stopped)"
    fi
    cut_short
    return 0
  fi

  STATUS_LINE=${head%%"$CRLF"*}
  status_code_of "$STATUS_LINE"
  [[ -n $STATUS ]] || RESPONSE_PROBLEM="the status line is not 'HTTP/1.x NNN reason'"
  if [[ $head == *"$CRLF"* ]]; then
    while IFS= read -r line; do
      line=${line%$'\r'}
      [[ $line == *:* ]] || { RESPONSE_PROBLEM="a header line has no colon: '$line'"; continue; }
      name=${line%%:*}
      value=${line#*:}
      value=${value#"${value%%[![:blank:]]*}"}   # trim leading spaces and tabs (OWS)
      value=${value%"${value##*[![:blank:]]}"}   # and trailing ones
      name=${name,,}
      if [[ -n ${HEADER_SEEN[$name]:-} ]]; then
        HEADER[$name]+=", $value"
        HEADER_SEEN[$name]=$((HEADER_SEEN[$name] + 1))
      else
        HEADER[$name]=$value
        HEADER_SEEN[$name]=1
      fi
    done <<<"${head#*"$CRLF"}"
  fi

  local body_start=$((offset + ${#head} + 4)) available codings=${HEADER[transfer-encoding]:-}
  available=$((total - body_start))
  codings=${codings,,} # coding names are case-insensitive (RFC 9112 7); chunked comes last
  if [[ -n $head_request ]] || [[ $STATUS == 1?? || $STATUS == 204 || $STATUS == 304 ]]; then
    FRAMING="no body (a response to HEAD, or a 1xx/204/304)"
    RESPONSE_END=$body_start
  elif [[ $codings =~ (^|,)[[:blank:]]*chunked[[:blank:]]*$ ]]; then
    FRAMING="chunked transfer coding"
    decode_chunked "$stream" "$body_start" "$total"
  elif [[ -n ${HEADER[content-length]:-} ]]; then
    local length=${HEADER[content-length]}
    if [[ ! $length =~ ^[0-9]+$ ]]; then
      RESPONSE_PROBLEM="Content-Length is not a single number: '$length'"
      length=$available
    fi
    FRAMING="Content-Length: $length"
    if ((available < length)); then
      RESPONSE_PROBLEM="the body is shorter than Content-Length: $available of $length bytes arrived$(how_it_stopped)"
      length=$available
    fi
    bytes_of "$stream" "$body_start" "$length" >"$BODY"
    RESPONSE_END=$((body_start + length))
  else
    FRAMING="no Content-Length: the body runs until the server closes"
    bytes_of "$stream" "$body_start" >"$BODY"
    RESPONSE_END=$total
    if [[ $END_KIND != closed ]]; then
      RESPONSE_PROBLEM="the body never ends: it has neither Content-Length nor chunked coding, so only a close can end it$(how_it_stopped)"
    fi
  fi
  BODY_BYTES=$(file_size "$BODY")
  cut_short
}

# how_it_stopped: the end of a sentence about a response that came short: the server closed,
# or went quiet and the client gave up.
how_it_stopped() {
  case $END_KIND in
    closed) printf ', then the server closed the connection\n' ;;
    open)
      if ((OPEN_AFTER_MS < 500)); then
        printf ', still coming when the client gave up, %s s after connecting\n' "$(seconds_of "$END_MS")"
      else
        printf ', then nothing more came for %s s and the client gave up\n' "$(seconds_of "$OPEN_AFTER_MS")"
      fi ;;
    *) printf '\n' ;;
  esac
}

# cut_short: a response that runs to the end of a stream cut at the byte cap never ended.
cut_short() {
  if [[ $END_KIND == cut ]] && ((RESPONSE_END >= $(file_size "$EXCHANGE.response"))); then
    RESPONSE_PROBLEM="the response never ends: the client stopped reading after $MAX_RESPONSE_BYTES bytes, the most any check needs (twice the largest site file and 1 MiB)"
  fi
}

# status_code_of LINE: STATUS is the code of a well-formed status line, or nothing.
status_code_of() {
  STATUS=''
  if [[ $1 =~ ^HTTP/[0-9]\.[0-9]\ ([0-9]{3})(\ .*)?$ ]]; then
    STATUS=${BASH_REMATCH[1]}
  fi
}

# decode_chunked STREAM START TOTAL: appends the chunks' data to $BODY (RFC 9112 7.1).
decode_chunked() {
  local stream=$1 at=$2 total=$3 line size
  while ((at < total)); do
    IFS= read -r line < <(bytes_of "$stream" "$at" 1024) || true
    at=$((at + ${#line} + 1))
    line=${line%$'\r'}
    size=${line%%;*}
    if [[ ! $size =~ ^[0-9A-Fa-f]+$ ]]; then
      RESPONSE_PROBLEM="a chunk size line is not hexadecimal: '$line'"
      RESPONSE_END=$total
      return 0
    fi
    if ((16#$size == 0)); then
      # The last chunk: skip trailer fields up to the empty line.
      while ((at < total)); do
        IFS= read -r line < <(bytes_of "$stream" "$at" 1024) || true
        at=$((at + ${#line} + 1))
        [[ $line == $'\r' || -z $line ]] && break
      done
      RESPONSE_END=$at
      return 0
    fi
    bytes_of "$stream" "$at" $((16#$size)) >>"$BODY"
    at=$((at + 16#$size + 2))
  done
  RESPONSE_PROBLEM="the chunked body ends before its last (zero-size) chunk$(how_it_stopped)"
  RESPONSE_END=$total
}
