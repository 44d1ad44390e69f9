/**
 * Hostile clients that attack with downloads (issue 5): a client that never reads a 200 MiB
 * file, 200 clients that reset mid-download, a flood of pipelined requests from a client that
 * does not read, and a file that shrinks or vanishes while it is being sent.
 *
 * "Bounded memory" is measured, not assumed: a counting file system tells how many bytes the
 * server has read from disk (and so at most holds, minus what the client got), the observer
 * tells how many answers it has finished, RSS shows what all of it costs, and /proc/self/fd
 * tells whether a descriptor was left behind.
 */
import net from 'node:net';
import fs from 'node:fs';
import { type Ending } from '../../src/log/observer';
import { DEFAULT_LIMITS } from '../../src/http/limits';
import { FILE_CHUNK_BYTES } from '../../src/net/send-body';
import { get, onlyResponse, parseResponses, rawExchange } from '../support/raw-client';
import { eventually, openDescriptors } from '../support/big-file';
import {
  Download,
  type HostileSite,
  MiB,
  countingFileSystem,
  makeSite,
  residentBytes,
  samplePeak,
  withServer,
} from '../support/hostile';

// Every wait below has its own bound; this one only catches a test that hangs outright.
jest.setTimeout(30_000);

/** The largest buffer the kernel may give a TCP socket for sending (tcp_wmem) or receiving (tcp_rmem), bytes. */
function maxTcpBuffer(name: 'tcp_wmem' | 'tcp_rmem'): number {
  return Number(fs.readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2]);
}

/** The server still answers a normal GET. */
async function stillServes(port: number): Promise<void> {
  expect(onlyResponse(await rawExchange(port, get('/nums.txt'))).status).toBe(200);
}

describe('a client that never reads a 200 MiB file', () => {
  const SEND_TIMEOUT_MS = 1500;
  let site: HostileSite;
  beforeAll(() => {
    site = makeSite({ 'huge.bin': 200 * MiB, 'nums.txt': '0123456789' });
  });
  afterAll(() => site.remove());

  it('costs flat memory and is dropped by the send timeout, its file closed', async () => {
    const counting = countingFileSystem();
    const endings: { ending: Ending; at: number }[] = [];
    const options = {
      root: site.root,
      fs: counting.fs,
      limits: { sendTimeoutMs: SEND_TIMEOUT_MS },
      observer: { closed: (_p: unknown, ending: Ending) => endings.push({ ending, at: Date.now() }) },
    };
    await withServer(options, async (server) => {
      const rssBefore = residentBytes();
      const rss = samplePeak(residentBytes);
      const started = Date.now();
      // Three at once: if the server buffered the file, that would be 600 MiB.
      const readers = [0, 1, 2].map(() => new Download(server.port, '/huge.bin'));
      await Promise.all(readers.map((r) => r.started)); // each has its first bytes and now reads no more

      const dropped = () => endings.filter((e) => e.ending === 'send timeout (client stopped reading)');
      expect(await eventually(() => dropped().length === 3, SEND_TIMEOUT_MS + 5000)).toBe(true);
      const rssGrowth = rss.stop() - rssBefore;
      readers.forEach((r) => r.destroy());

      // Dropped by the send timeout: not before it, and not long after.
      for (const { at } of dropped()) {
        expect(at - started).toBeGreaterThanOrEqual(SEND_TIMEOUT_MS);
        expect(at - started).toBeLessThan(SEND_TIMEOUT_MS + 3000);
      }
      // Flat memory. The server reads ahead only what the kernel takes into the sockets' buffers
      // (send and receive, each autotuned up to its sysctl maximum) plus a chunk: far below the
      // 3 × 200 MiB that buffering the file would mean. What the server itself holds shows in RSS.
      const kernelBuffering = 3 * (maxTcpBuffer('tcp_wmem') + maxTcpBuffer('tcp_rmem') + FILE_CHUNK_BYTES);
      expect(counting.bytesRead()).toBeLessThan(Math.min(kernelBuffering, 150 * MiB));
      expect(rssGrowth).toBeLessThan(30 * MiB);
      // A read still on the thread pool when the socket was dropped finishes first, then its
      // stream closes the file: closed soon after the drop, never left open.
      expect(await eventually(() => counting.openFiles() === 0, 1000)).toBe(true);
      await stillServes(server.port);
    });
  });
});

describe('200 clients resetting mid-download', () => {
  let site: HostileSite;
  beforeAll(() => {
    site = makeSite({ 'big.bin': 64 * MiB, 'nums.txt': '0123456789' });
  });
  afterAll(() => site.remove());

  /** Starts a download and ends it the way `quit` says, once the first bytes arrive (or at once). */
  function abandon(
    port: number,
    when: 'before the reply' | 'after the first bytes',
    quit: 'reset' | 'close',
  ): Promise<void> {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(get('/big.bin'));
        if (when === 'before the reply') end();
      });
      const end = (): void => {
        if (quit === 'reset')
          socket.resetAndDestroy(); // RST: the server's next write fails
        else socket.destroy(); // FIN: the server learns on its next write
        resolve();
      };
      socket.on('error', () => undefined);
      if (when === 'after the first bytes') socket.once('data', end);
    });
  }

  it.each([
    ['reset (RST) after the first bytes', 'after the first bytes', 'reset'],
    ['closed (FIN) after the first bytes', 'after the first bytes', 'close'],
    ['reset right after sending the request', 'before the reply', 'reset'],
  ] as const)('%s: no descriptor stays open', async (_name, when, quit) => {
    const counting = countingFileSystem();
    await withServer({ root: site.root, fs: counting.fs }, async (server) => {
      await stillServes(server.port); // the first request starts the directory watch; its descriptor stays
      const before = openDescriptors();
      await Promise.all(Array.from({ length: 200 }, () => abandon(server.port, when, quit)));
      expect(
        await eventually(
          () => server.connectionCount === 0 && counting.openFiles() === 0 && openDescriptors() <= before,
          5000,
        ),
      ).toBe(true);
      await stillServes(server.port);
    });
  });
});

describe('a flood of pipelined requests from a client that does not read', () => {
  const FILES = 10;
  const FILE_BYTES = 16 * 1024; // 5000 answers of 16 KiB: 80 MiB, far more than socket buffers hold
  const COUNT = 5000;
  const fileName = (i: number) => `f${i % FILES}.txt`;
  const contentOf = (i: number) => `${fileName(i)}:`.padEnd(FILE_BYTES, String(i % FILES));
  const requestFor = (i: number) => `GET /${fileName(i)} HTTP/1.1\r\nHost: x\r\n\r\n`;
  let site: HostileSite;
  beforeAll(() => {
    site = makeSite(Object.fromEntries(Array.from({ length: FILES }, (_, i) => [fileName(i), contentOf(i)])));
  });
  afterAll(() => site.remove());

  it('is answered in order, and the server waits for the client instead of queueing answers', async () => {
    let answered = 0;
    // The last request a connection may carry closes it: the client then knows the flood is over.
    const options = {
      root: site.root,
      limits: { maxRequestsPerConnection: COUNT },
      observer: {
        responded: () => {
          answered++;
        },
      },
    };
    await withServer(options, async (server) => {
      const rssBefore = residentBytes();
      const rss = samplePeak(residentBytes);
      const client = net.connect(server.port, '127.0.0.1');
      client.pause(); // reads nothing for now
      const chunks: Buffer[] = [];
      const closed = new Promise<void>((resolve) => client.on('end', resolve));
      client.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Thousands of requests in big writes of 500 requests (16 KiB) each.
      for (let i = 0; i < COUNT; i += 500)
        client.write(Array.from({ length: 500 }, (_, j) => requestFor(i + j)).join(''));

      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Had the server written every answer without waiting for the client, 80 MiB would sit in its buffers.
      expect(answered).toBeLessThan(COUNT);
      expect(rss.stop() - rssBefore).toBeLessThan(30 * MiB);

      client.resume();
      await closed;
      const responses = parseResponses(Buffer.concat(chunks));
      expect(responses).toHaveLength(COUNT);
      const outOfOrder = responses.findIndex(
        (r, i) => r.status !== 200 || r.body.toString('latin1') !== contentOf(i),
      );
      expect(outOfOrder).toBe(-1);
    });
  });
});

describe('a flood of pipelined requests from a client that reads slowly', () => {
  const REQUEST = 'GET /f.txt HTTP/1.1\r\nHost: x\r\n\r\n';
  let site: HostileSite;
  beforeAll(() => {
    site = makeSite({ 'f.txt': 'x'.repeat(16 * 1024) });
  });
  afterAll(() => site.remove());

  it('holds no more unanswered request bytes than maxPipelinedBytes and one read', async () => {
    const MAX_PIPELINED = DEFAULT_LIMITS.maxPipelinedBytes;
    let received = 0;
    let answered = 0;
    const observer = {
      received: (_p: unknown, bytes: Buffer) => {
        received += bytes.length;
      },
      responded: () => {
        answered++;
      },
    };
    await withServer(
      { root: site.root, limits: { maxRequestsPerConnection: 1_000_000 }, observer },
      async (server) => {
        const client = net.connect(server.port, '127.0.0.1');
        client.on('error', () => undefined);
        client.on('data', () => {
          // one read every 5 ms: a slow but live reader
          client.pause();
          setTimeout(() => client.resume(), 5);
        });
        const flood = Buffer.from(REQUEST.repeat(50_000)); // 1.6 MB of requests
        for (let i = 0; i < flood.length; i += 64 * 1024) client.write(flood.subarray(i, i + 64 * 1024));
        const held = samplePeak(() => received - answered * REQUEST.length);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        client.destroy();
        expect(answered).toBeGreaterThan(100); // it was being served all along
        expect(held.stop()).toBeLessThanOrEqual(MAX_PIPELINED + 64 * 1024);
      },
    );
  });
});

describe('a file that shrinks or vanishes while it is being sent', () => {
  const SIZE = 128 * MiB;
  let site: HostileSite;
  beforeEach(() => {
    site = makeSite({ 'big.bin': SIZE, 'nums.txt': '0123456789' });
  });
  afterEach(() => site.remove());

  // A file that shrank cannot meet its Content-Length: the connection is cut, so the client
  // knows. An unlinked or renamed-over file is still whole behind the open descriptor (POSIX).
  it.each([
    ['truncated to 1 MiB', 'cut short', (file: string) => fs.truncateSync(file, MiB)],
    ['truncated to nothing', 'cut short', (file: string) => fs.truncateSync(file, 0)],
    ['deleted', 'whole', (file: string) => fs.unlinkSync(file)],
    [
      'replaced by a small file (rename over it)',
      'whole',
      (file: string) => {
        fs.writeFileSync(`${file}.new`, 'small');
        fs.renameSync(`${file}.new`, file);
      },
    ],
  ] as const)('%s mid-send: the response arrives %s, without a crash', async (_name, expected, change) => {
    const counting = countingFileSystem();
    const failures: unknown[] = [];
    await withServer(
      { root: site.root, fs: counting.fs, observer: { failed: (_p, e) => failures.push(e) } },
      async (server) => {
        const download = new Download(server.port, '/big.bin');
        await download.started; // the head and first bytes are out; the client holds back the rest
        change(site.at('big.bin'));
        download.resume();
        const result = await download.finished;
        expect(result.status).toBe(200);
        expect(result.contentLength).toBe(SIZE);
        if (expected === 'whole') {
          expect(result.bodyBytes).toBe(SIZE);
          expect(result.ending).toBe('server closed');
        } else {
          expect(result.bodyBytes).toBeLessThan(SIZE); // the client can tell: fewer bytes than promised
        }
        expect(failures).toEqual([]);
        expect(await eventually(() => counting.openFiles() === 0)).toBe(true);
        await stillServes(server.port);
      },
    );
  });
});
