# shellcheck shell=bash
# Escaping: the one place where each machine-readable report (results.json, junit.xml,
# report.tap, the HTML pages) makes its text safe, whatever bytes the text holds. A server's
# bytes reach the reports in many ways (a header value, a label naming an ETag, a file name, an
# error message), so the writers do not escape as they go: they mark each piece of text they
# did not write themselves with the format it goes into, and the finished report passes once
# through escape_marked, which escapes every marked piece for its format:
#
#     printf '{"name": %s}\n' "$(json_string "$name")" | escape_marked
#
# Marking costs no process when the marked text is set into a variable (mark_into: a report
# marks a thousand pieces, and each $(...) around a mark is a fork); escaping is one awk pass.
#
# In every format, a byte that is not text is shown as \xHH, as the reports show every byte
# that is not printable (render.sh): a control byte (but tab, CR and LF), DEL, a byte that is
# not part of valid UTF-8, and the few code points no format takes as plain text (C1 controls,
# U+2028 and U+2029, which YAML reads as line breaks, U+FEFF, U+FFFE, U+FFFF). Valid UTF-8
# (the reports' own “”, ✓, …) stays as it is. Then each format escapes its own characters:
#   json_string TEXT      a JSON string, quotes included: \" \\ \n \r \t
#   yaml_string TEXT      a YAML double-quoted scalar, quotes included: \" \\ \n \r \t
#   yaml_block TEXT       the lines of a YAML literal block, each after the 4 spaces of TAP's
#                         "  details: |2" (CR shown as \r: a literal block cannot hold one)
#   tap_description TEXT  a TAP test line's description: \# and \\ (TAP 14), on one line
#   tap_comment TEXT      the text of a TAP comment line ("# ..."), on one line
#   xml_text TEXT         XML (and HTML) character data: &amp; &lt; &gt; &quot; &#39;, CR as &#13;
#   xml_attribute TEXT    the same, for an attribute value, with LF and tab as &#10; &#9;
#   xml_comment TEXT      the inside of <!-- -->: a run of dashes made one, on one line
#   html_text TEXT        xml_text, for the HTML pages
# The text report has no marks: plain_text shows its non-text bytes and CR (as \r) the same way,
# so that no server can write a control sequence to a teacher's terminal.

# The marks: a byte that opens a piece, the letter of its format, the text, a byte that closes
# it. A marked text's own \x01 and \x02 are replaced first by their visible forms, so that no
# text can open or close a piece.
readonly ESCAPE_OPEN=$'\x01' ESCAPE_CLOSE=$'\x02'

# mark_into VAR FORMAT TEXT: VAR = TEXT marked for escape_marked (FORMAT is one of the letters
# below: j json_string, y yaml_string, b yaml_block, t tap_description, l tap_comment,
# x xml_text and html_text, a xml_attribute, c xml_comment).
# (Its local has a name no caller uses: printf -v would set the local, not the caller's VAR.)
mark_into() {
  local _mark_text=${3//"$ESCAPE_OPEN"/'\x01'}
  printf -v "$1" '%s%s%s%s' "$ESCAPE_OPEN" "$2" "${_mark_text//"$ESCAPE_CLOSE"/'\x02'}" "$ESCAPE_CLOSE"
}

# mark FORMAT TEXT: the same, printed.
mark() {
  local marked
  mark_into marked "$1" "$2"
  printf '%s' "$marked"
}

json_string() { mark j "$1"; }
yaml_string() { mark y "$1"; }
yaml_block() { mark b "$1"; }
tap_description() { mark t "$1"; }
tap_comment() { mark l "$1"; }
xml_text() { mark x "$1"; }
xml_attribute() { mark a "$1"; }
xml_comment() { mark c "$1"; }
html_text() { mark x "$1"; }

# escape_marked: copies its input, each marked piece escaped for its format (see above). In the
# C locale, so that awk reads bytes; a piece left open at the end is closed.
escape_marked() {
  LC_ALL=C awk "$ESCAPE_AWK"
}

# plain_text: copies its input, every byte that is not text shown as \xHH, and CR as \r.
plain_text() {
  LC_ALL=C awk -v plain=1 "$ESCAPE_AWK"
}

readonly ESCAPE_AWK='
  BEGIN {
    for (b = 1; b < 256; b++) { chr[b] = sprintf("%c", b); ord[chr[b]] = b }
    OPEN = chr[1]; CLOSE = chr[2]; format = (plain ? "p" : "")
    # What each format writes for each ASCII byte; a byte with no entry is written as it is.
    for (b = 0; b < 32; b++) if (b != 9 && b != 10 && b != 13) control(b)
    control(127)
    split("j y", quoted, " ")
    for (k in quoted) {
      f = quoted[k]
      put(f, 34, "\\\""); put(f, 92, "\\\\"); put(f, 10, "\\n"); put(f, 13, "\\r"); put(f, 9, "\\t")
      opening[f] = "\""; closing[f] = "\""
    }
    put("b", 13, "\\r"); put("b", 10, "\n    ")
    put("t", 35, "\\#"); put("t", 92, "\\\\"); put("t", 10, " "); put("t", 13, " "); put("t", 9, " ")
    split("x a", markup, " ")
    for (k in markup) {
      f = markup[k]
      put(f, 38, "&amp;"); put(f, 60, "&lt;"); put(f, 62, "&gt;"); put(f, 34, "&quot;")
      put(f, 39, "&#39;"); put(f, 13, "&#13;")
    }
    put("a", 10, "&#10;"); put("a", 9, "&#9;")
    put("c", 10, " "); put("c", 13, " "); put("c", 9, " ")
    put("l", 10, " "); put("l", 13, " "); put("l", 9, " ")
    put("p", 13, "\\r")
  }
  # put FORMAT BYTE TEXT: in FORMAT, BYTE is written as TEXT.
  function put(f, b, text) { out[f, b] = text }
  # control BYTE: shown as \xHH in every format, its backslash escaped where backslashes are.
  function control(b,   k, f) {
    split("j y b t l x a c p", every, " ")
    for (k in every) { f = every[k]; out[f, b] = shown(f, b) }
  }
  function shown(f, b) { return (f == "j" || f == "y" || f == "t" ? "\\\\" : "\\") sprintf("x%02X", b) }
  # utf8_length TEXT I: the length of the character of valid UTF-8 that starts at byte I, when
  # every format takes it as plain text; 0 otherwise.
  function utf8_length(s, i,   b, length_, point, low, high, k, next_) {
    b = ord[substr(s, i, 1)]
    if (b >= 194 && b <= 223) { length_ = 2; point = b - 192 }
    else if (b >= 224 && b <= 239) { length_ = 3; point = b - 224 }
    else if (b >= 240 && b <= 244) { length_ = 4; point = b - 240 }
    else return 0
    low = 128; high = 191
    if (b == 224) low = 160; else if (b == 237) high = 159   # no overlong form, no surrogate
    else if (b == 240) low = 144; else if (b == 244) high = 143  # nothing past U+10FFFF
    for (k = 1; k < length_; k++) {
      next_ = ord[substr(s, i + k, 1)]
      if (next_ < low || next_ > high) return 0
      point = point * 64 + next_ - 128
      low = 128; high = 191
    }
    if (point < 160 || point == 8232 || point == 8233 || point == 65279 || point == 65534 || point == 65535) return 0
    return length_
  }
  # escaped FORMAT TEXT: TEXT escaped for FORMAT.
  function escaped(f, s,   i, n, c, b, length_, result) {
    n = length(s); result = ""
    for (i = 1; i <= n; i++) {
      c = substr(s, i, 1); b = ord[c]
      if (b < 128) {
        if (f == "c" && b == 45 && last_dash) continue
        last_dash = (b == 45)
        result = result (((f, b) in out) ? out[f, b] : c)
      } else if ((length_ = utf8_length(s, i))) {
        result = result substr(s, i, length_); i += length_ - 1; last_dash = 0
      } else {
        result = result shown(f, b); last_dash = 0
      }
    }
    return result
  }
  # Each line: the text outside pieces as it is, each piece escaped; the line break between two
  # lines belongs to the piece it falls in.
  {
    line = $0
    if (NR > 1) printf "%s", (format == "" ? "\n" : escaped(format, "\n"))
    while (line != "") {
      if (plain) { printf "%s", escaped(format, line); break }
      if (format == "") {
        at = index(line, OPEN)
        if (at == 0) { printf "%s", line; break }
        printf "%s", substr(line, 1, at - 1)
        format = substr(line, at + 1, 1); last_dash = 0
        printf "%s", opening[format]
        line = substr(line, at + 2)
      } else {
        at = index(line, CLOSE)
        if (at == 0) { printf "%s", escaped(format, line); break }
        printf "%s%s", escaped(format, substr(line, 1, at - 1)), closing[format]
        format = ""
        line = substr(line, at + 1)
      }
    }
  }
  END {
    if (format != "" && !plain) printf "%s", closing[format]
    if (NR > 0) printf "\n"
  }'
