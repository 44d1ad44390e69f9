/**
 * Hostile clients that attack with connections (issue 5): crowds of idle sockets, slowloris
 * senders, a flood past the connection cap, and random garbage. Each test runs a real server
 * in-process on 127.0.0.1 and checks two things: the attacker gets what the limits promise
 * (a 408, a 503, a 400, a close), and a normal client is still served, quickly, meanwhile.
 *
 * Timeouts are shrunk to test size where the defaults (10 s, 5 s) would only make the tests
 * slow; the behaviour does not depend on their size.
 */
import net from 'node:net';
import fc from 'fast-check';
import { get, onlyResponse, parseResponses, rawExchange } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';
import { eventually, openDescriptors } from '../support/big-file';
import { KeptAliveClient, destroyAll, openCrowd, withServer } from '../support/hostile';

// Every wait below has its own bound; this one only catches a test that hangs outright.
jest.setTimeout(20_000);

const keepAliveGet = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`;

/** A normal client: one GET, timed from connect to the server's close. */
async function timedGet(port: number): Promise<{ status: number; ms: number }> {
  const result = await rawExchange(port, get('/nums.txt'));
  return { status: onlyResponse(result).status, ms: result.ms };
}

describe('500 idle connections do not stop a normal client (default cap of 2048)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  // Each kind of idleness sits in a different phase of the connection: idle, receiving a line, receiving fields.
  it.each([
    ['that never send a byte', ''],
    ['stuck halfway through a request line', 'GET /nu'],
    ['stuck before the blank line that ends a head', 'GET /nums.txt HTTP/1.1\r\nHost: x\r\n'],
  ])('500 connections %s', async (_name, firstBytes) => {
    const crowd = await openCrowd(server.port, 500, firstBytes);
    try {
      expect(await eventually(() => server.connectionCount === 500)).toBe(true);
      const normal = await timedGet(server.port);
      expect(normal.status).toBe(200);
      expect(normal.ms).toBeLessThan(500);
      // Nobody was dropped to make room (the normal client's own connection may still be closing).
      expect(server.connectionCount).toBeGreaterThanOrEqual(500);
    } finally {
      destroyAll(crowd);
    }
    expect(await eventually(() => server.connectionCount === 0)).toBe(true);
  });
});

describe('slowloris: a request trickled slower than the request timeout allows', () => {
  const REQUEST_TIMEOUT_MS = 600;
  const BYTE_EVERY_MS = 50; // 200 bytes at this pace would take 10 s: the timeout must cut it
  // The watchdog looks every quarter of the shortest timeout; allow that plus scheduling slack.
  const LATEST_MS = REQUEST_TIMEOUT_MS + REQUEST_TIMEOUT_MS / 4 + 500;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
  });
  afterAll(() => server.stop());

  const oneByteAtATime = (text: string) => text.split('');
  it.each([
    ['the request line, one byte at a time', oneByteAtATime(`GET /${'a'.repeat(200)}`)],
    [
      'a header field, one byte at a time',
      ['GET /nums.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ', ...oneByteAtATime('a'.repeat(200))],
    ],
    [
      'a declared body, one byte at a time',
      [
        'POST /nums.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n',
        ...oneByteAtATime('b'.repeat(200)),
      ],
    ],
  ])('%s → 408 and close, by the request timeout', async (_name, pieces) => {
    const result = await rawExchange(server.port, '', { pieces, pauseMs: BYTE_EVERY_MS, waitMs: 5000 });
    expect(onlyResponse(result).status).toBe(408);
    expect(result.ending).toBe('server closed');
    expect(result.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(result.ms).toBeLessThan(LATEST_MS);
  });

  it('50 slowloris senders at once: each gets 408, and a normal client is served meanwhile', async () => {
    const pieces = ['GET /nums.txt HTTP/1.1\r\n', ...oneByteAtATime('Host: slow.example\r\n'.repeat(10))];
    const senders = Array.from({ length: 50 }, () =>
      rawExchange(server.port, '', { pieces, pauseMs: BYTE_EVERY_MS, waitMs: 5000 }),
    );
    expect(await eventually(() => server.connectionCount >= 50)).toBe(true); // all 50 are in before the normal client comes
    const normal = await timedGet(server.port);
    expect(normal).toEqual({ status: 200, ms: expect.any(Number) });
    expect(normal.ms).toBeLessThan(500);
    const results = await Promise.all(senders);
    expect(results.map((r) => onlyResponse(r).status)).toEqual(results.map(() => 408));
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(LATEST_MS);
  });
});

describe('past the connection cap', () => {
  const CAP = 20;

  it('new connections get 503 with Retry-After and are closed; the connections being served keep working', () =>
    withServer({ limits: { maxConnections: CAP } }, async (server) => {
      const held = await Promise.all(Array.from({ length: CAP }, () => KeptAliveClient.open(server.port)));
      try {
        // Every held connection is accepted and served before the flood.
        for (const client of held)
          expect((await client.exchange(keepAliveGet('/nums.txt'))).status).toBe(200);

        const flood = await Promise.all(
          Array.from({ length: 100 }, () => rawExchange(server.port, get('/nums.txt'))),
        );
        for (const result of flood) {
          const refused = onlyResponse(result);
          expect(refused.status).toBe(503);
          expect(refused.headers['retry-after']).toBe('1');
          expect(refused.headers.connection).toBe('close');
          expect(result.ending).toBe('server closed'); // a polite close, not a reset
        }
        expect(server.connectionCount).toBe(CAP);

        // The held connections were not disturbed.
        const again = await Promise.all(held.map((client) => client.exchange(keepAliveGet('/style.css'))));
        expect(again.map((r) => r.status)).toEqual(held.map(() => 200));

        // A freed slot is usable at once.
        held.splice(0, 5).forEach((client) => client.close());
        expect(await eventually(() => server.connectionCount === CAP - 5)).toBe(true);
        expect((await timedGet(server.port)).status).toBe(200);
      } finally {
        held.forEach((client) => client.close());
      }
    }));
});

describe('garbage on many connections', () => {
  /** Pieces of HTTP and of nonsense: a soup gets further into the parser than pure noise does. */
  const FRAGMENTS = [
    'GET',
    'POST',
    ' ',
    '/',
    '/nums.txt',
    'HTTP/1.1',
    'HTTP/9.9',
    '\r\n',
    '\n',
    '\r',
    ':',
    'Host: x',
    'Content-Length: 3',
    'Transfer-Encoding: chunked',
    '0\r\n\r\n',
    '\x00',
    '\xff',
    '%',
    '..',
  ];
  /** A valid request with a few bytes overwritten: the near-misses that reach the parser's later rules. */
  const VALID = Buffer.from('GET /nums.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc', 'latin1');
  const nearMiss = fc
    .array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((edits) => {
      const copy = Buffer.from(VALID);
      for (const [at, byte] of edits) copy[at] = byte;
      return copy;
    });
  const bytes = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((a) => Buffer.from(a)),
    fc
      .array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 60 })
      .map((parts) => Buffer.from(parts.join(''), 'latin1')),
    nearMiss,
  );
  const attack = fc.record({
    bytes,
    pieces: fc.integer({ min: 1, max: 4 }),
    // What the client does after its garbage: wait for the server, half-close, or reset.
    then: fc.constantFrom('wait' as const, 'half-close' as const, 'reset' as const),
  });
  // A fixed seed: the same 300 attacks every run, so a failure can be replayed.
  const attacks = fc.sample(attack, { seed: 20240605, numRuns: 300 });

  type Attack = (typeof attacks)[number];
  type Outcome = {
    readonly bytes: Buffer;
    readonly ending: 'server closed' | 'reset' | 'still open' | 'we reset';
  };

  function throwGarbage(port: number, { bytes: garbage, pieces, then }: Attack): Promise<Outcome> {
    const size = Math.ceil(garbage.length / pieces);
    const split = Array.from({ length: pieces }, (_, i) => garbage.subarray(i * size, (i + 1) * size));
    if (then !== 'reset')
      return rawExchange(port, '', {
        pieces: split,
        pauseMs: 5,
        halfClose: then === 'half-close',
        waitMs: 4000,
      });
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        split.forEach((piece) => socket.write(piece));
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve({ bytes: Buffer.alloc(0), ending: 'we reset' });
        }, 20);
      });
      socket.on('error', () => undefined);
    });
  }

  it('300 seeded attacks, 50 at a time: only complete responses, no internal error, and the server still serves', async () => {
    const failures: unknown[] = [];
    await withServer(
      {
        limits: { requestTimeoutMs: 500, idleTimeoutMs: 500, lingerMs: 300 },
        observer: { failed: (_p, e) => failures.push(e) },
      },
      async (server) => {
        // A first GET caches /nums.txt and starts a directory watch, whose inotify descriptor then stays.
        expect((await timedGet(server.port)).status).toBe(200);
        const descriptorsBefore = openDescriptors();
        const outcomes: Outcome[] = [];
        for (let i = 0; i < attacks.length; i += 50) {
          outcomes.push(
            ...(await Promise.all(attacks.slice(i, i + 50).map((a) => throwGarbage(server.port, a)))),
          );
        }
        for (const outcome of outcomes) {
          // Every connection ended by itself (the timeouts hold for garbage too)...
          expect(outcome.ending).not.toBe('still open');
          // ...and whatever the server said is whole responses, each with a status line (never a 500)
          // and exactly the body its Content-Length promised.
          for (const response of parseResponses(outcome.bytes)) {
            expect(response.statusLine).toMatch(/^HTTP\/1\.1 ([1-4]\d\d|50[1-5]) /);
            expect(response.body.length).toBe(Number(response.headers['content-length']));
          }
        }
        expect(failures).toEqual([]);
        expect((await timedGet(server.port)).status).toBe(200);
        expect(
          await eventually(() => server.connectionCount === 0 && openDescriptors() <= descriptorsBefore),
        ).toBe(true);
      },
    );
  });
});
