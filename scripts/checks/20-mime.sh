# shellcheck shell=bash
# mime: Content-Type names the media type of the file (RFC 9110 8.3), so a browser knows how to
# render it. Only the type is judged: parameters such as "; charset=utf-8" are the server's
# choice. The file of each kind is picked from the site by extension (see lib/site.sh).

# get_kind KIND: GET the site's file of that kind.
get_kind() {
  local path
  path=$(need_site_file "$1")
  send --label "$path" "GET $(url_path "$path") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
}

check mime.html 2 "an .html file is sent as text/html"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message'
mime.html() { get_kind html; expect_media_type text/html; }

check mime.css 2 "a .css file is sent as text/css (browsers refuse stylesheets of other types)"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message' 'browsers refuse a stylesheet of another type'
mime.css() { get_kind css; expect_media_type text/css; }

# RFC 9239 made text/javascript the one name; application/javascript is its obsolete alias,
# still sent by many servers, and browsers accept both.
check mime.js 1 "a .js file is sent as text/javascript (or the older application/javascript)"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message' 'RFC 9239 made text/javascript the name; application/javascript is its obsolete alias, accepted too'
mime.js() { get_kind js; expect_media_type text/javascript application/javascript; }

check mime.png 1 "a .png file is sent as image/png"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message'
mime.png() { get_kind png; expect_media_type image/png; }

check mime.svg 1 "an .svg file is sent as image/svg+xml (browsers will not draw it otherwise)"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message' 'browsers draw an SVG image only when it comes as image/svg+xml'
mime.svg() { get_kind svg; expect_media_type image/svg+xml; }

check mime.json 1 "a .json file is sent as application/json"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message'
mime.json() { get_kind json; expect_media_type application/json; }

check mime.txt 1 "a .txt file is sent as text/plain"
stage types
rfc 'RFC 9110 §8.3' 'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message'
mime.txt() { get_kind txt; expect_media_type text/plain; }

# RFC 9110 8.3: a sender that does not know the type either sends none (and lets the client
# guess) or says application/octet-stream, "just bytes". Both are right; text/html is not.
check mime.unknown-extension 1 "a file with an unknown extension is application/octet-stream, or has no Content-Type"
stage types
rfc 'RFC 9110 §8.3' 'If a Content-Type header field is not present, the recipient MAY either assume a media type of "application/octet-stream" ... or examine the data to determine its type.' 'so a server that does not know the type says octet-stream or nothing, never a guess like text/html'
mime.unknown-extension() { get_kind unknown-type; expect_media_type application/octet-stream none; }
