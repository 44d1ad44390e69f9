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

# The *_into forms set a variable instead of printing, so that the exchange loop, which runs
# them many times a second, forks no subshell for them.

# ms_into VAR SECONDS: VAR = SECONDS in integer milliseconds ("1.5" -> 1500). Durations are
# kept in integer milliseconds because bash has no floating point.
ms_into() {
  [[ $2 =~ ^([0-9]+)(\.([0-9]{1,3}))?$ ]] || { say "not a duration: $2"; return 1; }
  local frac=${BASH_REMATCH[3]}000
  printf -v "$1" '%d' $((10#${BASH_REMATCH[1]} * 1000 + 10#${frac:0:3}))
}

# scaled_ms_into VAR SECONDS: the same, stretched by --timeout-scale (slow machines, busy CI).
TIMEOUT_SCALE_PERMILLE=1000
scaled_ms_into() {
  ms_into "$1" "$2" || return 1
  printf -v "$1" '%d' $((${!1} * TIMEOUT_SCALE_PERMILLE / 1000))
}

# seconds_into VAR MS: 1500 -> "1.500", the form `timeout` and `sleep` take.
seconds_into() {
  printf -v "$1" '%d.%03d' $(($2 / 1000)) $(($2 % 1000))
}

# ms_of SECONDS, seconds_of MS, scaled SECONDS (in seconds), scaled_ms SECONDS (in ms): the
# printing forms, for the checks.
ms_of() {
  local ms
  ms_into ms "$1" && printf '%s\n' "$ms"
}
seconds_of() {
  local text
  seconds_into text "$1"
  printf '%s\n' "$text"
}
scaled() {
  local ms
  scaled_ms_into ms "$1" && seconds_of "$ms"
}
scaled_ms() {
  local ms
  scaled_ms_into ms "$1" && printf '%s\n' "$ms"
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
