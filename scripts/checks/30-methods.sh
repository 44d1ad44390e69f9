# shellcheck shell=bash
# methods: GET and HEAD are the two methods every general-purpose server must support (RFC
# 9110 9.1); any other method may be refused, but in a way the client can understand.

check methods.head-no-body 2 "HEAD is answered 200 with the head only: no body follows"
stage methods
rfc 'RFC 9110 §9.3.2' 'The HEAD method is identical to GET except that the server MUST NOT send content in the response.'
methods.head-no-body() {
  local index
  index=$(need_site_file index)
  send --head "HEAD /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_no_body
}

# RFC 9110 9.3.2: the server SHOULD send the same header fields as for GET; Content-Length
# may be left out, but if sent it MUST be the length GET would send (8.6).
check methods.head-same-headers 2 "HEAD sends the same Content-Type, Content-Length, ETag and Last-Modified as GET"
stage methods
rfc 'RFC 9110 §9.3.2' 'The server SHOULD send the same header fields in response to a HEAD request as it would have sent if the request method had been GET.'
methods.head-same-headers() {
  local index field
  local -A from_get=()
  index=$(need_site_file index)
  send --label "GET, to compare with" "GET /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  for field in content-type last-modified etag; do
    [[ -z ${HEADER_SEEN[$field]:-} ]] || from_get[$field]=${HEADER[$field]}
  done
  send --head --label "HEAD of the same file" "HEAD /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  if [[ -n ${HEADER_SEEN[content-length]:-} ]]; then
    expect_header Content-Length "$(file_size "$SITE_DIR/$index")"
  else
    met "no Content-Length (a server MAY leave it out of a HEAD response, RFC 9110 8.6)"
  fi
  if [[ -n ${from_get[content-type]:-} ]]; then
    expect_header Content-Type "${from_get[content-type]}"
  else
    expect_header_absent Content-Type # GET sent none, so neither should HEAD
  fi
  for field in Last-Modified ETag; do
    [[ -z ${from_get[${field,,}]:-} ]] || expect_header "$field" "${from_get[${field,,}]}"
  done
}

# allow_lists METHOD: an ERE for an Allow value (#method, RFC 9110 10.2.1) that lists METHOD:
# the list's items are separated by commas and optional spaces or tabs (OWS, 5.6.1).
allow_lists() {
  printf '(^|[[:blank:],])%s([[:blank:],]|$)\n' "$1"
}

# expect_refused_method: 405 Method Not Allowed, which MUST list the allowed methods in Allow
# (RFC 9110 15.5.6), or 501 Not Implemented, for a method the server does not know (15.6.2).
expect_refused_method() {
  expect_status 405 501
  if [[ $STATUS == 405 ]]; then
    expect_header_match Allow "$(allow_lists GET)" "the allowed methods, GET among them (a 405 MUST send Allow)"
  fi
}

check methods.delete-refused 2 "DELETE on a static file: 405 with an Allow field, or 501"
stage methods
rfc 'RFC 9110 §15.5.6' 'The origin server MUST generate an Allow header field in a 405 response containing a list of the target resource'"'"'s currently supported methods.' 'or 501, for a method the server does not implement at all'
methods.delete-refused() {
  local index
  index=$(need_site_file index)
  send "DELETE /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_refused_method
}

check methods.unknown-method 2 "a method nobody defined (BREW): 405 with an Allow field, or 501"
stage methods
rfc 'RFC 9110 §9.1' 'An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the 501 (Not Implemented) status code.' '405 with Allow is right too'
methods.unknown-method() {
  local index
  index=$(need_site_file index)
  send "BREW /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_refused_method
}

# OPTIONS asks what the server allows. Supporting it is optional (RFC 9110 9.1), so a refusal
# done right (405 with Allow, or 501) passes too; a success should say Allow (9.3.7).
check methods.options 1 "OPTIONS: a 2xx with Allow listing GET and HEAD, or a proper refusal (405 with Allow, 501)"
stage methods
rfc 'RFC 9110 §9.3.7' 'A server generating a successful response to OPTIONS SHOULD send any header that might indicate optional features implemented by the server and applicable to the target resource (e.g., Allow)' 'OPTIONS is optional: a proper refusal passes too'
methods.options() {
  local index
  index=$(need_site_file index)
  send "OPTIONS /$index HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  if [[ $STATUS == 2?? ]]; then
    expect_status 200 204
    expect_header_match Allow "$(allow_lists GET)" "GET among the methods allowed"
    expect_header_match Allow "$(allow_lists HEAD)" "HEAD among the methods allowed"
  else
    expect_refused_method
  fi
}
