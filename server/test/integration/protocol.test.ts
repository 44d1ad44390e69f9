/**
 * The protocol over a real socket: status lines, the fields every response carries, methods,
 * and every malformed request with the status it earns (RFC 9110, RFC 9112).
 */
import { get, onlyResponse, parseResponses, rawExchange, request } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const send = (bytes: string, halfClose = false) => rawExchange(server.port, bytes, { halfClose });

describe('every response', () => {
  it('has a status line, Date as IMF-fixdate, Server, and Content-Length', async () => {
    const res = onlyResponse(await send(get('/nums.txt')));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headers.date).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    );
    expect(res.headers.server).toBe('webserver-lab');
    expect(res.headers['content-length']).toBe('10');
    expect(res.body.toString()).toBe('0123456789');
  });

  it.each([
    ['a missing file', get('/nope.txt'), 404],
    ['a malformed request line', 'HELLO\r\n\r\n', 400],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505],
    ['an unknown method', request('DELETE', '/nums.txt'), 405],
  ])('%s gets a small HTML error page that leaks no path', async (_name, bytes, status) => {
    const res = onlyResponse(await send(bytes));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.toString()).toContain(`<h1>${status} `);
    expect(res.body.toString()).not.toMatch(/fixtures|\/work\/|node_modules|at .*\.ts/);
  });
});

describe('methods (RFC 9110 §9)', () => {
  it('HEAD gets the same head as GET and no body', async () => {
    const getRes = onlyResponse(await send(get('/style.css')));
    const headResult = await send(request('HEAD', '/style.css'));
    const headRes = onlyResponse(headResult, true);
    expect(headRes.status).toBe(200);
    const comparable = (h: Record<string, string>) => ({ ...h, date: '' });
    expect(comparable(headRes.headers)).toEqual(comparable(getRes.headers));
    expect(headResult.bytes.toString('latin1').endsWith('\r\n\r\n')).toBe(true);
  });

  it('OPTIONS gets 204 with Allow and no Content-Length (RFC 9110 §8.6)', async () => {
    const res = onlyResponse(await send(request('OPTIONS', '*')));
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['content-length']).toBeUndefined();
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'BREW', 'get'])(
    '%s gets 405 with Allow',
    async (method) => {
      const res = onlyResponse(await send(request(method, '/nums.txt')));
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    },
  );
});

describe('malformed requests', () => {
  it.each([
    ['garbage', 400, 'HELLO\r\n\r\n'],
    ['a method that is not a token', 400, 'GE(T / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['two spaces', 400, 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/0.9 style', 400, 'GET /\r\n\r\n'],
    ['lower-case version', 400, 'GET / http/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/2.0', 505, 'GET / HTTP/2.0\r\nHost: x\r\n\r\n'],
    ['HTTP/3.0', 505, 'GET / HTTP/3.0\r\nHost: x\r\n\r\n'],
    ['* with GET', 400, 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/1.1 without Host', 400, 'GET / HTTP/1.1\r\n\r\n'],
    ['two Host fields', 400, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ['an invalid Host', 400, 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n'],
    ['whitespace before the colon', 400, 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
    ['obs-fold', 400, 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n'],
    ['NUL in a value', 400, 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n'],
    ['bare CR in a value', 400, 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n'],
    [
      'Content-Length and Transfer-Encoding',
      400,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    ],
    ['an invalid Content-Length', 400, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
    [
      'two different Content-Lengths',
      400,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    ],
    ['chunked not last', 400, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'],
    ['an unknown transfer coding', 501, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: rot13\r\n\r\n'],
    ['Transfer-Encoding in HTTP/1.0', 400, 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['a body over the limit', 413, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n'],
    ['an unknown expectation', 417, 'GET / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n'],
  ])('%s → %i, and the connection closes', async (_name, status, bytes) => {
    const result = await send(bytes);
    expect(onlyResponse(result).status).toBe(status);
    expect(result.ending).toBe('server closed');
    expect(onlyResponse(result).headers.connection).toBe('close');
  });

  it('answers garbage at once, without waiting for a blank line', async () => {
    const result = await rawExchange(server.port, 'HELLO\n', { waitMs: 1000 });
    expect(onlyResponse(result).status).toBe(400);
    expect(result.ms).toBeLessThan(500);
  });
});

describe("each request's Host is checked, on a connection that sent a valid one before (RFC 9112 §3.2)", () => {
  const first = 'GET /nums.txt HTTP/1.1\r\nHost: x\r\n\r\n';
  it.each([
    ['the same Host', 'Host: x', [200, 200]],
    ['another valid Host', 'Host: y:8080', [200, 200]],
    ['an invalid Host', 'Host: x y', [200, 400]],
    ['the same Host twice', 'Host: x\r\nHost: x', [200, 400]],
    ['no Host', '', [200, 400]],
  ])('a GET with Host: x, then one with %s → %p', async (_name, host, statuses) => {
    const second = `GET /nums.txt HTTP/1.1\r\n${host === '' ? '' : `${host}\r\n`}Connection: close\r\n\r\n`;
    const responses = parseResponses((await send(first + second)).bytes);
    expect(responses.map((r) => r.status)).toEqual(statuses);
  });
});

describe('line endings and target forms', () => {
  it('accepts bare LF line endings (RFC 9112 §2.2), as a student typing into nc sends', async () => {
    const res = onlyResponse(await send('GET /nums.txt HTTP/1.1\nHost: x\nConnection: close\n\n'));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('0123456789');
  });

  it('ignores empty lines before the request line (RFC 9112 §2.2)', async () => {
    expect(onlyResponse(await send(`\r\n\r\n${get('/nums.txt')}`)).status).toBe(200);
  });

  it('serves absolute-form targets, ignoring the authority (RFC 9112 §3.2.2)', async () => {
    const res = onlyResponse(await send(get('http://elsewhere.example:81/nums.txt')));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('0123456789');
  });

  it('serves HTTP/1.0 without Host, and closes', async () => {
    const result = await send('GET /nums.txt HTTP/1.0\r\n\r\n');
    expect(onlyResponse(result).status).toBe(200);
    expect(result.ending).toBe('server closed');
  });

  it('answers a later HTTP/1.x minor version as HTTP/1.1 (RFC 9110 §6.2)', async () => {
    const res = onlyResponse(await send('GET /nums.txt HTTP/1.7\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
  });
});

describe('request bodies are read and discarded, keeping the connection in step', () => {
  const followUp = 'GET /nums.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  it.each([
    ['a Content-Length body', 'POST /nums.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'],
    [
      'a chunked body with a trailer',
      'POST /nums.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n',
    ],
    ['a GET with a body', 'GET /nums.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'],
  ])('%s, then a pipelined GET', async (_name, first) => {
    const responses = parseResponses((await send(first + followUp)).bytes);
    expect(responses.map((r) => r.status)).toEqual([first.startsWith('GET') ? 200 : 405, 200]);
    expect(responses[1]?.body.toString()).toBe('0123456789');
  });

  it('sends 100 Continue to a client that expects it, then reads the body (a GET after it is answered)', async () => {
    const result = await rawExchange(server.port, '', {
      pieces: [
        'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n',
        `ok${followUp}`,
      ],
      pauseMs: 100,
    });
    const text = result.bytes.toString('latin1');
    expect(text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 405 ')).toBe(true);
    const responses = parseResponses(result.bytes);
    expect(responses.map((r) => r.status)).toEqual([100, 405, 200]);
    expect(responses[2]?.body.toString()).toBe('0123456789');
  });

  it('refuses a malformed chunk size with 400', async () => {
    const res = onlyResponse(
      await send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
    );
    expect(res.status).toBe(400);
  });

  it('refuses a chunked body over the limit with 413', async () => {
    const res = onlyResponse(
      await send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFF\r\n'),
    );
    expect(res.status).toBe(413);
  });
});
