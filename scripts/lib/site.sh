# shellcheck shell=bash
# The site folder (--site): the files the checks request, and the bytes they compare
# responses with. A check asks for a *kind* of file ("a PNG image", "a name with a space");
# the first match in sorted order is used, so the same site always gives the same requests.
# Dotfiles and dot-directories are never picked: servers may rightly refuse to serve them.
# docs/GRADING.md lists the kinds a site needs for every check to run.

SITE_DIR=
SITE_FILES=() # every servable regular file, relative to SITE_DIR, sorted bytewise
# The byte cap of one exchange: the most any check may need, two site files (two pipelined
# responses) plus 1 MiB for heads and error pages. A response past it never ends, as far as the
# suite is concerned: the client stops reading there, so no server can fill the disk.
MAX_RESPONSE_BYTES=0

load_site() {
  SITE_DIR=$1
  mapfile -t SITE_FILES < <(cd "$SITE_DIR" && find . -type f -not -path '*/.*' -printf '%P\n' | LC_ALL=C sort)
  local largest
  largest=$(cd "$SITE_DIR" && find . -type f -printf '%s\n' | sort -n | tail -n 1)
  MAX_RESPONSE_BYTES=$((2 * ${largest:-0} + 1048576))
}

# plain_name PATH: true when PATH needs no percent-encoding (the seed's server can serve it).
plain_name() {
  [[ $1 =~ ^[A-Za-z0-9._/-]+$ ]]
}

# first_site_file TEST: the first file for which the function TEST succeeds.
first_site_file() {
  local path
  for path in "${SITE_FILES[@]}"; do
    if "$1" "$path"; then
      printf '%s\n' "$path"
      return 0
    fi
  done
  return 1
}

# The tests first_site_file uses. WANTED_EXTENSION is set by site_file.
WANTED_EXTENSION=
top_level_plain_with_extension() { [[ $1 != */* && ${1##*.} == "$WANTED_EXTENSION" ]] && plain_name "$1"; }
plain_with_extension() { [[ ${1##*.} == "$WANTED_EXTENSION" ]] && plain_name "$1"; }
with_extension() { [[ ${1##*.} == "$WANTED_EXTENSION" ]]; }
in_subdirectory() { [[ $1 == */* ]] && plain_name "$1"; }
has_space_in_name() { [[ ${1##*/} == *' '* ]]; }
has_non_ascii_name() { [[ $1 =~ [^\ -~] ]]; }
plain_and_at_least_10_bytes() { plain_name "$1" && (($(file_size "$SITE_DIR/$1") >= 10)); }

# site_file KIND: the relative path of the file a check uses for KIND; fails when the site
# has none.
site_file() {
  case $1 in
    index) [[ -f $SITE_DIR/index.html ]] && printf 'index.html\n' ;;
    html | css | js | png | svg | json | txt | mystery)
      # A plain name at the top level if there is one, then any plain name, then any name.
      WANTED_EXTENSION=$1
      first_site_file top_level_plain_with_extension \
        || first_site_file plain_with_extension \
        || first_site_file with_extension ;;
    unknown-type) site_file mystery ;; # no MIME table knows .mystery (.xyz is chemical/x-xyz)
    in-subdir) first_site_file in_subdirectory ;;
    with-space) first_site_file has_space_in_name ;;
    non-ascii) first_site_file has_non_ascii_name ;;
    ranged) # at least 10 bytes for the range arithmetic; nums.txt holds exactly 0123456789
      if [[ -f $SITE_DIR/nums.txt ]]; then printf 'nums.txt\n'; else first_site_file plain_and_at_least_10_bytes; fi ;;
    large) largest_plain_file ;;
    *) say "internal error: unknown kind of site file '$1'"; return 1 ;;
  esac
}

# largest_plain_file: the biggest file with a plain name, the one most likely to span many
# TCP segments.
largest_plain_file() {
  local path size best='' best_size=-1
  for path in "${SITE_FILES[@]}"; do
    plain_name "$path" || continue
    size=$(file_size "$SITE_DIR/$path")
    if ((size > best_size)); then best=$path best_size=$size; fi
  done
  [[ -n $best ]] && printf '%s\n' "$best"
}

# --- the fixtures of the path-safety checks, which copying may lose ------------------------
# (scripts/site-fixtures DIR puts the lab's back: files/.env and files/outside-link.)

# site_dotfile: the first file whose path has a segment starting with "." (not under
# .well-known/, RFC 8615), bytewise sorted; a dotfile servers must refuse.
site_dotfile() {
  local path
  path=$(cd "$SITE_DIR" && find . -type f -path '*/.*' -not -path './.well-known/*' -printf '%P\n' | LC_ALL=C sort | head -n 1)
  [[ -n $path ]] && printf '%s\n' "$path"
}

# site_symlink_out: the first symbolic link in the site that resolves outside it.
site_symlink_out() {
  local path root resolved
  root=$(realpath "$SITE_DIR")
  while IFS= read -r path; do
    resolved=$(realpath -m "$SITE_DIR/$path")
    if [[ $resolved != "$root" && $resolved != "$root"/* ]]; then
      printf '%s\n' "$path"
      return 0
    fi
  done < <(cd "$SITE_DIR" && find . -type l -printf '%P\n' | LC_ALL=C sort)
  return 1
}

# site_subdir_with_index: a directory below the root that has its own index.html.
site_subdir_with_index() {
  local path
  for path in "${SITE_FILES[@]}"; do
    if [[ $path == */index.html ]] && plain_name "$path"; then
      printf '%s\n' "${path%/index.html}"
      return 0
    fi
  done
  return 1
}

# url_path PATH: "/" + PATH with every byte that is not unreserved (RFC 3986 2.3) or "/"
# percent-encoded, UTF-8 bytes one by one: "files/café.txt" -> "/files/caf%C3%A9.txt".
url_path() {
  local path=$1 out=/ char i
  for ((i = 0; i < ${#path}; i++)); do
    char=${path:i:1}
    case $char in
      [A-Za-z0-9._~/-]) out+=$char ;;
      *) printf -v char '%%%02X' "'$char"; out+=$char ;;
    esac
  done
  printf '%s\n' "$out"
}
