/**
 * Live reload over real sockets (issue 14): the script in HTML pages with a right
 * Content-Length and an ETag of its own (conditions and ranges decided for the page with the
 * script), and GET /__lab/live-reload, a Server-Sent Events stream that says "reload" when a
 * file under a temporary root changes: by file-change events, and by polling alone (forced,
 * as where events never arrive). Bounded: a cap on streams, streams ended at shutdown, not cut
 * by the idle or request timeouts.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { LiveReloadSettings } from '../../src/features/live-reload/live-reload';
import { chooseFeatures } from '../../src/features/layers';
import { SCRIPT_ELEMENT } from '../../src/features/live-reload/inject';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/limits';
import { get, onlyResponse, rawExchange, request } from '../support/raw-client';
import { FEATURES_OFF, FIXTURE_SITE, type TestServer, startTestServer } from '../support/test-server';
import { startServer } from '../../src/net/server';
import { quietObserver } from '../../src/log/observer';
import { nodeFileSystem } from '../../src/resolve/file-system';

const PAGE = '<!doctype html><title>t</title><p>0123456789</p></body></html>\n';

let root: string;
const servers: TestServer[] = [];
const sockets: net.Socket[] = [];

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'webserver-lab-reload-')));
  fs.writeFileSync(path.join(root, 'index.html'), PAGE);
  fs.writeFileSync(path.join(root, 'nums.txt'), '0123456789');
  fs.mkdirSync(path.join(root, 'docs'));
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  fs.rmSync(root, { recursive: true, force: true });
});

/** The server's default features (compression on), and live reload with these settings. */
function withLiveReload(
  reload: LiveReloadSettings,
  { listing = false, maxConnections = DEFAULT_LIMITS.maxConnections } = {},
): ReturnType<typeof chooseFeatures> {
  return chooseFeatures({
    ...FEATURES_OFF,
    compress: true,
    listing,
    maxConnections,
    liveReload: true,
    reload,
  });
}

async function serve(
  settings: Partial<LiveReloadSettings> = {},
  limits: Partial<Limits> = {},
  listing = false,
): Promise<TestServer> {
  const { maxConnections } = { ...DEFAULT_LIMITS, ...limits };
  const started = await startServer({
    root,
    host: '127.0.0.1',
    port: 0,
    listing,
    limits: { ...DEFAULT_LIMITS, ...limits },
    observer: quietObserver,
    fs: nodeFileSystem,
    cache: process.env.NO_CACHE !== '1',
    features: withLiveReload(
      { notice: () => undefined, pollMs: 50, ...settings },
      { listing, maxConnections },
    ),
  });
  const server = Object.assign(started, { port: started.address.port });
  servers.push(server);
  return server;
}

/** An open event stream: what it has received so far, and a wait for some text in it. */
interface Stream {
  readonly text: () => string;
  readonly until: (pattern: RegExp, ms?: number) => Promise<string>;
  readonly ended: Promise<void>;
}

function openStream(port: number, extra: string[] = []): Stream {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.write(
    ['GET /__lab/live-reload HTTP/1.1', 'Host: test', 'Accept: text/event-stream', ...extra, '', ''].join(
      '\r\n',
    ),
  );
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const until = async (pattern: RegExp, ms = 5_000): Promise<string> => {
    const deadline = Date.now() + ms;
    while (!pattern.test(received)) {
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} within ${ms} ms in: ${JSON.stringify(received)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return received;
  };
  return { text: () => received, until, ended };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the script in HTML pages', () => {
  it('is put before </body>, with a Content-Length that counts it and an ETag of its own', async () => {
    const plain = await startTestServer({ root });
    servers.push(plain);
    const without = onlyResponse(await rawExchange(plain.port, get('/index.html')));
    const server = await serve();
    const res = onlyResponse(await rawExchange(server.port, get('/index.html')));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(PAGE.replace('</body>', `${SCRIPT_ELEMENT.toString()}</body>`));
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(PAGE) + SCRIPT_ELEMENT.length);
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+-lr[0-9a-f]{6}"$/);
    expect(res.headers.etag).not.toBe(without.headers.etag);
    expect(res.headers['last-modified']).toBe(without.headers['last-modified']);
  });

  it.each([
    ['/nums.txt', 'a text file'],
    ['/missing.html', 'an error page'],
  ])('is not put into %s (%s)', async (target) => {
    const server = await serve();
    const res = onlyResponse(await rawExchange(server.port, get(target)));
    expect(res.body.toString()).not.toContain('live-reload');
  });

  it('goes into a listing too (--listing)', async () => {
    const server = await serve({}, {}, true);
    const res = onlyResponse(await rawExchange(server.port, get('/docs/')));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain(SCRIPT_ELEMENT.toString());
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  it('HEAD gets the same head, Content-Length and ETag, and no body', async () => {
    const server = await serve();
    const full = onlyResponse(await rawExchange(server.port, get('/')));
    const head = onlyResponse(await rawExchange(server.port, request('HEAD', '/')), true);
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers.etag).toBe(full.headers.etag);
    expect(head.body.length).toBe(0);
  });
});

describe('conditions and ranges, decided for the page with the script', () => {
  let server: TestServer;
  let etag: string;
  let size: number;
  beforeEach(async () => {
    server = await serve();
    const res = onlyResponse(await rawExchange(server.port, get('/index.html')));
    etag = res.headers.etag ?? '';
    size = res.body.length;
  });
  const fetch = async (...headers: string[]) =>
    onlyResponse(await rawExchange(server.port, get('/index.html', ...headers)));

  it('If-None-Match with its ETag: 304 with that ETag', async () => {
    const res = await fetch(`If-None-Match: ${etag}`);
    expect([res.status, res.headers.etag]).toEqual([304, etag]);
  });

  it('If-None-Match with the ETag of the file without the script: 200 (another representation)', async () => {
    const res = await fetch(`If-None-Match: ${etag.replace(/-lr[0-9a-f]{6}"$/, '"')}`);
    expect(res.status).toBe(200);
  });

  it('If-Match with its ETag passes; Range counts the bytes of the page with the script', async () => {
    const res = await fetch(`If-Match: ${etag}`, `Range: bytes=-10`);
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect(res.body.toString()).toBe('y></html>\n'); // the page's own end: the script went in before </body>
  });

  it('Range inside the script: those bytes of it', async () => {
    const at = Buffer.byteLength(PAGE.slice(0, PAGE.indexOf('</body>')));
    const res = await fetch(`Range: bytes=${at}-${at + 7}`);
    expect([res.status, res.body.toString()]).toEqual([206, '<script ']);
  });

  it('If-Range with its ETag: 206; with the plain file ETag: 200 whole', async () => {
    const partial = await fetch(`If-Range: ${etag}`, 'Range: bytes=0-3');
    const whole = await fetch(`If-Range: ${etag.replace(/-lr[0-9a-f]{6}"$/, '"')}`, 'Range: bytes=0-3');
    expect([partial.status, partial.body.toString()]).toEqual([206, '<!do']);
    expect([whole.status, whole.body.length]).toEqual([200, size]);
  });
});

describe('GET /__lab/live-reload', () => {
  it('is an event stream: its head, a retry hint and the hello event', async () => {
    const server = await serve();
    const stream = openStream(server.port);
    const text = await stream.until(/event: hello\ndata: [0-9a-f]+\n\n/);
    const head = text.slice(0, text.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('Content-Type: text/event-stream');
    expect(head).toContain('Cache-Control: no-store');
    expect(head).toContain('Connection: close');
    expect(head).not.toMatch(/Content-Length|Transfer-Encoding/);
    expect(text).toContain('\r\n\r\nretry: 1000\n');
  });

  it.each<[string, Partial<LiveReloadSettings>]>([
    ['by a file-change event', { pollMs: 60_000 }],
    ['by polling alone (events off, as on a Docker Desktop bind mount)', { events: false }],
  ])('says "reload" when a file under the root changes: %s', async (_name, settings) => {
    const server = await serve(settings);
    const stream = openStream(server.port);
    await stream.until(/event: hello/);
    await pause(300); // polling has learnt the tree
    fs.writeFileSync(path.join(root, 'docs', 'new.html'), '<p>new</p>');
    const text = await stream.until(/event: reload\ndata: .*\n\n/);
    expect(text).toMatch(/event: reload\ndata: \["\/docs\/new\.html"\]\n\n/);
    expect(text.match(/event: reload/g)).toHaveLength(1);
  });

  it('by polling alone, the page fetched after the reload event is the edited one', async () => {
    const server = await serve({ events: false });
    await rawExchange(server.port, get('/index.html')); // on the fast path, now cached
    const stream = openStream(server.port);
    await stream.until(/event: hello/);
    await pause(300);
    fs.writeFileSync(path.join(root, 'index.html'), PAGE.replace('<p>', '<p>v2 '));
    await stream.until(/event: reload/);
    const res = onlyResponse(await rawExchange(server.port, get('/index.html')));
    expect(res.body.toString()).toContain('<p>v2 0123456789');
  });

  it('says it once for an edit that events and polling both see', async () => {
    const server = await serve({ pollMs: 20 });
    const stream = openStream(server.port);
    await stream.until(/event: hello/);
    await pause(300);
    fs.writeFileSync(path.join(root, 'index.html'), `${PAGE}<!-- edited -->`);
    await stream.until(/event: reload/);
    await pause(500); // polling has been round the tree many times since
    expect(stream.text().match(/event: reload/g)).toHaveLength(1);
  });

  it('stays open past the idle and request timeouts, and still reports', async () => {
    const server = await serve({}, { idleTimeoutMs: 100, requestTimeoutMs: 100 });
    const stream = openStream(server.port);
    await stream.until(/event: hello/);
    await pause(700);
    fs.writeFileSync(path.join(root, 'nums.txt'), 'changed');
    await stream.until(/event: reload/);
  });

  it(`takes at most maxStreams streams: the next gets 503 with Retry-After`, async () => {
    const server = await serve({ maxStreams: 2 });
    const open = [openStream(server.port), openStream(server.port)];
    await Promise.all(open.map((s) => s.until(/event: hello/)));
    const refused = onlyResponse(await rawExchange(server.port, get('/__lab/live-reload')));
    expect([refused.status, refused.headers['retry-after']]).toEqual([503, '2']);
    sockets[0]?.destroy(); // a page closes: its place is free again
    await pause(100);
    await openStream(server.port).until(/event: hello/);
  });

  it('never takes more than half the connections (--max-connections 6: 3 streams)', async () => {
    const server = await serve({}, { maxConnections: 6 });
    const open = [openStream(server.port), openStream(server.port), openStream(server.port)];
    await Promise.all(open.map((s) => s.until(/event: hello/)));
    const refused = onlyResponse(await rawExchange(server.port, get('/__lab/live-reload')));
    expect(refused.status).toBe(503);
  });

  it.each([
    ['HEAD: the head alone', 'HEAD', 200],
    ['POST: 405', 'POST', 405],
  ])('%s', async (_name, method, status) => {
    const server = await serve();
    const res = await rawExchange(server.port, request(method, '/__lab/live-reload'), { waitMs: 2000 });
    const text = res.bytes.toString('latin1');
    expect(text.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(res.ending).toBe('server closed');
    if (method === 'HEAD') expect(text.endsWith('\r\n\r\n')).toBe(true);
    if (method === 'POST') expect(text).toContain('Allow: GET, HEAD');
  });

  it('ends its streams at shutdown, promptly', async () => {
    const server = await serve();
    const stream = openStream(server.port);
    await stream.until(/event: hello/);
    const started = Date.now();
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(DEFAULT_LIMITS.shutdownGraceMs);
  });
});

it('with compression (the default): a page with its script is compressed whole, the event stream never', async () => {
  const big = PAGE.replace('<p>', `<p>${'0123456789'.repeat(400)}`); // above compression's 1 KiB floor
  fs.writeFileSync(path.join(root, 'big.html'), big);
  const server = await serve();
  const res = onlyResponse(await rawExchange(server.port, get('/big.html', 'Accept-Encoding: gzip')));
  expect(res.headers['content-encoding']).toBe('gzip');
  expect(Number(res.headers['content-length'])).toBe(res.body.length);
  expect(zlib.gunzipSync(res.body).toString()).toBe(
    big.replace('</body>', `${SCRIPT_ELEMENT.toString()}</body>`),
  );
  const stream = openStream(server.port, ['Accept-Encoding: gzip, br']);
  expect(await stream.until(/event: hello/)).not.toMatch(/content-encoding/i);
});

it('trace mode shows it: the decision lines name the stream and the script put into a page', async () => {
  const notes: string[] = [];
  const started = await startServer({
    root,
    host: '127.0.0.1',
    port: 0,
    listing: false,
    limits: DEFAULT_LIMITS,
    observer: { ...quietObserver, decided: (_peer, _request, steps) => notes.push(...(steps.notes ?? [])) },
    fs: nodeFileSystem,
    cache: process.env.NO_CACHE !== '1',
    features: withLiveReload({ notice: () => undefined }),
  });
  servers.push(Object.assign(started, { port: started.address.port }));
  await rawExchange(started.address.port, get('/index.html'));
  await openStream(started.address.port).until(/event: hello/);
  expect(notes).toEqual([
    expect.stringMatching(
      /^live reload: script put into the page \(\d+ → \d+ bytes, ETag "[^"]+-lr[0-9a-f]{6}"\)/,
    ),
    'compression: no Accept-Encoding → identity', // the page with its script, as it is sent
    expect.stringMatching(/^live reload: event stream \(1 of at most 64\)/),
  ]);
});

it('without --live-reload, pages are sent as they are', async () => {
  const server = await startTestServer({ root: FIXTURE_SITE });
  servers.push(server);
  const res = onlyResponse(await rawExchange(server.port, get('/index.html')));
  expect(res.body.toString()).not.toContain('live-reload');
});
