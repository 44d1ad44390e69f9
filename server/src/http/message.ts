/** The values that flow between the stages: a parsed request, and the reply the server decides on. */
import type { StatusCode } from './status';

/**
 * A value now, or a promise of it. A request for a file the cache holds is answered without
 * waiting for anything; awaiting it anyway would cost a trip through the microtask queue at
 * every stage (several microseconds a request), so the stages return the value itself when
 * they can, and a promise only when the disk must be asked.
 */
export type NowOrLater<T> = T | Promise<T>;

export type HttpVersion = '1.0' | '1.1';

/** One header field line: the name lower-cased (names are case-insensitive, RFC 9110 §5.1). */
export interface Field {
  readonly name: string;
  readonly value: string;
}

/** How the request's body is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

/** The forms a request-target can take (RFC 9112 §3.2). */
export type TargetForm = 'origin' | 'absolute' | 'asterisk' | 'authority';

export interface Request {
  readonly method: string;
  /** The request-target exactly as sent. */
  readonly target: string;
  readonly targetForm: TargetForm;
  /** The path and query of the target: the target itself in origin-form, the part after the authority in absolute-form. */
  readonly pathAndQuery: string;
  readonly version: HttpVersion;
  readonly fields: readonly Field[];
  readonly body: BodyFraming;
  /** Whether the client lets the connection persist after this exchange (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** The client sent `Expect: 100-continue` (RFC 9110 §10.1.1). */
  readonly expectsContinue: boolean;
}

/** The value of a field, or undefined; several lines of the same field are joined with ", " (RFC 9110 §5.3). */
export function fieldValue(fields: readonly Field[], name: string): string | undefined {
  let value: string | undefined;
  for (const field of fields) {
    if (field.name !== name) continue;
    value = value === undefined ? field.value : `${value}, ${field.value}`;
  }
  return value;
}

/** What to send after the head. A HEAD request, a 204 and a 304 send the head alone. */
export type ReplyBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'file'; readonly file: FileToSend };

/** A file body: an open file and the pieces of the body, file slices and literal bytes (multipart delimiters). */
export interface FileToSend {
  readonly fd: number;
  readonly pieces: readonly BodyPiece[];
}

export type BodyPiece =
  | { readonly kind: 'slice'; readonly start: number; readonly end: number } // [start, end) of the file
  | { readonly kind: 'bytes'; readonly bytes: Buffer };

/** A decided response: status, fields in the order sent, and its body. Date, Server and Connection are added when it is sent. */
export interface Reply {
  readonly status: StatusCode;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /** The same fields already serialized, for a reply reused across requests (respond/representation.ts). */
  readonly fieldLines?: string;
  /** Content-Length as a GET would have it; undefined for statuses that forbid it (204, 304). */
  readonly contentLength: number | undefined;
  readonly body: ReplyBody;
  /** The connection must close after this reply (framing errors, refusals). */
  readonly close: boolean;
}
