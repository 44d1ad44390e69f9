/**
 * parseRequestHead: from the bytes received so far to "incomplete", "a request", or "an error
 * with its status". Each row is one rule of RFC 9112 (message syntax) or RFC 9110 (semantics).
 */
import { DEFAULT_LIMITS as LIMITS } from '../../../src/http/limits';
import {
  head,
  latin1,
  outcome,
  parse,
  parseInPieces,
  requestOf,
  splitPoints,
  verdict,
} from '../support/wire';

/** A minimal valid HTTP/1.1 request line plus Host, with extra field lines. */
const get11 = (...fields: string[]): string => head('GET / HTTP/1.1', 'Host: example.com', ...fields);

describe('a valid request head', () => {
  it.each([
    [
      'origin-form: the path and query as sent (RFC 9112 §3.2.1)',
      head('GET /nums.txt?x=1 HTTP/1.1', 'Host: a'),
      {
        method: 'GET',
        target: '/nums.txt?x=1',
        targetForm: 'origin',
        pathAndQuery: '/nums.txt?x=1',
        version: '1.1',
      },
    ],
    [
      'absolute-form: the authority is ignored, the path is served (RFC 9112 §3.2.2)',
      head('GET http://elsewhere.example:81/a?b HTTP/1.1', 'Host: a'),
      { target: 'http://elsewhere.example:81/a?b', targetForm: 'absolute', pathAndQuery: '/a?b' },
    ],
    [
      'absolute-form without a path means "/"',
      head('GET http://a HTTP/1.1', 'Host: a'),
      { pathAndQuery: '/' },
    ],
    [
      'absolute-form: the scheme is case-insensitive (RFC 3986 §3.1)',
      head('GET HTTPS://a/x HTTP/1.1', 'Host: a'),
      { pathAndQuery: '/x' },
    ],
    [
      'OPTIONS * (asterisk-form, RFC 9112 §3.2.4)',
      head('OPTIONS * HTTP/1.1', 'Host: a'),
      { method: 'OPTIONS', targetForm: 'asterisk' },
    ],
    [
      'CONNECT host:port (authority-form, RFC 9112 §3.2.3)',
      head('CONNECT a:443 HTTP/1.1', 'Host: a:443'),
      { targetForm: 'authority' },
    ],
    ['HTTP/1.0 needs no Host (RFC 9112 §3.2)', head('GET / HTTP/1.0'), { version: '1.0' }],
    [
      'a later HTTP/1.x is answered as 1.1 (RFC 9110 §6.2)',
      head('GET / HTTP/1.7', 'Host: a'),
      { version: '1.1' },
    ],
    [
      'any token is a method; the handler decides 405 (RFC 9110 §9.1)',
      head('BREW /pot HTTP/1.1', 'Host: a'),
      { method: 'BREW' },
    ],
    [
      'methods are case-sensitive: "get" stays "get" (RFC 9110 §9.1)',
      head('get / HTTP/1.1', 'Host: a'),
      { method: 'get' },
    ],
    [
      'an IPv6 literal with a port as Host (RFC 3986 §3.2.2)',
      head('GET / HTTP/1.1', 'Host: [::1]:8080'),
      { version: '1.1' },
    ],
    ['an empty Host (RFC 9112 §3.2)', head('GET / HTTP/1.1', 'Host:'), { version: '1.1' }],
  ])('%s', (_name, text, expected) => {
    expect(parse(text)).toMatchObject({ kind: 'request', headBytes: text.length, request: expected });
  });

  it.each([
    ['empty lines before the request line are ignored (RFC 9112 §2.2)', `\r\n\n${get11()}`],
    ['bare LF ends lines (RFC 9112 §2.2: our documented choice)', 'GET / HTTP/1.1\nHost: a\n\n'],
    ['CRLF and bare LF mixed', 'GET / HTTP/1.1\r\nHost: a\n\r\n'],
  ])('%s', (_name, text) => {
    expect(parse(text)).toMatchObject({
      kind: 'request',
      headBytes: text.length,
      request: { method: 'GET', target: '/' },
    });
  });

  it('keeps field lines in order, names lower-cased, values without surrounding OWS (RFC 9112 §5.1)', () => {
    const request = requestOf(
      head('GET / HTTP/1.1', 'Host: a', 'X-Tab:\t v w \t', 'x-tab: second', 'Empty:'),
    );
    expect(request.fields).toEqual([
      { name: 'host', value: 'a' },
      { name: 'x-tab', value: 'v w' },
      { name: 'x-tab', value: 'second' },
      { name: 'empty', value: '' },
    ]);
  });

  it('accepts obs-text (bytes 0x80-0xFF) in a value, kept as latin1 (RFC 9110 §5.5)', () => {
    expect(requestOf(get11('X-Name: caf\xe9')).fields[1]).toEqual({ name: 'x-name', value: 'caf\xe9' });
  });

  it('is incomplete until the empty line arrives', () => {
    expect(verdict(parse('GET / HTTP/1.1\r\nHost: a\r\n'))).toBe('incomplete');
  });
});

describe('a request refused, with its status', () => {
  it.each([
    // The request line: method SP request-target SP HTTP-version (RFC 9112 §3).
    ['garbage', 'HELLO\r\n\r\n', 400],
    // OWS is SP and HTAB only (RFC 9110 §5.6.3): a NBSP (0xA0) does not make a framing field valid.
    [
      'Content-Length with a trailing NBSP (RFC 9112 §6.3)',
      head('POST / HTTP/1.1', 'Host: a', 'Content-Length: 5\xa0'),
      400,
    ],
    [
      'Transfer-Encoding with a leading NBSP: an unknown coding (RFC 9112 §6.1)',
      head('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: \xa0chunked'),
      501,
    ],
    [
      'userinfo in an absolute-form target (RFC 9110 §4.2.4)',
      head('GET http://user:pw@example.com/ HTTP/1.1', 'Host: a'),
      400,
    ],
    ['a Host with a bare "%" (RFC 3986 §2.1)', head('GET / HTTP/1.1', 'Host: a%zz'), 400],
    ['a line with two parts', head('GET /', 'Host: a'), 400],
    ['two spaces after the method', head('GET  / HTTP/1.1', 'Host: a'), 400],
    ['a tab as separator', head('GET\t/\tHTTP/1.1', 'Host: a'), 400],
    ['a space after the version', head('GET / HTTP/1.1 ', 'Host: a'), 400],
    ['no method', head(' / HTTP/1.1', 'Host: a'), 400],
    ['a method that is not a token (RFC 9110 §9.1)', head('G{T / HTTP/1.1', 'Host: a'), 400],
    ['a target with a space', head('GET /a b HTTP/1.1', 'Host: a'), 400],
    ['a target with a non-ASCII byte (RFC 9112 §3.2)', head('GET /caf\xe9 HTTP/1.1', 'Host: a'), 400],
    ['a target with a DEL byte', head('GET /a\x7f HTTP/1.1', 'Host: a'), 400],
    ['a CR inside the request line (RFC 9112 §2.2)', head('GET /\r HTTP/1.1', 'Host: a'), 400],
    [
      '"*" with GET: asterisk-form is for OPTIONS only (RFC 9112 §3.2.4)',
      head('GET * HTTP/1.1', 'Host: a'),
      400,
    ],
    ['a relative path', head('GET nums.txt HTTP/1.1', 'Host: a'), 400],
    ['an absolute URI whose scheme is not http or https', head('GET ftp://a/x HTTP/1.1', 'Host: a'), 400],
    // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
    ['HTTP/2.0 → 505 (RFC 9110 §15.6.6)', head('GET / HTTP/2.0', 'Host: a'), 505],
    ['HTTP/0.9 → 505', head('GET / HTTP/0.9', 'Host: a'), 505],
    ['HTTP/1.10: one digit each side', head('GET / HTTP/1.10', 'Host: a'), 400],
    ['http/1.1: HTTP-name is case-sensitive', head('GET / http/1.1', 'Host: a'), 400],
    ['HTTP/1 without a minor version', head('GET / HTTP/1', 'Host: a'), 400],
    // Host (RFC 9112 §3.2).
    ['HTTP/1.1 without Host', head('GET / HTTP/1.1'), 400],
    ['two Host lines, even equal ones', head('GET / HTTP/1.1', 'Host: a', 'Host: a'), 400],
    ['two Host lines in HTTP/1.0', head('GET / HTTP/1.0', 'Host: a', 'Host: b'), 400],
    ['a Host with a space', head('GET / HTTP/1.1', 'Host: a b'), 400],
    ['a Host with a path', head('GET / HTTP/1.1', 'Host: a/b'), 400],
    ['a Host with userinfo (RFC 9110 §4.2.4 forbids it)', head('GET / HTTP/1.1', 'Host: me@a'), 400],
    ['a Host with a non-numeric port', head('GET / HTTP/1.1', 'Host: a:http'), 400],
    ['an invalid Host in HTTP/1.0', head('GET / HTTP/1.0', 'Host: a b'), 400],
    // Field lines: field-name ":" OWS field-value OWS (RFC 9112 §5).
    ['whitespace between name and colon (RFC 9112 §5.1)', head('GET / HTTP/1.1', 'Host : a'), 400],
    ['obs-fold: a line starting with whitespace (RFC 9112 §5.2)', get11('X-A: 1', ' continued'), 400],
    ['a line without a colon', get11('X-A'), 400],
    ['an empty field name', get11(': x'), 400],
    ['a name that is not a token', get11('X(A): 1'), 400],
    ['a bare CR in a value (RFC 9112 §2.2)', get11('X-A: a\rb'), 400],
    ['a NUL in a value (RFC 9110 §5.5)', get11('X-A: a\x00b'), 400],
    ['an ESC in a value', get11('X-A: \x1b[31m'), 400],
    ['a CR before CRLF, so the value ends in CR', get11('X-A: a\r'), 400],
    // Framing (RFC 9112 §6).
    [
      'Content-Length and Transfer-Encoding together (RFC 9112 §6.1)',
      get11('Content-Length: 5', 'Transfer-Encoding: chunked'),
      400,
    ],
    [
      'Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1)',
      head('POST / HTTP/1.0', 'Transfer-Encoding: chunked'),
      400,
    ],
    ['an unknown transfer coding → 501 (RFC 9112 §6.1)', get11('Transfer-Encoding: rot13'), 501],
    ['an unknown coding before chunked → 501', get11('Transfer-Encoding: rot13, chunked'), 501],
    ['chunked not the final coding (RFC 9112 §6.3)', get11('Transfer-Encoding: chunked, gzip'), 400],
    ['a known coding without chunked', get11('Transfer-Encoding: gzip'), 400],
    ['chunked applied twice', get11('Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'), 400],
    ['a Content-Length that is not digits (RFC 9110 §8.6)', get11('Content-Length: abc'), 400],
    ['a negative Content-Length', get11('Content-Length: -1'), 400],
    ['a Content-Length with a sign', get11('Content-Length: +5'), 400],
    ['a Content-Length in exponent form', get11('Content-Length: 1e3'), 400],
    ['an empty Content-Length', get11('Content-Length:'), 400],
    ['Content-Length values that differ, as a list (RFC 9112 §6.3)', get11('Content-Length: 5, 6'), 400],
    ['Content-Length values that differ, on two lines', get11('Content-Length: 5', 'Content-Length: 6'), 400],
    // Expect (RFC 9110 §10.1.1).
    ['an expectation other than 100-continue → 417', get11('Expect: 200-ok'), 417],
  ])('%s', (_name, text, status) => {
    expect(verdict(parse(text))).toBe(status);
  });
});

describe('body framing (RFC 9112 §6.3)', () => {
  it.each([
    ['no Content-Length, no Transfer-Encoding: no body', get11(), { kind: 'none' }],
    ['Content-Length: 0 is no body', get11('Content-Length: 0'), { kind: 'none' }],
    ['Content-Length: 5', get11('Content-Length: 5'), { kind: 'length', length: 5 }],
    ['the same length repeated as a list', get11('Content-Length: 5, 5'), { kind: 'length', length: 5 }],
    [
      'the same length on two lines',
      get11('Content-Length: 5', 'Content-Length: 5'),
      { kind: 'length', length: 5 },
    ],
    ['Transfer-Encoding: chunked', get11('Transfer-Encoding: chunked'), { kind: 'chunked' }],
    [
      'coding names are case-insensitive (RFC 9112 §7)',
      get11('Transfer-Encoding: Chunked'),
      { kind: 'chunked' },
    ],
    ['gzip then chunked: chunked is final', get11('Transfer-Encoding: gzip, chunked'), { kind: 'chunked' }],
  ])('%s', (_name, text, body) => {
    expect(requestOf(text).body).toEqual(body);
  });
});

describe('persistence (RFC 9112 §9.3)', () => {
  it.each([
    ['HTTP/1.1 persists by default', '1.1', [], true],
    ['HTTP/1.1 with Connection: close', '1.1', ['Connection: close'], false],
    ['Connection is a case-insensitive list', '1.1', ['Connection: Keep-Alive, CLOSE'], false],
    ['HTTP/1.0 closes by default', '1.0', [], false],
    ['HTTP/1.0 asking for keep-alive', '1.0', ['Connection: keep-alive'], true],
    ['HTTP/1.0 with close', '1.0', ['Connection: close'], false],
  ])('%s', (_name, version, fields, keepAlive) => {
    expect(requestOf(head(`GET / HTTP/${version}`, 'Host: a', ...fields)).keepAlive).toBe(keepAlive);
  });
});

describe('Expect (RFC 9110 §10.1.1)', () => {
  it.each([
    ['no Expect', [], false],
    ['Expect: 100-continue', ['Expect: 100-continue'], true],
    ['the expectation is case-insensitive', ['Expect: 100-Continue'], true],
  ])('%s', (_name, fields, expectsContinue) => {
    expect(requestOf(get11(...fields)).expectsContinue).toBe(expectsContinue);
  });
});

/** A request line of exactly `n` bytes (without its CRLF). */
const requestLineOf = (n: number): string => `GET /${'a'.repeat(n - 'GET / HTTP/1.1'.length)} HTTP/1.1`;
/** A complete head whose header section (field lines and the empty line) is exactly `n` bytes. */
const headerSectionOf = (n: number): string =>
  head('GET / HTTP/1.1', 'Host: a', `X: ${'b'.repeat(n - 'Host: a\r\nX: \r\n\r\n'.length)}`);
/** A header section still arriving, `n` bytes long so far, with no empty line yet. */
const unfinishedSectionOf = (n: number): string => `GET / HTTP/1.1\r\nX: ${'b'.repeat(n - 'X: '.length)}`;
/** A head with `n` field lines, Host among them. */
const fieldsOf = (n: number): string =>
  head('GET / HTTP/1.1', 'Host: a', ...Array.from({ length: n - 1 }, (_, i) => `X-${i}: ${i}`));

describe('limits, each at its edge (http/limits.ts)', () => {
  const {
    maxRequestLineBytes: line,
    maxHeaderSectionBytes: section,
    maxHeaderFields: count,
    maxBodyBytes: body,
  } = LIMITS;

  it.each([
    [`a request line of exactly ${line} bytes`, head(requestLineOf(line), 'Host: a'), 'request'],
    ['one byte longer → 414 (RFC 9110 §15.5.15)', head(requestLineOf(line + 1), 'Host: a'), 414],
    [`${line} bytes of request line and no LF yet: wait for more`, requestLineOf(line), 'incomplete'],
    ['one byte more, before its end has arrived → 414 at once', requestLineOf(line + 1), 414],
    [`a header section of exactly ${section} bytes`, headerSectionOf(section), 'request'],
    ['one byte larger → 431 (RFC 6585 §5)', headerSectionOf(section + 1), 431],
    [
      `${section} bytes of fields and no empty line yet: wait for more`,
      unfinishedSectionOf(section),
      'incomplete',
    ],
    ['one byte more, still without the empty line → 431 at once', unfinishedSectionOf(section + 1), 431],
    [`exactly ${count} field lines`, fieldsOf(count), 'request'],
    [`${count + 1} field lines → 431`, fieldsOf(count + 1), 431],
    [`Content-Length: ${body}`, get11(`Content-Length: ${body}`), 'request'],
    [`Content-Length: ${body + 1} → 413 (RFC 9110 §15.5.14)`, get11(`Content-Length: ${body + 1}`), 413],
    [`${line} empty lines before the request line are still skipped`, '\n'.repeat(line) + get11(), 'request'],
    [
      'one more empty line → 400 (RFC 9112 §2.2 "at least one", not without end)',
      '\n'.repeat(line + 1) + get11(),
      400,
    ],
  ])('%s', (_name, text, expected) => {
    expect(verdict(parse(text))).toBe(expected);
  });

  it('the edge builders produce the sizes they claim', () => {
    expect(requestLineOf(line)).toHaveLength(line);
    const sectionStart = 'GET / HTTP/1.1\r\n'.length;
    expect(headerSectionOf(section).length - sectionStart).toBe(section);
    expect(unfinishedSectionOf(section).length - sectionStart).toBe(section);
  });
});

describe('any split of the bytes gives the same result (issue 2: "any split of a request across TCP segments")', () => {
  describe.each([
    [
      'a GET with several fields',
      head('GET /nums.txt HTTP/1.1', 'Host: a', 'Range: bytes=0-4', 'If-None-Match: "x"'),
    ],
    ['a bare-LF HTTP/1.0 request after empty lines', '\r\n\nGET / HTTP/1.0\nConnection: keep-alive\n\n'],
    [
      'a request with pipelined bytes after it',
      head('GET /a HTTP/1.1', 'Host: a') + head('GET /b HTTP/1.1', 'Host: a'),
    ],
    ['a POST whose body follows the head', head('POST / HTTP/1.1', 'Host: a', 'Content-Length: 5') + 'hello'],
    ['a request refused for obs-fold', get11('X-A: 1', ' 2')],
    ['a request refused at its request line', head('GET / HTTP/2.0', 'Host: a')],
    // Found by fast-check: a cut just after the CR of a line at exactly the limit once gave 414.
    [
      `a request line of exactly ${LIMITS.maxRequestLineBytes} bytes`,
      head(requestLineOf(LIMITS.maxRequestLineBytes), 'Host: a'),
    ],
  ])('%s', (_name, text) => {
    const bytes = latin1(text);
    const whole = outcome(parse(bytes));

    it('split once, at every byte k: bytes[0, k), then all of them with the returned resume', () => {
      const points = splitPoints(bytes);
      expect(points.map((k) => [k, outcome(parseInPieces(bytes, [k]))])).toEqual(
        points.map((k) => [k, whole]),
      );
    });

    it('fed one byte at a time', () => {
      expect(outcome(parseInPieces(bytes, splitPoints(bytes)))).toEqual(whole);
    });
  });

  it('refuses a garbage request line as soon as its LF arrives, before the head is complete', () => {
    expect(verdict(parse('HELLO\r\nHost: a\r\n'))).toBe(400);
  });

  it.each([
    [
      'a TLS ClientHello (https:// sent to an http:// port)',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
      400,
    ],
    ['binary noise', '\x00\x01\x02', 400],
    ['a method then a NUL', 'GET\x00', 400],
    ['a method still arriving', 'GE', 'incomplete'],
    ['a method and a CR that may be half a CRLF', 'GET\r', 'incomplete'],
    ['a method and its space', 'GET ', 'incomplete'],
  ])('refuses before any LF what cannot begin a method: %s → %s', (_name, text, expected) => {
    expect(verdict(parse(text))).toBe(expected);
  });
});

describe('pipelining (RFC 9112 §9.3.2)', () => {
  it('two requests in one buffer: the first ends at headBytes, the rest parses to the second', () => {
    const first = head('GET /a HTTP/1.1', 'Host: a');
    const second = head('HEAD /b HTTP/1.1', 'Host: a', 'Connection: close');
    const bytes = latin1(first + second);
    expect(parse(bytes)).toMatchObject({
      kind: 'request',
      headBytes: first.length,
      request: { method: 'GET', target: '/a' },
    });
    expect(parse(bytes.subarray(first.length))).toMatchObject({
      kind: 'request',
      headBytes: second.length,
      request: { method: 'HEAD', target: '/b', keepAlive: false },
    });
  });

  it('a second request still arriving is incomplete on its own', () => {
    const first = head('GET /a HTTP/1.1', 'Host: a');
    const bytes = latin1(`${first}GET /b HTT`);
    expect(parse(bytes)).toMatchObject({ kind: 'request', headBytes: first.length });
    expect(verdict(parse(bytes.subarray(first.length)))).toBe('incomplete');
  });
});
