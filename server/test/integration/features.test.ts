/**
 * The optional features (features/layers.ts) over real sockets, each started the way a user
 * starts it (main's `start`, flags and variables): the single-page-app fallback, --header, CORS
 * and its preflight, the /__lab/ endpoints and their quiet log, and IPv6.
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT_USAGE, start } from '../../src/main';
import { type ParsedResponse, get, onlyResponse, rawExchange, request } from '../support/raw-client';
import { FIXTURE_SITE, STRATEGY_ENV } from '../support/test-server';
import { type CapturedIo, capturedIo } from '../support/captured-io';

const INDEX = fs.readFileSync(path.join(FIXTURE_SITE, 'index.html'));
const NUMS = fs.readFileSync(path.join(FIXTURE_SITE, 'nums.txt'));

interface Started {
  readonly port: number;
  readonly io: CapturedIo;
  /** One request (raw bytes), its one response; `head` for a reply without a body (HEAD). */
  ask(raw: string, head?: boolean): Promise<ParsedResponse>;
  stop(): Promise<number>;
}

async function serve(args: string[], env: NodeJS.ProcessEnv = {}, host = '127.0.0.1'): Promise<Started> {
  const io = capturedIo();
  const started = await start(
    ['--root', FIXTURE_SITE, '--host', host, '--port', '0', ...args],
    { ...STRATEGY_ENV, ...env },
    io,
  );
  if (started.kind !== 'running') throw new Error(io.stderr());
  const ask = async (raw: string, head = false) =>
    onlyResponse(await rawExchange(started.port, raw, { host: host === '::' ? '::1' : host }), head);
  return { port: started.port, io, ask, stop: () => started.stop('test') };
}

/** A server started before a describe's tests and stopped after them; `server()` inside a test. */
function serveAround(args: string[], env: NodeJS.ProcessEnv): () => Started {
  let server: Started | undefined;
  beforeAll(async () => {
    server = await serve(args, env);
  });
  afterAll(() => server?.stop());
  return () => {
    if (server === undefined) throw new Error('the server did not start');
    return server;
  };
}

/** The JSON log lines a server wrote. */
function logLines(io: CapturedIo): Record<string, unknown>[] {
  return io
    .stdout()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.each([
  ['--spa', ['--spa'], {}],
  ['SPA=1', [], { SPA: '1' }],
])('the single-page-app fallback, with %s', (_name, args, env) => {
  const server = serveAround(args, env);

  it.each([
    ['a client route, from a browser', get('/settings/profile', 'Accept: text/html,*/*;q=0.8')],
    ['a route with a query and no Accept', get('/settings?tab=2')],
    ['a missing folder with its slash', get('/app/', 'Accept: */*')],
  ])('%s gets /index.html with 200 and Vary: Accept', async (_row, raw) => {
    const res = await server().ask(raw);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers.vary).toBe('Accept-Encoding, Accept'); // compression is on by default
    expect(res.body.equals(INDEX)).toBe(true);
  });

  it('a HEAD for a route gets the head of /index.html, no body', async () => {
    const res = await server().ask(request('HEAD', '/settings', 'Accept: text/html'), true);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(INDEX.length));
    expect(res.body.length).toBe(0);
  });

  it("a route revalidates against /index.html's own ETag: 304", async () => {
    const etag = (await server().ask(get('/index.html'))).headers.etag ?? '';
    const res = await server().ask(get('/settings', `If-None-Match: ${etag}`));
    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe(etag);
  });

  it.each([
    ['a missing file with an extension', get('/missing.js', 'Accept: */*'), undefined],
    ['a client that does not accept HTML', get('/settings', 'Accept: application/json'), 'Accept'],
    ['text/html;q=0', get('/settings', 'Accept: text/html;q=0, */*'), 'Accept'],
    ['a directory that exists, without index.html', get('/noindex/', 'Accept: text/html'), undefined],
    ['a dotfile', get('/.secret', 'Accept: text/html'), undefined],
    ['a path under /__lab/, which is reserved', get('/__lab/settings', 'Accept: text/html'), undefined],
  ])('%s stays 404', async (_row, raw, vary) => {
    const res = await server().ask(raw);
    expect(res.status).toBe(404);
    expect(res.headers.vary).toBe(vary);
  });

  it.each([
    ['POST', 405],
    ['OPTIONS', 204],
  ])('%s for a route keeps its own answer (%i)', async (method, status) => {
    expect((await server().ask(request(method, '/settings', 'Content-Length: 0'))).status).toBe(status);
  });

  it('a file that exists is served as it is', async () => {
    const res = await server().ask(get('/nums.txt', 'Accept: text/html'));
    expect(res.body.equals(NUMS)).toBe(true);
    expect(res.headers.vary).toBe('Accept-Encoding'); // compression's own, not the fallback's Accept
  });
});

describe('without --spa', () => {
  it('a client route is 404, with no Vary', async () => {
    const server = await serve([]);
    const res = await server.ask(get('/settings', 'Accept: text/html'));
    await server.stop();
    expect(res.status).toBe(404);
    expect(res.headers.vary).toBeUndefined();
  });
});

describe.each([
  ['--header, twice', ['--header', 'X-Frame-Options: DENY', '--header=Cache-Control: max-age=60'], {}],
  ['HEADERS, one a line', [], { HEADERS: 'X-Frame-Options: DENY\nCache-Control: max-age=60' }],
])('extra fields, with %s', (_name, args, env) => {
  const server = serveAround(args, env);

  it.each([
    ['a file (200)', get('/nums.txt'), 200],
    ['a missing file (404)', get('/missing'), 404],
    ['a range (206)', get('/nums.txt', 'Range: bytes=0-1'), 206],
    ['OPTIONS (204)', request('OPTIONS', '*'), 204],
    ['the health check (200)', get('/__lab/health'), 200],
  ])('are on %s, Cache-Control once, the server’s own replaced', async (_row, raw, status) => {
    const res = await server().ask(raw);
    expect(res.status).toBe(status);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headerNames.filter((name) => name.toLowerCase() === 'cache-control')).toEqual([
      'Cache-Control',
    ]);
    expect(res.headers['cache-control']).toBe('max-age=60');
  });
});

describe('a field that cannot be sent is refused at start', () => {
  it.each([
    ['no colon', ['--header', 'X-Frame-Options DENY'], {}, 'must be "Name: value"'],
    ['a space in the name', [], { HEADERS: 'X Frame: DENY' }, 'the name must be a token'],
    ['a control character', ['--header', 'X-A: a\x01b'], {}, 'holds a control character'],
    ['Content-Length', ['--header', 'Content-Length: 1'], {}, 'cannot be set'],
  ])('%s: exit 2, one line', async (_row, args, env, message) => {
    const io = capturedIo();
    expect(await start(['--root', FIXTURE_SITE, ...args], env, io)).toEqual({
      kind: 'exited',
      code: EXIT_USAGE,
    });
    expect(io.stderr()).toMatch(/^webserver-lab: header [^\n]+\n$/);
    expect(io.stderr()).toContain(message);
  });
});

describe.each([
  ['--cors', ['--cors'], {}],
  ['CORS=1', [], { CORS: '1' }],
])('CORS, with %s', (_name, args, env) => {
  const server = serveAround(args, env);

  it.each([
    ['a CORS request (Origin)', get('/nums.txt', 'Origin: https://app.example'), 200],
    ['a request without Origin, so a cached copy serves both', get('/nums.txt'), 200],
    ['a 404', get('/missing', 'Origin: https://app.example'), 404],
    ['a 206', get('/nums.txt', 'Origin: https://a.example', 'Range: bytes=2-3'), 206],
  ])('%s carries Access-Control-Allow-Origin: * and no Vary: Origin', async (_row, raw, status) => {
    const res = await server().ask(raw);
    expect(res.status).toBe(status);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBe('*');
    expect(res.headers.vary ?? '').not.toMatch(/origin/i);
  });

  it('a preflight gets 204, the methods, the headers it asked for, a max age, and no body', async () => {
    const preflight = request(
      'OPTIONS',
      '/data.json',
      'Origin: https://app.example',
      'Access-Control-Request-Method: GET',
      'Access-Control-Request-Headers: x-token, content-type',
    );
    const result = await rawExchange(server().port, preflight);
    const res = onlyResponse(result);
    expect(res.statusLine).toBe('HTTP/1.1 204 No Content');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('x-token, content-type');
    expect(res.headers['access-control-max-age']).toBe('7200');
    expect(res.headers['content-length']).toBeUndefined(); // 204: no Content-Length (RFC 9110 §8.6)
    expect(result.bytes.toString('latin1').endsWith('\r\n\r\n')).toBe(true);
  });

  it('a preflight for a method this server does not serve: 204 listing the ones it does', async () => {
    const res = await server().ask(
      request('OPTIONS', '/x', 'Origin: https://app.example', 'Access-Control-Request-Method: PUT'),
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('a plain OPTIONS (no Access-Control-Request-Method) keeps its answer, with Allow-Origin', async () => {
    const res = await server().ask(request('OPTIONS', '*', 'Origin: https://app.example'));
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('without --cors', () => {
  it('no Access-Control field, and a preflight is a plain OPTIONS', async () => {
    const server = await serve([]);
    const got = await server.ask(get('/nums.txt', 'Origin: https://app.example'));
    const preflight = await server.ask(
      request('OPTIONS', '/nums.txt', 'Origin: https://a.example', 'Access-Control-Request-Method: GET'),
    );
    await server.stop();
    expect(got.headerNames.filter((name) => name.startsWith('Access-Control'))).toEqual([]);
    expect(preflight.headerNames.filter((name) => name.startsWith('Access-Control'))).toEqual([]);
  });
});

describe('/__lab/, the server’s own paths', () => {
  let site: string;
  let server: Started;
  beforeAll(async () => {
    // A site that holds a __lab folder of its own: it is never served.
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-'));
    fs.mkdirSync(path.join(site, '__lab'));
    fs.writeFileSync(path.join(site, '__lab', 'health'), 'the site’s own');
    fs.writeFileSync(path.join(site, '__lab', 'page.html'), '<p>mine</p>');
    server = await serve(['--root', site]);
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(site, { recursive: true, force: true });
  });

  it('GET /__lab/health → 200 ok, text/plain, not stored', async () => {
    const res = await server.ask(get('/__lab/health'));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-length']).toBe('2');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.toString()).toBe('ok');
  });

  it('HEAD /__lab/health → 200, Content-Length 2, no body', async () => {
    const res = await server.ask(request('HEAD', '/__lab/health'), true);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('2');
    expect(res.body.length).toBe(0);
  });

  it.each(['/__lab/page.html', '/__lab/', '/__lab', '/%5F%5Flab/health/', '/x/../__lab/page.html'])(
    '%s → 404 whatever the site holds',
    async (target) => {
      const res = await server.ask(get(target));
      expect(res.status).toBe(404);
      expect(res.body.toString()).not.toContain('mine');
    },
  );

  it.each([
    ['POST', 405],
    ['OPTIONS', 204],
  ])('%s /__lab/health → %i, as for any path', async (method, status) => {
    expect((await server.ask(request(method, '/__lab/health', 'Content-Length: 0'))).status).toBe(status);
  });
});

describe('the health probe in the log', () => {
  it.each([
    ['info', 0],
    ['debug', 20],
  ])(
    'at %s: its access and connection lines at debug level only; other requests at info',
    async (level, probeLevel) => {
      const server = await serve(['--log-level', level]);
      await server.ask(get('/__lab/health'));
      await server.ask(get('/nums.txt'));
      await server.stop();
      const lines = logLines(server.io);
      const levelOf = (pattern: RegExp): number[] =>
        lines.filter((l) => pattern.test(String(l.msg))).map((l) => Number(l.level));
      expect(levelOf(/^GET \/__lab\/health 200 2B/)).toEqual(probeLevel === 0 ? [] : [probeLevel]);
      expect(levelOf(/^GET \/nums\.txt 200 10B/)).toEqual([30]);
      const connections = levelOf(/^Connection from \('127\.0\.0\.1', \d+\)$/);
      expect(connections).toEqual(probeLevel === 0 ? [30] : [20, 30]);
    },
  );
});

describe('the connection line', () => {
  it('a connection closed before its first request is logged with its address, not "?"', async () => {
    const server = await serve(['--log-level', 'info']);
    await new Promise<void>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end());
      socket.on('close', () => resolve()).resume();
    });
    await server.stop();
    expect(logLines(server.io).map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^Connection from \('127\.0\.0\.1', \d+\)$/),
    );
  });
});

describe('IPv6', () => {
  it('--host ::1 serves on ::1, the banner shows it in brackets, the log its address', async () => {
    const server = await serve([], {}, '::1');
    const res = await server.ask(get('/nums.txt'));
    await server.stop();
    expect(res.body.equals(NUMS)).toBe(true);
    expect(server.io.stdout()).toContain(`HTTP Server running at http://[::1]:${server.port}`);
    expect(logLines(server.io).map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^Connection from \('::1', \d+\)$/),
    );
  });

  it('--host :: is dual stack: ::1 and 127.0.0.1 both served, the IPv4 client logged as IPv4', async () => {
    const server = await serve([], {}, '::');
    const six = onlyResponse(await rawExchange(server.port, get('/nums.txt'), { host: '::1' }));
    const four = onlyResponse(await rawExchange(server.port, get('/nums.txt'), { host: '127.0.0.1' }));
    await server.stop();
    expect([six.status, four.status]).toEqual([200, 200]);
    expect(four.body.equals(NUMS)).toBe(true);
    const peers = logLines(server.io)
      .map((l) => l.peer)
      .filter(Boolean);
    expect(peers).toEqual(expect.arrayContaining(['::1', '127.0.0.1']));
    expect(peers).not.toContainEqual(expect.stringMatching(/^::ffff:/));
  });
});

describe('the banner and the trace', () => {
  it('the banner names the features that are on', async () => {
    const server = await serve(['--spa', '--cors', '--header', 'X-A: 1']);
    await server.stop();
    expect(server.io.stdout()).toMatch(/Serving [^\n]*[(, ]1 extra header, CORS, single-page app fallback\)/);
  });

  it('the trace shows what each feature did', async () => {
    const server = await serve(['--trace', '--spa', '--cors', '--header', 'X-A: 1']);
    await server.ask(get('/settings', 'Accept: text/html'));
    await server.ask(
      request('OPTIONS', '/x', 'Origin: https://a.example', 'Access-Control-Request-Method: GET'),
    );
    await server.ask(get('/__lab/health'));
    await server.stop();
    const out = server.io.stdout();
    expect(out).toContain(
      'spa: nothing at /settings, no extension, Accept takes text/html → /index.html, 200',
    );
    expect(out).toContain('cors: Access-Control-Allow-Origin: * on every reply');
    expect(out).toContain('cors: a preflight from https://a.example for GET → 204');
    expect(out).toContain('lab: /__lab/health → 200 ok');
    expect(out).toContain('headers: X-A set by --header');
  });
});
