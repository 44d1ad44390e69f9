/**
 * pino logging: JSON lines for machines (the default when stdout is not a terminal), or
 * pino-pretty's coloured lines for people. The observer writes the seed's per-connection
 * line, one access line per response, and errors; hooks whose level is off are replaced by
 * no-ops up front, so they cost nothing per request.
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
  const info = logger.isLevelEnabled('info');
  const debug = logger.isLevelEnabled('debug');
  return {
    ...quietObserver,
    // The seed's line, kept word for word: Connection from ('127.0.0.1', 52640)
    accepted: info
      ? (peer) => logger.info(who(peer), `Connection from ('${peer.address}', ${peer.port})`)
      : quietObserver.accepted,
    responded: info
      ? (peer, r) =>
          logger.info({ ...r, ...who(peer) }, `${r.method} ${r.target} ${r.status} ${r.bytes}B ${r.ms}ms`)
      : quietObserver.responded,
    rejected: info
      ? (peer, status, reason) =>
          logger.info({ status, reason, ...who(peer) }, `${status} ${reasonPhrase(status)}: ${reason}`)
      : quietObserver.rejected,
    closed: debug
      ? (peer, ending) => logger.debug({ conn: peer.id, ending }, `connection ${peer.id} closed: ${ending}`)
      : quietObserver.closed,
    failed: (peer, error) => logger.error({ err: error, conn: peer?.id }, 'unexpected error'),
    // An error when the descriptors run out (the server turns connections away), info when they are back.
    descriptors: (event) =>
      event.kind === 'exhausted'
        ? logger.error(event, describeDescriptors(event))
        : logger.info(event, describeDescriptors(event)),
  };
}

/** The fields that say which connection a line is about. */
function who(peer: Peer): { peer: string; port: number; conn: number } {
  return { peer: peer.address, port: peer.port, conn: peer.id };
}
