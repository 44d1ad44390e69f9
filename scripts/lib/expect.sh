# shellcheck shell=bash
# Expectations: each expect_* compares one thing about the latest response with what the
# check wants, and records a line in $CHECK_DIR/expectations, fields separated by tabs:
#   OUTCOME  ok, fail, or info (a fact worth showing: an ETag the next request reuses, say)
#   WANTED   what was expected ("status 400"), or the fact
#   RECEIVED for a fail, what came instead, as a phrase that reads after "received"
#            ("'HTTP/1.0 200 OK'", "no ETag field", "10 bytes; the first difference at byte 5")
#   EXCHANGE the number of the exchange it is about (0 before any)
#   KIND     the expect_* function that recorded it (or judge_framing), so reports can say why
#            it may have failed
#   DETAIL   for a byte comparison, the name of a file beside it with the caret lines
# A check passes when it recorded at least one expectation and none failed. Every
# expectation is evaluated even after one fails, so a student sees everything at once.

EXPECT_DETAIL='' # set by an expect_* just before it calls missed, for the DETAIL field

# record OUTCOME TEXT [RECEIVED]: texts may quote the server, so they are made printable ASCII.
record() {
  local line kind=${FUNCNAME[2]:-} wanted received=''
  [[ $kind == expect_* || $kind == judge_framing ]] || kind=check
  printable_into wanted "$2"
  (($# < 3)) || printable_into received "$3"
  line="$1"$'\t'"$wanted"$'\t'"$received"
  line+=$'\t'"$EXCHANGE_COUNT"$'\t'"$kind"$'\t'"$EXPECT_DETAIL"
  EXPECT_DETAIL=''
  printf '%s\n' "$line" >>"$CHECK_DIR/expectations"
}

# met WANTED / missed WANTED GOT: the two outcomes of an expectation.
met() { record ok "$1"; }
missed() { record fail "$1" "$2"; }

note() { record info "$*"; }

# what_came: a short description of the latest response, to read after "received".
what_came() {
  if [[ -n $STATUS ]]; then
    printf '%s\n' "'$STATUS_LINE'"
  elif [[ -n $STATUS_LINE ]]; then
    printf 'a response with no status line: its first line is %s\n' "'$(visible_line "$STATUS_LINE")'"
  elif [[ $END_KIND == refused ]]; then
    printf 'no response (%s)\n' "$(<"$EXCHANGE.end")" # "could not connect: ..."
  else
    printf '%s\n' "${RESPONSE_PROBLEM:-no response}"
  fi
}

# expect_status CODE...: the status code is one of CODEs.
expect_status() {
  local code wanted="status $1"
  (($# == 1)) || wanted="status one of $(IFS=,; printf '%s' "$*" | sed 's/,/, /g')"
  for code in "$@"; do
    if [[ $STATUS == "$code" ]]; then
      met "$wanted"
      return 0
    fi
  done
  # A status line that is nearly right ('HTTP/1.1 200OK'): point at where it breaks. (One that is
  # wrong from its first byte, an HTML page with no head, is told well enough by the verdict.)
  if [[ -z $STATUS && -n $STATUS_LINE && $(head -c "${#STATUS_LINE}" "$EXCHANGE.response") == "$STATUS_LINE" ]] &&
    [[ $(status_line_problem "$EXCHANGE.response") != 0:* ]]; then
    status_line_detail
  fi
  missed "$wanted" "$(what_came)"
}

# expect_not_success: any answer but 2xx (used where several error codes are right).
expect_not_success() {
  if [[ -n $STATUS && $STATUS != 2?? ]]; then
    met "an error status (anything but 2xx)"
  else
    missed "an error status (anything but 2xx)" "$(what_came)"
  fi
}

# expect_well_formed_status_line: 'HTTP/1.x NNN reason' ending in CRLF (RFC 9112 4).
expect_well_formed_status_line() {
  local first problem offset
  IFS= read -r first < <(bytes_of "$EXCHANGE.response" 0 200) || true
  if [[ $first =~ ^HTTP/1\.[01]\ [1-5][0-9][0-9](\ [^$'\r\n']*)?$'\r'$ ]]; then
    met "a status line 'HTTP/1.x NNN reason' ending in CRLF"
    return 0
  fi
  status_line_detail
  missed "a status line 'HTTP/1.x NNN reason' ending in CRLF" "'$(visible_line "$first")'"
}

# status_line_detail: the caret under the first byte of the response that breaks the status
# line, kept beside the expectations for the one about to be recorded.
status_line_detail() {
  local problem offset
  problem=$(status_line_problem "$EXCHANGE.response")
  offset=${problem%%:*}
  EXPECT_DETAIL=difference-$(($(wc -l <"$CHECK_DIR/expectations") + 1))
  {
    printf 'the status line goes wrong at byte %s (counting from 0): expected %s\n' "$offset" "${problem#*:}"
    printf '  received  %s\n' "$(visible_span "$EXCHANGE.response" 0 $((offset + CARET_AFTER)))"
    printf '            %*s^\n' "$(visible_span "$EXCHANGE.response" 0 "$offset" | awk '{ print length($0) }')" ''
  } >"$CHECK_DIR/$EXPECT_DETAIL"
}

# status_line_problem RESPONSE: "OFFSET:what was due there" for the first byte of a status line
# that breaks 'HTTP/1.x NNN reason' CRLF.
status_line_problem() {
  local line i template='HTTP/1.' rest
  line=$(bytes_of "$1" 0 200 | tr '\0' '?'; printf x) # the first bytes, a NUL made harmless
  line=${line%x}                                      # (x keeps a last LF from being cut)
  for ((i = 0; i < ${#template}; i++)); do
    [[ ${line:i:1} == "${template:i:1}" ]] || { printf '%s:HTTP/1.x at the start of a status line\n' "$i"; return 0; }
  done
  [[ ${line:7:1} == [01] ]] || { printf '7:the version HTTP/1.0 or HTTP/1.1\n'; return 0; }
  [[ ${line:8:1} == ' ' ]] || { printf '8:one space after the version\n'; return 0; }
  for i in 9 10 11; do
    [[ ${line:i:1} == [0-9] ]] || { printf '%s:a three-digit status code\n' "$i"; return 0; }
  done
  rest=${line:12}
  [[ ${rest:0:1} == ' ' || ${rest:0:1} == $'\r' ]] || { printf '12:a space after the status code, then the reason\n'; return 0; }
  rest=${rest%%[$'\r\n']*}
  i=$((12 + ${#rest}))
  if [[ ${line:i:1} == $'\n' ]]; then
    printf '%s:a CR (\\r) before the LF (\\n) that ends the line\n' "$i"
  elif [[ ${line:i:2} != $'\r\n' ]]; then
    printf '%s:\\r\\n to end the line\n' "$i"
  else
    printf '9:a status code from 100 to 599\n'
  fi
}

# expect_complete_response: the response's framing holds (RFC 9112 6.3) and nothing
# follows it.
expect_complete_response() {
  local extra wanted="one complete response${FRAMING:+ (framing: $FRAMING)}"
  extra=$(bytes_after_response)
  if [[ -n $STATUS && -z $RESPONSE_PROBLEM && $extra == 0 ]]; then
    met "$wanted"
  else
    missed "$wanted" "${RESPONSE_PROBLEM:-$(plural "$extra" byte) more after the response}"
  fi
}

# expect_header NAME VALUE: the field is present once with exactly VALUE.
expect_header() {
  local key=${1,,}
  if [[ ${HEADER_SEEN[$key]:-0} == 1 && ${HEADER[$key]} == "$2" ]]; then
    met "$1: $2"
  else
    missed "$1: $2" "$(header_as_got "$1")"
  fi
}

# expect_header_match NAME REGEX WHAT: the field is present and matches REGEX (an ERE).
expect_header_match() {
  local key=${1,,}
  if [[ -n ${HEADER_SEEN[$key]:-} && ${HEADER[$key]} =~ $2 ]]; then
    met "$1: $3"
  else
    missed "$1: $3" "$(header_as_got "$1")"
  fi
}

expect_header_present() {
  if [[ -n ${HEADER_SEEN[${1,,}]:-} ]]; then
    met "a $1 header field"
  else
    missed "a $1 header field" "none"
  fi
}

expect_header_absent() {
  if [[ -z ${HEADER_SEEN[${1,,}]:-} ]]; then
    met "no $1 header field"
  else
    missed "no $1 header field" "$(header_as_got "$1")"
  fi
}

# header_as_got NAME: how the field actually came, for failure texts.
header_as_got() {
  local key=${1,,}
  case ${HEADER_SEEN[$key]:-0} in
    0) if [[ -z $STATUS_LINE ]]; then what_came; else printf 'no %s field (in %s)\n' "$1" "$(what_came)"; fi ;;
    1) printf "'%s: %s'\n" "$1" "${HEADER[$key]}" ;;
    *) printf "%s %s fields: '%s'\n" "${HEADER_SEEN[$key]}" "$1" "${HEADER[$key]}" ;;
  esac
}

# media_type: the Content-Type without parameters, lower-cased ("text/html; charset=utf-8"
# -> "text/html").
media_type() {
  local type=${HEADER[content-type]:-}
  type=${type%%;*}
  type=${type%"${type##*[![:blank:]]}"}
  printf '%s\n' "${type,,}"
}

# expect_media_type TYPE...: the Content-Type's media type is one of TYPEs (parameters such
# as charset are not judged). The word "none" accepts a response without Content-Type.
expect_media_type() {
  local type got wanted
  got=$(media_type)
  wanted="Content-Type $(IFS='|'; printf '%s' "$*" | sed 's/|/ or /g; s/\bnone\b/no Content-Type at all/')"
  for type in "$@"; do
    if [[ $type == none && -z ${HEADER_SEEN[content-type]:-} ]] || [[ -n $got && $got == "$type" ]]; then
      met "$wanted"
      return 0
    fi
  done
  missed "$wanted" "$(header_as_got Content-Type)"
}

# expect_body_file PATH [FIRST LAST]: the body is the site file's bytes (FIRST..LAST, counted
# from 0 and inclusive as in a Range, when given), byte for byte.
expect_body_file() {
  local path=$1 wanted=$CHECK_DIR/wanted-body what="the bytes of $1"
  if (($# == 3)); then
    bytes_of "$SITE_DIR/$path" "$2" $(($3 - $2 + 1)) >"$wanted"
    what="bytes $2-$3 of $path"
  else
    cat "$SITE_DIR/$path" >"$wanted"
  fi
  expect_body_equals_file "$wanted" "$what"
}

# expect_body_text TEXT: the body is exactly TEXT (printf %b escapes allowed).
expect_body_text() {
  printf '%b' "$1" >"$CHECK_DIR/wanted-body"
  expect_body_equals_file "$CHECK_DIR/wanted-body" "'$1'"
}

# expect_body_equals_file WANTED WHAT: the body is the bytes of the file WANTED; on a difference,
# the caret lines around the first byte that differs are kept beside the expectations.
expect_body_equals_file() {
  local wanted=$1 what=$2 wanted_bytes offset
  wanted_bytes=$(file_size "$wanted")
  offset=$(first_difference "$wanted" "$BODY")
  if [[ -z $offset ]]; then
    met "a body of $what ($(plural "$wanted_bytes" byte))"
    return 0
  fi
  EXPECT_DETAIL=difference-$(($(wc -l <"$CHECK_DIR/expectations") + 1))
  {
    printf 'the body differs from byte %s on (counting from 0):\n' "$offset"
    caret_lines "$wanted" "$BODY" "$offset"
  } >"$CHECK_DIR/$EXPECT_DETAIL"
  missed "a body of $what ($(plural "$wanted_bytes" byte))" \
    "$(plural "$BODY_BYTES" byte); the first difference is at byte $offset"
}

expect_no_body() {
  local extra
  extra=$(bytes_after_response)
  if [[ $BODY_BYTES == 0 && $extra == 0 ]]; then
    met "no body"
  else
    missed "no body" "$(plural $((BODY_BYTES + extra)) byte) after the head"
  fi
}

# expect_no_leak: a traversal attempt did not return a system file. /etc/passwd is the
# target, and every Unix one has the line "root:...:0:0:".
expect_no_leak() {
  if ! grep -a -q -E '^root:[^:]*:0:0:' "$EXCHANGE.response"; then
    met "nothing from outside the site (no /etc/passwd content)"
  else
    missed "nothing from outside the site (no /etc/passwd content)" "lines of /etc/passwd!"
  fi
}

# expect_no_copy_of PATH: no line of the site file (of 8 characters or more) is in the
# response: a file the server should have kept to itself did not leak, whatever the status.
expect_no_copy_of() {
  local wanted="nothing of $1 in the response"
  if grep -a -q -F -f <(grep -a -E '.{8}' "$SITE_DIR/$1") "$EXCHANGE.response"; then
    missed "$wanted" "lines of $1!"
  else
    met "$wanted"
  fi
}

# expect_closed_within SECONDS: the server closed the connection by itself, at most SECONDS
# after the response's last byte (or after the connection opened, when nothing was to come):
# a slow server is not blamed for its slowness here, only for a late close, and told by how much.
# (How the connection ended is told beside the verdict; see failure.sh.)
expect_closed_within() {
  local wanted limit_ms since
  limit_ms=$(scaled_ms "$1")
  if [[ -s $EXCHANGE.response ]]; then since="of the response's end"; else since="of the connection's start"; fi
  wanted="the server closes the connection within $(short_seconds "$(scaled "$1")") s $since"
  if [[ $END_KIND == closed ]] && ((CLOSED_AFTER_MS <= limit_ms)); then
    met "$wanted"
  elif [[ $END_KIND == closed ]]; then
    missed "$wanted" "a close $(short_seconds "$(seconds_of "$CLOSED_AFTER_MS")") s after, $(short_seconds "$(seconds_of $((CLOSED_AFTER_MS - limit_ms)))") s too late"
  elif [[ $END_KIND == open ]]; then
    missed "$wanted" "no close: still open $(short_seconds "$(seconds_of "$OPEN_AFTER_MS")") s after, when the client gave up"
  else
    missed "$wanted" "$(<"$EXCHANGE.end")"
  fi
}

# expect_no_answer_to_then: nothing came after the response last parsed, so the request that
# `send --then` wrote after the hold went unanswered. (A close-delimited body runs to the end of
# the stream, so an answer to it would show as a body longer than the file: the check compares
# the body too.)
expect_no_answer_to_then() {
  local extra wanted="no answer to the request sent after the hold: nothing follows the first response"
  extra=$(bytes_after_response)
  if [[ -n $STATUS && $extra == 0 ]]; then
    met "$wanted"
  else
    missed "$wanted" "$(plural "$extra" byte) more, an answer to it"
  fi
}

# expect_kept_open: the connection was still open when the client gave up.
expect_kept_open() {
  if [[ $END_KIND == open ]]; then
    met "the connection stays open"
  else
    missed "the connection stays open" "$(cat "$EXCHANGE.end")"
  fi
}

# expect_answered: any HTTP response at all (used before judging the next exchange).
expect_answered() {
  if [[ -n $STATUS ]]; then
    met "an HTTP response"
  else
    missed "an HTTP response" "$(what_came)"
  fi
}

# judge_framing: one more expectation, which the runner adds to every check that read a
# response: each response it parsed came whole and well formed, as its own framing says (RFC
# 9112 6.3). A body shorter than its Content-Length, a body or head that never ends, or a
# response past the byte cap fails the check, whatever its status or first bytes matched. The
# failure is about the first exchange at fault.
judge_framing() {
  local file problem problems='' count=0 number where first=''
  for file in "$CHECK_DIR"/exchange-*.framing.*; do
    [[ -f $file ]] || continue
    count=$((count + 1))
    IFS= read -r problem <"$file" || true
    [[ -n $problem ]] || continue
    number=${file##*/exchange-}
    number=${number%%.*}
    where=''
    ((EXCHANGE_COUNT == 1)) || where="exchange $number"
    [[ ${file##*.} == 1 ]] || where+="${where:+, }response ${file##*.}"
    problems+="${problems:+; }$problem${where:+ ($where)}"
    first=${first:-$number}
  done
  ((count > 0)) || return 0
  if [[ -z $problems ]]; then
    met "each response whole and well formed, as its framing says (RFC 9112 6.3)"
  else
    EXCHANGE_COUNT=$first
    missed "each response whole and well formed, as its framing says (RFC 9112 6.3)" "$problems"
  fi
}
