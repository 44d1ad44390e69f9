/**
 * The characters HTTP allows where, as lookup tables indexed by byte value (RFC 9110 §5.6,
 * RFC 9112 §2), and small helpers for the list syntax fields share (RFC 9110 §5.6.1).
 */

function table(accepts: (code: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let code = 0; code < 256; code++) t[code] = accepts(code) ? 1 : 0;
  return t;
}

/** DIGIT, 0-9 (RFC 5234 B.1), by character code. */
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** tchar: the characters of a token (method, field name, coding): RFC 9110 §5.6.2. */
export const TCHAR = table(
  (c) => isDigit(c) || isAlpha(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)),
);

/** The characters of a reg-name other than percent-escapes: unreserved and sub-delims (RFC 3986 §3.2.2). */
export const REG_NAME_CHAR = table(
  (c) => isDigit(c) || isAlpha(c) || "-._~!$&'()*+,;=".includes(String.fromCharCode(c)),
);

/** Visible ASCII (VCHAR), the only bytes a request-target may contain: RFC 9112 §3.2. */
export const VCHAR = table((c) => c >= 0x21 && c <= 0x7e);

/**
 * Bytes allowed inside a field value: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5). Every other
 * control byte, NUL and a bare CR above all, makes the request invalid.
 */
export const FIELD_VALUE_CHAR = table(
  (c) => c === 0x09 || c === 0x20 || (c >= 0x21 && c <= 0x7e) || c >= 0x80,
);

/** etagc: the characters inside an entity-tag's quotes (RFC 9110 §8.8.3). */
export const ETAGC = table((c) => c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80);

/**
 * A table as a RegExp character class, e.g. `[\x21\x23-\x27…]`, for a grammar easier to write
 * as a regular expression (request-body.ts), so that it uses the same definition as the table.
 */
export function characterClass(allowed: Uint8Array): string {
  const hex = (c: number): string => `\\x${c.toString(16).padStart(2, '0')}`;
  let members = '';
  for (let c = 0; c < 256; c++) {
    if (allowed[c] !== 1) continue;
    let last = c;
    while (allowed[last + 1] === 1) last++;
    members += last === c ? hex(c) : `${hex(c)}-${hex(last)}`;
    c = last;
  }
  return `[${members}]`;
}

/** True if every character of `text` is marked in `allowed` (text is latin1: one char per byte). */
export function allOf(text: string, allowed: Uint8Array): boolean {
  return allOfRange(text, 0, text.length, allowed);
}

/** The same for text[start, end), so a parser can check part of a line without cutting it out first. */
export function allOfRange(text: string, start: number, end: number, allowed: Uint8Array): boolean {
  for (let i = start; i < end; i++) {
    if (allowed[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

export function isToken(text: string): boolean {
  return text.length > 0 && allOf(text, TCHAR);
}

/** Strips optional whitespace, which is SP and HTAB only (RFC 9110 §5.6.3); String.trim would also strip NBSP (0xA0). */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
}

/** Splits a comma-separated list, trimming optional whitespace and dropping empty elements (RFC 9110 §5.6.1). */
export function splitList(value: string): string[] {
  const items: string[] = [];
  for (const part of value.split(',')) {
    const item = trimOws(part);
    if (item !== '') items.push(item);
  }
  return items;
}

/** True if the comma-separated list contains `token`, compared case-insensitively. */
export function listHasToken(value: string, token: string): boolean {
  return splitList(value).some((item) => item.toLowerCase() === token);
}

/** A run of decimal digits as a number, or undefined: no sign, no spaces, no exponent. */
export function parseDigits(text: string, maxDigits = 15): number | undefined {
  if (text.length === 0 || text.length > maxDigits) return undefined;
  for (let i = 0; i < text.length; i++) {
    if (!isDigit(text.charCodeAt(i))) return undefined;
  }
  return Number(text);
}
