/**
 * The connection loop against a stand-in socket, for what real sockets cannot show on demand:
 * bytes that never leave (a client that stops reading, whatever the kernel's buffer sizes are),
 * a clock the test moves, and replies that fail while being written.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { DEFAULT_LIMITS, type Limits } from '../../../src/http/limits';
import type { Reply } from '../../../src/http/message';
import { type Ending, type Observer, quietObserver } from '../../../src/log/observer';
import { type FileSystem, isFailure, nodeFileSystem } from '../../../src/resolve/file-system';
import type { OpenFiles } from '../../../src/resolve/open-files';
import { plainWire } from '../../../src/respond/wire';
import { freshChunks } from '../../../src/net/send-body';
import { Connection, type ConnectionContext } from '../../../src/net/connection';

/** What a Connection asks of a socket beyond a Duplex: Nagle's algorithm turned off, recorded. */
class StandInSocket extends Duplex {
  noDelay = false;
  setNoDelay(noDelay: boolean): this {
    this.noDelay = noDelay;
    return this;
  }
}

/** A socket whose client reads nothing: every write stays queued, so 'finish' never comes. */
class StalledClient extends StandInSocket {
  override _read(): void {}
  override _write(): void {} // never calls back: the bytes never leave
}

/** A socket whose client takes every byte at once: nothing stays queued after a write. */
class PromptClient extends StandInSocket {
  override _read(): void {}
  override _write(_chunk: Buffer, _encoding: string, done: () => void): void {
    done();
  }
}

const SEND_TIMEOUT_MS = 1000;
const smallReply = (close = false): Reply => ({
  status: 200,
  fields: [],
  body: { kind: 'bytes', bytes: Buffer.from('hello') },
  close,
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

interface Setup {
  readonly socket: StandInSocket;
  readonly connection: Connection;
  readonly endings: Ending[];
  readonly headsSent: string[];
  clock: number;
}

/** A connection over a stalled client (or `options.socket`), answering every request with `reply` (which may open files through the exchange's OpenFiles). */
function connect(
  reply: (files: OpenFiles) => Reply | Promise<Reply>,
  options: {
    fs?: FileSystem;
    observer?: Partial<Observer>;
    socket?: StandInSocket;
    limits?: Partial<Limits>;
  } = {},
): Setup {
  const socket = options.socket ?? new StalledClient();
  const endings: Ending[] = [];
  const headsSent: string[] = [];
  const observer: Observer = {
    ...quietObserver,
    closed: (_p, e) => endings.push(e),
    headSent: (_p, wire) => headsSent.push(wire.toString('latin1')),
    ...options.observer,
  };
  const setup: Setup = {
    socket,
    endings,
    headsSent,
    clock: 1_000_000,
    connection: undefined as unknown as Connection,
  };
  const ctx: ConnectionContext = {
    limits: { ...DEFAULT_LIMITS, sendTimeoutMs: SEND_TIMEOUT_MS, ...options.limits },
    // At once when the reply is (as the fast path answers a cached file), later when it is a promise.
    answer: (_request, files) => {
      const made = reply(files);
      return made instanceof Promise
        ? made.then((r) => ({ reply: r, steps: {} }))
        : { reply: made, steps: {} };
    },
    fs: options.fs ?? nodeFileSystem,
    observer,
    now: () => setup.clock,
    idleTimeout: undefined,
    wire: plainWire,
    chunks: freshChunks,
  };
  return Object.assign(setup, {
    connection: new Connection(socket as unknown as Socket, { id: 1, address: '127.0.0.1', port: 1 }, ctx),
  });
}

describe('a closing connection whose last bytes never leave', () => {
  it.each([
    [
      'after a Connection: close reply',
      (s: StandInSocket) => s.push('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ],
    [
      'after the client half-closed',
      (s: StandInSocket) => {
        s.push('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        s.push(null);
      },
    ],
  ])('%s is dropped by the send timeout, not left open', async (_name, send) => {
    const setup = connect(() => smallReply());
    const { socket, connection, endings } = setup;
    send(socket);
    await tick();
    expect(socket.writableEnded).toBe(true); // the server has ended its side...
    expect(socket.writableLength).toBeGreaterThan(0); // ...but the reply is still queued
    setup.clock += SEND_TIMEOUT_MS + 1;
    connection.checkTimers(setup.clock);
    expect(socket.destroyed).toBe(true);
    await tick();
    expect(endings).toEqual(['send timeout (client stopped reading)']);
  });
});

describe("the client's last request (Connection: close), its reply written", () => {
  it.each([
    [
      'all taken at once: closed at once (close(2) sends the bytes, then the FIN)',
      new PromptClient(),
      false,
      true,
    ],
    [
      'still queued: our side ended (the FIN after the bytes), not yet closed',
      new StalledClient(),
      true,
      false,
    ],
  ])('%s', async (_name, socket, ended, destroyed) => {
    const { endings } = connect(() => smallReply(), { socket });
    socket.push('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await tick();
    expect([socket.writableEnded, socket.destroyed]).toEqual([ended, destroyed]);
    expect(endings).toEqual(destroyed ? ['server closed'] : []);
  });
});

describe("Nagle's algorithm (TCP_NODELAY): turned off before a write that could wait for an ACK", () => {
  const fileReply = (): Reply => ({
    status: 200,
    fields: [],
    body: { kind: 'file', file: { fd: -1, pieces: [{ kind: 'bytes', bytes: Buffer.from('hello') }] } },
    close: false,
  });
  const CLOSE = 'Connection: close\r\n';
  it.each([
    ['a reply that keeps the connection (another may follow it)', true, '', smallReply],
    ["the client's last request, its reply in one write (close(2) sends it)", false, CLOSE, smallReply],
    ["the client's last request, a file body (written after its head)", true, CLOSE, fileReply],
    ["the client's last request after 100 Continue", true, `${CLOSE}Expect: 100-continue\r\n`, smallReply],
  ])('%s → Nagle off: %s', async (_name, off, fields, reply) => {
    const socket = new PromptClient();
    connect(() => reply(), { socket });
    socket.push(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n${fields}\r\n`);
    await tick();
    socket.push('a');
    await tick();
    expect(socket.noDelay).toBe(off);
  });
});

describe('a reply that fails while being written', () => {
  it('closes the file the exchange opened when its head cannot be made, and logs a server error', async () => {
    const closed: number[] = [];
    const fs: FileSystem = {
      ...nodeFileSystem,
      open: () =>
        Promise.resolve({
          fd: 987_654,
          stat: { dev: 1, ino: 1, size: 5, mtimeMs: 0, ctimeMs: 0, isFile: true, isDirectory: false },
        }),
      close: (fd) => {
        closed.push(fd);
      },
    };
    const failures: unknown[] = [];
    // A field value with a line break: serializing the head throws (an unsafe response field).
    const reply = async (files: OpenFiles): Promise<Reply> => {
      const opened = await files.open('/srv/site/f');
      if (isFailure(opened)) throw new Error('the fake open failed');
      return {
        status: 200,
        fields: [['X-Bad', 'a\r\nb']],
        body: { kind: 'file', file: { fd: opened.fd, pieces: [{ kind: 'slice', start: 0, end: 5 }] } },
        close: false,
      };
    };
    const { socket, endings } = connect(reply, { fs, observer: { failed: (_p, e) => failures.push(e) } });
    socket.push('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await tick();
    await tick();
    expect(failures).toHaveLength(1);
    expect(closed).toEqual([987_654]);
    expect(socket.destroyed).toBe(true);
    await tick();
    expect(endings).toEqual(['server error']);
  });

  it('answers a 500 and closes when the answer itself throws, logging the error', async () => {
    const failures: unknown[] = [];
    const { socket, headsSent, endings } = connect(
      () => {
        throw new Error('a bug in the handler');
      },
      { observer: { failed: (_p, e) => failures.push(e) } },
    );
    socket.push('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await tick();
    expect(headsSent[0]).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[^]*Connection: close\r\n/);
    expect(failures).toEqual([new Error('a bug in the handler')]);
    socket.destroy();
    await tick();
    expect(endings).toHaveLength(1);
  });
});

describe('100 Continue', () => {
  it('is reported to the observer like every other head the server writes', async () => {
    const { socket, headsSent } = connect(() => smallReply());
    socket.push('POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n');
    await tick();
    expect(headsSent).toEqual(['HTTP/1.1 100 Continue\r\n\r\n']);
    socket.push('abc'); // the body: then the request is answered
    await tick();
    expect(headsSent[1]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });
});

describe('backpressure on the way in: more than maxPipelinedBytes of requests behind a reply', () => {
  const REQUEST = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
  /** A connection whose first reply waits until `release` is called; every later one is ready at once. */
  function behindASlowReply(pipelined: number) {
    let release = (): void => undefined;
    const first = new Promise<Reply>((resolve) => (release = () => resolve(smallReply())));
    let asked = 0;
    const socket = new PromptClient();
    connect(() => (asked++ === 0 ? first : smallReply()), {
      socket,
      limits: { maxPipelinedBytes: 2 * REQUEST.length },
    });
    // Counted from here: attaching its 'data' listener resumed the socket once already.
    const pause = jest.spyOn(socket, 'pause');
    const resume = jest.spyOn(socket, 'resume');
    socket.push(REQUEST.repeat(1 + pipelined));
    const calls = (): { pause: number; resume: number } => ({
      pause: pause.mock.calls.length,
      resume: resume.mock.calls.length,
    });
    return { socket, calls, release };
  }

  it.each([
    ['two requests wait (at the limit): reading goes on', 2, 0],
    ['three requests wait (over it): reading pauses, once', 3, 1],
  ])('%s', async (_name, pipelined, pauses) => {
    const { socket, calls } = behindASlowReply(pipelined);
    await tick();
    expect([socket.isPaused(), calls().pause]).toEqual([pauses > 0, pauses]);
  });

  it('resumes reading once the replies have caught up, once, and not again for every request', async () => {
    const { socket, calls, release } = behindASlowReply(3);
    await tick();
    release();
    await tick();
    socket.push(REQUEST.repeat(3)); // answered at once: never over the limit
    await tick();
    expect([socket.isPaused(), calls()]).toEqual([false, { pause: 1, resume: 1 }]);
  });
});
