/**
 * startBody / skipBody: finding where a request body ends, so the next request is found
 * (RFC 9112 §6.3). The server reads bodies only to discard them.
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF     (RFC 9112 §7.1)
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 */
import { DEFAULT_LIMITS as LIMITS, type Limits } from '../../../src/http/limits';
import { type BodyState, skipBody, startBody } from '../../../src/parse/request-body';
import { latin1, skipInPieces, splitPoints } from '../support/wire';

const LENGTH_5 = startBody({ kind: 'length', length: 5 });
const CHUNKED = startBody({ kind: 'chunked' });
/** Limits small enough to read at a glance: an 8-byte body, 8-byte chunk lines, 2 trailer fields. */
const SMALL: Limits = { ...LIMITS, maxBodyBytes: 8, maxChunkLineBytes: 8, maxHeaderFields: 2 };

const skip = (state: BodyState, text: string, limits: Limits = LIMITS) =>
  skipBody(state, latin1(text), limits);
const progress = (state: BodyState, consumed: number) => ({ kind: 'progress', state, consumed });

describe('startBody: the state a framing starts in', () => {
  it.each([
    ['no body is already done', { kind: 'none' } as const, { kind: 'done' }],
    [
      'Content-Length: 5 has 5 bytes remaining',
      { kind: 'length', length: 5 } as const,
      { kind: 'length', remaining: 5 },
    ],
    ['chunked starts at a chunk-size line', { kind: 'chunked' } as const, { kind: 'chunk-size', total: 0 }],
  ])('%s', (_name, framing, state) => {
    expect(startBody(framing)).toEqual(state);
  });
});

describe('a Content-Length body (RFC 9112 §6.2)', () => {
  it.each([
    ['all 5 bytes: done', 'hello', progress({ kind: 'done' }, 5)],
    ['3 of the 5 bytes: 2 remain', 'hel', progress({ kind: 'length', remaining: 2 }, 3)],
    ['no bytes yet: nothing moves', '', progress({ kind: 'length', remaining: 5 }, 0)],
    ['the next pipelined request is left unconsumed', 'helloGET / HTTP/1.1', progress({ kind: 'done' }, 5)],
  ])('%s', (_name, text, step) => {
    expect(skip(LENGTH_5, text)).toEqual(step);
  });

  it('a finished body consumes nothing more', () => {
    expect(skip({ kind: 'done' }, 'GET / HTTP/1.1')).toEqual(progress({ kind: 'done' }, 0));
  });
});

const CHUNKED_BODIES: Array<[string, string]> = [
  ['one chunk, then the last chunk', '5\r\nhello\r\n0\r\n\r\n'],
  ['hex sizes in either case', 'A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n'],
  ['leading zeros in a size', '005\r\nhello\r\n0000\r\n\r\n'],
  ['chunk extensions are ignored (RFC 9112 §7.1.1)', '5;name=value;flag\r\nhello\r\n0;last="yes"\r\n\r\n'],
  ['whitespace before an extension (BWS)', '5 \t;a=b\r\nhello\r\n0\r\n\r\n'],
  [
    'extension names and values are tokens: every tchar symbol (RFC 9110 §5.6.2)',
    "5;!#$%&'*+-.^_`|~=~|`_^.-+*'&%$#!\r\nhello\r\n0\r\n\r\n",
  ],
  [
    'trailer fields are read and discarded (RFC 9112 §7.1.2)',
    '5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n',
  ],
  ['bare LF line endings (RFC 9112 §2.2)', '5\nhello\n0\n\n'],
  ['the last chunk alone: an empty body', '0\r\n\r\n'],
];

describe('a chunked body (RFC 9112 §7.1)', () => {
  it.each(CHUNKED_BODIES)('%s: consumed to its end, done', (_name, text) => {
    expect(skip(CHUNKED, text)).toEqual(progress({ kind: 'done' }, text.length));
  });

  it('stops where the body ends: the next request is left for the head parser', () => {
    const body = '5\r\nhello\r\n0\r\n\r\n';
    expect(skip(CHUNKED, `${body}GET / HTTP/1.1\r\n`)).toEqual(progress({ kind: 'done' }, body.length));
  });

  it.each([
    [
      'inside a size line: the partial line is left for later',
      '5',
      progress({ kind: 'chunk-size', total: 0 }, 0),
    ],
    ['a size line and its CR, the LF not yet', '5\r', progress({ kind: 'chunk-size', total: 0 }, 0)],
    ['inside chunk data', '5\r\nhel', progress({ kind: 'chunk-data', remaining: 2, total: 5 }, 6)],
    ['after the data, before its CRLF', '5\r\nhello', progress({ kind: 'chunk-end', total: 5 }, 8)],
    [
      'inside the trailer section',
      '5\r\nhello\r\n0\r\nX-A: 1\r\n',
      progress({ kind: 'trailers', lines: 1 }, 21),
    ],
  ])('waits %s', (_name, text, step) => {
    expect(skip(CHUNKED, text)).toEqual(step);
  });

  it.each([
    ['8 bytes of chunks: exactly maxBodyBytes', '5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n', 'done'],
    ['a size line of exactly maxChunkLineBytes', '5;abcdef\r\nhello\r\n0\r\n\r\n', 'done'],
    ['exactly maxHeaderFields trailer lines', '0\r\nA: 1\r\nB: 2\r\n\r\n', 'done'],
  ])('at the edge of a limit: %s', (_name, text, kind) => {
    expect(skip(CHUNKED, text, SMALL)).toMatchObject({ kind: 'progress', state: { kind } });
  });
});

describe('a chunked body refused, with its status', () => {
  it.each([
    ['a size that is not hex', 'zz\r\n', 400],
    ['a size with a sign', '+5\r\n', 400],
    ['whitespace before the size', ' 5\r\n', 400],
    ['an empty size line', '\r\n', 400],
    ['a size of 13 hex digits (at most 12 are read)', '0000000000005\r\n', 400],
    ['a bare CR in a size line (RFC 9112 §2.2)', '5\rx\r\n', 400],
    ['chunk data longer than its size', '3\r\nhello\r\n', 400],
    ['chunk data one byte longer than its size', '4\r\nhello\r\n', 400],
    ['a bare CR after the data', '5\r\nhello\r\r\n', 400],
    ['one chunk over maxBodyBytes → 413 (RFC 9110 §15.5.14)', '9\r\n', 413],
    ['chunks adding up past maxBodyBytes → 413', '5\r\nhello\r\n4\r\n', 413],
    ['a size line one byte over maxChunkLineBytes', '5;abcdefg\r\n', 400],
    ['a size line over the limit, refused before its LF arrives', '5;abcdefgh', 400],
    ['more trailer lines than maxHeaderFields → 431', '0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', 431],
    // chunk-ext = *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] ) (RFC 9112 §7.1.1)
    ['an extension without a name', '5;=x\r\n', 400],
    ['an extension name that is not a token', '5;a@b\r\n', 400],
    ['an extension value that is not a token', '5;a=b/c\r\n', 400],
    ['an extension value with an unclosed quote', '5;a="x\r\n', 400],
    ['whitespace after the size with no extension', '5 \r\n', 400],
    // A trailer is a field line (RFC 9112 §7.1.2): the same rules as in the head.
    ['a trailer without a colon', '0\r\nnot a field\r\n\r\n', 400],
    ['a trailer with whitespace before its colon', '0\r\nA : 1\r\n\r\n', 400],
  ])('%s', (_name, text, status) => {
    expect(skip(CHUNKED, text, SMALL)).toMatchObject({ kind: 'error', status });
  });
});

describe('any split of the bytes gives the same result', () => {
  describe.each([
    ['a Content-Length body and the next request', LENGTH_5, 'helloGET /'],
    ...CHUNKED_BODIES.map(([name, text]): [string, BodyState, string] => [`chunked: ${name}`, CHUNKED, text]),
    ['chunked, then the next request', CHUNKED, '3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\nGET /'],
    ['chunked, refused for data longer than its size', CHUNKED, '3\r\nabcd\r\n0\r\n\r\n'],
  ])('%s', (_name, start, text) => {
    const bytes = latin1(text);
    const whole = skipBody(start, bytes, LIMITS);

    it('split once at every byte k', () => {
      const points = splitPoints(bytes);
      expect(points.map((k) => [k, skipInPieces(start, bytes, [k])])).toEqual(points.map((k) => [k, whole]));
    });

    it('fed one byte at a time', () => {
      expect(skipInPieces(start, bytes, splitPoints(bytes))).toEqual(whole);
    });
  });
});
