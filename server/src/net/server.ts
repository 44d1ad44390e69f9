/**
 * The listening socket: accepts connections, refuses those over the cap with a 503, runs the
 * watchdog that enforces every connection's timeouts and notices when file descriptors run out
 * (descriptors.ts), and shuts down gracefully.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { type Limits, advertisedIdleTimeout } from '../http/limits';
import type { Observer, Peer } from '../log/observer';
import type { FileSystem } from '../resolve/file-system';
import type { Wire } from '../respond/wire';
import { errorReply } from '../respond/replies';
import { type Features, type Strategy, createStrategy } from '../strategy';
import { Connection, type ConnectionContext } from './connection';
import { type DescriptorProbe, DescriptorWatch, isShortage, nullDeviceProbe } from './descriptors';

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
  /** The features wrapped around the answer (features/layers.ts); none by default. */
  readonly features?: Features;
  /** Whether a file descriptor is to be had, asked at every watchdog tick (descriptors.ts); tests substitute it. */
  readonly probe?: DescriptorProbe;
}

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
  const context = connectionContext(options, strategy);
  const connections = new Set<Connection>();
  const descriptors = watchDescriptors(options, connections);
  let nextId = 1;

  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const peer = new SocketPeer(nextId++, socket);
    if (connections.size >= limits.maxConnections) return refuseOverCap(socket, peer, options, strategy.wire);
    observer.accepted(peer);
    const connection = new Connection(socket, peer, context);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) connection.checkTimers(now);
    descriptors.tick();
  }, watchdogInterval(limits));
  watchdog.unref();

  return listen(server, options, descriptors).then((port) => ({
    address: { host: options.host, port },
    get connectionCount() {
      return connections.size;
    },
    strategy: strategy.name,
    stop: () =>
      stopServer(server, connections, watchdog, limits.shutdownGraceMs).then(() => strategy.close()),
  }));
}

/** What every connection shares: the limits, the observer, the strategy's answer and wire. */
function connectionContext({ limits, observer, fs }: ServerOptions, strategy: Strategy): ConnectionContext {
  const idleTimeout = advertisedIdleTimeout(limits.idleTimeoutMs);
  return { limits, observer, fs, now: Date.now, idleTimeout, ...strategy };
}

/** Asked at every watchdog tick whether a descriptor is left, to say once when none is (descriptors.ts). */
function watchDescriptors({ probe, observer }: ServerOptions, connections: Set<Connection>): DescriptorWatch {
  return new DescriptorWatch({
    probe: probe ?? nullDeviceProbe,
    observer,
    now: Date.now,
    connections: () => connections.size,
  });
}

/** How requests are answered, chosen once (strategy.ts): the fast path, or the plain one with --no-cache. */
function chooseStrategy({ cache, root, listing, fs, limits, features }: ServerOptions): Strategy {
  const boundary = (): string => randomBytes(12).toString('hex');
  const options = { root, listing, fs, maxRanges: limits.maxRanges, now: Date.now, boundary };
  return createStrategy(cache, options, features);
}

/**
 * The client's address as the logs show it. On a dual-stack socket (--host ::) an IPv4 client
 * arrives as an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2, ::ffff:127.0.0.1): shown as the
 * IPv4 address it is, as a server listening on 0.0.0.0 would show it. IPv6 addresses as they are.
 */
export function peerAddress(remote: string | undefined): string {
  if (remote === undefined) return '?'; // the socket is already gone
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remote);
  return mapped?.[1] ?? remote;
}

/**
 * Listens, and resolves with the port (the real one when 0 was asked for). A later error is
 * logged, but for accept failing for want of a descriptor, a shortage the watch says once.
 */
function listen(
  server: net.Server,
  { port, host, observer }: ServerOptions,
  descriptors: DescriptorWatch,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // ipv6Only false: on "::" the socket takes IPv4 clients too (dual stack), whatever the
    // system's default (net.ipv6.bindv6only).
    server.listen({ port, host, ipv6Only: false }, () => {
      server.off('error', reject);
      server.on('error', (error: NodeJS.ErrnoException) =>
        isShortage(error.code) ? descriptors.noticed(error.code) : observer.failed(undefined, error),
      );
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * Who is on the other end, the address asked of the kernel (getpeername(2)) only when something
 * prints it: asking at every accept was 6.3 % of the server's CPU with `Connection: close` (bench
 * scenario 2, Node 24 CPU profile), where a log level above info never prints it. Node keeps the
 * answer once asked; asked first after the socket is gone, it is unknown ('?').
 */
class SocketPeer implements Peer {
  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
  ) {}

  get address(): string {
    return peerAddress(this.socket.remoteAddress);
  }

  get port(): number {
    return this.socket.remotePort ?? 0;
  }
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
