# shellcheck shell=bash
# caching: validators let a browser ask "has it changed?" instead of downloading again.
# ETag and Last-Modified describe the file (RFC 9110 8.8); conditional requests are judged in
# the order of RFC 9110 13.2.2. Each check first GETs the file to learn its validators.

# The formats the RFC gives: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (8.8.3), and
# IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (5.6.7).
readonly ETAG_FORMAT='^(W/)?"[^" ]*"$'
readonly IMF_FIXDATE='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'

CACHED_FILE='' ETAG='' LAST_MODIFIED=''

# learn_validators: GET the site's plain text file and remember its ETag and Last-Modified.
learn_validators() {
  CACHED_FILE=$(need_site_file ranged)
  send --label "GET, to learn the validators" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  ETAG=${HEADER[etag]:-} LAST_MODIFIED=${HEADER[last-modified]:-}
}

check caching.etag 2 "a file comes with an ETag, a quoted entity-tag (RFC 9110 8.8.3)"
stage conditional
rfc 'RFC 9110 §8.8.3' 'An origin server SHOULD send an ETag for any selected representation for which detection of changes can be reasonably and consistently determined'
caching.etag() {
  learn_validators
  expect_header_match ETag "$ETAG_FORMAT" 'an entity-tag in double quotes, like "5f3a-a" or W/"5f3a-a"'
}

check caching.last-modified 2 "a file comes with Last-Modified, an IMF-fixdate (RFC 9110 8.8.2)"
stage conditional
rfc 'RFC 9110 §8.8.2' 'An origin server SHOULD send Last-Modified for any selected representation for which a last modification date can be reasonably and consistently determined'
caching.last-modified() {
  learn_validators
  expect_header_match Last-Modified "$IMF_FIXDATE" 'a date like "Sun, 06 Nov 1994 08:49:37 GMT"'
}

# RFC 9110 6.6.1: an origin server with a clock MUST send Date in every 2xx, 3xx and 4xx
# response; caches compute ages from it. A 200 and a 404 stand for them.
check caching.date 1 "a 200 and a 404 both carry Date, an IMF-fixdate (RFC 9110 6.6.1)"
stage conditional
rfc 'RFC 9110 §6.6.1' 'An origin server with a clock (as defined in Section 5.6.7) MUST generate a Date header field in all 2xx (Successful), 3xx (Redirection), and 4xx (Client Error) responses'
caching.date() {
  learn_validators
  expect_header_match Date "$IMF_FIXDATE" 'a date like "Sun, 06 Nov 1994 08:49:37 GMT"'
  send --label "a file that does not exist" \
    "GET /no-such-file.html HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 404
  expect_header_match Date "$IMF_FIXDATE" 'a date like "Sun, 06 Nov 1994 08:49:37 GMT", on the 404 too'
}

# RFC 9110 13.1.2 and 15.4.5: a matching If-None-Match on GET is answered 304 Not Modified, no
# body, with the ETag the 200 would have had.
check caching.if-none-match 3 "If-None-Match with the file's ETag: 304 Not Modified, no body, same ETag"
stage conditional
rfc 'RFC 9110 §13.1.2' 'the origin server MUST NOT perform the requested method if the condition evaluates to false; instead, the origin server MUST respond with either a) the 304 (Not Modified) status code if the request method is GET or HEAD'
caching.if-none-match() {
  learn_validators
  [[ -n $ETAG ]] || { missed "an ETag in the first response, to send back" "none"; return 0; }
  send --label "the same GET, with the ETag in If-None-Match" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-None-Match: $ETAG\r\nConnection: close\r\n\r\n"
  expect_status 304
  expect_no_body
  expect_header ETag "$ETAG"
}

check caching.if-none-match-other 1 "If-None-Match with another ETag: 200 and the file (the client's copy is stale)"
stage conditional
rfc 'RFC 9110 §13.1.2' 'If the field value is a list of entity tags, the condition is false if one of the listed tags matches the entity tag of the selected representation.' 'no tag matches, so the condition is true and the file is sent'
caching.if-none-match-other() {
  learn_validators
  send --label "If-None-Match with an ETag the file does not have" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-None-Match: \"lab-stale-tag\"\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$CACHED_FILE"
}

check caching.if-modified-since 2 "If-Modified-Since with the file's Last-Modified: 304 Not Modified"
stage conditional
rfc 'RFC 9110 §13.1.3' 'The origin server SHOULD NOT perform the requested method if the selected representation'"'"'s last modification date is earlier than or equal to the date provided in the field value; instead, the origin server SHOULD generate a 304 (Not Modified) response'
caching.if-modified-since() {
  learn_validators
  [[ -n $LAST_MODIFIED ]] || { missed "a Last-Modified in the first response, to send back" "none"; return 0; }
  send --label "the same GET, with Last-Modified in If-Modified-Since" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-Modified-Since: $LAST_MODIFIED\r\nConnection: close\r\n\r\n"
  expect_status 304
  expect_no_body
}

check caching.if-modified-since-old 1 "If-Modified-Since in the year 2000: 200 and the file (it changed since)"
stage conditional
rfc 'RFC 9110 §13.1.3' 'The origin server SHOULD NOT perform the requested method if the selected representation'"'"'s last modification date is earlier than or equal to the date provided in the field value' 'the file changed after the year 2000, so the method is performed: 200'
caching.if-modified-since-old() {
  local file
  file=$(need_site_file ranged)
  send "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
}

# RFC 9110 13.1.1: If-Match that matches no current ETag MUST fail: 412 Precondition Failed
# (13.2.2 step 1). It protects a client from acting on a version it did not see.
check caching.if-match-mismatch 2 "If-Match with an ETag the file does not have: 412 Precondition Failed"
stage conditional
rfc 'RFC 9110 §13.1.1' 'An origin server MUST NOT perform the requested method if a received If-Match condition evaluates to false; instead, the origin server MUST respond with either: a) the 412 (Precondition Failed) status code or ...'
caching.if-match-mismatch() {
  local file
  file=$(need_site_file ranged)
  send "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-Match: \"lab-stale-tag\"\r\nConnection: close\r\n\r\n"
  expect_status 412
}

# RFC 9110 13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
# If-None-Match header field": the tag is the more accurate condition and replaces the date.
# So a stale tag with a current date is a changed file (200), and a current tag with an old
# date an unchanged one (304); a server that looks at the date at all gets one of them wrong.
check caching.if-none-match-over-date 2 "If-None-Match replaces If-Modified-Since (RFC 9110 13.1.3): a stale ETag with the current date gets 200, the current ETag with an old date 304"
stage conditional
rfc 'RFC 9110 §13.1.3' 'A recipient MUST ignore If-Modified-Since if the request contains an If-None-Match header field; the condition in If-None-Match is considered to be a more accurate replacement for the condition in If-Modified-Since' 'so the ETag alone decides: a stale one gets 200 whatever the date, the current one 304'
caching.if-none-match-over-date() {
  learn_validators
  send --label "a stale ETag, with the file's own Last-Modified as If-Modified-Since" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-None-Match: \"lab-stale-tag\"\r\nIf-Modified-Since: ${LAST_MODIFIED:-Sat, 01 Jan 2000 00:00:00 GMT}\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$CACHED_FILE"
  [[ -n $ETAG ]] || { missed "an ETag in the first response, to send back" "none"; return 0; }
  send --label "the current ETag, with If-Modified-Since in the year 2000" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-None-Match: $ETAG\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\nConnection: close\r\n\r\n"
  expect_status 304
  expect_no_body
}

# RFC 9110 13.1.3: the condition is false ("not modified") when the file's last modification
# date is "earlier or equal to the date provided", so any later date gets 304 (13.2.2 step 4),
# not only the exact Last-Modified a browser echoes. The date sent is the server's own Date,
# later than Last-Modified and never in the server's future (or Last-Modified + 1 s, should
# the file have changed within the second).
check caching.if-modified-since-later 1 "If-Modified-Since later than Last-Modified (not modified since): 304 (RFC 9110 13.1.3)"
stage conditional
rfc 'RFC 9110 §13.1.3' 'The origin server SHOULD NOT perform the requested method if the selected representation'"'"'s last modification date is earlier than or equal to the date provided in the field value; instead, the origin server SHOULD generate a 304 (Not Modified) response' 'earlier, not only equal: a date after Last-Modified gets 304 too'
caching.if-modified-since-later() {
  local modified now later
  learn_validators
  [[ -n $LAST_MODIFIED ]] || { missed "a Last-Modified in the first response, to compare with" "none"; return 0; }
  modified=$(date -u -d "$LAST_MODIFIED" +%s 2>/dev/null) \
    || { missed "a Last-Modified that is an HTTP date" "'Last-Modified: $LAST_MODIFIED'"; return 0; }
  now=$(date -u -d "${HEADER[date]:-@0}" +%s 2>/dev/null || printf '0')
  ((now > modified)) && later=$now || later=$((modified + 1))
  later=$(date -u -d "@$later" '+%a, %d %b %Y %H:%M:%S GMT')
  send --label "If-Modified-Since $later, $(plural $(($(date -u -d "$later" +%s) - modified)) second) after Last-Modified" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-Modified-Since: $later\r\nConnection: close\r\n\r\n"
  expect_status 304
  expect_no_body
}

# RFC 9110 13.1.2: "A recipient MUST use the weak comparison function when comparing entity
# tags for If-None-Match", since a weak tag is good enough to revalidate a cached copy: W/"x"
# and "x" match (8.8.3.2). The check sends the file's tag with its W/ added (or removed).
check caching.if-none-match-weak 2 "If-None-Match compares weakly (RFC 9110 13.1.2): W/\"tag\" for the file's \"tag\" gets 304"
stage conditional
rfc 'RFC 9110 §13.1.2' 'A recipient MUST use the weak comparison function when comparing entity tags for If-None-Match (Section 8.8.3.2), since weak entity tags can be used for cache validation even if there have been changes to the representation data.' 'W/"x" and "x" match weakly'
caching.if-none-match-weak() {
  local other
  learn_validators
  [[ -n $ETAG ]] || { missed "an ETag in the first response, to send back" "none"; return 0; }
  if [[ $ETAG == W/* ]]; then other=${ETAG#W/}; else other="W/$ETAG"; fi
  send --label "If-None-Match: $other, the file's ETag $ETAG compared weakly" \
    "GET /$CACHED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-None-Match: $other\r\nConnection: close\r\n\r\n"
  expect_status 304
  expect_no_body
}

# RFC 9110 13.1.4: a server that evaluates If-Unmodified-Since "MUST NOT perform the requested
# method if the condition evaluates to false", and 13.2.1 says an origin server MUST evaluate
# the preconditions it receives: a file changed after the date gets 412 (13.2.2 step 2), which
# a GET sends to say "you would have got a newer version than you asked for".
check caching.if-unmodified-since 2 "If-Unmodified-Since in the year 2000 (the file changed since): 412 Precondition Failed (RFC 9110 13.1.4)"
stage conditional
rfc 'RFC 9110 §13.2.2' 'When recipient is the origin server, If-Match is not present, and If-Unmodified-Since is present, evaluate the If-Unmodified-Since precondition: … if false, respond 412 (Precondition Failed) unless it can be determined that the state-changing request has already succeeded' 'the file changed after the year 2000, so the condition is false, and a GET changes nothing: 412'
caching.if-unmodified-since() {
  local file
  file=$(need_site_file ranged)
  send "GET /$file HTTP/1.1\r\nHost: $HOST_FIELD\r\nIf-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\nConnection: close\r\n\r\n"
  expect_status 412
}
