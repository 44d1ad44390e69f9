# shellcheck shell=bash
# The command a report gives a student to try an exchange again against their server: the same
# bytes (CRLF, NUL and non-ASCII bytes included, written as printf escapes) and the same client
# behaviour (nc -N for a client that half-closes, a sleep for one that holds its side open, a
# loop for one that trickles its request, nc -d for one that sends nothing).
#
#   printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1:9000\r\n\r\n' | nc 127.0.0.1 9000
#
# The printf is read by the student as the request itself, so it stays as close as it can to
# the form docs/LAB.md teaches: one format string, \r\n visible; '%b' and an argument only when
# the request holds a '%' (a percent-encoded path), which a format string would need doubled.

# Longer printf strings are broken after each \n, one request line a shell line.
readonly RETRY_LINE_WIDTH=200
# A run of at least this many equal bytes (66 000 'a's in a long target) is written as a
# command that makes it, not spelled out.
readonly RETRY_RUN_MIN=64

# shell_quote WORD: WORD as one shell word: as it is when that is safe, else in single quotes.
shell_quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=@+,-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

# shell_words WORD...: the words as one command line.
shell_words() {
  local word separator=''
  for word in "$@"; do
    printf '%s%s' "$separator" "$(shell_quote "$word")"
    separator=' '
  done
  printf '\n'
}

# printf_words FILE: a printf command that writes exactly the bytes of FILE.
printf_words() {
  local style=format
  # A % would need doubling in a format; a leading - would read as an option of printf.
  if grep -q '%' "$1" || [[ $(head -c 1 "$1") == - ]]; then style=argument; fi
  if [[ $style == format ]]; then printf 'printf '; else printf "printf '%%b' "; fi
  escaped_bytes "$1" "$style" 0
}

# trickle_words FILE PIECE: the bytes of FILE as PIECE-byte shell words for printf '%b'.
trickle_words() {
  escaped_bytes "$1" argument "$2"
}

# escaped_bytes FILE STYLE PIECE: the bytes of FILE as single-quoted shell text that printf
# turns back into them. STYLE is "format" (a printf format: % doubled, octal \NNN) or
# "argument" (for '%b': % as it is, octal \0NNN). PIECE > 0 splits the bytes into words of
# PIECE bytes; otherwise a long result is broken after each \n (a quote, a backslash-newline,
# a quote: one word for the shell).
escaped_bytes() {
  od -An -v -tu1 "$1" | awk -v q="'" -v style="$2" -v piece="$3" -v width="$RETRY_LINE_WIDTH" -v run_min="$RETRY_RUN_MIN" '
    function escaped(code) {
      if (code == 13) return "\\r"
      if (code == 10) return "\\n"
      if (code == 9) return "\\t"
      if (code == 92) return "\\\\"
      if (code == 39) return q "\\" q q # close the quotes, an escaped quote, open them again
      if (code == 37 && style == "format") return "%%"
      if (code >= 32 && code < 127) return sprintf("%c", code)
      return sprintf(style == "format" ? "\\%03o" : "\\0%03o", code)
    }
    function plain(code) {  # letters, digits, . _ - : safe inside a tr argument
      return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code == 46 || code == 95 || code == 45
    }
    { for (i = 1; i <= NF; i++) bytes[n++] = $i + 0 }
    END {
      if (piece > 0) {
        out = ""
        for (i = 0; i < n; i += piece) {
          word = ""
          for (j = i; j < i + piece && j < n; j++) word = word escaped(bytes[j])
          out = out (i ? (bytes[i - 1] == 10 ? " \\\n    " : " ") : "") q word q
        }
        print out
        exit
      }
      # Tokens: escaped text, or a run made by a command; a line break after each \n.
      text = ""; lines = 0
      for (i = 0; i < n; ) {
        j = i
        while (j < n && bytes[j] == bytes[i]) j++
        if (j - i >= run_min && plain(bytes[i])) {
          text = text q "\"$(printf " q "%" (j - i) "s" q " " q q " | tr " q " " q " " sprintf("%c", bytes[i]) ")\"" q
          i = j
          continue
        }
        text = text escaped(bytes[i])
        if (bytes[i] == 10 && i + 1 < n) { text = text "\001"; lines++ }
        i++
      }
      one = text; gsub(/\001/, "", one)
      if (length(one) + 2 <= width || lines == 0) { print q one q; exit }
      gsub(/\001/, q "\\\n" q, text)
      print q text q
    }' | sed -e "s/^''\"/\"/; s/\"''\$/\"/"
}

# retry_command EXCHANGE: the command for the exchange whose files start with EXCHANGE
# (EXCHANGE.request, .client, .then, .producer or, for curl, .command).
retry_command() {
  local exchange=$1 mode=polite hold=0 trickle=- writer target
  if [[ -f $exchange.command ]]; then
    printf '%s\n' "$(<"$exchange.command")"
    return 0
  fi
  [[ ! -s $exchange.client ]] || read -r mode hold trickle <"$exchange.client"
  hold=$(short_seconds "$hold")
  target="$(shell_quote "$TARGET_HOST") $TARGET_PORT"
  writer=$(request_writer "$exchange")
  case $mode in
    half-close) printf '%s | nc -N %s\n' "$writer" "$target" ;;
    hold)
      if [[ -f $exchange.then ]]; then
        printf '(%s; sleep %s; %s) | nc %s\n' "$writer" "$hold" "$(printf_words "$exchange.then")" "$target"
      else
        printf '(%s; sleep %s) | nc %s\n' "$writer" "$hold" "$target"
      fi ;;
    trickle)
      printf "(for piece in %s; do printf '%%b' \"\$piece\"; sleep %s; done; sleep %s) | nc %s\n" \
        "$(trickle_words "$exchange.request" "${trickle%%:*}")" "${trickle#*:}" "$hold" "$target" ;;
    silent) printf 'time nc -d %s\n' "$target" ;;
    *) printf '%s | nc %s\n' "$writer" "$target" ;;
  esac
}

# request_writer EXCHANGE: the shortest command known to write the request: the check's own
# (send --retry), when it prints exactly the bytes that were sent, or else a printf.
request_writer() {
  if [[ -s $1.producer ]] && bash -c "$(<"$1.producer")" 2>/dev/null | cmp -s - "$1.request"; then
    printf '%s\n' "$(<"$1.producer")"
  else
    printf_words "$1.request"
  fi
}

# short_seconds SECONDS: "1.000" -> "1", "0.500" -> "0.5", as a person would write it.
short_seconds() {
  local s=$1
  [[ $s != *.* ]] || { s=${s%"${s##*[!0]}"}; s=${s%.}; }
  printf '%s\n' "$s"
}
