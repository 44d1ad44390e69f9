/**
 * The connection's state machine, as one pure function: the phase a connection is in, what can
 * happen to it, and what happens next. net/connection.ts feeds it every event (the socket's, the
 * parser's, the writer's, the watchdog's ticks, the server's shutdown) and does what it answers.
 *
 *                  request or refusal (whole, in one read)
 *          ┌──────────────────────────────────────────────┐
 *          │                                              ▼
 *        idle ──begun──▶ receiving ──request, refusal──▶ responding ──replied, closing──▶ closing
 *         ▲ ▲                │  ▲     (parse error, 408)     │                              │
 *         │ └──── empty ─────┘  └──── replied, more buffered ┤              linger over, client
 *         └──────────────── replied, kept alive ─────────────┘              ended too, or (no
 *                                                                           linger) bytes out
 *                                                                                          ▼
 *   idle: idle timeout, client ended, stop ──▶ closing          any phase: send timeout, ──▶ closed
 *                                                               cut, socket error
 *   responding ──replied to the client's last request, every byte with the kernel──▶ closed
 *
 * "closing" means our side has ended: we keep reading (and discarding) for a short linger so the
 * client reads our last response instead of a reset, then close (RFC 9112 §9.6). One close needs
 * no linger: the client said its request was the last (Connection: close, or HTTP/1.0) and sent
 * nothing past it, so it MUST NOT send more (§9.6) and nothing is left to reset; we close once our
 * bytes are out, as nginx does. That spares a wait for its FIN, a read and a wake-up per
 * connection: the raw floor's 68-86 -> 48-52 µs of CPU a `Connection: close` request, ours 70 -> 60
 * in the full run (bench/README.md, "No linger after a client's own close"). When the reply is
 * all with the kernel as soon as it is written (a small one), we close at once, without waiting
 * for Node to report our FIN sent: close(2) sends the bytes, then the FIN. Ours 59.9 -> 55.1 µs
 * (bench/README.md, "Closing at once").
 */
import type { Limits } from '../http/limits';
import type { Request } from '../http/message';
import type { StatusCode } from '../http/status';
import type { Ending } from '../log/observer';

interface Common {
  /** When the phase began, ms: the idle and request timeouts count from here. */
  readonly since: number;
  /** The client has ended its side (FIN): no request will follow what is buffered. */
  readonly clientEnded: boolean;
  /** The server is shutting down: close after the current reply. */
  readonly stopping: boolean;
  /** Requests answered, against maxRequestsPerConnection. */
  readonly served: number;
  /** How the connection ended, or will end, in the words the log prints. */
  readonly ending: Ending;
}

/** The phases, each with what only it needs. */
type PhasePart =
  | { readonly phase: 'idle' } // waiting for a request (the idle timeout)
  | { readonly phase: 'receiving' } // a request has begun, or is buffered (the request timeout)
  // a reply is on its way; requests behind it wait in the buffer. closeAs: how to name the close after it;
  // lastOfClient: the request said it was the client's last (Connection: close, or HTTP/1.0 without keep-alive)
  | { readonly phase: 'responding'; readonly closeAs: Ending | undefined; readonly lastOfClient: boolean }
  // our side has ended, FIN queued (flushedAt: when it left); reading and discarding for a while
  // after it (linger), or closing as soon as it has left (no linger: the client will send nothing)
  | { readonly phase: 'closing'; readonly flushedAt: number | undefined; readonly linger: boolean }
  | { readonly phase: 'closed' };

export type ConnectionState = Common & PhasePart;

export type Phase = ConnectionState['phase'];

export type ConnectionEvent =
  | { readonly kind: 'begun' } // part of a request is buffered, not all of it yet
  | { readonly kind: 'request'; readonly request: Request } // the parser read a whole request, body included
  | { readonly kind: 'refused'; readonly status: RefusalStatus; readonly reason: string } // the parser refused it
  | { readonly kind: 'empty' } // the buffer holds no further request
  // the reply is out: did its head keep the connection, are more request bytes buffered, and
  // are all its bytes with the kernel already (none queued in the process)?
  | {
      readonly kind: 'replied';
      readonly keptAlive: boolean;
      readonly more: boolean;
      readonly handedOver: boolean;
    }
  | { readonly kind: 'client-ended' } // the client's FIN
  | { readonly kind: 'flushed' } // our last bytes and FIN have left
  | { readonly kind: 'tick'; readonly stalledSince: number | undefined } // the watchdog; since when the client takes nothing
  | { readonly kind: 'stop' } // graceful shutdown began
  | { readonly kind: 'cut'; readonly ending: Ending | undefined } // drop it now (grace over, write failed, file shrank)
  | { readonly kind: 'socket-error'; readonly reset: boolean };

export type RefusalStatus = Exclude<StatusCode, 100 | 200 | 204 | 206 | 304>;

/** What the connection must do after a transition. */
export type Action =
  | { readonly kind: 'none' }
  | { readonly kind: 'answer'; readonly request: Request; readonly keepAlive: boolean }
  | { readonly kind: 'refuse'; readonly status: RefusalStatus; readonly reason: string } // its error page, then close
  | { readonly kind: 'end' } // end our side: FIN after what is queued; discard what arrives
  | { readonly kind: 'destroy' }; // close the socket now

export interface Step {
  readonly state: ConnectionState;
  readonly action: Action;
}

type Timing = Pick<
  Limits,
  'idleTimeoutMs' | 'requestTimeoutMs' | 'sendTimeoutMs' | 'lingerMs' | 'maxRequestsPerConnection'
>;

export function opened(now: number): ConnectionState {
  return enter(ENTERED, IDLE, now);
}

/** The one place the state changes. */
export function transition(
  state: ConnectionState,
  event: ConnectionEvent,
  now: number,
  limits: Timing,
): Step {
  if (state.phase === 'closed') return stay(state);
  const anywhere = inAnyPhase(state, event, now, limits);
  if (anywhere !== undefined) return anywhere;
  switch (state.phase) {
    case 'idle':
      return fromIdle(state, event, now, limits);
    case 'receiving':
      return fromReceiving(state, event, now, limits);
    case 'responding':
      return fromResponding(state, event, now);
    case 'closing':
      return fromClosing(state, event, now, limits);
  }
}

/** Events that mean the same in every open phase. */
function inAnyPhase(
  state: ConnectionState,
  event: ConnectionEvent,
  now: number,
  limits: Timing,
): Step | undefined {
  switch (event.kind) {
    case 'cut':
      return { state: closed(state, event.ending ?? state.ending), action: DESTROY };
    case 'socket-error': // Node destroys a socket after its error
      return { state: closed(state, event.reset ? 'reset by client' : state.ending), action: NONE };
    case 'tick':
      // Our bytes have waited too long for a client that takes nothing: whatever the phase, drop it.
      if (event.stalledSince !== undefined && now - event.stalledSince > limits.sendTimeoutMs)
        return { state: closed(state, 'send timeout (client stopped reading)'), action: DESTROY };
      return undefined;
    case 'client-ended':
      if (state.phase === 'idle' || state.phase === 'closing') return undefined;
      return stay(update(state, { clientEnded: true })); // the reply or the parser finds out in time
    case 'stop':
      if (state.phase === 'idle') return undefined;
      return stay(update(state, { stopping: true })); // busy: close after the current reply
    default:
      return undefined;
  }
}

function fromIdle(state: ConnectionState, event: ConnectionEvent, now: number, limits: Timing): Step {
  switch (event.kind) {
    case 'begun':
      return stay(enter(state, RECEIVING, now));
    case 'request': // it arrived whole, in one read
      return answer(state, event.request, now, limits);
    case 'refused':
      return refuse(state, event.status, event.reason, now);
    case 'client-ended':
      return closing(state, 'client half-closed, then server closed', now, { clientEnded: true });
    case 'stop':
      return closing(state, 'shutdown', now, { stopping: true });
    case 'tick':
      return now - state.since > limits.idleTimeoutMs ? closing(state, 'idle timeout', now) : stay(state);
    default:
      return stay(state);
  }
}

function fromReceiving(state: ConnectionState, event: ConnectionEvent, now: number, limits: Timing): Step {
  switch (event.kind) {
    case 'request':
      return answer(state, event.request, now, limits);
    case 'refused':
      return refuse(state, event.status, event.reason, now);
    case 'empty':
      if (state.clientEnded) return closing(state, 'client half-closed, then server closed', now);
      return stay(enter(state, IDLE, now));
    case 'tick':
      if (now - state.since > limits.requestTimeoutMs)
        return refuse(state, 408, 'request not complete in time', now);
      return stay(state);
    default:
      return stay(state);
  }
}

function fromResponding(
  state: Extract<ConnectionState, { phase: 'responding' }>,
  event: ConnectionEvent,
  now: number,
): Step {
  if (event.kind !== 'replied') return stay(state);
  if (!event.keptAlive || state.stopping) {
    const ending = state.stopping ? 'shutdown' : (state.closeAs ?? 'server closed');
    if (!state.lastOfClient || event.more) return closing(state, ending, now);
    // The client's last request, nothing past it: no linger. (Bytes past it: it broke its word,
    // so the linger above reads them rather than letting a reset destroy our reply.) With every
    // byte handed to the kernel, close(2) sends them and then the FIN: close now, as nginx does.
    if (event.handedOver) return { state: closed(state, ending), action: DESTROY };
    return { state: enter(state, AT_ONCE, now, { ending }), action: END };
  }
  if (event.more) return stay(enter(state, RECEIVING, now)); // the next request is buffered already
  if (state.clientEnded) return closing(state, 'client half-closed, then server closed', now);
  return stay(enter(state, IDLE, now));
}

function fromClosing(
  state: Extract<ConnectionState, { phase: 'closing' }>,
  event: ConnectionEvent,
  now: number,
  limits: Timing,
): Step {
  switch (event.kind) {
    case 'client-ended': // both sides have ended: close once our bytes are out
      return state.flushedAt !== undefined ? destroyed(state) : stay(update(state, { clientEnded: true }));
    case 'flushed':
      return state.clientEnded || !state.linger
        ? destroyed(state)
        : stay(enter(state, { phase: 'closing', flushedAt: now, linger: true }, state.since));
    case 'tick':
      return state.flushedAt !== undefined && now - state.flushedAt > limits.lingerMs
        ? destroyed(state)
        : stay(state);
    default:
      return stay(state);
  }
}

/** Whether to stop reading from the socket: while more than maxPipelinedBytes of requests wait unanswered (backpressure on the way in). */
export function shouldPause(
  state: ConnectionState,
  buffered: number,
  limits: Pick<Limits, 'maxPipelinedBytes'>,
): boolean {
  return state.phase !== 'closing' && state.phase !== 'closed' && buffered > limits.maxPipelinedBytes;
}

const NONE: Action = { kind: 'none' };
const IDLE: PhasePart = { phase: 'idle' };
/** What a new connection starts from: idle, nothing served, nothing ended yet. */
const ENTERED = {
  phase: 'idle',
  since: 0,
  clientEnded: false,
  stopping: false,
  served: 0,
  ending: 'client closed',
} as const satisfies ConnectionState;
const RECEIVING: PhasePart = { phase: 'receiving' };
const RESPONDING: PhasePart = { phase: 'responding', closeAs: undefined, lastOfClient: false };
const RESPONDING_TO_LAST: PhasePart = { phase: 'responding', closeAs: undefined, lastOfClient: true };
const CLOSING: PhasePart = { phase: 'closing', flushedAt: undefined, linger: true };
/** Closing after the client's last request, nothing past it: close once our bytes are out. */
const AT_ONCE: PhasePart = { phase: 'closing', flushedAt: undefined, linger: false };
const CLOSED: PhasePart = { phase: 'closed' };
const DESTROY: Action = { kind: 'destroy' };
const END: Action = { kind: 'end' };

function stay(state: ConnectionState): Step {
  return { state, action: NONE };
}

/** What a transition may change besides the phase: the rest lasts the connection's whole life. */
interface Changes {
  readonly clientEnded?: boolean;
  readonly stopping?: boolean;
  readonly served?: number;
  readonly ending?: Ending;
}
const NO_CHANGES: Changes = {};

/**
 * A new phase (with `changes`). Every state object is made here, with the same fields in the same
 * order, those its phase does not use left undefined: one shape for V8, which reads them several
 * times a request (hence the cast: the type says which phase uses which). No spread: it costs
 * more than the whole transition.
 */
function enter(state: ConnectionState, part: PhasePart, now: number, changes = NO_CHANGES): ConnectionState {
  return new StateRecord(state, part, now, changes) as ConnectionState;
}

/**
 * The state's fields, made with `new`, not as an object literal. V8 watches each literal in the
 * code: when most of the objects it makes outlive a minor collection, it makes its later objects
 * straight in the old generation. An idle keep-alive connection keeps its state for seconds, so
 * a thousand of them taught V8 that, and then the two states of every request were old-generation
 * garbage: a full collection (4 ms, every request waiting) every 0.65 s. V8 does not do this for
 * `new`. Measured (bench/README.md, "Idle connections and the old generation"): scenario 6's p99
 * latency 5.6 → 2.8 ms, its full collections 20 → 1 a run.
 */
class StateRecord {
  readonly phase: Phase;
  readonly since: number;
  readonly clientEnded: boolean;
  readonly stopping: boolean;
  readonly served: number;
  readonly ending: Ending;
  readonly closeAs: Ending | undefined;
  readonly lastOfClient: boolean | undefined;
  readonly flushedAt: number | undefined;
  readonly linger: boolean | undefined;

  constructor(state: ConnectionState, part: PhasePart, now: number, changes: Changes) {
    this.phase = part.phase;
    this.since = now;
    this.clientEnded = changes.clientEnded ?? state.clientEnded;
    this.stopping = changes.stopping ?? state.stopping;
    this.served = changes.served ?? state.served;
    this.ending = changes.ending ?? state.ending;
    this.closeAs = part.phase === 'responding' ? part.closeAs : undefined;
    this.lastOfClient = part.phase === 'responding' ? part.lastOfClient : undefined;
    this.flushedAt = part.phase === 'closing' ? part.flushedAt : undefined;
    this.linger = part.phase === 'closing' ? part.linger : undefined;
  }
}

/** The same phase, since the same time, with `changes`. */
function update(state: ConnectionState, changes: Changes): ConnectionState {
  return enter(state, state, state.since, changes);
}

function closing(state: ConnectionState, ending: Ending, now: number, changes?: Changes): Step {
  const next = enter(state, CLOSING, now, changes === undefined ? { ending } : { ...changes, ending });
  return { state: next, action: END };
}

function closed(state: ConnectionState, ending: Ending): ConnectionState {
  return enter(state, CLOSED, state.since, ending === state.ending ? NO_CHANGES : { ending });
}

function destroyed(state: ConnectionState): Step {
  return { state: closed(state, state.ending), action: DESTROY };
}

/** A whole request: answer it, keeping the connection if the client lets us and the limit allows. */
function answer(state: ConnectionState, request: Request, now: number, limits: Timing): Step {
  const served = state.served + 1;
  const keepAlive = request.keepAlive && !state.stopping && served < limits.maxRequestsPerConnection;
  const responding = request.keepAlive ? RESPONDING : RESPONDING_TO_LAST;
  return { state: enter(state, responding, now, { served }), action: { kind: 'answer', request, keepAlive } };
}

/** A request we will not serve: its error page, then close (a 408's close is logged as the request timeout). */
function refuse(state: ConnectionState, status: RefusalStatus, reason: string, now: number): Step {
  const closeAs = status === 408 ? 'request timeout' : undefined;
  return {
    state: enter(state, { phase: 'responding', closeAs, lastOfClient: false }, now),
    action: { kind: 'refuse', status, reason },
  };
}
