/** The pino observer: the seed's connection line, one access line per response, and nothing when the level is off. */
import { createLogger, logObserver } from '../../../src/log/logger';
import type { Observer } from '../../../src/log/observer';
import { requestOf, head } from '../support/wire';

const peer = { id: 3, address: '127.0.0.1', port: 52640 };
const record = { method: 'GET', target: '/a', status: 200 as const, bytes: 5, ms: 2 };
const request = requestOf(head('GET /a HTTP/1.1', 'Host: a'));

function logLines(level: Parameters<typeof createLogger>[1]) {
  let text = '';
  const observer = logObserver(
    createLogger('json', level, false, {
      write: (s: string) => {
        text += s;
      },
    }),
  );
  return {
    observer,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logObserver', () => {
  it.each([
    ['its first request is decided', (o: Observer) => o.decided(peer, request, {})],
    ['a reply is sent that was never decided (a 500)', (o: Observer) => o.responded(peer, record)],
    ['its request is refused', (o: Observer) => o.rejected(peer, 400, 'x')],
    ['it closes without a request', (o: Observer) => o.closed(peer, 'idle timeout')],
  ])("writes the seed's connection line, word for word, once, when %s", (_name, event) => {
    const log = logLines('info');
    log.observer.accepted(peer);
    expect(log.lines()).toEqual([]);
    event(log.observer);
    log.observer.decided(peer, request, {});
    log.observer.closed(peer, 'idle timeout');
    expect(log.lines().filter((l) => String(l.msg).startsWith('Connection from'))).toEqual([
      expect.objectContaining({
        level: 30,
        msg: "Connection from ('127.0.0.1', 52640)",
        peer: '127.0.0.1',
        port: 52640,
      }),
    ]);
  });

  it.each([
    ['info', []],
    [
      'debug',
      [
        [20, "Connection from ('127.0.0.1', 52640)"],
        [20, 'GET /__lab/health 200 2B 0ms'],
      ],
    ],
  ])('at %s, writes a probe (a quiet exchange) and its connection at debug level only', (level, expected) => {
    const log = logLines(level as 'info' | 'debug');
    log.observer.accepted(peer);
    log.observer.decided(peer, request, { quiet: true });
    log.observer.responded(peer, { ...record, target: '/__lab/health', bytes: 2, ms: 0 });
    expect(log.lines().map((l) => [l.level, l.msg])).toEqual(expected);
  });

  it("writes the next request on a probe's connection at info again", () => {
    const log = logLines('info');
    log.observer.accepted(peer);
    log.observer.decided(peer, request, { quiet: true });
    log.observer.responded(peer, record);
    log.observer.decided(peer, request, {});
    log.observer.responded(peer, record);
    expect(log.lines().map((l) => l.msg)).toEqual(['GET /a 200 5B 2ms']);
  });

  it('forgets a probe whose reply never went out', () => {
    const log = logLines('info');
    log.observer.decided(peer, request, { quiet: true });
    log.observer.closed(peer, 'reset by client');
    log.observer.responded(peer, record);
    expect(log.lines().map((l) => l.msg)).toEqual(['GET /a 200 5B 2ms']);
  });

  it('writes one access line per response with method, target, status, bytes, ms and peer', () => {
    const log = logLines('info');
    log.observer.responded(peer, record);
    expect(log.lines()).toEqual([
      expect.objectContaining({
        msg: 'GET /a 200 5B 2ms',
        method: 'GET',
        target: '/a',
        status: 200,
        bytes: 5,
        ms: 2,
        peer: '127.0.0.1',
      }),
    ]);
  });

  it('says why a request was refused', () => {
    const log = logLines('info');
    log.observer.rejected(peer, 431, 'more than 100 header fields');
    expect(log.lines()[0]?.msg).toBe('431 Request Header Fields Too Large: more than 100 header fields');
  });

  it('logs connection endings at debug only', () => {
    const info = logLines('info');
    const debug = logLines('debug');
    info.observer.closed(peer, 'idle timeout');
    debug.observer.closed(peer, 'idle timeout');
    expect(info.lines()).toEqual([]);
    expect(debug.lines()[0]?.msg).toBe('connection 3 closed: idle timeout');
  });

  it('writes nothing per request at warn, but still reports errors', () => {
    const log = logLines('warn');
    log.observer.accepted(peer);
    log.observer.decided(peer, request, {});
    log.observer.responded(peer, record);
    log.observer.rejected(peer, 400, 'x');
    log.observer.failed(peer, new Error('boom'));
    expect(log.lines()).toEqual([expect.objectContaining({ level: 50, msg: 'unexpected error' })]);
  });
});

describe('createLogger', () => {
  it('says a shortage of descriptors as an error (shown at warn level) and its end at info (not shown)', () => {
    const log = logLines('warn');
    log.observer.descriptors({ kind: 'exhausted', code: 'EMFILE', connections: 4 });
    log.observer.descriptors({ kind: 'available', connections: 0, ms: 1200 });
    expect(log.lines()).toEqual([
      expect.objectContaining({
        level: 50,
        kind: 'exhausted',
        code: 'EMFILE',
        msg: expect.stringMatching(
          /^Out of file descriptors \(EMFILE, the process's limit, ulimit -n\) with 4 connections open/,
        ),
      }),
    ]);
  });

  it('writes readable lines in pretty format', () => {
    let text = '';
    createLogger('pretty', 'info', false, {
      write: (s: string) => {
        text += s;
      },
    }).info('hello');
    expect(text).toMatch(/INFO.*hello/);
    expect(text.startsWith('{')).toBe(false);
  });
});
