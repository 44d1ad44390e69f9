/**
 * serializeHead: the response head byte for byte (RFC 9112 §4 status line, §5 field lines),
 * and the refusal to write a field that could split the response (CWE-113).
 */
import { SERVER_NAME, serializeHead } from '../../../src/respond/head';

const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';

describe('the exact bytes of a head', () => {
  it.each([
    [
      'a 200 with its length, persistent (no Connection line)',
      serializeHead(200, [['Content-Length', '10']], { date: DATE, connection: undefined }),
      `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Length: 10\r\n\r\n`,
    ],
    [
      'a 404 that closes the connection',
      serializeHead(
        404,
        [
          ['Content-Type', 'text/html; charset=utf-8'],
          ['Content-Length', '0'],
        ],
        { date: DATE, connection: 'close' },
      ),
      `HTTP/1.1 404 Not Found\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    ],
    [
      'a 204 to an HTTP/1.0 client that asked for keep-alive',
      serializeHead(204, [['Allow', 'GET, HEAD, OPTIONS']], { date: DATE, connection: 'keep-alive' }),
      `HTTP/1.1 204 No Content\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: keep-alive\r\n\r\n`,
    ],
    [
      'a 431 with a reason phrase of several words',
      serializeHead(431, [], { date: DATE, connection: 'close' }),
      `HTTP/1.1 431 Request Header Fields Too Large\r\nDate: ${DATE}\r\nServer: webserver-lab\r\nConnection: close\r\n\r\n`,
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
    expect(serializeHead(200, [['X-Value', value]], { date: DATE, connection: undefined })).toContain(
      `\r\nX-Value: ${value}\r\n`,
    );
  });
});

describe('a field that could split the response throws (RFC 9110 §5.5, §5.1)', () => {
  it.each([
    ['a value with CRLF and a second field', 'X-A', 'a\r\nSet-Cookie: owned=1'],
    ['a value with a bare CR', 'X-A', 'a\rb'],
    ['a value with a bare LF', 'X-A', 'a\nb'],
    ['a value with NUL', 'X-A', 'a\x00b'],
    ['a value with a char above 0xFF', 'X-A', 'snow \u2603'],
    ['a name with a space', 'Bad Name', 'x'],
    ['a name with a colon', 'X:Y', 'x'],
    ['an empty name', '', 'x'],
    ['a name with CRLF', 'X\r\nY', 'x'],
    ['a value with leading whitespace (RFC 9110 §5.5: none around a value)', 'X-A', ' x'],
    ['a value with trailing whitespace', 'X-A', 'x\t'],
  ])('%s', (_name, name, value) => {
    expect(() => serializeHead(200, [[name, value]], { date: DATE, connection: undefined })).toThrow(
      /unsafe response field/,
    );
  });
});
