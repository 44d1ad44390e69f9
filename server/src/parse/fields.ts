/**
 * Header field lines: `field-name ":" OWS field-value OWS` (RFC 9112 §5), and what the fields
 * mean for the rest of the exchange: Host, the body's framing, persistence, Expect.
 */
import type { BodyFraming, Field, HttpVersion } from '../http/message';
import { fieldValue } from '../http/message';
import type { Limits } from '../http/limits';
import {
  FIELD_VALUE_CHAR,
  REG_NAME_CHAR,
  TCHAR,
  allOfRange,
  isDigit,
  listHasToken,
  parseDigits,
  splitList,
  trimOws,
} from '../http/syntax';
import { type ParseError, parseError } from './errors';

/**
 * Parses the header section: latin1 text from after the request line up to and including the
 * blank line that ends it. Walks it line by line by index, so no line is copied before it is
 * known to be valid.
 */
export function parseFieldLines(section: string, limits: Limits): Field[] | ParseError {
  const fields: Field[] = [];
  for (let start = 0; ;) {
    const lf = section.indexOf('\n', start);
    if (lf === -1) return parseError(400, 'header section without its blank line');
    const end = lf > start && section.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
    if (end === start) return fields; // the blank line
    if (fields.length === limits.maxHeaderFields)
      return parseError(431, `more than ${limits.maxHeaderFields} header fields`);
    const field = parseFieldLineAt(section, start, end);
    if ('status' in field) return field;
    fields.push(field);
    start = lf + 1;
  }
}

/** One field line (without its line ending): used for the header section and for chunked trailers. */
export function parseFieldLine(line: string): Field | ParseError {
  return parseFieldLineAt(line, 0, line.length);
}

/** The field line text[start, end): `field-name ":" OWS field-value OWS`. */
function parseFieldLineAt(text: string, start: number, end: number): Field | ParseError {
  const first = text.charCodeAt(start);
  if (first === SP || first === HTAB)
    return parseError(400, 'obsolete line folding (a field line starting with whitespace)');
  const colon = text.indexOf(':', start);
  if (colon === -1 || colon >= end) return parseError(400, 'header field line without a colon');
  // RFC 9112 §5.1: no whitespace is allowed between the field name and the colon.
  if (colon === start || !allOfRange(text, start, colon, TCHAR)) {
    return parseError(
      400,
      `field name "${text.slice(start, colon)}" is not a token (whitespace before the colon?)`,
    );
  }
  let valueStart = colon + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && isOws(text.charCodeAt(valueStart))) valueStart++;
  while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--;
  // RFC 9110 §5.5: CR, LF and NUL in a value are dangerous; we refuse every control byte but HTAB.
  if (!allOfRange(text, valueStart, valueEnd, FIELD_VALUE_CHAR))
    return parseError(400, `field "${text.slice(start, colon)}" has a control byte in its value`);
  return { name: text.slice(start, colon).toLowerCase(), value: text.slice(valueStart, valueEnd) };
}

const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const isOws = (c: number): boolean => c === SP || c === HTAB;

/** uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2); empty is allowed (RFC 9112 §3.2). */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(:[0-9]*)?$/;

/**
 * The usual Host, a name or an IPv4 address and perhaps a port, is checked byte by byte (every
 * request has one: the pattern cost a tenth of the parser's time); an IP literal or a name with
 * a percent-escape goes to the whole pattern.
 */
function isValidHost(host: string): boolean {
  let i = 0;
  while (i < host.length && REG_NAME_CHAR[host.charCodeAt(i)] === 1) i++;
  if (i < host.length && host.charCodeAt(i) !== COLON) return HOST.test(host);
  for (let j = i + 1; j < host.length; j++) if (!isDigit(host.charCodeAt(j))) return false;
  return true;
}

const COLON = 0x3a;

/** RFC 9112 §3.2: exactly one valid Host in HTTP/1.1; never two, in any version. */
export function checkHost(version: HttpVersion, fields: readonly Field[]): ParseError | undefined {
  let host: string | undefined;
  for (const field of fields) {
    if (field.name !== 'host') continue;
    if (host !== undefined) return parseError(400, 'more than one Host field');
    host = field.value;
  }
  if (host === undefined)
    return version === '1.1' ? parseError(400, 'HTTP/1.1 request without a Host field') : undefined;
  return isValidHost(host) ? undefined : parseError(400, `invalid Host "${host}"`);
}

const KNOWN_CODINGS = new Set(['chunked', 'gzip', 'x-gzip', 'deflate', 'compress', 'x-compress']);

/** How the body is delimited (RFC 9112 §6.1–§6.3). Every error here is a framing error: the connection closes. */
export function bodyFraming(
  version: HttpVersion,
  fields: readonly Field[],
  limits: Limits,
): BodyFraming | ParseError {
  const transferEncoding = fieldValue(fields, 'transfer-encoding');
  const contentLength = fieldValue(fields, 'content-length');
  if (transferEncoding !== undefined) {
    if (contentLength !== undefined) return parseError(400, 'both Content-Length and Transfer-Encoding');
    if (version === '1.0') return parseError(400, 'Transfer-Encoding in an HTTP/1.0 request');
    return chunkedFraming(transferEncoding);
  }
  if (contentLength === undefined) return NO_BODY;
  // Repeated lines or a list are fine only if every value is the same number (RFC 9112 §6.3 ¶5).
  const values = new Set(splitList(contentLength));
  const length = values.size === 1 ? parseDigits([...values][0] ?? '') : undefined;
  if (length === undefined) return parseError(400, `invalid Content-Length "${contentLength}"`);
  if (length > limits.maxBodyBytes)
    return parseError(413, `a ${length}-byte body is over the ${limits.maxBodyBytes}-byte limit`);
  return length === 0 ? NO_BODY : { kind: 'length', length };
}

const NO_BODY: BodyFraming = { kind: 'none' };

function chunkedFraming(transferEncoding: string): BodyFraming | ParseError {
  const codings = splitList(transferEncoding).map((c) => trimOws(c.split(';')[0] ?? '').toLowerCase());
  const unknown = codings.find((c) => !KNOWN_CODINGS.has(c));
  if (unknown !== undefined) return parseError(501, `unknown transfer coding "${unknown}"`);
  const chunkedCount = codings.filter((c) => c === 'chunked').length;
  // RFC 9112 §6.3 ¶4: if chunked is not the final coding, the length cannot be known.
  if (codings[codings.length - 1] !== 'chunked' || chunkedCount !== 1) {
    return parseError(400, 'chunked must be the final transfer coding, applied once');
  }
  return { kind: 'chunked' };
}

/** RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive". */
export function wantsKeepAlive(version: HttpVersion, fields: readonly Field[]): boolean {
  const connection = fieldValue(fields, 'connection');
  if (connection === undefined) return version === '1.1';
  if (listHasToken(connection, 'close')) return false;
  return version === '1.1' || listHasToken(connection, 'keep-alive');
}

const NO_EXPECTATION = { continue: false } as const;

/** RFC 9110 §10.1.1: 100-continue is the only expectation; any other → 417. */
export function checkExpect(fields: readonly Field[]): { continue: boolean } | ParseError {
  const expect = fieldValue(fields, 'expect');
  if (expect === undefined) return NO_EXPECTATION;
  if (expect.toLowerCase() === '100-continue') return { continue: true };
  return parseError(417, `unsupported expectation "${expect}"`);
}
