/**
 * serializeHead: the response head byte for byte (RFC 9112 §4 status line, §5 field lines),
 * the framing it alone writes (Content-Length from the content, Connection), the interim
 * 100 Continue, and the refusal to write a field that could split the response (CWE-113).
 */
import type { Reply } from '../../../src/http/message';
import { SERVER_NAME, contentLength, interimHead, serializeHead } from '../../../src/respond/head';

const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';
const NUMS = Buffer.from('0123456789');
const withFields = (fields: Reply['fields']): Reply => ({
  status: 200,
  fields,
  body: { kind: 'bytes', bytes: NUMS },
  close: false,
});

describe('the exact bytes of a head', () => {
  it.each([
    [
      'a 200 with its length, persistent (no Connection line)',
      serializeHead(withFields([]), { date: DATE, connection: undefined }),
      `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Length: 10\r\n\r\n`,
    ],
    [
      'a 404 that closes the connection: its fields, then the framing',
      serializeHead(
        {
          status: 404,
          fields: [['Content-Type', 'text/html; charset=utf-8']],
          body: { kind: 'bytes', bytes: Buffer.alloc(0) },
          close: true,
        },
        { date: DATE, connection: 'close' },
      ),
      `HTTP/1.1 404 Not Found\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    ],
    [
      'a 204 to an HTTP/1.0 client that asked for keep-alive: no Content-Length (RFC 9110 §8.6)',
      serializeHead(
        { status: 204, fields: [['Allow', 'GET, HEAD, OPTIONS']], close: false },
        { date: DATE, connection: 'keep-alive' },
      ),
      `HTTP/1.1 204 No Content\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: keep-alive\r\n\r\n`,
    ],
    [
      'a 304: no Content-Length either (RFC 9110 §15.4.5)',
      serializeHead(
        { status: 304, fields: [['ETag', '"a-1"']], close: false },
        { date: DATE, connection: undefined },
      ),
      `HTTP/1.1 304 Not Modified\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nETag: "a-1"\r\n\r\n`,
    ],
    [
      'a 431 with a reason phrase of several words',
      serializeHead(
        { status: 431, fields: [], body: { kind: 'bytes', bytes: Buffer.alloc(3) }, close: true },
        { date: DATE, connection: 'close' },
      ),
      `HTTP/1.1 431 Request Header Fields Too Large\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Length: 3\r\nConnection: close\r\n\r\n`,
    ],
    [
      'a 200 that keeps an HTTP/1.1 connection: the idle timeout advertised (RFC 9112 §9.5)',
      serializeHead(withFields([]), { date: DATE, connection: undefined, idleTimeout: 4 }),
      `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Length: 10\r\nKeep-Alive: timeout=4\r\n\r\n`,
    ],
    [
      'a 200 that keeps an HTTP/1.0 keep-alive connection: Connection, then Keep-Alive',
      serializeHead(withFields([]), { date: DATE, connection: 'keep-alive', idleTimeout: 4 }),
      `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Length: 10\r\nConnection: keep-alive\r\nKeep-Alive: timeout=4\r\n\r\n`,
    ],
    [
      'a 200 that closes the connection: no Keep-Alive, whatever the idle timeout',
      serializeHead(withFields([]), { date: DATE, connection: 'close', idleTimeout: 4 }),
      `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Length: 10\r\nConnection: close\r\n\r\n`,
    ],
    [
      '100 Continue: the status line alone (RFC 9110 §15.2.1)',
      interimHead(100),
      'HTTP/1.1 100 Continue\r\n\r\n',
    ],
  ])('%s', (_name, head, bytes) => {
    expect(head).toBe(bytes);
  });

  it('names this server in Server (RFC 9110 §10.2.4)', () => {
    expect(SERVER_NAME).toBe('webserver-lab');
  });

  it.each([
    ['HTAB inside a value', 'a\tb'],
    ['obs-text (latin1) in a value (RFC 9110 §5.5)', 'caf\xe9'],
    ['an empty value', ''],
  ])('writes %s as it is', (_name, value) => {
    expect(serializeHead(withFields([['X-Value', value]]), { date: DATE, connection: undefined })).toContain(
      `\r\nX-Value: ${value}\r\n`,
    );
  });
});

describe('Content-Length is the length of the content, whatever its source', () => {
  it.each([
    ['bytes', { kind: 'bytes' as const, bytes: NUMS }, 10],
    [
      'pieces of a file and literal bytes (multipart)',
      {
        kind: 'file' as const,
        file: {
          fd: 3,
          pieces: [
            { kind: 'bytes' as const, bytes: Buffer.from('--a\r\n') },
            { kind: 'slice' as const, start: 2, end: 5 },
          ],
        },
      },
      8,
    ],
  ])('%s', (_name, body, length) => {
    expect(contentLength(body)).toBe(length);
  });
});

describe('a field that could split the response, or frame it twice, throws (RFC 9110 §5.5, §5.1)', () => {
  it.each([
    ['a value with CRLF and a second field', 'X-A', 'a\r\nSet-Cookie: owned=1', /unsafe response field/],
    ['a value with a bare CR', 'X-A', 'a\rb', /unsafe response field/],
    ['a value with a bare LF', 'X-A', 'a\nb', /unsafe response field/],
    ['a value with NUL', 'X-A', 'a\x00b', /unsafe response field/],
    ['a value with a char above 0xFF', 'X-A', 'snow \u2603', /unsafe response field/],
    ['a name with a space', 'Bad Name', 'x', /unsafe response field/],
    ['a name with a colon', 'X:Y', 'x', /unsafe response field/],
    ['an empty name', '', 'x', /unsafe response field/],
    ['a name with CRLF', 'X\r\nY', 'x', /unsafe response field/],
    [
      'a value with leading whitespace (RFC 9110 §5.5: none around a value)',
      'X-A',
      ' x',
      /unsafe response field/,
    ],
    ['a value with trailing whitespace', 'X-A', 'x\t', /unsafe response field/],
    ["a Content-Length among a reply's own fields", 'Content-Length', '5', /framing field/],
    ['a Connection among them', 'connection', 'close', /framing field/],
    ['a Transfer-Encoding among them', 'Transfer-Encoding', 'chunked', /framing field/],
    ['a Keep-Alive among them', 'Keep-Alive', 'timeout=60', /framing field/],
  ])('%s', (_name, name, value, error) => {
    expect(() => serializeHead(withFields([[name, value]]), { date: DATE, connection: undefined })).toThrow(
      error,
    );
  });
});

describe('the types forbid a body where the RFC does', () => {
  it('a 204 or a 304 with content, or a 200 without, does not compile', () => {
    const bytes = { kind: 'bytes' as const, bytes: NUMS };
    // @ts-expect-error a 304 carries no content (RFC 9110 §15.4.5)
    const notModified: Reply = { status: 304, fields: [], body: bytes, close: false };
    // @ts-expect-error nor does a 204 (RFC 9110 §15.3.5)
    const noContent: Reply = { status: 204, fields: [], body: bytes, close: false };
    // @ts-expect-error a 200 must say what its content is
    const ok: Reply = { status: 200, fields: [], close: false };
    // @ts-expect-error 100 is interim, written by interimHead, never a reply
    const interim: Reply = { status: 100, fields: [], close: false };
    // The check is the compiler's (ts-jest here, tsc in npm run lint). What it prevents: a head
    // that frames content a 304 must not have.
    expect([ok.status, noContent.status, interim.status]).toEqual([200, 204, 100]);
    expect(serializeHead(notModified, { date: DATE, connection: undefined })).toContain(
      'Content-Length: 10\r\n',
    );
  });
});
