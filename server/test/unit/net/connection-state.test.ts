/**
 * The connection's state machine, cell by cell: every state × every event → the next phase and
 * what the connection must do. The two grids below are the table; each cell is one test.
 */
import { DEFAULT_LIMITS } from '../../../src/http/limits';
import type { Request } from '../../../src/http/message';
import {
  type Action,
  type ConnectionEvent,
  type ConnectionState,
  opened,
  shouldPause,
  transition,
} from '../../../src/net/connection-state';

const SINCE = 1_000_000;
const LIMITS = DEFAULT_LIMITS;
/** Later than every timeout of every phase (idle 5 s, request 10 s, linger 2 s), not the send timeout's 30 s. */
const LATE = SINCE + 20_000;

const request = (keepAlive = true): Request => ({
  method: 'GET',
  target: '/',
  targetForm: 'origin',
  pathAndQuery: '/',
  version: '1.1',
  fields: [],
  body: { kind: 'none' },
  keepAlive,
  expectsContinue: false,
});

const base = opened(SINCE);
const RESPONDING: ConnectionState = { ...base, phase: 'responding', closeAs: undefined, lastOfClient: false };
const STATES: Record<string, ConnectionState> = {
  idle: base,
  receiving: { ...base, phase: 'receiving' },
  responding: RESPONDING,
  closing: { ...base, phase: 'closing', flushedAt: undefined, linger: true, ending: 'server closed' }, // FIN not out yet
  lingering: { ...base, phase: 'closing', flushedAt: SINCE, linger: true, ending: 'server closed' }, // FIN out
  closed: { ...base, phase: 'closed', ending: 'server closed' },
};

/** Each event, and the time it happens at. */
const EVENTS: Record<string, { event: ConnectionEvent; now: number }> = {
  begun: { event: { kind: 'begun' }, now: SINCE + 1 },
  request: { event: { kind: 'request', request: request() }, now: SINCE + 1 },
  refused: { event: { kind: 'refused', status: 400, reason: 'bad' }, now: SINCE + 1 },
  empty: { event: { kind: 'empty' }, now: SINCE + 1 },
  'replied-more': {
    event: { kind: 'replied', keptAlive: true, more: true, handedOver: false },
    now: SINCE + 1,
  },
  'replied-kept': {
    event: { kind: 'replied', keptAlive: true, more: false, handedOver: false },
    now: SINCE + 1,
  },
  'replied-close': {
    event: { kind: 'replied', keptAlive: false, more: false, handedOver: false },
    now: SINCE + 1,
  },
  'client-ended': { event: { kind: 'client-ended' }, now: SINCE + 1 },
  flushed: { event: { kind: 'flushed' }, now: SINCE + 1 },
  'tick-in-time': { event: { kind: 'tick', stalledSince: undefined }, now: SINCE + 1 },
  'tick-late': { event: { kind: 'tick', stalledSince: undefined }, now: LATE },
  'tick-stalled': { event: { kind: 'tick', stalledSince: SINCE }, now: SINCE + LIMITS.sendTimeoutMs + 1 },
  stop: { event: { kind: 'stop' }, now: SINCE + 1 },
  cut: { event: { kind: 'cut', ending: 'server error' }, now: SINCE + 1 },
  'socket-error': { event: { kind: 'socket-error', reset: true }, now: SINCE + 1 },
};

// The next phase. Rows: events; columns: the state the connection was in.
const NEXT_PHASE = `
event          idle         receiving    responding   closing      lingering    closed
begun          receiving    receiving    responding   closing      closing      closed
request        responding   responding   responding   closing      closing      closed
refused        responding   responding   responding   closing      closing      closed
empty          idle         idle         responding   closing      closing      closed
replied-more   idle         receiving    receiving    closing      closing      closed
replied-kept   idle         receiving    idle         closing      closing      closed
replied-close  idle         receiving    closing      closing      closing      closed
client-ended   closing      receiving    responding   closing      closed       closed
flushed        idle         receiving    responding   closing      closing      closed
tick-in-time   idle         receiving    responding   closing      closing      closed
tick-late      closing      responding   responding   closing      closed       closed
tick-stalled   closed       closed       closed       closed       closed       closed
stop           closing      receiving    responding   closing      closing      closed
cut            closed       closed       closed       closed       closed       closed
socket-error   closed       closed       closed       closed       closed       closed
`;

// What the connection does. "-": nothing; "end": FIN after what is queued, then linger.
const ACTION = `
event          idle         receiving    responding   closing      lingering    closed
begun          -            -            -            -            -            -
request        answer       answer       -            -            -            -
refused        refuse       refuse       -            -            -            -
empty          -            -            -            -            -            -
replied-more   -            -            -            -            -            -
replied-kept   -            -            -            -            -            -
replied-close  -            -            end          -            -            -
client-ended   end          -            -            -            destroy      -
flushed        -            -            -            -            -            -
tick-in-time   -            -            -            -            -            -
tick-late      end          refuse       -            -            destroy      -
tick-stalled   destroy      destroy      destroy      destroy      destroy      -
stop           end          -            -            -            -            -
cut            destroy      destroy      destroy      destroy      destroy      -
socket-error   -            -            -            -            -            -
`;

/** A grid as [state, event, cell] rows. */
function cells(grid: string): Array<[string, string, string]> {
  const [header = '', ...lines] = grid.trim().split('\n');
  const states = header.trim().split(/\s+/).slice(1);
  return lines.flatMap((line) => {
    const [event = '', ...row] = line.trim().split(/\s+/);
    return states.map((state, i): [string, string, string] => [state, event, row[i] ?? '?']);
  });
}

const actionName = (action: Action): string => (action.kind === 'none' ? '-' : action.kind);

describe('the grids cover every state and every event', () => {
  it.each([
    ['next phase', NEXT_PHASE],
    ['action', ACTION],
  ])('the %s grid', (_name, grid) => {
    const table = cells(grid);
    expect(new Set(table.map(([state]) => state))).toEqual(new Set(Object.keys(STATES)));
    expect(new Set(table.map(([, event]) => event))).toEqual(new Set(Object.keys(EVENTS)));
    expect(table).toHaveLength(Object.keys(STATES).length * Object.keys(EVENTS).length);
  });
});

describe('state × event → next phase, and what to do', () => {
  const actions = new Map(cells(ACTION).map(([state, event, action]) => [`${state} ${event}`, action]));
  it.each(
    cells(NEXT_PHASE).map(([state, event, phase]) => [state, event, phase, actions.get(`${state} ${event}`)]),
  )('%s × %s → %s (%s)', (state, event, phase, action) => {
    const from = STATES[state ?? ''];
    const what = EVENTS[event ?? ''];
    if (from === undefined || what === undefined)
      throw new Error(`no such state or event: ${state}, ${event}`);
    const step = transition(from, what.event, what.now, LIMITS);
    expect([step.state.phase, actionName(step.action)]).toEqual([phase, action]);
  });
});

describe('what the transitions remember', () => {
  it.each([
    ['an idle timeout', STATES.idle, EVENTS['tick-late'], 'idle timeout'],
    [
      'a client that half-closed while idle',
      STATES.idle,
      EVENTS['client-ended'],
      'client half-closed, then server closed',
    ],
    ['a shutdown while idle', STATES.idle, EVENTS.stop, 'shutdown'],
    ['a reply that says close', STATES.responding, EVENTS['replied-close'], 'server closed'],
    [
      'a client stalled past the send timeout',
      STATES.responding,
      EVENTS['tick-stalled'],
      'send timeout (client stopped reading)',
    ],
    ['a reset', STATES.lingering, EVENTS['socket-error'], 'reset by client'],
    ['a cut', STATES.receiving, EVENTS.cut, 'server error'],
    ['the linger over: the ending stays what it was', STATES.lingering, EVENTS['tick-late'], 'server closed'],
  ])('%s is logged as its ending', (_name, from, what, ending) => {
    if (from === undefined || what === undefined) throw new Error('no such row');
    expect(transition(from, what.event, what.now, LIMITS).state.ending).toBe(ending);
  });

  it('a request too slow to arrive is refused with 408, and its close is logged as "request timeout"', () => {
    const late = transition(
      STATES.receiving ?? base,
      { kind: 'tick', stalledSince: undefined },
      LATE,
      LIMITS,
    );
    expect(late.action).toEqual({ kind: 'refuse', status: 408, reason: 'request not complete in time' });
    const replied = transition(
      late.state,
      { kind: 'replied', keptAlive: false, more: false, handedOver: false },
      LATE + 1,
      LIMITS,
    );
    expect([replied.state.phase, replied.state.ending]).toEqual(['closing', 'request timeout']);
  });

  it.each([
    ['1 ms before', LIMITS.requestTimeoutMs, 'receiving'],
    ['1 ms after', LIMITS.requestTimeoutMs + 1, 'responding'],
  ])('the request timeout at its edge: a tick %s', (_name, elapsed, phase) => {
    const from = STATES.receiving ?? base;
    expect(
      transition(from, { kind: 'tick', stalledSince: undefined }, SINCE + elapsed, LIMITS).state.phase,
    ).toBe(phase);
  });

  it('a reply out, nothing more buffered, and the client has half-closed: close, not idle', () => {
    const from: ConnectionState = { ...RESPONDING, clientEnded: true };
    const step = transition(
      from,
      { kind: 'replied', keptAlive: true, more: false, handedOver: false },
      SINCE + 1,
      LIMITS,
    );
    expect([step.state.phase, step.state.ending]).toEqual([
      'closing',
      'client half-closed, then server closed',
    ]);
  });

  it('the buffer empty after a client half-closed: close, not idle', () => {
    const from: ConnectionState = { ...base, phase: 'receiving', clientEnded: true };
    const step = transition(from, { kind: 'empty' }, SINCE + 1, LIMITS);
    expect([step.state.phase, step.state.ending, step.action.kind]).toEqual([
      'closing',
      'client half-closed, then server closed',
      'end',
    ]);
  });

  it('a reply out while shutting down closes, even one that kept the connection', () => {
    const from: ConnectionState = { ...RESPONDING, stopping: true };
    const step = transition(
      from,
      { kind: 'replied', keptAlive: true, more: true, handedOver: false },
      SINCE + 1,
      LIMITS,
    );
    expect([step.state.phase, step.state.ending]).toEqual(['closing', 'shutdown']);
  });

  it('the client ended while our FIN is still queued: closed once it leaves', () => {
    const ended = transition(STATES.closing ?? base, { kind: 'client-ended' }, SINCE + 1, LIMITS);
    expect([ended.state.phase, ended.action.kind]).toEqual(['closing', 'none']);
    const flushed = transition(ended.state, { kind: 'flushed' }, SINCE + 2, LIMITS);
    expect([flushed.state.phase, flushed.action.kind]).toEqual(['closed', 'destroy']);
  });
});

describe('the linger (RFC 9112 §9.6): skipped only when the client said its request was its last', () => {
  /** From a state, events in turn: the last step's phase and action. */
  const after = (from: ConnectionState, ...events: ConnectionEvent[]) => {
    let step = { state: from, action: { kind: 'none' } as Action };
    for (const [i, event] of events.entries()) step = transition(step.state, event, SINCE + 1 + i, LIMITS);
    return [step.state.phase, actionName(step.action)];
  };
  const requestOf = (keepAlive: boolean): ConnectionEvent => ({
    kind: 'request',
    request: request(keepAlive),
  });
  /** A reply that said close, with our bytes still queued in the process (none handed to the kernel yet). */
  const closed = (more: boolean): ConnectionEvent => ({
    kind: 'replied',
    keptAlive: false,
    more,
    handedOver: false,
  });
  const FLUSHED: ConnectionEvent = { kind: 'flushed' };
  const ANSWERED_AT_LIMIT = { ...base, served: LIMITS.maxRequestsPerConnection - 1 };

  it.each([
    [
      'Connection: close, nothing past it: closed once our bytes are out',
      base,
      [requestOf(false), closed(false)],
      ['closed', 'destroy'],
    ],
    [
      'Connection: close, bytes past it (the client broke its word): linger',
      base,
      [requestOf(false), closed(true)],
      ['closing', '-'],
    ],
    [
      'the server closes (the last request a connection may carry): linger',
      ANSWERED_AT_LIMIT,
      [requestOf(true), closed(false)],
      ['closing', '-'],
    ],
    [
      'a refusal (400): linger, the client may still be sending',
      base,
      [{ kind: 'refused', status: 400, reason: 'bad' }, closed(false)],
      ['closing', '-'],
    ],
    ['a shutdown while idle: linger', base, [{ kind: 'stop' }], ['closing', '-']],
  ] as Array<[string, ConnectionState, ConnectionEvent[], string[]]>)(
    '%s',
    (_name, from, events, expected) => {
      expect(after(from, ...events, FLUSHED)).toEqual(expected);
    },
  );
});

describe('closing at once: a reply that is all with the kernel needs no FIN of its own (close(2) sends it)', () => {
  /** From a state, a request (or a refusal), then its reply out with every byte handed to the kernel. */
  const afterReply = (from: ConnectionState, first: ConnectionEvent, more: boolean, keptAlive = false) => {
    const answered = transition(from, first, SINCE + 1, LIMITS);
    const event: ConnectionEvent = { kind: 'replied', keptAlive, more, handedOver: true };
    const step = transition(answered.state, event, SINCE + 2, LIMITS);
    return [step.state.phase, actionName(step.action), step.state.ending];
  };
  const closeRequest: ConnectionEvent = { kind: 'request', request: request(false) };
  const keepRequest: ConnectionEvent = { kind: 'request', request: request(true) };
  const AT_LIMIT = { ...base, served: LIMITS.maxRequestsPerConnection - 1 };

  it.each([
    [
      "the client's last request, nothing past it: closed now",
      base,
      closeRequest,
      false,
      false,
      ['closed', 'destroy', 'server closed'],
    ],
    [
      'bytes past it (the client broke its word): ended, to linger',
      base,
      closeRequest,
      true,
      false,
      ['closing', 'end', 'server closed'],
    ],
    [
      'the server closes (request limit): ended, to linger',
      AT_LIMIT,
      keepRequest,
      false,
      false,
      ['closing', 'end', 'server closed'],
    ],
    [
      'a refusal (400): ended, to linger',
      base,
      { kind: 'refused', status: 400, reason: 'bad' },
      false,
      false,
      ['closing', 'end', 'server closed'],
    ],
    ['a kept-alive reply: idle', base, keepRequest, false, true, ['idle', '-', 'client closed']],
  ] as Array<[string, ConnectionState, ConnectionEvent, boolean, boolean, string[]]>)(
    '%s',
    (_name, from, first, more, keptAlive, expected) => {
      expect(afterReply(from, first, more, keptAlive)).toEqual(expected);
    },
  );
});

describe('keep-alive, decided when the request is read', () => {
  const answer = (from: ConnectionState, keepAlive = true) => {
    const step = transition(from, { kind: 'request', request: request(keepAlive) }, SINCE + 1, LIMITS);
    return step.action.kind === 'answer' ? step.action.keepAlive : 'no answer';
  };

  it.each([
    ['a client that lets it persist', { ...base, phase: 'receiving' as const }, true, true],
    ['a client that asked to close', { ...base, phase: 'receiving' as const }, false, false],
    ['while shutting down', { ...base, phase: 'receiving' as const, stopping: true }, true, false],
    [
      'the last request a connection may carry',
      { ...base, phase: 'receiving' as const, served: LIMITS.maxRequestsPerConnection - 1 },
      true,
      false,
    ],
    [
      'the one before it',
      { ...base, phase: 'receiving' as const, served: LIMITS.maxRequestsPerConnection - 2 },
      true,
      true,
    ],
  ])('%s', (_name, from, asked, kept) => {
    expect(answer(from, asked)).toBe(kept);
  });
});

describe('shouldPause: backpressure on the way in', () => {
  it.each([
    ['receiving, at the limit', STATES.receiving, LIMITS.maxPipelinedBytes, false],
    ['receiving, over it', STATES.receiving, LIMITS.maxPipelinedBytes + 1, true],
    ['responding, over it', STATES.responding, LIMITS.maxPipelinedBytes + 1, true],
    ['closing: always read (and discard)', STATES.closing, LIMITS.maxPipelinedBytes + 1, false],
  ])('%s', (_name, state, buffered, pause) => {
    expect(shouldPause(state ?? base, buffered, LIMITS)).toBe(pause);
  });
});
