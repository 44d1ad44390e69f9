/**
 * A tiny, strict response-head reader for the round-trip property: the status line of
 * RFC 9112 §4, CRLF after every line (a server never sends a bare LF), and the field lines
 * read by the server's own request-field parser, which refuses everything RFC 9112 §5 does.
 */
import { DEFAULT_LIMITS } from '../../../src/http/limits';
import type { Field } from '../../../src/http/message';
import { parseFieldLines } from '../../../src/parse/fields';

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly fields: readonly Field[];
}

/** status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4). */
const STATUS_LINE = /^HTTP\/1\.1 ([1-5]\d\d) ([\t\x20-\x7e\x80-\xff]*)$/;

/** The head, or a string that says why it is not one. */
export function parseResponseHead(text: string): ResponseHead | string {
  if (!text.endsWith('\r\n\r\n')) return 'does not end with an empty line';
  if (/[^\r]\n|\r[^\n]/.test(text)) return 'a bare LF or CR';
  const lineEnd = text.indexOf('\r\n');
  const statusLine = STATUS_LINE.exec(text.slice(0, lineEnd));
  if (!statusLine) return `bad status line ${JSON.stringify(text.slice(0, lineEnd))}`;
  const fields = parseFieldLines(text.slice(lineEnd + 2), { ...DEFAULT_LIMITS, maxHeaderFields: Infinity });
  if (!Array.isArray(fields)) return fields.reason;
  return { status: Number(statusLine[1]), reason: statusLine[2] ?? '', fields };
}
