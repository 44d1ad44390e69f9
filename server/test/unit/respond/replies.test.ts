/**
 * The reply builders: status, fields in order, and body, for each decision. The file is
 * nums.txt, the 10 bytes 0123456789.
 */
import type { Reply } from '../../../src/http/message';
import { decideRanges } from '../../../src/decide/ranges';
import { validatorsOf } from '../../../src/decide/validators';
import { contentLength } from '../../../src/respond/head';
import type { Representation } from '../../../src/respond/representation';
import {
  ALLOWED_METHODS,
  errorReply,
  fileReply,
  methodNotAllowedReply,
  multiRangeReply,
  notModifiedReply,
  optionsReply,
  redirectReply,
  singleRangeReply,
  unsatisfiableReply,
  wholeFileReply,
} from '../../../src/respond/replies';

const NUMS = Buffer.from('0123456789');
const MTIME = Date.UTC(1994, 10, 6, 8, 49, 37);
const VALIDATORS = validatorsOf({ size: NUMS.length, mtimeMs: MTIME });
const TEXT = 'text/plain; charset=utf-8';
const inMemory: Representation = {
  contentType: TEXT,
  validators: VALIDATORS,
  size: 10,
  source: { kind: 'bytes', bytes: NUMS },
  vary: [],
};
const onDisk: Representation = { ...inMemory, source: { kind: 'fd', fd: 42 } };

const field = (reply: Reply, name: string): string | undefined => reply.fields.find(([n]) => n === name)?.[1];
const bodyText = (reply: Reply): string =>
  reply.body === undefined
    ? ''
    : reply.body.kind === 'bytes'
      ? reply.body.bytes.toString('latin1')
      : '(file)';

describe('multipart/byteranges (RFC 9110 §14.6)', () => {
  const decision = decideRanges('bytes=0-1,5-6', 10, 16);
  const ranges = decision.kind === 'partial' ? decision.ranges : [];
  const reply = multiRangeReply(inMemory, ranges, 'BOUNDARY');

  it('bytes=0-1,5-6 over 0123456789: the exact body', () => {
    expect(bodyText(reply)).toBe(
      '--BOUNDARY\r\n' +
        `Content-Type: ${TEXT}\r\n` +
        'Content-Range: bytes 0-1/10\r\n' +
        '\r\n' +
        '01\r\n' +
        '--BOUNDARY\r\n' +
        `Content-Type: ${TEXT}\r\n` +
        'Content-Range: bytes 5-6/10\r\n' +
        '\r\n' +
        '56\r\n' +
        '--BOUNDARY--\r\n',
    );
  });

  it('is a 206 whose Content-Type names the boundary', () => {
    expect(reply.status).toBe(206);
    expect(field(reply, 'Content-Type')).toBe('multipart/byteranges; boundary=BOUNDARY');
    expect(field(reply, 'Content-Range')).toBeUndefined(); // each part has its own (RFC 9110 §14.4)
  });

  it('from an open file: the same pieces, streamed as literal bytes and file slices', () => {
    const streamed = multiRangeReply(onDisk, ranges, 'BOUNDARY');
    if (streamed.body?.kind !== 'file') throw new Error('expected a file body');
    const { pieces } = streamed.body.file;
    expect(pieces.map((p) => (p.kind === 'slice' ? `[${p.start},${p.end})` : 'bytes'))).toEqual([
      'bytes',
      '[0,2)',
      'bytes',
      '[5,7)',
      'bytes',
    ]);
    expect(contentLength(streamed.body)).toBe(bodyText(reply).length);
  });
});

describe('one range, the whole file, and the replies with no file body', () => {
  it.each([
    ['200, the whole file', wholeFileReply(inMemory), 200, '0123456789'],
    ['206, bytes 2-4', singleRangeReply(inMemory, { first: 2, last: 4 }), 206, '234'],
    [
      '416, no byte of the file',
      unsatisfiableReply(inMemory),
      416,
      expect.stringContaining('<h1>416 Range Not Satisfiable</h1>'),
    ],
    ['304, no body', notModifiedReply(inMemory), 304, ''],
    ['204 to OPTIONS, no body', optionsReply(), 204, ''],
    [
      '405, an error page',
      methodNotAllowedReply(),
      405,
      expect.stringContaining('<h1>405 Method Not Allowed</h1>'),
    ],
    [
      '301, an error page beside the Location',
      redirectReply('/dir/'),
      301,
      expect.stringContaining('<h1>301 Moved Permanently</h1>'),
    ],
  ])('%s', (_name, reply, status, body) => {
    expect(reply.status).toBe(status);
    expect(bodyText(reply)).toEqual(body);
  });

  it.each([
    ['304', notModifiedReply(inMemory)],
    ['204', optionsReply()],
  ])('%s has no content (RFC 9110 §8.6, §15.4.5)', (_name, reply) => {
    expect(reply.body).toBeUndefined();
  });

  it.each([
    ['whole file', wholeFileReply(inMemory)],
    ['416', unsatisfiableReply(inMemory)],
  ])("%s: Content-Length is respond/head.ts's to write, never the builder's", (_name, reply) => {
    expect(field(reply, 'Content-Length')).toBeUndefined();
  });
});

describe('the fields of each reply, in order', () => {
  const fileMeta = [
    ['Last-Modified', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['ETag', VALIDATORS.etag],
    ['Cache-Control', 'no-cache'],
  ];

  it.each([
    [
      '200',
      wholeFileReply(inMemory),
      [
        ['Content-Type', TEXT],
        ['Accept-Ranges', 'bytes'],
        ...fileMeta,
        ['X-Content-Type-Options', 'nosniff'],
      ],
    ],
    [
      '206',
      singleRangeReply(inMemory, { first: 2, last: 4 }),
      [
        ['Content-Type', TEXT],
        ['Content-Range', 'bytes 2-4/10'],
        ['Accept-Ranges', 'bytes'],
        ...fileMeta,
        ['X-Content-Type-Options', 'nosniff'],
      ],
    ],
    ['304: what a 200 would say for caching (RFC 9110 §15.4.5)', notModifiedReply(inMemory), fileMeta],
    ['204', optionsReply(), [['Allow', ALLOWED_METHODS]]],
  ])('%s', (_name, reply, fields) => {
    expect(reply.fields).toEqual(fields);
  });

  it.each([
    [
      '416 says how long the file is (RFC 9110 §14.4)',
      unsatisfiableReply(inMemory),
      'Content-Range',
      'bytes */10',
    ],
    ['405 says what is allowed (RFC 9110 §15.5.6)', methodNotAllowedReply(), 'Allow', 'GET, HEAD, OPTIONS'],
    ['301 says where', redirectReply('/dir/?a=1'), 'Location', '/dir/?a=1'],
    ['an error page is never sniffed', errorReply(404), 'X-Content-Type-Options', 'nosniff'],
  ])('%s', (_name, reply, name, value) => {
    expect(field(reply, name)).toBe(value);
  });
});

describe('bodies of an in-memory file', () => {
  it.each([
    ['the whole file', wholeFileReply(inMemory), 0, 10],
    ['one range', singleRangeReply(inMemory, { first: 2, last: 4 }), 2, 3],
  ])("%s is a view of the file's bytes, not a copy", (_name, reply, offset, length) => {
    if (reply.body?.kind !== 'bytes') throw new Error('expected bytes');
    const { bytes } = reply.body;
    expect([bytes.buffer === NUMS.buffer, bytes.byteOffset - NUMS.byteOffset, bytes.length]).toEqual([
      true,
      offset,
      length,
    ]);
  });
});

describe('bodies of an open file stream from its descriptor', () => {
  it.each([
    ['the whole file', wholeFileReply(onDisk), [{ kind: 'slice', start: 0, end: 10 }]],
    ['one range', singleRangeReply(onDisk, { first: 2, last: 4 }), [{ kind: 'slice', start: 2, end: 5 }]],
  ])('%s', (_name, reply, pieces) => {
    expect(reply.body).toEqual({ kind: 'file', file: { fd: 42, pieces } });
  });
});

it.each([
  ['an error reply persists by default', errorReply(404), false],
  ['unless the caller closes it (framing errors)', errorReply(400, [], true), true],
])('%s', (_name, reply, close) => {
  expect(reply.close).toBe(close);
});

describe('fileReply: the one reply each verdict chose', () => {
  const proceed = { kind: 'proceed' as const, honourRange: true };
  it.each<[string, Parameters<typeof fileReply>[0], number, string]>([
    [
      '412',
      { status: 412, preconditions: { kind: 'failed', because: 'If-Match did not match' } },
      412,
      '<h1>412',
    ],
    [
      '304',
      { status: 304, preconditions: { kind: 'not-modified', because: 'If-None-Match matched' } },
      304,
      '',
    ],
    [
      '200',
      { status: 200, preconditions: proceed, range: { kind: 'whole', because: 'no Range' } },
      200,
      '0123456789',
    ],
    [
      '206, one range',
      { status: 206, preconditions: proceed, range: { kind: 'partial', ranges: [{ first: 2, last: 4 }] } },
      206,
      '234',
    ],
    [
      '206, two ranges',
      {
        status: 206,
        preconditions: proceed,
        range: {
          kind: 'partial',
          ranges: [
            { first: 0, last: 1 },
            { first: 5, last: 6 },
          ],
        },
      },
      206,
      '--B\r\n',
    ],
    ['416', { status: 416, preconditions: proceed, range: { kind: 'unsatisfiable' } }, 416, '<h1>416'],
  ])('%s', (_name, verdict, status, body) => {
    const reply = fileReply(verdict, inMemory, () => 'B');
    expect(reply.status).toBe(status);
    expect(bodyText(reply)).toContain(body);
  });
});
