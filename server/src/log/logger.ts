/**
 * pino logging: JSON lines for machines (the default when stdout is not a terminal), or
 * pino-pretty's coloured lines for people. The observer writes the seed's per-connection
 * line, one access line per response, and errors; below info, the hooks are no-ops chosen up
 * front, so they cost nothing per request.
 */
import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { type Observer, type Peer, describeDescriptors, quietObserver } from './observer';
import { reasonPhrase } from '../http/status';

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go: stdout in production (written synchronously, so no line is lost at exit), a buffer in tests. */
export interface LogDestination {
  write(text: string): unknown;
}

export function createLogger(
  format: LogFormat,
  level: LogLevel,
  colorize: boolean,
  destination: LogDestination,
): Logger {
  const options = { level, base: null }; // no pid and hostname on every line
  if (format === 'pretty') {
    // The message says it all; the fields stay in the JSON format, for machines.
    const prettify = prettyFactory({
      colorize,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname',
      hideObject: true,
    });
    return pino(options, { write: (line: string) => destination.write(prettify(line)) });
  }
  return pino(options, destination);
}

export function logObserver(logger: Logger): Observer {
  const failed: Observer['failed'] = (peer, error) =>
    logger.error({ err: error, conn: peer?.id }, 'unexpected error');
  // An error when the descriptors run out (the server turns connections away), info when they are back.
  const descriptors: Observer['descriptors'] = (event) =>
    event.kind === 'exhausted'
      ? logger.error(event, describeDescriptors(event))
      : logger.info(event, describeDescriptors(event));
  if (!logger.isLevelEnabled('info')) return { ...quietObserver, failed, descriptors };
  return { ...accessLog(logger), failed, descriptors };
}

/**
 * The seed's connection line, one access line per response, and why a request was refused.
 *
 * The connection line is written when the connection first shows what it is for: its first
 * request decided, refused or answered, or its close. A health probe (an exchange marked
 * `quiet`: features/lab-endpoints.ts) every few seconds would otherwise fill the log with
 * connection lines; its connection line and access line go to debug level instead.
 */
function accessLog(logger: Logger): Omit<Observer, 'failed'> {
  // Accepted, connection line not written yet: who it was, read at accept, while the socket is
  // there to ask (net/server.ts asks the kernel only when something prints it).
  const unannounced = new Map<Peer, Peer>();
  const probing = new Set<Peer>(); // the exchange in flight is a probe
  const announce = (peer: Peer, level: 'info' | 'debug'): void => {
    // The seed's line, kept word for word: Connection from ('127.0.0.1', 52640)
    const seen = unannounced.get(peer);
    if (seen === undefined) return;
    unannounced.delete(peer);
    logger[level](who(seen), `Connection from ('${seen.address}', ${seen.port})`);
  };
  const debug = logger.isLevelEnabled('debug');
  return {
    ...quietObserver,
    accepted: (peer) => unannounced.set(peer, { id: peer.id, address: peer.address, port: peer.port }),
    decided: (peer, _request, { quiet }) => {
      if (quiet === true) probing.add(peer);
      if (unannounced.size !== 0) announce(peer, quiet === true ? 'debug' : 'info');
    },
    responded: (peer, r) => {
      announce(peer, 'info'); // a reply that was never decided: a 500
      const level = probing.size !== 0 && probing.delete(peer) ? 'debug' : 'info';
      logger[level]({ ...r, ...who(peer) }, `${r.method} ${r.target} ${r.status} ${r.bytes}B ${r.ms}ms`);
    },
    rejected: (peer, status, reason) => {
      announce(peer, 'info');
      logger.info({ status, reason, ...who(peer) }, `${status} ${reasonPhrase(status)}: ${reason}`);
    },
    closed: (peer, ending) => {
      announce(peer, 'info');
      probing.delete(peer);
      if (debug) logger.debug({ conn: peer.id, ending }, `connection ${peer.id} closed: ${ending}`);
    },
  };
}

/** The fields that say which connection a line is about. */
function who(peer: Peer): { peer: string; port: number; conn: number } {
  return { peer: peer.address, port: peer.port, conn: peer.id };
}
