# shellcheck shell=bash
# Showing raw bytes to a person: CR and LF become visible (\r \n), as do tabs and every byte
# that is not printable ASCII (\xHH), so a report shows exactly what crossed the wire, and
# stays plain ASCII for TAP, JUnit, JSON and HTML.

# visible_bytes FILE PREFIX [MAX_BYTES] [MAX_LINE]: FILE as lines of "PREFIX text", each
# line ending at a LF byte (shown as \n). At most MAX_BYTES (default 2048) bytes are shown,
# and at most MAX_LINE (default 200) characters of a line. (od lists the bytes as numbers;
# awk maps each to its visible form, far faster than a loop in bash.)
visible_bytes() {
  local file=$1 prefix=$2 max=${3:-2048} max_line=${4:-200} total
  total=$(file_size "$file")
  if ((total == 0)); then
    printf '%s(nothing)\n' "$prefix"
    return 0
  fi
  head -c "$max" "$file" | od -An -v -tu1 | awk -v prefix="$prefix" -v max_line="$max_line" -v total="$total" '
    function flush() {
      if (line == "" && cut == 0) return
      if (cut > 0) line = line "... (" cut " more byte" (cut == 1 ? "" : "s") " on this line)"
      print prefix line
      line = ""; cut = 0
    }
    {
      for (i = 1; i <= NF; i++) {
        code = $i + 0; shown++
        if (code == 13) char = "\\r"
        else if (code == 10) char = "\\n"
        else if (code == 9) char = "\\t"
        else if (code == 92) char = "\\\\"
        else if (code >= 32 && code < 127) char = sprintf("%c", code)
        else char = sprintf("\\x%02X", code)
        if (length(line) < max_line) line = line char; else cut++
        if (code == 10) flush()
      }
    }
    END {
      flush()
      if (total > shown) print prefix "... (" (total - shown) " more byte" (total - shown == 1 ? "" : "s") " not shown)"
    }'
}

# visible_file FILE MAX_BYTES: visible_bytes without a prefix, kept beside FILE as
# FILE.visible, since the text, TAP, JUnit, JSON and HTML reports all show the same bytes.
visible_file() {
  [[ -f $1.visible ]] || visible_bytes "$1" '' "$2" >"$1.visible"
  printf '%s\n' "$(<"$1.visible")"
}

# markup_escape TEXT: TEXT with & < > " ' escaped, for HTML and XML. (bash's ${text//...}
# is quick on short texts and slow on long ones, where sed takes over.)
markup_escape() {
  local text=$1
  if ((${#text} > 8192)); then
    printf '%s' "$text" | sed -e "s/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/\"/\&quot;/g; s/'/\&#39;/g"
    return 0
  fi
  # The replacements are quoted: unquoted, bash 5.2 reads & in them as "the matched text".
  text=${text//&/'&amp;'}
  text=${text//</'&lt;'}
  text=${text//>/'&gt;'}
  text=${text//\"/'&quot;'}
  printf '%s' "${text//\'/'&#39;'}"
}

# visible_line TEXT: a short string with CR, LF and tabs made visible.
visible_line() {
  local text=${1//\\/\\\\}
  text=${text//$'\r'/\\r}
  text=${text//$'\n'/\\n}
  printf '%s\n' "${text//$'\t'/\\t}"
}

# printable TEXT: TEXT with every byte outside printable ASCII shown as \xHH (a header value
# may hold anything; the reports must stay valid UTF-8, XML and JSON).
printable() {
  local text=$1 out='' char i
  if [[ ! $text =~ [^\ -~] ]]; then
    printf '%s\n' "$text"
    return 0
  fi
  for ((i = 0; i < ${#text}; i++)); do
    char=${text:i:1}
    case $char in
      [\ -~]) out+=$char ;;
      *) printf -v char '\\x%02X' "'$char"; out+=$char ;;
    esac
  done
  printf '%s\n' "$out"
}
