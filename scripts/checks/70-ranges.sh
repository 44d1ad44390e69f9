# shellcheck shell=bash
# ranges: a client may ask for part of a file (resuming a download, seeking in a video) with
# Range: bytes=... (RFC 9110 14). The file is the site's nums.txt, exactly "0123456789", or
# else the first plain file of at least 10 bytes; positions count from 0 and include both ends.

RANGED_FILE='' RANGED_LENGTH=0

ranged_file() {
  RANGED_FILE=$(need_site_file ranged)
  RANGED_LENGTH=$(file_size "$SITE_DIR/$RANGED_FILE")
}

# get_range RANGE [EXTRA_FIELD_LINE]: GET the ranged file with Range: RANGE.
get_range() {
  send "GET /$RANGED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nRange: $1\r\n${2:-}Connection: close\r\n\r\n"
}

# expect_partial FIRST LAST: a 206 carrying bytes FIRST..LAST, described by Content-Range.
expect_partial() {
  expect_status 206
  expect_header Content-Range "bytes $1-$2/$RANGED_LENGTH"
  expect_header Content-Length $(($2 - $1 + 1))
  expect_body_file "$RANGED_FILE" "$1" "$2"
}

check ranges.first-bytes 2 "Range: bytes=0-4: 206 Partial Content with the first five bytes and Content-Range"
stage ranges
rfc 'RFC 9110 §15.3.7' 'The 206 (Partial Content) status code indicates that the server is successfully fulfilling a range request for the target resource by transferring one or more parts of the selected representation.'
ranges.first-bytes() {
  ranged_file
  get_range "bytes=0-4"
  expect_partial 0 4
}

check ranges.suffix 2 "Range: bytes=-3 (a suffix): 206 with the last three bytes"
stage ranges
rfc 'RFC 9110 §14.1.2' 'A client can request the last N bytes (N > 0) of the selected representation using a suffix-range.'
ranges.suffix() {
  ranged_file
  get_range "bytes=-3"
  expect_partial $((RANGED_LENGTH - 3)) $((RANGED_LENGTH - 1))
}

check ranges.open-ended 2 "Range: bytes=4- (to the end): 206 with every byte from the fifth on"
stage ranges
rfc 'RFC 9110 §14.1.2' 'If the last-pos value is absent, or if the value is greater than or equal to the current length of the representation data, the byte range is interpreted as the remainder of the representation'
ranges.open-ended() {
  ranged_file
  get_range "bytes=4-"
  expect_partial 4 $((RANGED_LENGTH - 1))
}

# RFC 9110 15.5.17: a range that starts past the end cannot be satisfied: 416, and the server
# SHOULD say the real length as Content-Range: bytes */LENGTH.
check ranges.unsatisfiable 2 "a range starting past the end: 416 Range Not Satisfiable with Content-Range: bytes */length"
stage ranges
rfc 'RFC 9110 §15.5.17' 'When this status code is generated in response to a byte-range request, the sender SHOULD generate a Content-Range header field specifying the current length of the selected representation'
ranges.unsatisfiable() {
  ranged_file
  get_range "bytes=$((RANGED_LENGTH + 100))-"
  expect_status 416
  expect_header Content-Range "bytes */$RANGED_LENGTH"
}

# RFC 9110 14.2: a server MUST ignore a range unit it does not understand, and send it all.
check ranges.unknown-unit 1 "Range: lines=0-1 (a unit that is not bytes) is ignored: 200 and the whole file"
stage ranges
rfc 'RFC 9110 §14.2' 'An origin server MUST ignore a Range header field that contains a range unit it does not understand.'
ranges.unknown-unit() {
  ranged_file
  get_range "lines=0-1"
  expect_status 200
  expect_body_file "$RANGED_FILE"
}

# RFC 9110 13.1.5: If-Range says "send the part only if the file is still this version";
# otherwise the whole file (200), so the client never stitches parts of two versions.
check ranges.if-range-stale 2 "If-Range with an ETag the file no longer has: 200 and the whole file"
stage ranges
rfc 'RFC 9110 §13.1.5' 'If the validator does not match, then the server MUST ignore the Range header field.'
ranges.if-range-stale() {
  ranged_file
  get_range "bytes=0-4" 'If-Range: "lab-stale-tag"\r\n'
  expect_status 200
  expect_body_file "$RANGED_FILE"
}

# If-Range compares strongly (RFC 9110 13.1.5): a client MUST NOT send a weak ETag (W/"...")
# in it, and a server never matches one. Without a strong ETag, the file's Last-Modified is
# sent instead. A server answers 206 if it deems that date a strong validator (8.8.2.2), and
# MAY answer 200 with the whole file if it cannot tell: then the same Range without If-Range
# shows whether it judged the date weak (206: this check cannot judge it) or ignores Range.
check ranges.if-range-current 1 "If-Range with the file's current validator (its strong ETag, else its Last-Modified): 206 and the part"
stage ranges
rfc 'RFC 9110 §13.1.5' 'If the validator given in the If-Range header field matches the current validator for the selected representation of the target resource, then the server SHOULD process the Range header field as requested.'
ranges.if-range-current() {
  ranged_file
  send --label "GET, to learn the validators" "GET /$RANGED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  local etag=${HEADER[etag]:-} last_modified=${HEADER[last-modified]:-}
  if [[ -n $etag && $etag != [Ww]/* ]]; then
    get_range "bytes=0-4" "If-Range: $etag\r\n"
    expect_partial 0 4
    return 0
  fi
  if [[ -z $last_modified ]]; then
    if [[ -n $etag ]]; then
      cannot_check "the ETag is weak ($etag), which If-Range cannot carry (RFC 9110 13.1.5), and there is no Last-Modified to send instead"
    fi
    missed "an ETag or a Last-Modified in the first response, to send back in If-Range" "neither"
    return 0
  fi
  note "no strong ETag (${etag:-none}), so If-Range carries the Last-Modified date"
  get_range "bytes=0-4" "If-Range: $last_modified\r\n"
  if [[ $STATUS == 200 ]]; then
    send --label "the same Range without If-Range, to tell a date judged weak from Range ignored" \
      "GET /$RANGED_FILE HTTP/1.1\r\nHost: $HOST_FIELD\r\nRange: bytes=0-4\r\nConnection: close\r\n\r\n"
    if [[ $STATUS == 206 ]]; then
      cannot_check "If-Range with the Last-Modified date was answered 200, Range alone 206: RFC 9110 13.1.5 lets a server treat a date as a weak validator, so this says nothing about its If-Range (a strong ETag would)"
    fi
    missed "206 and bytes 0-4 for If-Range: $last_modified" "200 and the whole file, and without If-Range $(what_came): the server ignores Range"
    return 0
  fi
  expect_partial 0 4
}

# RFC 9110 14.6 and 15.3.7.2: two ranges come back as multipart/byteranges, each part with
# its own Content-Range. A server MAY also ignore Range and send the whole file (14.2), and MAY
# coalesce ranges separated by a small gap (14.2, 15.3.7): here bytes 0-5 in one part, sent as
# a single-part 206 with Content-Range (15.3.7.1) or as the one part of a multipart body.
check ranges.two-ranges 1 "Range: bytes=0-1,4-5: 206 multipart/byteranges with both parts, or the two coalesced into bytes 0-5 (or 200 and the whole file)"
stage ranges
rfc 'RFC 9110 §14.6' 'When a 206 (Partial Content) response message includes the content of multiple ranges, they are transmitted as body parts in a multipart message body' 'a server MAY also coalesce the ranges, or ignore Range and send it all (§14.2)'
ranges.two-ranges() {
  ranged_file
  get_range "bytes=0-1,4-5"
  expect_status 206 200
  if [[ $STATUS == 200 ]]; then
    expect_body_file "$RANGED_FILE"
  elif [[ $(media_type) != multipart/byteranges ]]; then
    note "a single part: the two ranges coalesced into one"
    expect_header Content-Range "bytes 0-5/$RANGED_LENGTH"
    expect_body_file "$RANGED_FILE" 0 5
  else
    expect_media_type multipart/byteranges
    if grep -a -q -i "content-range: bytes 0-5/$RANGED_LENGTH" "$BODY"; then
      note "the two ranges coalesced into one part"
      expect_part_in_body 0 5
    else
      expect_part_in_body 0 1
      expect_part_in_body 4 5
    fi
  fi
}

# expect_part_in_body FIRST LAST: the multipart body holds a part whose header says
# Content-Range: bytes FIRST-LAST/LENGTH and whose data, after the empty line, are exactly
# those bytes (RFC 2046 5.1 framing, the field name in any case).
expect_part_in_body() {
  local wanted="a part with Content-Range: bytes $1-$2/$RANGED_LENGTH and those bytes"
  local text lowered marker before part_data expected
  IFS= read -r -d '' text <"$BODY" || true
  lowered=${text,,}
  marker="content-range: bytes $1-$2/$RANGED_LENGTH"
  before=${lowered%%"$marker"*}
  if [[ $before == "$lowered" ]]; then
    missed "$wanted" "no such Content-Range in the $(plural "$BODY_BYTES" byte) body"
    return 0
  fi
  part_data=${text:${#before}}
  part_data=${part_data#*"$CRLF$CRLF"}
  IFS= read -r -d '' expected < <(bytes_of "$SITE_DIR/$RANGED_FILE" "$1" $(($2 - $1 + 1))) || true
  if [[ ${part_data:0:${#expected}} == "$expected" ]]; then
    met "$wanted"
  else
    missed "$wanted" "the part holds '$(visible_line "${part_data:0:${#expected}}")'"
  fi
}
