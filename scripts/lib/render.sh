# shellcheck shell=bash
# Showing raw bytes to a person: CR and LF become visible (\r \n), as do tabs and every byte
# that is not printable ASCII (\xHH), so a report shows exactly what crossed the wire (each
# machine-readable format then escapes it once, in escape.sh): an excerpt of a message
# (visible_excerpt), a span of bytes on one line (visible_span), and a caret under the first
# byte two files differ at (caret_lines).

# VISIBLE_AWK: the awk function that shows one byte: CR, LF, tab and backslash escaped, printable
# ASCII as it is, any other byte as \xHH. (od lists the bytes as numbers; awk maps them, far
# faster than a loop in bash.)
readonly VISIBLE_AWK='
  function visible(code) {
    if (code == 13) return "\\r"
    if (code == 10) return "\\n"
    if (code == 9) return "\\t"
    if (code == 92) return "\\\\"
    if (code >= 32 && code < 127) return sprintf("%c", code)
    return sprintf("\\x%02X", code)
  }'

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
  local shown
  printable_into shown "$1"
  printf '%s\n' "$shown"
}

# printable_into VAR TEXT: the same, into VAR (no subshell: every expectation a check records
# goes through it). Its locals have names no caller uses: printf -v would set them instead.
printable_into() {
  local _printable_text=$2 _printable_out='' _printable_char _printable_i
  if [[ ! $_printable_text =~ [^\ -~] ]]; then
    printf -v "$1" '%s' "$_printable_text"
    return 0
  fi
  for ((_printable_i = 0; _printable_i < ${#_printable_text}; _printable_i++)); do
    _printable_char=${_printable_text:_printable_i:1}
    case $_printable_char in
      [\ -~]) _printable_out+=$_printable_char ;;
      *) printf -v _printable_char '\\x%02X' "'$_printable_char"; _printable_out+=$_printable_char ;;
    esac
  done
  printf -v "$1" '%s' "$_printable_out"
}

# visible_span FILE START COUNT: COUNT bytes of FILE from START (counted from 0) in one line,
# each byte in its visible form (\r, \n, \t, \\, \xHH), for the lines a caret points into.
visible_span() {
  bytes_of "$1" "$2" "$3" | od -An -v -tu1 | awk "$VISIBLE_AWK"'
    { for (i = 1; i <= NF; i++) out = out visible($i + 0) }
    END { print out }'
}

# first_difference A B: the offset (from 0) of the first byte where files A and B differ,
# counting the end of the shorter one as a difference; nothing when they are equal.
first_difference() {
  local message
  message=$(cmp "$1" "$2" 2>&1) && return 0
  # "A B differ: byte 7, line 1" counts from 1; "EOF on A after byte 5" names the last byte
  # both have; "EOF on A which is empty" means at once.
  if [[ $message =~ differ:\ (char|byte)\ ([0-9]+) ]]; then
    printf '%d\n' $((BASH_REMATCH[2] - 1))
  elif [[ $message =~ after\ (char|byte)\ ([0-9]+) ]]; then
    printf '%d\n' "${BASH_REMATCH[2]}"
  else
    printf '0\n'
  fi
}

# Bytes shown before and after the first difference on a caret line.
readonly CARET_BEFORE=24 CARET_AFTER=40

# caret_lines WANTED RECEIVED OFFSET: the two byte strings around OFFSET, one above the other,
# and a caret under the first byte that differs:
#     expected  0123456789
#     received  0123X56789
#                   ^
caret_lines() {
  local wanted=$1 received=$2 offset=$3 start=0 lead='' wanted_size received_size column count
  wanted_size=$(file_size "$wanted")
  received_size=$(file_size "$received")
  if ((offset > CARET_BEFORE)); then start=$((offset - CARET_BEFORE)) lead='…'; fi
  count=$((offset - start + CARET_AFTER))
  column=$(visible_span "$wanted" "$start" $((offset - start)))
  column=$((${lead:+1} + ${#column})) # the visible forms are ASCII; the ellipsis is one column
  printf '  expected  %s%s%s\n' "$lead" "$(visible_span "$wanted" "$start" "$count")" \
    "$( ((wanted_size > start + count)) && printf '…')"
  printf '  received  %s%s%s\n' "$lead" "$(visible_span "$received" "$start" "$count")" \
    "$( ((received_size > start + count)) && printf '…')"
  printf '            %*s^%s\n' "$column" '' "$(caret_note "$offset" "$wanted_size" "$received_size")"
}

# caret_note OFFSET WANTED_SIZE RECEIVED_SIZE: what is at the caret when one side has ended.
caret_note() {
  if (($1 >= $2)); then
    printf ' the expected bytes end here; %s more came\n' $(($3 - $1))
  elif (($1 >= $3)); then
    printf ' the bytes received end here; %s more were expected\n' $(($2 - $1))
  fi
}

# visible_excerpt FILE PREFIX HEAD_LINES BODY_LINES [MAX_LINE] [COMPACT]: FILE as visible lines
# (one per LF), cut for a reader: at most HEAD_LINES lines of a message's head (up to its empty
# line; a stream that does not begin with "HTTP/" or a method has no head), then at most
# BODY_LINES lines, then "… N more bytes". COMPACT (1), for the text report: the head's other
# lines are counted, not shown, and what is not shown is told at the end of the line before it:
#     < HTTP/1.0 200 OK\r\n  … 5 more header fields, then a body of 12472 bytes
# (a stream with no head shows its first line all the same). Reads at most 64 KiB.
visible_excerpt() {
  local file=$1 prefix=$2 head_lines=$3 body_lines=$4 max_line=${5:-160} compact=${6:-0} total
  total=$(file_size "$file")
  if ((total == 0)); then
    printf '%s(nothing)\n' "$prefix"
    return 0
  fi
  head -c 65536 "$file" | od -An -v -tu1 | awk -v prefix="$prefix" -v head_lines="$head_lines" \
    -v body_lines="$body_lines" -v max_line="$max_line" -v total="$total" -v compact="$compact" "$VISIBLE_AWK"'
    function more(n) { return "… " n " more byte" (n == 1 ? "" : "s") }
    function fields(n) { return n + 0 == 0 ? "no header field" : "… " n " more header field" (n == 1 ? "" : "s") }
    # show TEXT: a line out; in compact form held back, so that a note can end it (told).
    function show(text) { if (!compact) { print prefix text; return } if (held != "") print prefix held; held = text }
    function told(note) {
      if (held != "") print prefix held (note == "" ? "" : "  " note); else if (note != "") print prefix note
      held = ""
    }
    function flush(   ends) {
      if (line == "" && cut == 0) return
      if (in_head && shown_lines == 0 && line !~ /^(HTTP\/|[A-Z]+ )/) {
        in_head = 0
        if (compact && body_lines == 0) body_lines = 1 # no status line: its first line instead
      }
      ends = in_head && (line == "\\r\\n" || line == "\\n")
      if (in_head && compact && head_count >= head_lines) { # counted, not shown
        shown = consumed; line = ""; cut = 0
        if (!ends) { folded++; return }
        in_head = 0
        if (total == consumed) { told(fields(folded) ", and no body"); done = 1 }
        else if (body_lines > 0) told(fields(folded))
        else { told(fields(folded) ", then a body of " total - consumed " byte" (total - consumed == 1 ? "" : "s")); shown = total; done = 1 }
        return
      }
      if (in_head ? head_count >= head_lines : body_count >= body_lines) { done = 1; return }
      if (cut > 0) line = line " " more(cut) " on this line"
      show(line)
      shown = consumed; shown_lines++
      if (in_head) head_count++; else body_count++
      if (ends) in_head = 0
      line = ""; cut = 0
    }
    BEGIN { in_head = 1 }
    {
      for (i = 1; i <= NF && !done; i++) {
        code = $i + 0; consumed++
        if (length(line) < max_line) line = line visible(code); else cut++
        if (code == 10) flush()
      }
    }
    END {
      if (!done) flush()
      note = (in_head && folded ? fields(folded) " (the head has no end)" : "")
      if (total > shown) note = note (note == "" ? "" : ", ") more(total - shown)
      if (compact) told(note); else if (note != "") print prefix note
    }'
}
