/**
 * Connection management over real sockets (RFC 9112 §9): persistence, pipelining, half-close,
 * every limit and timeout tied to its status, lingering after errors, aborted downloads,
 * the connection cap and graceful shutdown.
 */
import { once } from 'node:events';
import net from 'node:net';
import { type Ending } from '../../src/log/observer';
import { get, onlyResponse, parseResponses, rawExchange } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';
import { type BigSite, eventually, makeBigSite, openDescriptors, sleep } from '../support/big-file';
import { Download, KeptAliveClient, withServer } from '../support/hostile';

const keepAliveGet = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('persistence and pipelining', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ limits: { idleTimeoutMs: 500 } });
  });
  afterAll(() => server.stop());

  it('answers pipelined requests in order, from one write', async () => {
    const result = await rawExchange(
      server.port,
      keepAliveGet('/nums.txt') + keepAliveGet('/missing') + get('/style.css'),
    );
    expect(parseResponses(result.bytes).map((r) => r.status)).toEqual([200, 404, 200]);
    expect(result.ending).toBe('server closed');
  });

  it('keeps an HTTP/1.1 connection open after a reply', async () => {
    const result = await rawExchange(server.port, keepAliveGet('/nums.txt'), { waitMs: 300 });
    expect(onlyResponse(result).headers.connection).toBeUndefined();
    expect(result.ending).toBe('still open');
  });

  it.each([
    [
      'HTTP/1.1 with Connection: close',
      'GET /nums.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'close',
    ],
    ['HTTP/1.0', 'GET /nums.txt HTTP/1.0\r\n\r\n', 'close'],
  ])('closes after %s', async (_name, bytes, connection) => {
    const result = await rawExchange(server.port, bytes);
    expect(onlyResponse(result).headers.connection).toBe(connection);
    expect(result.ending).toBe('server closed');
  });

  it('keeps an HTTP/1.0 connection open when asked, saying Connection: keep-alive', async () => {
    const result = await rawExchange(
      server.port,
      'GET /nums.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      { waitMs: 300 },
    );
    expect(onlyResponse(result).headers.connection).toBe('keep-alive');
    expect(result.ending).toBe('still open');
  });

  it('sends the whole reply to a client that half-closed after its request (nc -N)', async () => {
    const result = await rawExchange(server.port, keepAliveGet('/nums.txt'), { halfClose: true });
    expect(onlyResponse(result).body.toString()).toBe('0123456789');
    expect(result.ending).toBe('server closed');
  });

  it('answers a request trickled in one byte at a time', async () => {
    const bytes = get('/nums.txt');
    const result = await rawExchange(server.port, '', { pieces: bytes.split(''), pauseMs: 2, waitMs: 5000 });
    expect(onlyResponse(result).body.toString()).toBe('0123456789');
  });

  it('closes an idle kept-alive connection quietly after the idle timeout', async () => {
    const result = await rawExchange(server.port, keepAliveGet('/nums.txt'), { waitMs: 3000 });
    expect(result.ending).toBe('server closed');
    expect(parseResponses(result.bytes)).toHaveLength(1);
    expect(result.ms).toBeGreaterThanOrEqual(450);
  });

  it('closes a connection that never sends a byte after the idle timeout, sending nothing', async () => {
    const result = await rawExchange(server.port, '', { waitMs: 3000 });
    expect(result.ending).toBe('server closed');
    expect(result.bytes.length).toBe(0);
  });
});

describe('Keep-Alive: the idle timeout advertised a second below the real one (RFC 9112 §9.5)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The default idle timeout, 5 s: advertised as 4.
    server = await startTestServer({ limits: { maxRequestsPerConnection: 2 } });
  });
  afterAll(() => server.stop());

  it.each([
    ['an HTTP/1.1 200', 'none', 'timeout=4', keepAliveGet('/nums.txt')],
    ['an HTTP/1.1 404 (it keeps the connection too)', 'none', 'timeout=4', keepAliveGet('/missing')],
    [
      'an HTTP/1.0 keep-alive',
      'keep-alive',
      'timeout=4',
      'GET /nums.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    ],
    [
      'HTTP/1.1 with Connection: close',
      'close',
      'none',
      'GET /nums.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ],
    ['a plain HTTP/1.0', 'close', 'none', 'GET /nums.txt HTTP/1.0\r\n\r\n'],
    ['a 400, which closes', 'close', 'none', 'GET /nums.txt HTTP/1.1\r\n\r\n'],
  ])('%s: Connection %s, Keep-Alive %s', async (_name, connection, keepAlive, bytes) => {
    const response = onlyResponse(await rawExchange(server.port, bytes, { waitMs: 300 }));
    expect(response.headers.connection ?? 'none').toBe(connection);
    expect(response.headers['keep-alive'] ?? 'none').toBe(keepAlive);
  });

  it('says it until the last response a connection may carry, which says Connection: close instead', async () => {
    const result = await rawExchange(server.port, keepAliveGet('/nums.txt').repeat(2));
    const [first, last] = parseResponses(result.bytes);
    expect([first?.headers['keep-alive'], first?.headers.connection]).toEqual(['timeout=4', undefined]);
    expect([last?.headers['keep-alive'], last?.headers.connection]).toEqual([undefined, 'close']);
  });

  it('answers a request sent just after the advertised timeout, before the real one', async () => {
    const short = await startTestServer({ limits: { idleTimeoutMs: 2_500 } }); // advertises 1 s
    const client = await KeptAliveClient.open(short.port);
    try {
      expect((await client.exchange(keepAliveGet('/nums.txt'))).headers['keep-alive']).toBe('timeout=1');
      await sleep(1_400);
      expect((await client.exchange(keepAliveGet('/nums.txt'))).status).toBe(200);
    } finally {
      client.close();
      await short.stop();
    }
  });

  it('a request that arrives as the idle connection closes is read and dropped, not answered with a reset', async () => {
    const short = await startTestServer({ limits: { idleTimeoutMs: 500 } });
    // allowHalfOpen: the client may still send after the server's FIN, as a client racing the close does.
    const socket = net.connect({ port: short.port, host: '127.0.0.1', allowHalfOpen: true });
    const errors: string[] = [];
    socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? 'error'));
    socket.on('data', () => undefined);
    try {
      socket.write(keepAliveGet('/nums.txt'));
      await once(socket, 'end'); // the idle timeout: our FIN
      socket.write(keepAliveGet('/nums.txt')); // too late: the server lingers, reading and discarding it
      await sleep(300);
      expect(errors).toEqual([]);
      socket.end();
      await once(socket, 'close');
      expect(errors).toEqual([]);
    } finally {
      socket.destroy();
      await short.stop();
    }
  });
});

describe('limits, each tied to its status', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ limits: { maxRequestsPerConnection: 3, requestTimeoutMs: 300 } });
  });
  afterAll(() => server.stop());

  const headers = (count: number, size = 10) =>
    Array.from({ length: count }, (_, i) => `X-${i}: ${'v'.repeat(size)}`);
  const requestLine = (length: number) => `GET /${'a'.repeat(length - 'GET / HTTP/1.1'.length)} HTTP/1.1`;

  const complete = (...lines: string[]) => [...lines, 'Connection: close', '', ''].join('\r\n');
  it.each([
    ['a request line of exactly 8 KiB', 404, complete(requestLine(8192), 'Host: x')],
    ['a request line over 8 KiB', 414, complete(requestLine(8193), 'Host: x')],
    ['a request line over 8 KiB, not yet ended', 414, requestLine(9000)],
    ['100 header fields', 200, complete('GET /nums.txt HTTP/1.1', 'Host: x', ...headers(98))],
    ['101 header fields', 431, complete('GET /nums.txt HTTP/1.1', 'Host: x', ...headers(99))],
    [
      'a header section over 16 KiB',
      431,
      complete('GET /nums.txt HTTP/1.1', 'Host: x', ...headers(20, 1000)),
    ],
    [
      'a header section over 16 KiB, not yet ended',
      431,
      ['GET /nums.txt HTTP/1.1', 'Host: x', ...headers(20, 1000)].join('\r\n'),
    ],
  ])('%s → %i', async (_name, status, bytes) => {
    const result = await rawExchange(server.port, bytes, { waitMs: 2000 });
    expect(onlyResponse(result).status).toBe(status);
    expect(result.ending).toBe('server closed');
  });

  it('answers 408 and closes when a request head is not complete in time', async () => {
    const result = await rawExchange(server.port, 'GET /nums.txt HTTP/1.1\r\nHost: x\r\n', { waitMs: 3000 });
    expect(onlyResponse(result).status).toBe(408);
    expect(result.ending).toBe('server closed');
    expect(result.ms).toBeGreaterThanOrEqual(250);
  });

  it('closes after the last request a connection may carry, saying Connection: close', async () => {
    const result = await rawExchange(server.port, keepAliveGet('/nums.txt').repeat(5), { waitMs: 2000 });
    const responses = parseResponses(result.bytes);
    expect(responses).toHaveLength(3);
    expect(responses[2]?.headers.connection).toBe('close');
    expect(result.ending).toBe('server closed');
  });

  it('answers 400 to a client that half-closes in the middle of a request', async () => {
    const result = await rawExchange(server.port, 'GET /nums.txt HTTP/1.1\r\nHost:', { halfClose: true });
    expect(onlyResponse(result).status).toBe(400);
  });

  it('lingers after an error reply: a client still sending is read, not reset', async () => {
    // allowHalfOpen: the client keeps sending after the server's FIN, as a slow uploader would.
    const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code;
    });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write('HELLO\r\n\r\n');
    await once(socket, 'end'); // the server's FIN: it has answered and closed its side
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    // The client is still talking: every write below comes after the server's FIN.
    for (let i = 0; i < 8; i++) {
      socket.write(Buffer.alloc(64 * 1024, 'x'));
      await sleep(10);
    }
    socket.end();
    await closed;
    expect(error).toBeUndefined();
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});

describe("the close after a client's last request (RFC 9112 §9.6)", () => {
  /** Sends `text`, takes the replies and the server's FIN, keeps its own side open: did the server close within 1 s? */
  async function serverClosesFirst(text: string): Promise<boolean> {
    let closed = false;
    let closedFirst = false;
    const observer = { closed: () => (closed = true) };
    await withServer({ limits: { lingerMs: 3_000 }, observer }, async (server) => {
      const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      try {
        socket.write(text);
        await once(socket, 'end');
        closedFirst = await eventually(() => closed, 1_000);
      } finally {
        socket.destroy();
      }
    });
    return closedFirst;
  }

  it.each([
    ['Connection: close, nothing past it', true, get('/nums.txt')],
    ['HTTP/1.0, nothing past it', true, 'GET /nums.txt HTTP/1.0\r\n\r\n'],
    [
      'Connection: close, then a request (the client is still sending)',
      false,
      get('/nums.txt') + keepAliveGet('/'),
    ],
    ['a 400 (the client may still be sending)', false, 'HELLO\r\n\r\n'],
  ])('%s: closed without waiting for the client (no linger) → %s', async (_name, atOnce, text) => {
    expect(await serverClosesFirst(text)).toBe(atOnce);
  });
});

describe('large files', () => {
  let site: BigSite;
  beforeAll(() => {
    site = makeBigSite();
  });
  afterAll(() => site.remove());

  it('streams a large file whole and exact', () =>
    withServer({ root: site.root }, async (server) => {
      const result = await rawExchange(server.port, get('/big.bin'), { waitMs: 10000 });
      const res = onlyResponse(result);
      expect(res.headers['content-length']).toBe(String(site.size));
      expect(res.body.equals(site.bytes)).toBe(true);
    }));

  it('streams a range of a large file', () =>
    withServer({ root: site.root }, async (server) => {
      const first = 1_000_000;
      const last = 3_000_000;
      const res = onlyResponse(
        await rawExchange(server.port, get('/big.bin', `Range: bytes=${first}-${last}`), { waitMs: 10000 }),
      );
      expect(res.status).toBe(206);
      expect(res.body.equals(site.bytes.subarray(first, last + 1))).toBe(true);
    }));

  it('closes the file when the client aborts mid-download', () =>
    withServer({ root: site.root }, async (server) => {
      const before = openDescriptors();
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(server.port, '127.0.0.1', () => socket.write(get('/big.bin')));
          socket.once('data', () => {
            socket.destroy();
            resolve();
          });
        });
      }
      expect(await eventually(() => server.connectionCount === 0 && openDescriptors() <= before)).toBe(true);
    }));

  it('drops a client that stops reading, after the send timeout, and closes its file', async () => {
    const endings: Ending[] = [];
    await withServer(
      { root: site.root, limits: { sendTimeoutMs: 400 }, observer: { closed: (_p, e) => endings.push(e) } },
      async (server) => {
        const before = openDescriptors();
        const socket = net.connect(server.port, '127.0.0.1', () => socket.write(get('/big.bin')));
        socket.pause(); // never read
        socket.on('error', () => undefined);
        expect(await eventually(() => endings.includes('send timeout (client stopped reading)'), 5000)).toBe(
          true,
        );
        socket.destroy();
        expect(await eventually(() => openDescriptors() <= before)).toBe(true);
      },
    );
  });

  it('sends the whole file to a client that half-closed right after its request', () =>
    withServer({ root: site.root }, async (server) => {
      const result = await rawExchange(server.port, keepAliveGet('/big.bin'), {
        halfClose: true,
        waitMs: 10000,
      });
      expect(onlyResponse(result).body.equals(site.bytes)).toBe(true);
    }));
});

describe('the connection cap', () => {
  it('answers 503 with Retry-After past the cap and keeps serving the others', () =>
    withServer({ limits: { maxConnections: 2 } }, async (server) => {
      const held = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<net.Socket>((resolve) => {
              const s = net.connect(server.port, '127.0.0.1', () => resolve(s));
            }),
        ),
      );
      expect(await eventually(() => server.connectionCount === 2)).toBe(true);
      const refused = onlyResponse(await rawExchange(server.port, get('/nums.txt')));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      const [first] = held;
      const answer = await new Promise<string>((resolve) => {
        first?.on('data', (d: Buffer) => resolve(d.toString('latin1')));
        first?.write(keepAliveGet('/nums.txt'));
      });
      expect(answer.startsWith('HTTP/1.1 200 OK')).toBe(true);
      held.forEach((s) => s.destroy());
    }));
});

describe('graceful shutdown', () => {
  let site: BigSite;
  beforeAll(() => {
    site = makeBigSite();
  });
  afterAll(() => site.remove());

  it('finishes a reply in flight, closes idle connections, and stops accepting', async () => {
    const server = await startTestServer({ root: site.root });
    const idle = rawExchange(server.port, keepAliveGet('/nums.txt'), { waitMs: 5000 });
    const download = new Download(server.port, '/big.bin', { keepBody: true });
    await download.started; // the reply is in flight, and the client holds back the rest of it
    expect(await eventually(() => server.connectionCount === 2)).toBe(true);

    const order: string[] = [];
    const stopped = server.stop().then(() => {
      order.push('server stopped');
    });
    expect((await idle).ending).toBe('server closed');
    const refused = await new Promise<string>((resolve) => {
      net
        .connect(server.port, '127.0.0.1')
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''))
        .on('connect', () => resolve('connected'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(order).toEqual([]); // still waiting for the download

    // The client said Connection: close, so the server closes as soon as the last bytes have left
    // (no linger, RFC 9112 §9.6) and may report stopped a moment before the client has read
    // them all: the kernel still delivers them, as the whole body below shows.
    download.resume();
    const { body, ...framing } = await download.finished;
    await stopped;
    expect(order).toEqual(['server stopped']);
    expect(framing).toEqual({
      status: 200,
      contentLength: site.size,
      bodyBytes: site.size,
      ending: 'server closed',
    });
    expect(body?.equals(site.bytes)).toBe(true);
  });

  // The grace period at its edge: a reply still in flight is left alone until the grace period
  // ends, and cut when it does; stop() returns then, not before and not long after.
  it('cuts a reply still in flight when the grace period ends, and not before', async () => {
    const GRACE_MS = 600;
    const endings: Ending[] = [];
    const server = await startTestServer({
      root: site.root,
      limits: { shutdownGraceMs: GRACE_MS },
      observer: { closed: (_p, e) => endings.push(e) },
    });
    const download = new Download(server.port, '/big.bin'); // reads the first bytes, then nothing
    await download.started;
    const stopping = Date.now();
    let stoppedAfter: number | undefined;
    const stopped = server.stop().then(() => {
      stoppedAfter = Date.now() - stopping;
    });
    await sleep(GRACE_MS - 200);
    expect([stoppedAfter, endings, server.connectionCount]).toEqual([undefined, [], 1]); // still in its grace
    await stopped;
    expect(stoppedAfter).toBeGreaterThanOrEqual(GRACE_MS - 5); // timers may fire a millisecond early
    expect(stoppedAfter).toBeLessThan(GRACE_MS + 1000);
    expect(await eventually(() => endings.length > 0)).toBe(true);
    expect(endings).toEqual(['shutdown']);
    download.resume();
    const { bodyBytes, contentLength } = await download.finished;
    expect(bodyBytes).toBeLessThan(contentLength); // cut: the client can tell
  });
});
