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
/**
 * Limits small enough to read at a glance: an 8-byte body, 8-byte chunk lines, 4 bytes of
 * extensions a chunk, 10 bytes of chunk-size lines besides the sizes' digits, 2 trailer fields.
 */
const SMALL: Limits = {
  ...LIMITS,
  maxBodyBytes: 8,
  maxChunkLineBytes: 8,
  maxChunkExtensionBytes: 4,
  maxChunkedOverheadBytes: 10,
  maxHeaderFields: 2,
};
/** The largest body a Number holds exactly, to show a chunk size never loses precision. */
const HUGE: Limits = { ...LIMITS, maxBodyBytes: Number.MAX_SAFE_INTEGER };

const skip = (state: BodyState, text: string, limits: Limits = LIMITS) =>
  skipBody(state, latin1(text), limits);
const progress = (state: BodyState, consumed: number) => ({ kind: 'progress', state, consumed });
const sizeLine = (total: number, overhead: number): BodyState => ({ kind: 'chunk-size', total, overhead });

describe('startBody: the state a framing starts in', () => {
  it.each([
    ['no body is already done', { kind: 'none' } as const, { kind: 'done' }],
    [
      'Content-Length: 5 has 5 bytes remaining',
      { kind: 'length', length: 5 } as const,
      { kind: 'length', remaining: 5 },
    ],
    ['chunked starts at a chunk-size line, nothing read', { kind: 'chunked' } as const, sizeLine(0, 0)],
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
  [
    'a size of 25 hex digits whose value is 5 (RFC 9112 §7.1 does not limit leading zeros)',
    '0000000000000000000000005\r\nhello\r\n0\r\n\r\n',
  ],
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
  ['chunk data holding CR and LF bytes: data is counted, not read as lines', '4\r\n\n\r\n\r\r\n0\r\n\r\n'],
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
    ['inside a size line: the partial line is left for later', '5', progress(sizeLine(0, 0), 0)],
    ['a size line and its CR, the LF not yet', '5\r', progress(sizeLine(0, 0), 0)],
    [
      'inside chunk data',
      '5\r\nhel',
      progress({ kind: 'chunk-data', remaining: 2, total: 5, overhead: 0 }, 6),
    ],
    [
      'after the data, before its CRLF',
      '5\r\nhello',
      progress({ kind: 'chunk-end', total: 5, overhead: 0 }, 8),
    ],
    [
      'between the CR and the LF after the data',
      '5\r\nhello\r',
      progress({ kind: 'chunk-end', total: 5, overhead: 0 }, 8),
    ],
    [
      'at the next size line, with what the last one spent besides its size (2 zeros, 4 bytes of extension)',
      '005;a=b\r\nhello\r\n',
      progress(sizeLine(5, 6), 16),
    ],
    [
      'inside the trailer section',
      '5\r\nhello\r\n0\r\nX-A: 1\r\n',
      progress({ kind: 'trailers', lines: 1 }, 21),
    ],
  ])('waits %s', (_name, text, step) => {
    expect(skip(CHUNKED, text)).toEqual(step);
  });
});

describe('a chunked body refused for its framing, with its status', () => {
  it.each([
    ['a size that is not hex', 'zz\r\n', 400],
    ['a size with a sign', '+5\r\n', 400],
    ['whitespace before the size', ' 5\r\n', 400],
    ['an empty size line', '\r\n', 400],
    ['a bare CR in a size line (RFC 9112 §2.2)', '5\rx\r\n', 400],
    ['chunk data longer than its size', '3\r\nhello\r\n', 400],
    ['chunk data one byte longer than its size', '4\r\nhello\r\n', 400],
    ['a bare CR after the data', '5\r\nhello\r\r\n', 400],
    // The chunked grammar has CRLF only; bare LF is accepted in the head alone (README, "choices").
    ['a bare LF after a chunk size', '5\nhello\r\n0\r\n\r\n', 400],
    ['a bare LF after a chunk extension', '5;a=b\nhello\r\n0\r\n\r\n', 400],
    ['a bare LF after chunk data', '5\r\nhello\n0\r\n\r\n', 400],
    ['a bare LF after the last chunk', '5\r\nhello\r\n0\n\r\n', 400],
    ['a bare LF after a trailer field', '0\r\nX-T: 1\n\r\n', 400],
    ['a bare LF as the empty line that ends the body', '0\r\n\n', 400],
    ['bare LFs everywhere, as nc without -C sends', '5\nhello\n0\n\n', 400],
    // chunk-ext = *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] ) (RFC 9112 §7.1.1)
    ['an extension without a name', '5;=x\r\n', 400],
    ['an extension name that is not a token', '5;a@b\r\n', 400],
    ['an extension value that is not a token', '5;a=b/c\r\n', 400],
    ['an extension value with an unclosed quote', '5;a="x\r\n', 400],
    ['whitespace after the size with no extension', '5 \r\n', 400],
    // A trailer is a field line (RFC 9112 §7.1.2): the same rules as in the head.
    ['a trailer without a colon', '0\r\nnot a field\r\n\r\n', 400],
    ['a trailer with whitespace before its colon', '0\r\nA : 1\r\n\r\n', 400],
  ])('%s: %j → %i', (_name, text, status) => {
    expect(skip(CHUNKED, text)).toMatchObject({ kind: 'error', status });
  });
});

describe('chunk sizes: significant digits count, leading zeros do not', () => {
  it.each([
    ['a size of 13 significant hex digits, far over the body limit', 'FFFFFFFFFFFFF\r\n', LIMITS, 413],
    [
      'a size of 20 significant hex digits: not parsed, over the limit',
      'FFFFFFFFFFFFFFFFFFFF\r\n',
      LIMITS,
      413,
    ],
    ['the body limit after 30 leading zeros', `${'0'.repeat(30)}100000\r\n`, LIMITS, 'chunk-data'],
    ['one byte over the body limit after 30 leading zeros', `${'0'.repeat(30)}100001\r\n`, LIMITS, 413],
    [
      'Number.MAX_SAFE_INTEGER (1FFFFFFFFFFFFF) when that is the limit',
      '1FFFFFFFFFFFFF\r\n',
      HUGE,
      'chunk-data',
    ],
    ['2^53, one past MAX_SAFE_INTEGER, when that is the limit', '20000000000000\r\n', HUGE, 413],
    ['2^53 + 1, which a double cannot hold, when that is the limit', '20000000000001\r\n', HUGE, 413],
  ])('%s', (_name, text, limits, expected) => {
    const step = skip(CHUNKED, text, limits);
    if (expected === 'chunk-data')
      expect(step).toMatchObject({ kind: 'progress', state: { kind: expected } });
    else expect(step).toMatchObject({ kind: 'error', status: expected });
  });

  it('reads MAX_SAFE_INTEGER exactly: that many bytes of data remain', () => {
    expect(skip(CHUNKED, `${'0'.repeat(30)}1FFFFFFFFFFFFF\r\n`, HUGE)).toMatchObject({
      state: { kind: 'chunk-data', remaining: Number.MAX_SAFE_INTEGER },
    });
  });
});

/** Each limit at its edge and one byte past it, with SMALL limits (see above). */
const AT_THE_EDGE: Array<[string, string]> = [
  ['8 bytes of chunks: exactly maxBodyBytes', '5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['a size of exactly maxBodyBytes after leading zeros', '0008\r\n12345678\r\n0\r\n\r\n'],
  ['a size line of exactly maxChunkLineBytes (leading zeros)', '00000005\r\nhello\r\n0\r\n\r\n'],
  ['exactly maxChunkExtensionBytes of extension on a chunk', '5;abc\r\nhello\r\n0\r\n\r\n'],
  [
    'exactly maxChunkedOverheadBytes besides sizes: 3 zeros, 4 extension bytes, a last chunk of 3 zeros',
    '0001;abc\r\nh\r\n000\r\n\r\n',
  ],
  ['a trailer line of exactly maxChunkLineBytes', '0\r\nA: 12345\r\n\r\n'],
  ['exactly maxHeaderFields trailer lines', '0\r\nA: 1\r\nB: 2\r\n\r\n'],
];
const PAST_THE_EDGE: Array<[string, string, number]> = [
  ['one chunk over maxBodyBytes → 413 (RFC 9110 §15.5.14)', '9\r\n', 413],
  ['chunks adding up past maxBodyBytes → 413', '5\r\nhello\r\n4\r\n', 413],
  ['a size over maxBodyBytes after leading zeros → 413', '0009\r\n', 413],
  ['a size line one byte over maxChunkLineBytes → 400', '000000005\r\n', 400],
  ['a size line of zeros over the limit, refused before its LF arrives → 400', '000000000', 400],
  ['one byte of extension over maxChunkExtensionBytes → 413', '5;abcd\r\nhello\r\n0\r\n\r\n', 413],
  ['too much extension, refused before its LF arrives → 413', '5;abcd', 413],
  [
    'one byte over maxChunkedOverheadBytes: a last chunk of 4 zeros → 413',
    '0001;abc\r\nh\r\n0000\r\n\r\n',
    413,
  ],
  ['over maxChunkedOverheadBytes, refused before its LF arrives → 413', '0001;abc\r\nh\r\n0000', 413],
  ['a trailer line one byte over maxChunkLineBytes → 400', '0\r\nA: 123456\r\n\r\n', 400],
  ['a trailer line over the limit, refused before its LF arrives → 400', '0\r\nA: 123456', 400],
  ['more trailer lines than maxHeaderFields → 431', '0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', 431],
  // Two limits passed on one line: the byte that passed one first decides, however the bytes arrive.
  ['past the extension limit (5th byte of extension) before the line limit → 413', '5;abcdefgh\r\n', 413],
  ['past the line limit (9th byte) before the extension limit → 400', '00000005;abcde\r\n', 400],
];

describe('chunked limits, each at its edge', () => {
  it.each(AT_THE_EDGE)('at the edge: %s → done', (_name, text) => {
    expect(skip(CHUNKED, text, SMALL)).toEqual(progress({ kind: 'done' }, text.length));
  });

  it.each(PAST_THE_EDGE)('past the edge: %s', (_name, text, status) => {
    expect(skip(CHUNKED, text, SMALL)).toMatchObject({ kind: 'error', status });
  });
});

describe('any split of the bytes gives the same result', () => {
  const chunked = (
    name: string,
    text: string,
    limits: Limits = LIMITS,
  ): [string, BodyState, string, Limits] => [`chunked: ${name}`, CHUNKED, text, limits];
  describe.each([
    ['a Content-Length body and the next request', LENGTH_5, 'helloGET /', LIMITS],
    ...CHUNKED_BODIES.map(([name, text]) => chunked(name, text)),
    chunked('then the next request', '3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\nGET /'),
    chunked('refused for data longer than its size', '3\r\nabcd\r\n0\r\n\r\n'),
    chunked('refused for a bare LF after a size', '5\nhello\r\n0\r\n\r\n'),
    chunked('refused for a bare LF after data', '5\r\nhello\n0\r\n\r\n'),
    chunked('refused for a bare LF after a trailer', '0\r\nX-T: 1\n\r\n'),
    chunked('refused for a bare LF at the end', '0\r\n\n'),
    chunked('refused for a bare CR after data', '5\r\nhello\r\r\n'),
    ...AT_THE_EDGE.map(([name, text]) => chunked(`at the edge: ${name}`, text, SMALL)),
    ...PAST_THE_EDGE.map(([name, text]) => chunked(`past the edge: ${name}`, text, SMALL)),
  ])('%s', (_name, start, text, limits) => {
    const bytes = latin1(text);
    const whole = skipBody(start, bytes, limits);

    it('split once at every byte k', () => {
      const points = splitPoints(bytes);
      expect(points.map((k) => [k, skipInPieces(start, bytes, [k], limits)])).toEqual(
        points.map((k) => [k, whole]),
      );
    });

    it('fed one byte at a time', () => {
      expect(skipInPieces(start, bytes, splitPoints(bytes), limits)).toEqual(whole);
    });
  });
});
