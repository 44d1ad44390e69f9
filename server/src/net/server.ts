/**
 * The listening socket: accepts connections, refuses those over the cap with a 503, runs the
 * watchdog that enforces every connection's timeouts, and shuts down gracefully.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Limits } from '../http/limits';
import { dateHeader } from '../http/dates';
import type { Observer, Peer } from '../log/observer';
import { handleRequest } from '../handle-request';
import { Site } from '../resolve/site';
import type { FileSystem } from '../resolve/file-system';
import { wireBytes } from '../respond/wire';
import { errorReply } from '../respond/replies';
import { Connection } from './connection';

export interface ServerOptions {
  readonly root: string; // a real path (realpath), checked by the caller
  readonly host: string;
  readonly port: number;
  readonly listing: boolean;
  readonly limits: Limits;
  readonly observer: Observer;
  readonly fs: FileSystem;
}

export interface RunningServer {
  readonly address: { readonly host: string; readonly port: number };
  /** Stops accepting, lets replies in flight finish (up to the grace period), closes the rest. */
  stop(): Promise<void>;
  readonly connectionCount: number;
}

/** How often the watchdog looks at every connection: a quarter of the shortest timeout, within [50 ms, 1 s]. */
function watchdogInterval(limits: Limits): number {
  const shortest = Math.min(
    limits.idleTimeoutMs,
    limits.requestTimeoutMs,
    limits.sendTimeoutMs,
    limits.lingerMs,
  );
  return Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const { limits, observer } = options;
  const site = new Site({ root: options.root, listing: options.listing, fs: options.fs, now: Date.now });
  const handlerOptions = {
    site,
    maxRanges: limits.maxRanges,
    boundary: () => randomBytes(12).toString('hex'),
  };
  const context = {
    limits,
    fs: options.fs,
    observer,
    now: Date.now,
    handle: (r: Parameters<typeof handleRequest>[0]) => handleRequest(r, handlerOptions),
  };
  const connections = new Set<Connection>();
  let nextId = 1;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const peer: Peer = { id: nextId++, address: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 };
    if (connections.size >= limits.maxConnections) return refuseOverCap(socket, peer, options);
    observer.accepted(peer);
    const connection = new Connection(socket, peer, context);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) connection.checkTimers(now);
  }, watchdogInterval(limits));
  watchdog.unref();

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', (error) => observer.failed(undefined, error));
      const address = server.address() as net.AddressInfo;
      resolve({
        address: { host: options.host, port: address.port },
        get connectionCount() {
          return connections.size;
        },
        stop: () =>
          stopServer(server, connections, watchdog, limits.shutdownGraceMs).then(() => site.close()),
      });
    });
  });
}

/** Over the cap: a 503 with Retry-After, then close. The connections being served are not disturbed. */
function refuseOverCap(socket: net.Socket, peer: Peer, options: ServerOptions): void {
  const reply = errorReply(503, [['Retry-After', '1']], true);
  const body = reply.body.kind === 'bytes' ? reply.body.bytes : undefined;
  socket.on('error', () => undefined);
  socket.resume(); // discard what the client sends, so closing does not reset
  socket.end(wireBytes(reply, { date: dateHeader(Date.now()), connection: 'close' }, body));
  setTimeout(() => socket.destroy(), options.limits.lingerMs).unref();
  options.observer.closed(peer, 'refused: too many connections');
}

function stopServer(
  server: net.Server,
  connections: Set<Connection>,
  watchdog: NodeJS.Timeout,
  graceMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearInterval(watchdog);
      clearTimeout(deadline);
      resolve();
    };
    const deadline = setTimeout(() => {
      for (const connection of connections) connection.destroy();
    }, graceMs);
    server.close(done); // calls back once every connection has closed
    for (const connection of connections) connection.stop();
  });
}
