/**
 * Properties of the request parser (issue 5), over generated input:
 *   - any bytes, split anywhere: no throw; "incomplete", a request, or an error with a status
 *     the parser documents (4xx, or 501/505);
 *   - splitting never changes the result (the final result of incremental feeding, with the
 *     returned resume, equals the one-shot parse);
 *   - a well-formed request parses back to what was generated, also when pipelined;
 *   - the same for the body skipper.
 * Inputs stay far below the default limits; the limits' edges are in the unit tables.
 */
import fc from 'fast-check';
import { DEFAULT_LIMITS as LIMITS } from '../../src/http/limits';
import type { ParseResult } from '../../src/parse/request-head';
import { type BodyState, skipBody, startBody } from '../../src/parse/request-body';
import { fieldValue, token } from './support/arbitraries';
import { CRLF, latin1, outcome, parse, parseInPieces, skipInPieces } from '../unit/support/wire';

const RUNS = { numRuns: 500 };
const PARSER_STATUSES = [400, 413, 414, 417, 431, 501, 505];

/** Pieces of real requests and of hostile ones, shuffled into any order: chaos with HTTP words. */
const FRAGMENTS = [
  'GET',
  'HEAD',
  'G{T',
  ' ',
  '\t',
  '/',
  '/a?b#c',
  '*',
  'http://h/p',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'http/1.1',
  '\r\n',
  '\n',
  '\r',
  '\x00',
  '\x7f',
  '\xe9',
  'Host: a',
  'Content-Length: 5',
  'Transfer-Encoding: chunked',
  ':',
  ' folded',
];
/** Usually `usual`, sometimes one of the others: most generated requests get far, some break at each step. */
const mostly = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 12 }, fc.constantFrom(...others));
const FIELD_LINES = [
  'Host: a',
  'Host:',
  'Host: a b',
  'Host: [::1]:80',
  'Content-Length: 5',
  'Content-Length: 5, 6',
  'Content-Length: x',
  'Content-Length: 99999999',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip',
  'Transfer-Encoding: rot13',
  'Connection: close',
  'Connection: keep-alive',
  'Expect: 100-continue',
  'Expect: x',
  'X-A : 1',
  ' folded',
  'X-A: a\x00b',
  'X-A: a\rb',
  'X-A: caf\xe9',
  'no colon',
  ': empty',
];

const anyBytes = fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a));
const soup = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 })
  .map((parts) => latin1(parts.join('')));
/** A request whose every part is usually right and sometimes wrong, then a few more bytes. */
const requestish = fc
  .record({
    leading: mostly('', '\r\n', '\n\n'),
    method: mostly('GET', 'HEAD', 'OPTIONS', 'POST', 'G{T', ''),
    sp1: mostly(' ', '  ', '\t'),
    target: mostly('/', '/a?b#c', '*', 'http://h/p', 'ftp://h', '/caf\xe9', 'a', '/a b'),
    sp2: mostly(' ', '  ', '\t', ''),
    version: mostly('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.10', 'http/1.1'),
    host: mostly('Host: a', ''),
    fields: fc.array(mostly('X-A: 1', ...FIELD_LINES), { maxLength: 6 }),
    eol: mostly('\r\n', '\n', '\r'),
    end: mostly('\r\n', '\n', '', '\r'),
    tail: fc.uint8Array({ maxLength: 20 }),
  })
  .map((r) => {
    const lines = [`${r.method}${r.sp1}${r.target}${r.sp2}${r.version}`, r.host, ...r.fields].filter(
      (line) => line !== '',
    );
    return Buffer.concat([
      latin1(r.leading + lines.map((line) => line + r.eol).join('') + r.end),
      Buffer.from(r.tail),
    ]);
  });

const path = fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/);

/** Fields whose meaning could turn a well-formed head into a refusal; FRAGMENTS covers them. */
const SPECIAL_FIELDS = new Set(['host', 'content-length', 'transfer-encoding', 'expect']);

/** A well-formed HTTP/1.1 request head, with what the parser should make of it. */
const wellFormed = fc
  .record({
    method: token(12),
    target: path,
    fields: fc.array(
      fc.tuple(
        token(12).filter((n) => !SPECIAL_FIELDS.has(n.toLowerCase())),
        fieldValue(22),
      ),
      { maxLength: 8 },
    ),
    eol: fc.constantFrom(CRLF, '\n'),
  })
  .map(({ method, target, fields, eol }) => ({
    method,
    target,
    fields: [['Host', 'example.com'], ...fields] as Array<[string, string]>,
    text: [
      `${method} ${target} HTTP/1.1`,
      'Host: example.com',
      ...fields.map(([n, v]) => `${n}: ${v}`),
      '',
      '',
    ].join(eol),
  }));

const anyInput = fc.oneof(
  anyBytes,
  soup,
  requestish,
  wellFormed.map((r) => latin1(r.text)),
);

/** Split points as fractions of the length, so any input gets cuts anywhere inside it. */
const cutsFor = (bytes: Buffer, fractions: number[]): number[] =>
  [...new Set(fractions.map((f) => Math.floor(f * (bytes.length + 1))))].sort((a, b) => a - b);
const fractions = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 1,
  maxLength: 6,
});

function isDocumented(result: ParseResult, length: number): boolean {
  switch (result.kind) {
    case 'incomplete':
      return true;
    case 'request':
      return result.headBytes > 0 && result.headBytes <= length;
    case 'error':
      return PARSER_STATUSES.includes(result.status);
  }
}

describe('parseRequestHead', () => {
  it('never throws, and always answers incomplete, a request, or a documented status', () => {
    fc.assert(
      fc.property(anyInput, fractions, (bytes, at) => {
        expect(isDocumented(parse(bytes), bytes.length)).toBe(true);
        expect(isDocumented(parseInPieces(bytes, cutsFor(bytes, at)), bytes.length)).toBe(true);
      }),
      RUNS,
    );
  });

  it('gives the same result however the bytes are split', () => {
    fc.assert(
      fc.property(anyInput, fractions, (bytes, at) => {
        expect(outcome(parseInPieces(bytes, cutsFor(bytes, at)))).toEqual(outcome(parse(bytes)));
      }),
      RUNS,
    );
  });

  it('parses a well-formed request back to its method, target and fields', () => {
    fc.assert(
      fc.property(wellFormed, ({ method, target, fields, text }) => {
        expect(parse(text)).toMatchObject({
          kind: 'request',
          headBytes: text.length,
          request: {
            method,
            target,
            fields: fields.map(([name, value]) => ({ name: name.toLowerCase(), value })),
          },
        });
      }),
      RUNS,
    );
  });

  it('finds the second of two pipelined requests where the first one ends', () => {
    fc.assert(
      fc.property(wellFormed, wellFormed, (first, second) => {
        const bytes = latin1(first.text + second.text);
        expect(parse(bytes)).toMatchObject({ kind: 'request', headBytes: first.text.length });
        expect(parse(bytes.subarray(first.text.length))).toMatchObject({
          kind: 'request',
          request: { target: second.target },
        });
      }),
      RUNS,
    );
  });
});

/** A chunked body: chunks of any bytes, sizes in either case of hex and with leading zeros, extensions, trailers. */
const chunkedParts = fc.record({
  chunks: fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 5 }),
  upper: fc.boolean(),
  zeros: fc.constantFrom('', '0', '0000000000000000000000000'),
  ext: fc.constantFrom('', ';a', ';a=b', ' ;name="v"'),
  trailers: fc.array(fc.constantFrom('X-T: 1', 'Checksum: abc'), { maxLength: 3 }),
});
type ChunkedParts = typeof chunkedParts extends fc.Arbitrary<infer T> ? T : never;

/** The body's bytes, its `n`th framing line ending a bare LF (RFC 9112 §7.1 allows only CRLF), or none if n is -1. */
function chunkedBytes({ chunks, upper, zeros, ext, trailers }: ChunkedParts, bareAt = -1): Buffer {
  let eols = 0;
  const eol = () => (eols++ === bareAt ? '\n' : CRLF);
  const size = (n: number) => zeros + (upper ? n.toString(16).toUpperCase() : n.toString(16));
  const parts = chunks.flatMap((c) => [
    latin1(`${size(c.length)}${ext}${eol()}`),
    Buffer.from(c),
    latin1(eol()),
  ]);
  return Buffer.concat([...parts, latin1(`0${eol()}${trailers.map((t) => t + eol()).join('')}${eol()}`)]);
}
/** How many line endings a body's framing has: two a chunk, the last chunk's, one a trailer, the final one. */
const framingLines = ({ chunks, trailers }: ChunkedParts) => 2 * chunks.length + trailers.length + 2;

const chunkedBody = chunkedParts.map((parts) => chunkedBytes(parts));

/**
 * Chunks that are usually right and sometimes wrong, with leading zeros and extensions of any
 * length: the small limits below are each passed by some of them, alone or several on a line.
 */
const chunkish = fc
  .array(
    fc.record({
      zeros: fc.nat(20),
      data: fc.string({ minLength: 1, maxLength: 20 }),
      ext: fc.array(fc.constantFrom(';a', '=b', ' ', ';', '"'), { maxLength: 5 }),
      eol: mostly(CRLF, '\n', '\r', ''),
      off: mostly(0, 1, -1),
    }),
    { maxLength: 6 },
  )
  .map((chunks) =>
    latin1(
      chunks
        .map(({ zeros, data, ext, eol, off }) => {
          const size = '0'.repeat(zeros) + (data.length + off).toString(16);
          return `${size}${ext.join('')}${eol}${data}${eol}`;
        })
        .join('') + `0${CRLF}${CRLF}`,
    ),
  );
/** Limits that short generated bodies reach, so that limits passed in any order are split too. */
const SMALL_BODY_LIMITS = {
  ...LIMITS,
  maxBodyBytes: 64,
  maxChunkLineBytes: 16,
  maxChunkExtensionBytes: 6,
  maxChunkedOverheadBytes: 24,
  maxHeaderFields: 3,
};

const bodyStart = fc.constantFrom<BodyState>(
  startBody({ kind: 'chunked' }),
  startBody({ kind: 'length', length: 17 }),
);

describe('skipBody', () => {
  it('reads a generated chunked body to its exact end, leaving what follows', () => {
    fc.assert(
      fc.property(chunkedBody, anyBytes, (body, next) => {
        expect(skipBody(startBody({ kind: 'chunked' }), Buffer.concat([body, next]), LIMITS)).toEqual({
          kind: 'progress',
          state: { kind: 'done' },
          consumed: body.length,
        });
      }),
      RUNS,
    );
  });

  it('refuses a generated chunked body with 400 when any one line of its framing ends in a bare LF', () => {
    fc.assert(
      fc.property(chunkedParts, fc.nat(), (parts, n) => {
        const body = chunkedBytes(parts, n % framingLines(parts));
        expect(skipBody(startBody({ kind: 'chunked' }), body, LIMITS)).toMatchObject({
          kind: 'error',
          status: 400,
        });
      }),
      RUNS,
    );
  });

  it('never throws, and gives the same result however the bytes are split, at default and small limits', () => {
    const bodyInput = fc.oneof(anyBytes, soup, chunkish, chunkedBody);
    const limits = fc.constantFrom(LIMITS, SMALL_BODY_LIMITS);
    fc.assert(
      fc.property(bodyStart, bodyInput, limits, fractions, (start, bytes, lim, at) => {
        const whole = skipBody(start, bytes, lim);
        expect(whole.kind === 'progress' || PARSER_STATUSES.includes(whole.status)).toBe(true);
        expect(skipInPieces(start, bytes, cutsFor(bytes, at), lim)).toEqual(whole);
      }),
      RUNS,
    );
  });
});

describe('the Host check', () => {
  // RFC 9110 §7.2, RFC 3986 §3.2.2: uri-host [ ":" port ], as one pattern; the parser checks the usual
  // hosts byte by byte and only the rest against a pattern, and must agree with this one everywhere.
  const GRAMMAR = /^(\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(:[0-9]*)?$/;
  const HOST_PIECES = [
    'a',
    'Z',
    '0',
    '9',
    '.',
    '-',
    '_',
    '~',
    '!',
    '$',
    "'",
    ';',
    '=',
    ':',
    ':80',
    '%',
    '%2F',
    '%zz',
    '[',
    ']',
    '[::1]',
    '@',
    '/',
    ' ',
    '\t',
    '\x80',
    'é',
    '"',
    '<',
    '{',
  ];
  const host = fc.oneof(
    fc.array(fc.constantFrom(...HOST_PIECES), { maxLength: 8 }).map((pieces) => pieces.join('')),
    fc.string({ unit: fc.nat(127).map((c) => String.fromCharCode(c)), maxLength: 12 }),
    // any bytes (latin1, one char per byte, as the wire carries them)
    fc.string({ unit: fc.nat(255).map((c) => String.fromCharCode(c)), maxLength: 6 }).map((s) => `a${s}`),
  );

  it('accepts exactly the hosts the grammar accepts', () => {
    fc.assert(
      // CR and LF end the field line itself: what follows them is no longer the Host's value.
      fc.property(
        host.filter((value) => !/[\r\n]/.test(value)),
        (value) => {
          const result = parse(`GET / HTTP/1.1${CRLF}Host: ${value}${CRLF}${CRLF}`);
          // A value the field-line rules refuse first (control bytes, surrounding whitespace) says nothing of Host.
          if (result.kind === 'error' && !result.reason.startsWith('invalid Host')) return;
          expect(result.kind === 'request').toBe(GRAMMAR.test(value.replace(/^[ \t]+|[ \t]+$/g, ''))); // OWS trimmed
        },
      ),
      RUNS,
    );
  });
});
