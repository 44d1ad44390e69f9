/**
 * --header 'Name: value' (repeatable; HEADERS, one a line): fields added to every reply the
 * answer gives (not to the refusals the connection writes before a request is understood).
 *
 *   - Checked at start, one clear line if not: the name a token (RFC 9110 §5.1), the value
 *     visible ASCII, spaces and tabs (§5.5: CR, LF and NUL are "invalid and dangerous"; other
 *     controls are not field-vchar; obs-text would be written in latin1, not the UTF-8 a
 *     terminal gives us, so it is refused too).
 *   - A field the server also sets (Cache-Control, X-Content-Type-Options...) is replaced by the
 *     user's: two Cache-Control fields would contradict each other. Several --header of one name
 *     are all sent.
 *   - Fields the server must write itself are refused (WRITTEN_BY_THE_SERVER): the framing
 *     and connection fields, and those that describe one reply, which one value for every reply
 *     would falsify.
 */
import type { FieldList } from '../http/message';
import { VCHAR, isToken, trimOws } from '../http/syntax';
import type { Layer } from '../strategy';
import { after, noted, replacingFields } from './exchange';

/** A field as sent, [name, value]: one entry of a reply's FieldList. */
export type FieldLine = FieldList[number];

type HeaderReading = { readonly field: FieldLine } | { readonly problem: string };

const FRAMING = 'the server writes it from each reply (framing, RFC 9112 §6)';
const HOP_BY_HOP = 'it is about the connection, not the reply (RFC 9110 §7.6.1)';
const PER_REPLY = 'the server writes it for each reply, and one value for all of them would be false';

/** The fields a user may not set, lower case, and why. */
const WRITTEN_BY_THE_SERVER: Readonly<Record<string, string>> = {
  'content-length': FRAMING,
  'transfer-encoding': FRAMING,
  connection: HOP_BY_HOP,
  'keep-alive': HOP_BY_HOP,
  'proxy-connection': HOP_BY_HOP,
  upgrade: HOP_BY_HOP,
  te: HOP_BY_HOP,
  trailer: HOP_BY_HOP,
  date: 'the server writes it on every reply (RFC 9110 §6.6.1)',
  server: 'the server writes it on every reply',
  'content-type': PER_REPLY,
  'content-range': PER_REPLY,
  'content-encoding': PER_REPLY,
  etag: PER_REPLY,
  'last-modified': PER_REPLY,
  'accept-ranges': PER_REPLY,
  location: PER_REPLY,
  allow: PER_REPLY,
  vary: PER_REPLY,
};

/** One --header value (or one line of HEADERS) → the field, or the one line that says what is wrong. */
export function readHeaderOption(given: string): HeaderReading {
  const text = trimOws(given);
  const shown = JSON.stringify(given); // one line, whatever it holds
  const colon = text.indexOf(':');
  if (colon === -1) return { problem: `header ${shown} must be "Name: value"` };
  const name = text.slice(0, colon);
  const value = trimOws(text.slice(colon + 1));
  if (!isToken(name))
    return {
      problem: `header ${shown}: the name must be a token, with no space before the colon (RFC 9110 §5.1)`,
    };
  const why = fieldValueProblem(value);
  if (why !== undefined) return { problem: `header ${shown}: the value ${why}` };
  const lower = name.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(WRITTEN_BY_THE_SERVER, lower))
    return { problem: `header ${shown} cannot be set: ${WRITTEN_BY_THE_SERVER[lower]}` };
  return { field: [name, value] };
}

/** Why a value cannot be sent, or undefined if it can: RFC 9110 §5.5, ASCII only. */
export function fieldValueProblem(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0x00) return 'holds a CR, LF or NUL (RFC 9110 §5.5)';
    if (c !== 0x09 && c !== 0x20 && VCHAR[c] !== 1)
      return c < 0x80 ? 'holds a control character (RFC 9110 §5.5)' : 'must be ASCII';
  }
  return undefined;
}

/** The fields, added to every reply; a field of the same name the server set is replaced. */
export function headersLayer(fields: FieldList): Layer {
  const names = new Set(fields.map(([name]) => name.toLowerCase()));
  const note = `headers: ${fields.map(([name]) => name).join(', ')} set by --header, in place of the server's own`;
  return (inner) => (request, files, now) =>
    after(inner(request, files, now), (exchange) =>
      noted({ ...exchange, reply: replacingFields(exchange.reply, names, fields) }, note),
    );
}
