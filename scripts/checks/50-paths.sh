# shellcheck shell=bash
# paths: from a request target to a file. The target is percent-decoded once (RFC 3986 2.1),
# its query is not part of the file name, a directory is served through its index, and no
# spelling of ".." ever reaches a file outside the site.

check paths.space-in-name 2 "a file name with a space, sent as %20, is served"
stage paths
rfc 'RFC 3986 §2.1' 'A percent-encoded octet is encoded as a character triplet, consisting of the percent character "%" followed by the two hexadecimal digits representing that octet'"'"'s numeric value.' 'so %20 is a space, decoded once before looking for the file'
paths.space-in-name() {
  local path
  path=$(need_site_file with-space)
  send "GET $(url_path "$path") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$path"
}

check paths.non-ascii-name 2 "a non-ASCII file name, sent as percent-encoded UTF-8 (caf%C3%A9), is served"
stage paths
rfc 'RFC 3986 §2.5' 'the data should first be encoded as octets according to the UTF-8 character encoding; then only those octets that do not correspond to characters in the unreserved set should be percent-encoded'
paths.non-ascii-name() {
  local path
  path=$(need_site_file non-ascii)
  send "GET $(url_path "$path") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$path"
}

# RFC 3986 6.2.2.2: %69 and i are the same character; decoding gives the same file.
check paths.encoded-letters 1 "ordinary letters sent percent-encoded (/%69ndex.html) name the same file"
stage paths
rfc 'RFC 3986 §6.2.2.2' 'These URIs should be normalized by decoding any percent-encoded octet that corresponds to an unreserved character'
paths.encoded-letters() {
  local index
  index=$(need_site_file index)
  send "GET /%69${index#i} HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$index"
}

check paths.query-ignored 1 "a query string (?v=2) does not change which file is served"
stage paths
rfc 'RFC 3986 §3.3' 'The path is terminated by the first question mark ("?") or number sign ("#") character, or by the end of the URI.' 'a static server maps the path alone to a file'
paths.query-ignored() {
  local file
  file=$(need_site_file ranged)
  send "GET /$file?v=2&lang=en HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$file"
}

# Without the slash, relative links in the index would resolve against the parent folder, so
# servers redirect. Any redirect status is right; the Location must name the folder with "/".
# Location is a URI reference, resolved against the request's URI (RFC 9110 10.2.2): "/docs/",
# "docs/" and "http://host/docs/" all name the folder. A network-path reference ("//host/docs/")
# passes only when it names the server it came from, as "//" is how open redirects look.
check paths.directory-redirect 2 "a directory without its trailing slash: a redirect (301) to the same path with /"
stage paths
rfc 'RFC 9110 §15.4.2' 'The server SHOULD generate a Location header field in the response containing a preferred URI reference for the new permanent URI.' 'without the slash, the index'"'"'s relative links would resolve against the parent folder, so servers redirect'
paths.directory-redirect() {
  local dir resolved wanted
  dir=$(site_subdir_with_index) || cannot_check "the site has no subdirectory with an index.html"
  send "GET /$dir HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 301 302 307 308
  wanted="Location: /$dir/, or a URI reference that resolves to it (like ${dir##*/}/ or http://host/$dir/)"
  if [[ ${HEADER_SEEN[location]:-0} == 1 ]] &&
    resolved=$(resolve_location "${HEADER[location]}" "/$dir") && [[ $resolved == "/$dir/" ]]; then
    met "$wanted"
  else
    missed "$wanted" "$(header_as_got Location)${resolved:+, which resolves to $resolved}"
  fi
}

# resolve_location REFERENCE BASE_PATH: the path (and query) REFERENCE names when resolved
# against http://$HOST_FIELD$BASE_PATH (RFC 3986 5.2), or a failure when it names a scheme other
# than http(s), or, as a network-path reference ("//..."), another authority.
resolve_location() {
  local reference=${1%%#*} base=$2 authority path
  if [[ $reference =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]]; then
    [[ $reference =~ ^[Hh][Tt][Tt][Pp][Ss]?://[^/?]+(.*)$ ]] || return 1
    path=${BASH_REMATCH[1]}
  elif [[ $reference == //* ]]; then
    authority=${reference#//}
    authority=${authority%%[/?]*}
    [[ ${authority,,} == "${HOST_FIELD,,}" ]] || return 1
    path=${reference#//"$authority"}
  elif [[ $reference == /* ]]; then
    path=$reference
  else
    path=${base%/*}/$reference # merged with the base's folder (5.2.3)
  fi
  [[ $path == /* ]] || path=/$path
  printf '%s\n' "$(remove_dot_segments "${path%%\?*}")${path#"${path%%\?*}"}"
}

# remove_dot_segments PATH: RFC 3986 5.2.4, "/a/./b/../c/" -> "/a/c/".
remove_dot_segments() {
  local input=$1 output='' lead rest segment
  while [[ -n $input ]]; do
    case $input in
      ../*) input=${input#../} ;;
      ./*) input=${input#./} ;;
      /./*) input=/${input#/./} ;;
      /.) input=/ ;;
      /../*) input=/${input#/../} output=${output%/*} ;;
      /..) input=/ output=${output%/*} ;;
      . | ..) input='' ;;
      *)
        lead='' rest=$input
        if [[ $rest == /* ]]; then lead=/ rest=${rest#/}; fi
        segment=${rest%%/*}
        output+=$lead$segment
        input=${rest:${#segment}} ;;
    esac
  done
  printf '%s\n' "$output"
}

check paths.directory-index 2 "a directory with its trailing slash serves its index.html"
stage paths
lab_choice 'a folder is served through its index.html, the convention of every static server (Apache'"'"'s DirectoryIndex, nginx'"'"'s index)'
paths.directory-index() {
  local dir
  dir=$(site_subdir_with_index) || cannot_check "the site has no subdirectory with an index.html"
  send "GET /$dir/ HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_status 200
  expect_body_file "$dir/index.html"
}

# Traversal: each target below tries to climb out of the site to /etc/passwd. Any answer but a
# 2xx is right (400, 403, 404...): RFC 3986 5.2.4 even lets a server drop the extra ".."
# and look for /etc/passwd inside the site, which is not there. Raw ".." is sent by nc as is;
# URL clients (browsers, curl without --path-as-is) would have removed it before sending.
expect_traversal_refused() {
  expect_answered
  expect_not_success
  expect_no_leak
}

check paths.traversal-dotdot 3 "raw ../ segments (/../../../../../../etc/passwd) never leave the site"
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.' 'any answer but 2xx passes, as long as nothing of /etc/passwd comes back'
paths.traversal-dotdot() {
  send "GET /../../../../../../etc/passwd HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

check paths.traversal-encoded-dots 3 "percent-encoded dots (/%2e%2e/%2e%2e/...) never leave the site"
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.' '%2e is a dot: check the path after decoding'
paths.traversal-encoded-dots() {
  send "GET /%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

check paths.traversal-encoded-slash 3 "an encoded slash (/..%2f..%2f...) never leaves the site"
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.' '%2f decodes to a slash: check the path after decoding'
paths.traversal-encoded-slash() {
  send "GET /..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

check paths.traversal-from-subdir 2 "../ from inside a subdirectory (/images/../../../etc/passwd) never leaves the site"
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.'
paths.traversal-from-subdir() {
  local inside
  inside=$(need_site_file in-subdir)
  send "GET /${inside%%/*}/../../../../../etc/passwd HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

# A NUL byte ends a string in C: "passwd%00.html" once fooled servers that checked the
# extension in one language and opened the file in another.
check paths.traversal-nul 2 "an encoded NUL (/../../etc/passwd%00.html) is refused, never served"
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.' 'a NUL ends a string in C: refuse it, and never crash on it'
paths.traversal-nul() {
  send "GET /../../../../../../etc/passwd%00.html HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

# RFC 9110 and 3986 give "\" no meaning in a path, so it is an ordinary byte: a server that
# turns it into "/" (as Windows' file APIs do) after checking for ".." is open to the oldest
# traversal of all. Any answer but a 2xx is right, as above. The target starts with a name
# ("lab"), so that a rule against names starting with "." cannot hide the fault, then climbs
# 16 levels.
check paths.traversal-backslash 2 'raw backslashes as separators (/lab\..\..\...\etc\passwd) never leave the site'
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.' 'on Windows a backslash separates folders: treat it as an ordinary byte (no such file) or refuse it, never as a / after the .. check'
paths.traversal-backslash() {
  local up='' i
  for ((i = 0; i < 16; i++)); do up+="\\\\.."; done # send's text goes through printf %b: \\ is one \
  send "GET /lab${up}\\\\etc\\\\passwd HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

check paths.traversal-encoded-backslash 2 "encoded backslashes as separators (/lab%5c..%5c..%5c...%5cetc%5cpasswd) never leave the site"
stage paths
rfc 'RFC 9110 §17.3' 'an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.' '%5c decodes to a backslash: check the path after decoding, and never turn a backslash into a /'
paths.traversal-encoded-backslash() {
  send "GET /lab$(repeat 16 '%5c..')%5cetc%5cpasswd HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_traversal_refused
}

# A NUL on its own: no file name can hold one (POSIX, Windows), so /index.html%00.png names
# nothing. A server that hands the decoded path to a C function reads only up to the NUL, and
# serves index.html for what claims to be a PNG: a 400 or a 404 is right, never the file.
check paths.nul-in-name 2 "a NUL in a name (/index.html%00.png) is refused, not cut short and served as index.html"
stage paths
rfc 'RFC 9110 §17.3' 'local storage systems have an annoying tendency to prefer user-friendliness over security when handling invalid or unexpected characters' 'no file name holds a NUL, and a C function reads the name only up to it: refuse it (400) or find nothing (404), never serve index.html'
paths.nul-in-name() {
  local index
  index=$(need_site_file index)
  send "GET /$index%00.png HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_answered
  expect_not_success
}

# The lab's own rule, not an RFC's: a dotfile (.env, .git/, .htpasswd) holds settings and
# secrets that were never meant for the web, so the server answers as if it were not there
# (404, or 403), as Express's serve-static and sirv do by default. /.well-known/ (RFC 8615) is
# the exception. The file is the first dotfile of the site (the lab's: files/.env).
check paths.dotfile 2 "a dotfile (files/.env) is not served: a 4xx, and none of its lines (the lab's rule: dotfiles hold secrets)"
stage paths
lab_choice 'dotfiles (.env, .git/, .htpasswd) hold settings and secrets never meant for the web, and they travel with a site folder copied from a project; so the server answers as if they were not there (404), as Express'"'"'s serve-static and sirv do by default (/.well-known/, RFC 8615, is the exception)'
paths.dotfile() {
  local file
  file=$(need_fixture dotfile)
  send "GET $(url_path "$file") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  expect_answered
  expect_not_success
  expect_no_copy_of "$file"
}

# The lab's own rule too: the site is the folder, so a symbolic link in it that leads outside
# (files/outside-link -> /etc/passwd) is not followed; nothing in RFC 9110 forbids it, but
# following it publishes what the site's owner never put there (nginx's disable_symlinks and
# Apache's SymLinksIfOwnerMatch exist for this). The lab's server answers 404, as if the link
# were not there. If the server's copy of the site has a plain file at that name (git on
# Windows writes the link's target as text), its 200 says nothing about links: an error.
check paths.symlink-outside 3 "a symbolic link inside the site that leads out of it (files/outside-link -> /etc/passwd) is not followed (the lab's rule)"
stage paths
lab_choice 'the site is the folder: following a link that leads out of it publishes what the site'"'"'s owner never put there (here /etc/passwd), and whoever can write into the folder could publish any file the server can read; RFC 9110 does not forbid it, so the lab does: answer as if the link were not there (404), as nginx'"'"'s disable_symlinks does'
paths.symlink-outside() {
  local link target
  link=$(need_fixture symlink-out)
  target=$(readlink "$SITE_DIR/$link")
  send "GET $(url_path "$link") HTTP/1.1\r\nHost: $HOST_FIELD\r\nConnection: close\r\n\r\n"
  if [[ $STATUS == 2?? ]] && [[ $(<"$BODY") == "$target" ]]; then
    cannot_check "the server sent the text '$target' for $link: its copy of the site has a plain file there, not a symbolic link (git on Windows and zip make such files); scripts/site-fixtures DIR makes it a link again"
  fi
  expect_traversal_refused
}
