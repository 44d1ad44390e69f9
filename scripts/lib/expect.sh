# shellcheck shell=bash
# Expectations: each expect_* compares one thing about the latest response with what the
# check wants, and records a line in $CHECK_DIR/expectations:
#   ok<TAB>what was expected
#   fail<TAB>what was expected<TAB>what came instead
#   info<TAB>a fact worth showing (an ETag the next request reuses, say)
# A check passes when it recorded at least one expectation and none failed. Every
# expectation is evaluated even after one fails, so a student sees everything at once.

# record OUTCOME TEXT [GOT]: texts may quote the server, so they are made printable ASCII.
record() {
  local line
  line="$1"$'\t'"$(printable "$2")"
  (($# < 3)) || line+=$'\t'"$(printable "$3")"
  printf '%s\n' "$line" >>"$CHECK_DIR/expectations"
}

# met WANTED / missed WANTED GOT: the two outcomes of an expectation.
met() { record ok "$1"; }
missed() { record fail "$1" "$2"; }

note() { record info "$*"; }

# what_came: a short description of the latest response, for "— got ..." texts.
what_came() {
  if [[ -n $STATUS ]]; then
    printf '%s\n' "'$STATUS_LINE'"
  elif [[ -n $STATUS_LINE ]]; then
    printf 'a malformed status line %s\n' "'$STATUS_LINE'"
  else
    printf '%s (connection: %s)\n' "${RESPONSE_PROBLEM:-no response}" "$(cat "$EXCHANGE.end")"
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
  missed "$wanted" "got $(what_came)"
}

# expect_not_success: any answer but 2xx (used where several error codes are right).
expect_not_success() {
  if [[ -n $STATUS && $STATUS != 2?? ]]; then
    met "an error status (anything but 2xx)"
  else
    missed "an error status (anything but 2xx)" "got $(what_came)"
  fi
}

# expect_well_formed_status_line: 'HTTP/1.x NNN reason' ending in CRLF (RFC 9112 4).
expect_well_formed_status_line() {
  local first
  IFS= read -r first < <(bytes_of "$EXCHANGE.response" 0 200) || true
  if [[ $first =~ ^HTTP/1\.[01]\ [1-5][0-9][0-9](\ [^$'\r\n']*)?$'\r'$ ]]; then
    met "a status line 'HTTP/1.x NNN reason' ending in CRLF"
  else
    missed "a status line 'HTTP/1.x NNN reason' ending in CRLF" "got '$(visible_line "$first")'"
  fi
}

# expect_complete_response: the response's framing holds (RFC 9112 6.3) and nothing
# follows it.
expect_complete_response() {
  local extra
  extra=$(bytes_after_response)
  if [[ -n $STATUS && -z $RESPONSE_PROBLEM && $extra == 0 ]]; then
    met "one complete response (framing: ${FRAMING:-none})"
  else
    missed "one complete response (framing: ${FRAMING:-none})" \
      "${RESPONSE_PROBLEM:-$(plural "$extra" byte) more followed the response}"
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
    missed "a $1 header field" "there is none"
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
    0) printf 'no %s field (in %s)\n' "$1" "$(what_came)" ;;
    1) printf "got '%s: %s'\n" "$1" "${HEADER[$key]}" ;;
    *) printf "got %s %s fields: '%s'\n" "${HEADER_SEEN[$key]}" "$1" "${HEADER[$key]}" ;;
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

expect_body_equals_file() {
  local wanted=$1 what=$2 wanted_bytes difference
  wanted_bytes=$(file_size "$wanted")
  if cmp -s "$BODY" "$wanted"; then
    met "a body of $what ($(plural "$wanted_bytes" byte))"
  else
    # cmp says where the first difference is: "... differ: byte 7, line 1" or "EOF on ...".
    difference=$(cmp "$BODY" "$wanted" 2>&1 || true)
    difference=${difference%%$'\n'*}
    difference=${difference##*differ: }
    difference=${difference#cmp: }
    # "EOF on FILE ...": name no temporary file, only which side ended first.
    case $difference in
      "EOF on $BODY"*) difference="the body ends first" ;;
      "EOF on $wanted"*) difference="the body goes on past the file's end" ;;
    esac
    missed "a body of $what ($(plural "$wanted_bytes" byte))" "got $(plural "$BODY_BYTES" byte) ($difference)"
  fi
}

expect_no_body() {
  local extra
  extra=$(bytes_after_response)
  if [[ $BODY_BYTES == 0 && $extra == 0 ]]; then
    met "no body"
  else
    missed "no body" "$(plural $((BODY_BYTES + extra)) byte) followed the head"
  fi
}

# expect_no_leak: a traversal attempt did not return a system file. /etc/passwd is the
# target, and every Unix one has the line "root:...:0:0:".
expect_no_leak() {
  if ! grep -a -q -E '^root:[^:]*:0:0:' "$EXCHANGE.response"; then
    met "nothing from outside the site (no /etc/passwd content)"
  else
    missed "nothing from outside the site (no /etc/passwd content)" "the response holds /etc/passwd lines!"
  fi
}

# expect_no_copy_of PATH: no line of the site file (of 8 characters or more) is in the
# response: a file the server should have kept to itself did not leak, whatever the status.
expect_no_copy_of() {
  local wanted="nothing of $1 in the response"
  if grep -a -q -F -f <(grep -a -E '.{8}' "$SITE_DIR/$1") "$EXCHANGE.response"; then
    missed "$wanted" "the response holds lines of $1!"
  else
    met "$wanted"
  fi
}

# expect_closed_within SECONDS: the server closed the connection by itself, at most SECONDS
# after the response's last byte (or after the connection opened, when nothing was to come):
# a slow server is not blamed for its slowness here, only for a late close, and told by how much.
expect_closed_within() {
  local wanted limit_ms since
  limit_ms=$(scaled_ms "$1")
  if [[ -s $EXCHANGE.response ]]; then since="of the response's end"; else since="of the connection's start"; fi
  wanted="the server closes the connection within $(scaled "$1") s $since"
  if [[ $END_KIND == closed ]] && ((CLOSED_AFTER_MS <= limit_ms)); then
    met "$wanted"
  elif [[ $END_KIND == closed ]]; then
    missed "$wanted" "it closed $(seconds_of "$CLOSED_AFTER_MS") s after, $(seconds_of $((CLOSED_AFTER_MS - limit_ms))) s too late"
  elif [[ $END_KIND == open ]]; then
    missed "$wanted" "still open $(seconds_of "$OPEN_AFTER_MS") s after, when the client gave up (connection: $(<"$EXCHANGE.end"))"
  else
    missed "$wanted" "connection: $(<"$EXCHANGE.end")"
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
    missed "$wanted" "$(plural "$extra" byte) followed it"
  fi
}

# expect_kept_open: the connection was still open when the client gave up.
expect_kept_open() {
  if [[ $END_KIND == open ]]; then
    met "the connection stays open"
  else
    missed "the connection stays open" "connection: $(<"$EXCHANGE.end")"
  fi
}

# expect_answered: any HTTP response at all (used before judging the next exchange).
expect_answered() {
  if [[ -n $STATUS ]]; then
    met "an HTTP response"
  else
    missed "an HTTP response" "got $(what_came)"
  fi
}

# judge_framing: one more expectation, which the runner adds to every check that read a
# response: each response it parsed came whole and well formed, as its own framing says (RFC
# 9112 6.3). A body shorter than its Content-Length, a body or head that never ends, or a
# response past the byte cap fails the check, whatever its status or first bytes matched.
judge_framing() {
  local file problem problems='' count=0 where
  for file in "$CHECK_DIR"/exchange-*.framing.*; do
    [[ -f $file ]] || continue
    count=$((count + 1))
    IFS= read -r problem <"$file" || true
    [[ -n $problem ]] || continue
    where=${file##*/exchange-}
    where="exchange ${where%%.*}"
    [[ ${file##*.} == 1 ]] || where+=", response ${file##*.}"
    problems+="${problems:+; }$where: $problem"
  done
  ((count > 0)) || return 0
  if [[ -z $problems ]]; then
    met "each response whole and well formed, as its framing says (RFC 9112 6.3)"
  else
    missed "each response whole and well formed, as its framing says (RFC 9112 6.3)" "$problems"
  fi
}

