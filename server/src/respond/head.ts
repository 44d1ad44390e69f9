/**
 * The one writer of response heads (RFC 9112 §4, §5): every status line the server sends, and
 * every framing field, is written here. A final reply gets its status line, Date and Server,
 * its own fields, then the framing: Content-Length (unless 204 or 304, which have no content:
 * RFC 9110 §8.6, or a stream, which the close delimits), Connection when it says something, and Keep-Alive on a reply that keeps the
 * connection. The interim 100 Continue is a status line alone. Replies, the 503 refused at the
 * door and the 100 all pass through here.
 */
import type { Body, FieldList, Reply } from '../http/message';
import { FIELD_VALUE_CHAR, allOf, isToken, trimOws } from '../http/syntax';
import { type StatusCode, reasonPhrase } from '../http/status';

export const SERVER_NAME = 'webserver-lab';

export interface Framing {
  /** The IMF-fixdate of now (RFC 9110 §6.6.1): the caller owns the clock. */
  readonly date: string;
  /** What to say in Connection: "close" when we will close, "keep-alive" to an HTTP/1.0 client that asked, or nothing. */
  readonly connection: 'close' | 'keep-alive' | undefined;
  /**
   * How long, in seconds, the client may leave the connection idle before reusing it: written as
   * `Keep-Alive: timeout=N` unless the connection closes (http/limits.ts, advertisedIdleTimeout).
   */
  readonly idleTimeout?: number | undefined;
}

/** A whole response head, ending with its blank line. */
export function serializeHead(reply: Reply, framing: Framing): string {
  // A stream's end is the connection's end (RFC 9112 §6.3): no length to promise.
  const length =
    reply.body === undefined || reply.body.kind === 'stream'
      ? ''
      : `Content-Length: ${contentLength(reply.body)}\r\n`;
  const connection = framing.connection === undefined ? '' : `Connection: ${framing.connection}\r\n`;
  return (
    statusLine(reply.status) +
    `Date: ${framing.date}\r\nServer: ${SERVER_NAME}\r\n` +
    serializeFields(reply.fields) +
    length +
    connection +
    keepAlive(framing) +
    '\r\n'
  );
}

/**
 * Keep-Alive: timeout=N on every reply that keeps the connection, HTTP/1.1 or an HTTP/1.0
 * keep-alive: the idle timeout we advertise, below the real one, so that a client stops reusing
 * the connection before we close it (RFC 9112 §9.5). The field is defined in RFC 2068 §19.7.1.1,
 * hop-by-hop: RFC 9110 §7.6.1 names it among those an intermediary removes.
 */
function keepAlive({ connection, idleTimeout }: Framing): string {
  return connection === 'close' || idleTimeout === undefined ? '' : `Keep-Alive: timeout=${idleTimeout}\r\n`;
}

/** An interim response (RFC 9110 §15.2): its status line and the blank line, nothing else. */
export function interimHead(status: 100): string {
  return `${statusLine(status)}\r\n`;
}

/** The length of the content, which is what Content-Length says, for HEAD too (RFC 9110 §8.6); a stream promises none (0). */
export function contentLength(body: Body): number {
  if (body.kind === 'bytes') return body.bytes.length;
  if (body.kind === 'stream') return 0;
  let length = 0;
  for (const piece of body.file.pieces)
    length += piece.kind === 'bytes' ? piece.bytes.length : piece.end - piece.start;
  return length;
}

/** status-line = HTTP-version SP status-code SP reason-phrase CRLF (RFC 9112 §4). */
function statusLine(status: StatusCode): string {
  return `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
}

/** The field lines, "Name: value\r\n" each, every one checked. */
function serializeFields(fields: FieldList): string {
  let lines = '';
  for (const [name, value] of fields) {
    // Our own values never hold CR or LF; if one ever did, it would split the response (CWE-113).
    if (!isToken(name) || !allOf(value, FIELD_VALUE_CHAR) || value !== trimOws(value))
      throw new Error(`unsafe response field ${JSON.stringify(name)}`);
    // Framing fields are written above, from the reply itself: a second one would be a smuggling risk.
    if (FRAMING.has(name.toLowerCase())) throw new Error(`framing field ${name} in a reply's own fields`);
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

const FRAMING = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
  'server',
]);
