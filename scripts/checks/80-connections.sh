# shellcheck shell=bash
# connections: how a TCP connection lives and ends. HTTP/1.1 keeps a connection open for more
# requests unless told otherwise (RFC 9112 9.3); a server must cope with clients that pipeline,
# half-close, trickle bytes, go quiet, or send garbage.

check connections.keep-alive-reuse 2 "curl fetching two files reuses one connection (%{num_connects}: 1, then 0)"
stage persistent
rfc 'RFC 9112 §9.3' 'HTTP/1.1 defaults to the use of "persistent connections", allowing multiple requests and responses to be carried over a single connection.'
connections.keep-alive-reuse() {
  local first second connects
  first=$(need_site_file ranged)
  second=$(need_site_file css)
  curl_exchange --label "two URLs in one curl run" -o /dev/null -o /dev/null -w '%{num_connects}\n' \
    "http://$TARGET$(url_path "$first")" "http://$TARGET$(url_path "$second")"
  connects=$(printf '%s' "$CURL_OUTPUT" | tr '\n' ' ')
  if [[ $connects == "1 0" ]]; then
    met "one new connection for the first file, none for the second"
  else
    missed "one new connection for the first file, none for the second" "new connections per transfer: ${connects:-none reported}"
  fi
}

# The client keeps its side open 1 s after the response, then gives the server HOLD_LINGER
# more to be seen closing (see wire.sh): a server that keeps the connection passes.
check connections.persistent-by-default 2 "HTTP/1.1 without Connection: close: after the response, the connection stays open"
stage persistent
rfc 'RFC 9112 §9.3' 'If the received protocol is HTTP/1.1 (or later), the connection will persist after the current response' 'unless the request said Connection: close'
connections.persistent-by-default() {
  local file
  file=$(need_site_file ranged)
  send --hold 1 "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\n\r\n"
  expect_status 200
  expect_complete_response
  expect_kept_open
}

check connections.pipelined 3 "two requests sent in one write: two responses, in order, each complete"
stage persistent
rfc 'RFC 9112 §9.3.2' 'A server MAY process a sequence of pipelined requests in parallel if they all have safe methods, but it MUST send the corresponding responses in the same order that the requests were received.'
connections.pipelined() {
  local first second
  first=$(need_site_file ranged)
  second=$(need_site_file css)
  send --hold 2 \
    "GET /$first HTTP/1.1\r\nHost: $HOST_FIELD\r\n\r\nGET /$second HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  note "response 1 of 2:"
  expect_status 200
  expect_body_file "$first"
  parse_response 2
  note "response 2 of 2:"
  expect_status 200
  expect_body_file "$second"
  expect_complete_response
}

# RFC 9112 9.6: a server that receives "close" MUST close the connection after its response,
# and MUST NOT process further requests on it. The client holds its side open 1 s after the
# response's last byte (so a slow server is judged from its response, not from the connect);
# nc only leaves a closed connection when its input ends, so the close is known to within the
# hold: the request the client then sends on the same connection tells a server that closed
# from one that kept the connection (an idle timeout of 1.2 s, say) and answers it.
check connections.close-honoured 2 "Connection: close: the server closes after the response, and answers nothing more on that connection"
stage persistent
rfc 'RFC 9112 §9.6' 'A server that receives a "close" connection option MUST initiate closure of the connection after it sends the final response ... The server MUST NOT process any further requests received on that connection.'
connections.close-honoured() {
  local file
  file=$(need_site_file ranged)
  send --hold 1 \
    --then "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n" \
    "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_complete_response
  expect_no_answer_to_then
  expect_closed_within 1
}

# RFC 9112 9.3: an HTTP/1.0 request without "keep-alive" is not persistent. As above, a second
# request after the hold shows whether the connection really ended after the response.
check connections.http10-closes 2 "an HTTP/1.0 request: the server closes after the response, and answers nothing more on that connection"
stage persistent
rfc 'RFC 9112 §9.3' 'If the received protocol is HTTP/1.0, the "keep-alive" connection option is present, ... the connection will persist after the current response; otherwise, the connection will close after the current response.'
connections.http10-closes() {
  local file
  file=$(need_site_file ranged)
  send --hold 1 --then "GET /$file HTTP/1.0\r\n\r\n" "GET /$file HTTP/1.0\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
  expect_no_answer_to_then
  expect_closed_within 1
}

check connections.half-close 2 "a client that half-closes right after sending still gets the whole (largest) file"
stage files
rfc 'RFC 9293 §3.6' 'CLOSE is an operation meaning "I have no more data to send."' 'the client still reads: every byte of the file must be written'
connections.half-close() {
  local file
  file=$(need_site_file large)
  send --half-close "GET $(url_path "$file") HTTP/1.1\r\nHost: $HOST_FIELD\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
}

check connections.trickle 2 "a request sent 3 bytes at a time, 0.1 s apart, is answered"
stage hostile
lab_choice 'TCP carries a stream of bytes, not messages: one read may return part of a request, so a server reads until the blank line that ends the head'
connections.trickle() {
  local file
  file=$(need_site_file ranged)
  send --trickle 3:0.1 --limit 8 "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
}

# A server that waits forever on a silent client can be exhausted by opening connections.
check connections.idle-closed 2 "a connection on which nothing is sent is closed by the server (within 20 s)"
stage hostile
rfc 'RFC 9112 §9.5' 'Servers will usually have some timeout value beyond which they will no longer maintain an inactive connection.' 'the lab asks for one of at most 20 s: a server that waits forever can be exhausted by opening connections'
connections.idle-closed() {
  send --silent --limit 21 ""
  expect_closed_within 20
}

# Bytes a TLS client sends first (a ClientHello, as when https:// is used on an HTTP port),
# then binary noise with a NUL: the server answers 400 or hangs up, and carries on.
check connections.garbage-survives 2 "binary garbage (a TLS hello, NUL bytes) gets a 400 or a close, and the server answers the next request"
stage hostile
rfc 'RFC 9112 §2.2' 'When a server ... receives a sequence of octets that does not match the HTTP-message grammar ..., the server SHOULD respond with a 400 (Bad Request) response and close the connection.'
connections.garbage-survives() {
  local file
  file=$(need_site_file ranged)
  send --half-close --label "garbage" "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\xff\xfe\x01\r\n\x00\x80 \x7f\x1b[0m\r\n\r\n"
  if [[ ! -s $EXCHANGE.response && $END_KIND == closed ]]; then
    met "a 400, or the connection closed without an answer"
  else
    expect_status 400
  fi
  send --label "a plain request, on a new connection" \
    "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
}
