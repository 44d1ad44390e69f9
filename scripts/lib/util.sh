# shellcheck shell=bash
# Small helpers every other part of the suite uses: messages, exits, clocks and durations.

# Exit statuses of scripts/grade, as documented in its --help.
readonly EXIT_ALL_PASSED=0 EXIT_SOME_FAILED=1 EXIT_COULD_NOT_RUN=2

say() { printf 'grade: %s\n' "$*" >&2; }

# Stops the whole run: the suite could not judge the server, so it is no verdict (exit 2).
cannot_run() {
  say "cannot run: $*"
  exit "$EXIT_COULD_NOT_RUN"
}

# now_us: microseconds since the epoch, from bash's own clock (no fork, no `date`).
now_us() {
  local t=$EPOCHREALTIME
  printf '%s\n' "${t/./}"
}

# ms_of SECONDS: "1.5" -> 1500. Durations are kept in integer milliseconds because bash
# has no floating point.
ms_of() {
  local s=$1 whole frac
  [[ $s =~ ^([0-9]+)(\.([0-9]{1,3}))?$ ]] || { say "not a duration: $s"; return 1; }
  whole=${BASH_REMATCH[1]}
  frac=${BASH_REMATCH[3]:-0}
  frac=$((10#${frac}$(printf '%0*d' $((3 - ${#frac})) 0)))
  printf '%d\n' $((10#$whole * 1000 + frac))
}

# seconds_of MS: 1500 -> "1.500", the form `timeout` and `sleep` take.
seconds_of() {
  printf '%d.%03d\n' $(($1 / 1000)) $(($1 % 1000))
}

# scaled SECONDS: a time limit stretched by --timeout-scale (slow machines, busy CI),
# printed in seconds for `timeout` and `sleep`.
TIMEOUT_SCALE_PERMILLE=1000
scaled() {
  seconds_of $(($(ms_of "$1") * TIMEOUT_SCALE_PERMILLE / 1000))
}

# scaled_ms SECONDS: the same limit in milliseconds, for comparisons.
scaled_ms() {
  printf '%d\n' $(($(ms_of "$1") * TIMEOUT_SCALE_PERMILLE / 1000))
}

# plural N WORD: "1 byte", "2 bytes".
plural() {
  if (($1 == 1)); then printf '%s %s\n' "$1" "$2"; else printf '%s %ss\n' "$1" "$2"; fi
}

# file_size FILE: its size in bytes.
file_size() {
  stat -c %s "$1"
}

# repeat N TEXT: TEXT N times, to build oversized requests without a loop in every check.
repeat() {
  local out
  printf -v out '%*s' "$1" ''
  printf '%s' "${out// /$2}"
}

# bytes_of FILE OFFSET [COUNT]: COUNT bytes of FILE from OFFSET (counted from 0), or all the
# rest. (dd rather than `tail | head`: head leaving early would kill tail with SIGPIPE.)
bytes_of() {
  if (($# == 3)); then
    dd if="$1" bs=65536 skip="$2" count="$3" iflag=skip_bytes,count_bytes status=none
  else
    dd if="$1" bs=65536 skip="$2" iflag=skip_bytes status=none
  fi
}
