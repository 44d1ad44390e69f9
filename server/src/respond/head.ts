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

export type FieldList = ReadonlyArray<readonly [string, string]>;

/** A whole response head, its fields checked and serialized now (a prepared reply keeps its field lines instead). */
export function serializeHead(status: StatusCode, fields: FieldList, framing: Framing): string {
  return headWithLines(status, serializeFields(fields), framing);
}

/** The field lines, "Name: value\r\n" each, checked once: a reply sent many times keeps them (see Reply.fieldLines). */
export function serializeFields(fields: FieldList): string {
  let lines = '';
  for (const [name, value] of fields) {
    // Our own values never hold CR or LF; if one ever did, it would split the response (CWE-113).
    if (!isToken(name) || !allOf(value, FIELD_VALUE_CHAR) || value !== trimOws(value))
      throw new Error(`unsafe response field ${JSON.stringify(name)}`);
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

/** The head around field lines already serialized: the status line, Date and Server first, Connection last. */
export function headWithLines(status: StatusCode, fieldLines: string, framing: Framing): string {
  const connection = framing.connection === undefined ? '' : `Connection: ${framing.connection}\r\n`;
  return `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nDate: ${framing.date}\r\nServer: ${SERVER_NAME}\r\n${fieldLines}${connection}\r\n`;
}
