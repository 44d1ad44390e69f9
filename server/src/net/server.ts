/**
 * The listening socket: accepts connections, refuses those over the cap with a 503, runs the
 * watchdog that enforces every connection's timeouts, and shuts down gracefully.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Limits } from '../http/limits';
import type { Observer, Peer } from '../log/observer';
import type { FileSystem } from '../resolve/file-system';
import type { Wire } from '../respond/wire';
import { errorReply } from '../respond/replies';
import { type Strategy, createStrategy } from '../strategy';
import { LiveReload, type LiveReloadOptions, MAX_STREAMS } from '../features/live-reload/live-reload';
import { Connection, type ConnectionContext } from './connection';

export interface ServerOptions {
  readonly root: string; // a real path (realpath), checked by the caller
  readonly host: string;
  readonly port: number;
  readonly listing: boolean;
  readonly limits: Limits;
  readonly observer: Observer;
  readonly fs: FileSystem;
  /** The fast path (the default) or the plain one (--no-cache): strategy.ts. */
  readonly cache: boolean;
  /** Live reload (--live-reload): features/live-reload/; off when absent. */
  readonly liveReload?: LiveReloadSettings | undefined;
}

/** What live reload takes from the caller; the rest comes from the server's own options. */
export type LiveReloadSettings = Pick<LiveReloadOptions, 'notice'> &
  Partial<Pick<LiveReloadOptions, 'events' | 'pollMs' | 'maxStreams' | 'maxPageBytes'>>;

export interface RunningServer {
  readonly address: { readonly host: string; readonly port: number };
  /** Stops accepting, lets replies in flight finish (up to the grace period), closes the rest. */
  stop(): Promise<void>;
  readonly connectionCount: number;
  /** Which way requests are answered. */
  readonly strategy: Strategy['name'];
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
  const strategy = chooseStrategy(options);
  const context: ConnectionContext = { limits, observer, fs: options.fs, now: Date.now, ...strategy };
  const connections = new Set<Connection>();
  let nextId = 1;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const peer: Peer = { id: nextId++, address: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 };
    if (connections.size >= limits.maxConnections) return refuseOverCap(socket, peer, options, strategy.wire);
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

  return listen(server, options).then((port) => ({
    address: { host: options.host, port },
    get connectionCount() {
      return connections.size;
    },
    strategy: strategy.name,
    stop: () =>
      stopServer(server, connections, watchdog, limits.shutdownGraceMs).then(() => strategy.close()),
  }));
}

/** How requests are answered, chosen once (strategy.ts): the fast path, or the plain one with --no-cache; the features around it. */
function chooseStrategy({ cache, root, listing, fs, limits, liveReload }: ServerOptions): Strategy {
  const boundary = (): string => randomBytes(12).toString('hex');
  const options = { root, listing, fs, maxRanges: limits.maxRanges, now: Date.now, boundary };
  if (liveReload === undefined) return createStrategy(cache, options);
  // Event streams never take more than half the connections: the pages' own requests need the rest.
  const maxStreams = Math.max(1, Math.min(MAX_STREAMS, Math.floor(limits.maxConnections / 2)));
  const reload = new LiveReload({
    ...options,
    ...liveReload,
    maxStreams: liveReload.maxStreams ?? maxStreams,
  });
  const strategy = createStrategy(cache, options, [reload.layer]);
  return {
    ...strategy,
    close: () => {
      reload.close();
      strategy.close();
    },
  };
}

/** Listens, and resolves with the port (the real one when 0 was asked for); a later error is logged. */
function listen(server: net.Server, { port, host, observer }: ServerOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (error) => observer.failed(undefined, error));
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Over the cap: a 503 with Retry-After, then close. The connections being served are not disturbed. */
function refuseOverCap(socket: net.Socket, peer: Peer, options: ServerOptions, wire: Wire): void {
  const reply = errorReply(503, [['Retry-After', '1']], true);
  socket.on('error', () => undefined);
  socket.resume(); // discard what the client sends, so closing does not reset
  const body = reply.body?.kind === 'bytes' ? reply.body.bytes : undefined;
  socket.cork();
  for (const bytes of wire.encode(reply, { now: Date.now(), connection: 'close' }, body)) socket.write(bytes);
  socket.end();
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
