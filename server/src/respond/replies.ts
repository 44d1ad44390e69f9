/**
 * Reply builders: each turns a decision into the status, fields and body to send. Pure: the
 * file's bytes, stat and validators come in as values.
 */
import type { BodyPiece, Reply, ReplyBody } from '../http/message';
import { formatHttpDate } from '../http/dates';
import type { StatusCode } from '../http/status';
import type { ByteRange } from '../decide/ranges';
import type { Validators } from '../decide/validators';
import type { FileBody, ListingEntry } from '../resolve/site';
import { errorPage, listingPage } from './pages';

export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';
const HTML = 'text/html; charset=utf-8';

type Fields = Array<readonly [string, string]>;

export function errorReply(status: StatusCode, extra: Fields = [], close = false): Reply {
  const bytes = errorPage(status);
  const fields: Fields = [
    ['Content-Type', HTML],
    ['Content-Length', String(bytes.length)],
    ['X-Content-Type-Options', 'nosniff'],
    ...extra,
  ];
  return { status, fields, contentLength: bytes.length, body: { kind: 'bytes', bytes }, close };
}

/** OPTIONS: what methods the resource supports (RFC 9110 §9.3.7); no content, so no Content-Length (§8.6). */
export function optionsReply(): Reply {
  return {
    status: 204,
    fields: [['Allow', ALLOWED_METHODS]],
    contentLength: undefined,
    body: { kind: 'none' },
    close: false,
  };
}

export function methodNotAllowedReply(): Reply {
  return errorReply(405, [['Allow', ALLOWED_METHODS]]);
}

/** 301 to the directory with its slash; the Location is built from clean segments, never from raw input. */
export function redirectReply(location: string): Reply {
  return errorReply(301, [['Location', location]]);
}

/** The validators and cache policy every representation of a file carries. no-cache: reuse only after revalidating. */
function fileMeta(v: Validators): Fields {
  return [
    ['Last-Modified', formatHttpDate(v.lastModified)],
    ['ETag', v.etag],
    ['Cache-Control', 'no-cache'],
  ];
}

/** RFC 9110 §15.4.5: a 304 carries the fields a 200 would have for caching, and no content. */
export function notModifiedReply(v: Validators): Reply {
  return { status: 304, fields: fileMeta(v), contentLength: undefined, body: { kind: 'none' }, close: false };
}

export function unsatisfiableReply(size: number): Reply {
  return errorReply(416, [['Content-Range', `bytes */${size}`]]);
}

/** What a file reply carries: its type, validators, size and where its bytes come from. */
export interface FileContent {
  readonly contentType: string;
  readonly validators: Validators;
  readonly size: number;
  readonly source: FileBody;
}

export function wholeFileReply(file: FileContent): Reply {
  return fileReply(200, file, file.size, [], bodyOf(file, [{ kind: 'slice', start: 0, end: file.size }]));
}

/** 206 with one range: Content-Range says which bytes of how many (RFC 9110 §14.4). */
export function singleRangeReply(file: FileContent, range: ByteRange): Reply {
  const length = range.last - range.first + 1;
  const contentRange: Fields = [['Content-Range', `bytes ${range.first}-${range.last}/${file.size}`]];
  return fileReply(
    206,
    file,
    length,
    contentRange,
    bodyOf(file, [{ kind: 'slice', start: range.first, end: range.last + 1 }]),
  );
}

/** 206 with several ranges: a multipart/byteranges body, each part with its own Content-Range (RFC 9110 §14.6). */
export function multiRangeReply(file: FileContent, ranges: readonly ByteRange[], boundary: string): Reply {
  const pieces: BodyPiece[] = [];
  ranges.forEach((range, i) => {
    const partHead = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${file.contentType}\r\nContent-Range: bytes ${range.first}-${range.last}/${file.size}\r\n\r\n`;
    pieces.push(
      { kind: 'bytes', bytes: Buffer.from(partHead, 'latin1') },
      { kind: 'slice', start: range.first, end: range.last + 1 },
    );
  });
  pieces.push({ kind: 'bytes', bytes: Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1') });
  const length = pieces.reduce((sum, p) => sum + (p.kind === 'bytes' ? p.bytes.length : p.end - p.start), 0);
  const multipart = { ...file, contentType: `multipart/byteranges; boundary=${boundary}` };
  return fileReply(206, multipart, length, [], bodyOf(file, pieces));
}

/**
 * Pieces of an in-memory file become one buffer; pieces of an open file stream from its
 * descriptor. One slice alone (the whole file, a single range) is a view of the file's bytes,
 * not a copy.
 */
function bodyOf(file: FileContent, pieces: BodyPiece[]): ReplyBody {
  if (file.source.kind === 'fd') return { kind: 'file', file: { fd: file.source.fd, pieces } };
  const bytes = file.source.bytes;
  const [only] = pieces;
  if (pieces.length === 1 && only?.kind === 'slice')
    return { kind: 'bytes', bytes: bytes.subarray(only.start, only.end) };
  return {
    kind: 'bytes',
    bytes: Buffer.concat(pieces.map((p) => (p.kind === 'bytes' ? p.bytes : bytes.subarray(p.start, p.end)))),
  };
}

function fileReply(
  status: 200 | 206,
  file: FileContent,
  length: number,
  extra: Fields,
  body: ReplyBody,
): Reply {
  const fields: Fields = [
    ['Content-Type', file.contentType],
    ['Content-Length', String(length)],
    ...extra,
    ['Accept-Ranges', 'bytes'],
    ...fileMeta(file.validators),
    ['X-Content-Type-Options', 'nosniff'],
  ];
  return { status, fields, contentLength: length, body, close: false };
}

export function listingReply(urlPath: string, entries: readonly ListingEntry[]): Reply {
  const bytes = listingPage(urlPath, entries);
  const fields: Fields = [
    ['Content-Type', HTML],
    ['Content-Length', String(bytes.length)],
    ['Cache-Control', 'no-cache'],
    ['X-Content-Type-Options', 'nosniff'],
  ];
  return { status: 200, fields, contentLength: bytes.length, body: { kind: 'bytes', bytes }, close: false };
}
