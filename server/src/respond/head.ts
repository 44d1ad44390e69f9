/**
 * The response head, written by hand (RFC 9112 §4, §5): the status line, one line per field,
 * a blank line. Date, Server and Connection are added here for every response.
 */
import { FIELD_VALUE_CHAR, allOf, isToken, trimOws } from '../http/syntax';
import { type StatusCode, reasonPhrase } from '../http/status';

export const SERVER_NAME = 'webserver-lab';

export interface Framing {
  /** The IMF-fixdate of now (RFC 9110 §6.6.1): the caller owns the clock. */
  readonly date: string;
  /** What to say in Connection: "close" when we will close, "keep-alive" to an HTTP/1.0 client that asked, or nothing. */
  readonly connection: 'close' | 'keep-alive' | undefined;
}

export function serializeHead(status: StatusCode, fields: ReadonlyArray<readonly [string, string]>, framing: Framing): string {
  let head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nDate: ${framing.date}\r\nServer: ${SERVER_NAME}\r\n`;
  for (const [name, value] of fields) {
    // Our own values never hold CR or LF; if one ever did, it would split the response (CWE-113).
    if (!isToken(name) || !allOf(value, FIELD_VALUE_CHAR) || value !== trimOws(value)) throw new Error(`unsafe response field ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  if (framing.connection !== undefined) head += `Connection: ${framing.connection}\r\n`;
  return `${head}\r\n`;
}
