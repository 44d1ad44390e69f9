# shellcheck shell=bash
# basics: the seed's scope. A server that reads a request, maps the path to a file, answers
# 200 with the file or 404, and closes the connection earns these points.
#
# Every request is written out byte for byte: \r\n is the CRLF that ends each line (RFC 9112
# 2.1), and an empty line ends the head. $HOST_FIELD is the target's host:port.

check basics.status-line 1 "GET / is answered with a well-formed status line: HTTP/1.x 200 reason, CRLF"
basics.status-line() {
  send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_well_formed_status_line
  expect_status 200
}

check basics.get-root 2 "GET / serves index.html, byte for byte, with the right Content-Length"
basics.get-root() {
  local index
  index=$(need_site_file index)
  send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_header Content-Length "$(file_size "$SITE_DIR/$index")"
  expect_body_file "$index"
}

check basics.get-by-name 2 "GET /index.html serves the same file by its name"
basics.get-by-name() {
  local index
  index=$(need_site_file index)
  send "GET /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_header Content-Length "$(file_size "$SITE_DIR/$index")"
  expect_body_file "$index"
}

check basics.binary-file 2 "GET of a PNG image: every byte arrives unchanged (NUL, CR, LF, bytes over 127)"
basics.binary-file() {
  local png
  png=$(need_site_file png)
  send "GET $(url_path "$png") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_header Content-Length "$(file_size "$SITE_DIR/$png")"
  expect_body_file "$png"
}

check basics.every-file 3 "GET of every file of the site with a plain name: 200, exact bytes, right Content-Length"
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
basics.not-found() {
  send "GET /no-such-file.html HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 404
}

check basics.not-found-framed 1 "the 404 response is complete: its framing (Content-Length, chunked or close) matches what is sent"
basics.not-found-framed() {
  send "GET /no-such-file.html HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 404
  expect_complete_response
}

check basics.connection-ends 2 "a client like \`printf ... | nc -N\` (half-closes after sending) gets the response and the server then closes"
basics.connection-ends() {
  local file
  file=$(need_site_file ranged)
  send --half-close "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\n\r\n"
  expect_status 200
  expect_complete_response
  expect_body_file "$file"
  expect_closed_within 2
}
