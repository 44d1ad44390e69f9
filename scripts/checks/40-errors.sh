# shellcheck shell=bash
# errors: a request that breaks the rules gets the status that names the problem, and the
# server keeps working. Each check also shows how the server ended the connection.

# RFC 9112 3: request-line = method SP request-target SP HTTP-version. A single word is none of
# that (a bad version alone is errors.bad-version-syntax's case).
check errors.garbage-request-line 2 "a request line that is not 'method target version' (the one word HELLO): 400"
stage malformed
rfc 'RFC 9112 §3' 'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect with the request-target properly encoded.'
errors.garbage-request-line() {
  send "HELLO\r\n\r\n"
  expect_status 400
}

check errors.bad-version-syntax 1 "a version that is not HTTP/x.y (HTTP/one): 400"
stage malformed
rfc 'RFC 9112 §2.3' 'HTTP-version = HTTP-name "/" DIGIT "." DIGIT' 'a request line with another version is invalid: 400, as for any invalid request line (§3)'
errors.bad-version-syntax() {
  send "GET / HTTP/one\r\nHost: $HOST_FIELD\r\n\r\n"
  expect_status 400
}

# RFC 9112 3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
# request message that lacks a Host header field and to any request message that contains
# more than one Host header field".
check errors.missing-host 2 "HTTP/1.1 without a Host field: 400 (RFC 9112 3.2)"
stage malformed
rfc 'RFC 9112 §3.2' 'A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field'
errors.missing-host() {
  send "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
  expect_status 400
}

check errors.two-hosts 1 "HTTP/1.1 with two Host fields: 400 (RFC 9112 3.2)"
stage malformed
rfc 'RFC 9112 §3.2' 'A server MUST respond with a 400 (Bad Request) status code to ... any request message that contains more than one Host header field line'
errors.two-hosts() {
  send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nHost: example.org\r\nConnection: close\r\n\r\n"
  expect_status 400
}

# RFC 9112 5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any
# received request message that contains whitespace between a header field name and colon."
check errors.space-before-colon 1 "a header field with a space before its colon: 400 (RFC 9112 5.1)"
stage malformed
rfc 'RFC 9112 §5.1' 'A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon.'
errors.space-before-colon() {
  send "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\nX-Lab-Field : value\r\nConnection: close\r\n\r\n"
  expect_status 400
}

# RFC 9110 15.6.6: 505 refuses the major version of the request. HTTP/2 is not spoken as
# text: a server of HTTP/1.x answers a text request of version 2.0 with 505.
check errors.http2-version 2 "a request line with HTTP/2.0: 505 HTTP Version Not Supported"
stage malformed
rfc 'RFC 9110 §15.6.6' 'The 505 (HTTP Version Not Supported) status code indicates that the server does not support, or refuses to support, the major version of HTTP that was used in the request message.'
errors.http2-version() {
  send "GET / HTTP/2.0\r\nHost: $HOST_FIELD\r\n\r\n"
  expect_status 505
}

# RFC 9112 3: a server MUST answer 414 to a target longer than it wishes to parse, and SHOULD
# accept request lines of 8000 octets. This target is 66 000 octets: longer than any server
# needs to accept (Python's http.server stops at 65 536).
check errors.uri-too-long 2 "a 66 000-byte request target: 414 URI Too Long"
stage hostile
rfc 'RFC 9112 §3' 'A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long) status code.'
errors.uri-too-long() {
  send "GET /$(repeat 66000 a) HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 414
}

# RFC 6585 5: 431 Request Header Fields Too Large. 64 fields of 1 KiB each make a 64 KiB head.
check errors.headers-too-large 2 "a request head of 64 KiB of header fields: 431 Request Header Fields Too Large"
stage hostile
rfc 'RFC 6585 §5' 'The 431 status code indicates that the server is unwilling to process the request because its header fields are too large.' 'a generic 400 would not break the RFC; the lab asks for the code that tells the client what to shrink'
errors.headers-too-large() {
  local fields='' i
  for ((i = 1; i <= 64; i++)); do
    fields+="X-Filler-$i: $(repeat 1000 x)\r\n"
  done
  send --retry "{ printf 'GET / HTTP/1.1\\r\\nHost: $HOST_FIELD\\r\\n'; for i in \$(seq 64); do printf 'X-Filler-%d: %s\\r\\n' \$i \$(printf '%1000s' '' | tr ' ' x); done; printf 'Connection: close\\r\\n\\r\\n'; }" \
    "GET / HTTP/1.1\r\nHost: $HOST_FIELD\r\n${fields}Connection: close\r\n\r\n"
  expect_status 431
}

check errors.still-answers 2 "after the malformed and oversized requests, a plain GET is still answered 200"
stage hostile
lab_choice 'one bad request must never take the server down: every other client still needs its answers'
errors.still-answers() {
  local file
  file=$(need_site_file ranged)
  send "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
}
