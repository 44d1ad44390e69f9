/** The values that flow between the stages: a parsed request, and the reply the server decides on. */
import type { StatusCode } from './status';

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

/**
 * The content of a reply: literal bytes, pieces of an open file streamed from its descriptor, or
 * a stream of unknown length that the server produces over time (live reload's events).
 */
export type Body =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'file'; readonly file: FileToSend }
  | { readonly kind: 'stream'; readonly stream: BodyStream };

/**
 * A body whose length nobody knows in advance: nothing but the end of the connection can
 * delimit it (RFC 9112 §6.3, rule 8), so its reply must close (`close: true`), and its head has
 * no Content-Length. The writer starts it once the head is out.
 */
export interface BodyStream {
  /** Starts writing through `send` (which resolves false once the client is gone). */
  start(send: (bytes: Buffer) => Promise<boolean>): RunningStream;
}

export interface RunningStream {
  /** Settles when the stream is over: its source ended it, the client left, or `stop` was called. */
  readonly done: Promise<void>;
  /** Ends it now (the server is shutting down, or the client left). */
  stop(): void;
}

/** A file body: an open file and the pieces of the body, file slices and literal bytes (multipart delimiters). */
export interface FileToSend {
  readonly fd: number;
  readonly pieces: readonly BodyPiece[];
}

export type BodyPiece =
  | { readonly kind: 'slice'; readonly start: number; readonly end: number } // [start, end) of the file
  | { readonly kind: 'bytes'; readonly bytes: Buffer };

/** Header fields in the order sent, as [name, value]. */
export type FieldList = ReadonlyArray<readonly [string, string]>;

/** The statuses that never carry content (RFC 9110 §15.3.5, §15.4.5); a 1xx is interim, written apart. */
export type NoContentStatus = 204 | 304;
export type ContentStatus = Exclude<StatusCode, 100 | NoContentStatus>;

/**
 * A decided response: status, fields in the order sent, and its content. The type forbids a
 * body on 204 and 304 and requires one on every other status. The framing (Date, Server,
 * Content-Length, Connection) is written by respond/head.ts when the reply is sent; a HEAD
 * request gets the same head, and no body.
 */
export type Reply =
  | {
      readonly status: ContentStatus;
      readonly fields: FieldList;
      readonly body: Body;
      /** The connection must close after this reply (framing errors, refusals, a 500). */
      readonly close: boolean;
    }
  | {
      readonly status: NoContentStatus;
      readonly fields: FieldList;
      readonly body?: never;
      readonly close: boolean;
    };
