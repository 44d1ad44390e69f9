/**
 * Reply builders: each turns a decision into the status, fields and content to send. Pure:
 * the file's type, validators, size and bytes come in as values. The framing (Content-Length,
 * Connection, Date, Server) is not theirs to write: respond/head.ts adds it when the reply is
 * sent, from the content itself.
 */
import type { Body, BodyPiece, FieldList, Reply } from '../http/message';
import { formatHttpDate } from '../http/dates';
import type { StatusCode } from '../http/status';
import type { FileVerdict } from '../decide/file-verdict';
import type { ByteRange } from '../decide/ranges';
import type { Representation } from './representation';
import { errorPage } from './pages';

export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';
const HTML = 'text/html; charset=utf-8';

type ErrorStatus = Exclude<StatusCode, 100 | 200 | 204 | 206 | 304>;

export function errorReply(status: ErrorStatus, extra: FieldList = [], close = false): Reply {
  const fields: FieldList = [['Content-Type', HTML], ['X-Content-Type-Options', 'nosniff'], ...extra];
  return { status, fields, body: { kind: 'bytes', bytes: errorPage(status) }, close };
}

/** OPTIONS: what methods the resource supports (RFC 9110 §9.3.7); no content (§15.3.5). */
export function optionsReply(): Reply {
  return { status: 204, fields: [['Allow', ALLOWED_METHODS]], close: false };
}

export function methodNotAllowedReply(): Reply {
  return errorReply(405, [['Allow', ALLOWED_METHODS]]);
}

/** 301 to the directory with its slash; the Location is built from clean segments, never from raw input. */
export function redirectReply(location: string): Reply {
  return errorReply(301, [['Location', location]]);
}

/** The one reply a file's verdict chose (decide/file-verdict.ts). */
export function fileReply(verdict: FileVerdict, file: Representation, boundary: () => string): Reply {
  switch (verdict.status) {
    case 412:
      return errorReply(412, varyField(file));
    case 304:
      return notModifiedReply(file);
    case 416:
      return unsatisfiableReply(file);
    case 200:
      return wholeFileReply(file);
    case 206: {
      const [only, ...more] = verdict.range.ranges;
      return only !== undefined && more.length === 0
        ? singleRangeReply(file, only)
        : multiRangeReply(file, verdict.range.ranges, boundary());
    }
  }
}

/**
 * The validators and cache policy every representation of a file carries (no-cache: reuse only
 * after revalidating), and Vary when the request chose among several (RFC 9110 §12.5.5).
 */
function fileMeta(file: Pick<Representation, 'validators' | 'vary'>): FieldList {
  const v = file.validators;
  return [
    ['Last-Modified', formatHttpDate(v.lastModified)],
    ['ETag', v.etag],
    ['Cache-Control', 'no-cache'],
    ...varyField(file),
  ];
}

function varyField(file: Pick<Representation, 'vary'>): FieldList {
  return file.vary.length === 0 ? [] : [['Vary', file.vary.join(', ')]];
}

/** RFC 9110 §15.4.5: a 304 carries the fields a 200 would have for caching (Vary among them), and no content. */
export function notModifiedReply(file: Pick<Representation, 'validators' | 'vary'>): Reply {
  return { status: 304, fields: fileMeta(file), close: false };
}

/** Content-Range names the size of the representation the ranges were asked of (RFC 9110 §14.4). */
export function unsatisfiableReply(file: Pick<Representation, 'size' | 'vary'>): Reply {
  return errorReply(416, [['Content-Range', `bytes */${file.size}`], ...varyField(file)]);
}

export function wholeFileReply(file: Representation): Reply {
  return fileReply200or206(200, file, [], bodyOf(file, [{ kind: 'slice', start: 0, end: file.size }]));
}

/** 206 with one range: Content-Range says which bytes of how many (RFC 9110 §14.4). */
export function singleRangeReply(file: Representation, range: ByteRange): Reply {
  const contentRange: FieldList = [['Content-Range', `bytes ${range.first}-${range.last}/${file.size}`]];
  const body = bodyOf(file, [{ kind: 'slice', start: range.first, end: range.last + 1 }]);
  return fileReply200or206(206, file, contentRange, body);
}

/** 206 with several ranges: a multipart/byteranges body, each part with its own Content-Range (RFC 9110 §14.6). */
export function multiRangeReply(file: Representation, ranges: readonly ByteRange[], boundary: string): Reply {
  const pieces: BodyPiece[] = [];
  ranges.forEach((range, i) => {
    const partHead = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${file.contentType}\r\nContent-Range: bytes ${range.first}-${range.last}/${file.size}\r\n\r\n`;
    pieces.push(
      { kind: 'bytes', bytes: Buffer.from(partHead, 'latin1') },
      { kind: 'slice', start: range.first, end: range.last + 1 },
    );
  });
  pieces.push({ kind: 'bytes', bytes: Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1') });
  const multipart = { ...file, contentType: `multipart/byteranges; boundary=${boundary}` };
  return fileReply200or206(206, multipart, [], bodyOf(file, pieces));
}

/**
 * Pieces of an open file stream from its descriptor; pieces of an in-memory file (the fast
 * path's cache) become one buffer. One slice alone (the whole file, a single range) is a view
 * of the file's bytes, not a copy.
 */
function bodyOf(file: Representation, pieces: BodyPiece[]): Body {
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

function fileReply200or206(status: 200 | 206, file: Representation, extra: FieldList, body: Body): Reply {
  const fields: FieldList = [
    ['Content-Type', file.contentType],
    ...(file.encoding === undefined ? [] : ([['Content-Encoding', file.encoding]] as const)),
    ...extra,
    ['Accept-Ranges', 'bytes'],
    ...fileMeta(file),
    ['X-Content-Type-Options', 'nosniff'],
  ];
  return { status, fields, body, close: false };
}
