# shellcheck shell=bash
# basics: the seed's scope. A server that reads a request, maps the path to a file, answers
# 200 with the file or 404, and closes the connection earns these points.
#
# Every request is written out byte for byte: \r\n is the CRLF that ends each line (RFC 9112
# 2.1), and an empty line ends the head. $HOST_FIELD is the target's host:port.

check basics.status-line 1 "GET / is answered with a well-formed status line: HTTP/1.x 200 reason, CRLF"
stage status-line
rfc 'RFC 9112 §4' 'status-line = HTTP-version SP status-code SP [ reason-phrase ]' 'each line of the head ends in CRLF, §2.1'
basics.status-line() {
  send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_well_formed_status_line
  expect_status 200
}

check basics.get-root 2 "GET / serves index.html, byte for byte, with the right Content-Length"
stage files
rfc 'RFC 9110 §9.3.1' 'The GET method requests transfer of a current selected representation for the target resource.' 'for a static server, / is the folder'"'"'s index.html'
basics.get-root() {
  local index
  index=$(need_site_file index)
  send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_header Content-Length "$(file_size "$SITE_DIR/$index")"
  expect_body_file "$index"
}

check basics.get-by-name 2 "GET /index.html serves the same file by its name"
stage files
rfc 'RFC 9110 §8.6' 'The "Content-Length" header field indicates the associated representation'"'"'s data length as a decimal non-negative integer number of octets.'
basics.get-by-name() {
  local index
  index=$(need_site_file index)
  send "GET /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_header Content-Length "$(file_size "$SITE_DIR/$index")"
  expect_body_file "$index"
}

check basics.binary-file 2 "GET of a PNG image: every byte arrives unchanged (NUL, CR, LF, bytes over 127)"
stage files
rfc 'RFC 9110 §6.4' 'HTTP messages often transfer a complete or partial representation as the message "content": a stream of octets sent after the header section' 'octets, not text: a NUL, a CR or a byte over 127 is sent as it is'
basics.binary-file() {
  local png
  png=$(need_site_file png)
  send "GET $(url_path "$png") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_header Content-Length "$(file_size "$SITE_DIR/$png")"
  expect_body_file "$png"
}

check basics.every-file 3 "GET of every file of the site with a plain name: 200, exact bytes, right Content-Length"
stage files
rfc 'RFC 9110 §9.3.1' 'The GET method requests transfer of a current selected representation for the target resource.'
basics.every-file() {
  local path
  for path in "${SITE_FILES[@]}"; do
    plain_name "$path" || continue # names that need %-encoding are the paths group's job
    send --label "/$path" "GET /$path HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
    expect_status 200
    expect_header Content-Length "$(file_size "$SITE_DIR/$path")"
    expect_body_file "$path"
  done
}

check basics.not-found 2 "GET of a file that does not exist: 404"
stage not-found
rfc 'RFC 9110 §15.5.5' 'The 404 (Not Found) status code indicates that the origin server did not find a current representation for the target resource'
basics.not-found() {
  send "GET /no-such-file.html HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 404
}

check basics.not-found-framed 1 "the 404 response is complete: its framing (Content-Length, chunked or close) matches what is sent"
stage not-found
rfc 'RFC 9112 §6.3' 'If a valid Content-Length header field is present without Transfer-Encoding, its decimal value defines the expected message body length in octets.' 'an error page is framed like any other body'
basics.not-found-framed() {
  send "GET /no-such-file.html HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 404
  expect_complete_response
}

check basics.connection-ends 2 "a client like \`printf ... | nc -N\` (half-closes after sending) gets the response and the server then closes"
stage answer
rfc 'RFC 9293 §3.6' 'CLOSE is an operation meaning "I have no more data to send."' 'a client that half-closes still reads: answer, then close'
basics.connection-ends() {
  local file
  file=$(need_site_file ranged)
  send --half-close "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\n\r\n"
  expect_status 200
  expect_complete_response
  expect_body_file "$file"
  expect_closed_within 2
}
