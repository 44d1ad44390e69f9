/**
 * What the connection loop reports, and to whom. Two observers exist: the pino logger (a
 * connection line and an access line per response) and the teaching trace (every byte and
 * decision). The loop calls these hooks with values it already has, so an observer that
 * ignores an event costs a function call and nothing more.
 */
import type { Request } from '../http/message';
import type { StatusCode } from '../http/status';
import type { Steps } from '../handle-request';

export interface Peer {
  readonly id: number;
  readonly address: string;
  readonly port: number;
}

/** How a connection ended, in the words the trace prints. */
export type Ending =
  | 'server closed'
  | 'client closed'
  | 'client half-closed, then server closed'
  | 'reset by client'
  | 'file changed while sending'
  | 'server error'
  | 'idle timeout'
  | 'request timeout'
  | 'send timeout (client stopped reading)'
  | 'shutdown'
  | 'refused: too many connections';

export interface AccessRecord {
  readonly method: string;
  readonly target: string;
  readonly status: StatusCode;
  /** Body bytes sent (the head not counted), as access logs count them. */
  readonly bytes: number;
  readonly ms: number;
}

/**
 * The process ran out of file descriptors (EMFILE: its own limit, ulimit -n; ENFILE: the
 * system's), so new connections are closed without a reply; or it has them again, the shortage
 * lasted `ms` (net/descriptors.ts). Said once each, however many connections were cut off.
 */
export type DescriptorEvent =
  | { readonly kind: 'exhausted'; readonly code: 'EMFILE' | 'ENFILE'; readonly connections: number }
  | { readonly kind: 'available'; readonly connections: number; readonly ms: number };

export interface Observer {
  accepted(peer: Peer): void;
  received(peer: Peer, bytes: Buffer): void;
  parsed(peer: Peer, request: Request): void;
  /** A request refused before it reached the handler: malformed, too large, too slow, cut short. */
  rejected(peer: Peer, status: StatusCode, reason: string): void;
  decided(peer: Peer, request: Request, steps: Steps): void;
  /** The bytes as written: the head exactly as sent, then perhaps (part of) the body. */
  headSent(peer: Peer, wire: Buffer): void;
  responded(peer: Peer, record: AccessRecord): void;
  closed(peer: Peer, ending: Ending): void;
  failed(peer: Peer | undefined, error: unknown): void;
  descriptors(event: DescriptorEvent): void;
}

/** Hooks that do nothing; observers override what they care about. */
export const quietObserver: Observer = {
  accepted: () => undefined,
  received: () => undefined,
  parsed: () => undefined,
  rejected: () => undefined,
  decided: () => undefined,
  headSent: () => undefined,
  responded: () => undefined,
  closed: () => undefined,
  failed: () => undefined,
  descriptors: () => undefined,
};

/** What a shortage of descriptors means and what to do about it, in words the log and the trace both print. */
export function describeDescriptors(event: DescriptorEvent): string {
  if (event.kind === 'available')
    return `File descriptors free again, after a shortage of ${(event.ms / 1000).toFixed(1)} s (${event.connections} connections open): new connections are served`;
  const limit = event.code === 'EMFILE' ? "the process's limit, ulimit -n" : "the system's limit";
  return (
    `Out of file descriptors (${event.code}, ${limit}) with ${event.connections} connections open: ` +
    'new connections are closed without a reply until one is free. Raise the limit or lower --max-connections'
  );
}
