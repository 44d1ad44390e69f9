/** The trace printer: what a student watching the terminal sees for each event. */
import { traceObserver, visible } from '../../../src/log/trace';
import type { Request } from '../../../src/http/message';
import type { Steps } from '../../../src/handle-request';

const peer = { id: 7, address: '127.0.0.1', port: 52640 };
const request: Request = {
  method: 'GET',
  target: '/nums.txt',
  targetForm: 'origin',
  pathAndQuery: '/nums.txt',
  version: '1.1',
  fields: [{ name: 'host', value: 'x' }],
  body: { kind: 'none' },
  keepAlive: true,
  expectsContinue: false,
};

function traced(colour = false) {
  const lines: string[] = [];
  return { observer: traceObserver((line) => lines.push(line), colour), lines };
}

describe('visible', () => {
  it.each([
    ['CRLF', 'GET / HTTP/1.1\r\n', ['GET / HTTP/1.1\\r\\n']],
    ['bare LF', 'a\nb', ['a\\n', 'b']],
    ['tab and NUL', 'a\tb\0', ['a\\tb\\x00']],
    ['non-ASCII bytes', 'caf\xc3\xa9', ['caf\\xc3\\xa9']],
  ])('makes %s visible', (_name, text, lines) => {
    expect(visible(Buffer.from(text, 'latin1'))).toEqual(lines);
  });

  it('shows at most 2 KiB of a chunk and counts the rest', () => {
    const lines = visible(Buffer.alloc(3000, 'a'));
    expect(lines[0]).toHaveLength(2048);
    expect(lines[1]).toBe('… 952 more bytes');
  });
});

describe('traceObserver', () => {
  it.each([
    [
      'accepted',
      (o: ReturnType<typeof traced>['observer']) => o.accepted(peer),
      ["#7 Connection from ('127.0.0.1', 52640)"],
    ],
    [
      'received',
      (o: ReturnType<typeof traced>['observer']) => o.received(peer, Buffer.from('GET / HTTP/1.1\r\n')),
      ['#7 ◀ received 16 bytes', '#7    GET / HTTP/1.1\\r\\n'],
    ],
    [
      'rejected',
      (o: ReturnType<typeof traced>['observer']) => o.rejected(peer, 400, 'garbage'),
      ['#7 ✗ refused with 400 Bad Request: garbage'],
    ],
    // The wire bytes may carry the body after the head: only the head is shown.
    [
      'headSent',
      (o: ReturnType<typeof traced>['observer']) =>
        o.headSent(peer, Buffer.from('HTTP/1.1 200 OK\r\n\r\nbody')),
      ['#7 ▶ response head, 19 bytes, exactly as sent', '#7    HTTP/1.1 200 OK\\r\\n', '#7    \\r\\n'],
    ],
    [
      'responded',
      (o: ReturnType<typeof traced>['observer']) =>
        o.responded(peer, { method: 'GET', target: '/', status: 200, bytes: 5, ms: 1 }),
      ['#7 ▶ body 5 bytes; GET / → 200 in 1 ms'],
    ],
    [
      'closed',
      (o: ReturnType<typeof traced>['observer']) => o.closed(peer, 'idle timeout'),
      ['#7 ✕ connection closed: idle timeout'],
    ],
    [
      'failed',
      (o: ReturnType<typeof traced>['observer']) => o.failed(undefined, 'boom'),
      ['-- ! unexpected error: boom'],
    ],
    [
      'descriptors running out',
      (o: ReturnType<typeof traced>['observer']) =>
        o.descriptors({ kind: 'exhausted', code: 'ENFILE', connections: 12 }),
      [
        "-- ! Out of file descriptors (ENFILE, the system's limit) with 12 connections open: new connections are closed without a reply until one is free. Raise the limit or lower --max-connections",
      ],
    ],
    [
      'descriptors free again',
      (o: ReturnType<typeof traced>['observer']) =>
        o.descriptors({ kind: 'available', connections: 3, ms: 2500 }),
      [
        '-- ! File descriptors free again, after a shortage of 2.5 s (3 connections open): new connections are served',
      ],
    ],
  ])('prints %s', (_name, act, expected) => {
    const t = traced();
    act(t.observer);
    expect(t.lines).toEqual(expected);
  });

  it('describes a parsed request, its fields, body and persistence', () => {
    const t = traced();
    t.observer.parsed(peer, { ...request, body: { kind: 'length', length: 3 }, keepAlive: false });
    expect(t.lines).toEqual([
      '#7 ✓ parsed request',
      '#7    method GET, target /nums.txt (origin-form), HTTP/1.1',
      '#7    host: x',
      '#7    a 3-byte body (read and discarded); connection closes after the reply',
    ]);
  });

  it('colours only when asked (on a terminal)', () => {
    const plain = traced(false);
    const coloured = traced(true);
    plain.observer.closed(peer, 'server closed');
    coloured.observer.closed(peer, 'server closed');
    expect(plain.lines[0]).not.toContain('\x1b[');
    expect(coloured.lines[0]).toContain('\x1b[');
  });
});

describe('traceObserver: how each request was understood', () => {
  const stat = { dev: 1, ino: 2, size: 10, mtimeMs: 0, ctimeMs: 0, isFile: true, isDirectory: false };
  it.each<[string, Steps, string[]]>([
    ['no file', {}, ['no file involved']],
    [
      'a refused target',
      { target: { kind: 'refused', status: 400, reason: '".." rises above the site root' } },
      ['target refused (400): ".." rises above the site root'],
    ],
    [
      'a redirect',
      {
        target: { kind: 'path', segments: ['dir'], path: 'dir', directory: false, query: '' },
        found: { kind: 'redirect', location: '/dir/' },
      },
      ['target → path "dir"', 'a directory without its slash → 301 to /dir/'],
    ],
    [
      'a listing',
      { found: { kind: 'listing', entries: [], modified: 0 } },
      ['a directory without index.html → listing of 0 entries'],
    ],
    [
      'a missing file',
      { found: { kind: 'refused', status: 404, reason: 'no such file (ENOENT)' } },
      ['file → 404: no such file (ENOENT)'],
    ],
    [
      'a cached file, conditional and ranged',
      {
        target: { kind: 'path', segments: ['nums.txt'], path: 'nums.txt', directory: false, query: '' },
        found: {
          kind: 'file',
          name: 'nums.txt',
          realPath: '/srv/site/nums.txt',
          stat,
          body: { kind: 'bytes', bytes: Buffer.from('0123456789') },
          cached: 'revalidated',
        },
        contentType: 'text/plain; charset=utf-8',
        verdict: {
          status: 206,
          preconditions: { kind: 'proceed', honourRange: true },
          range: { kind: 'partial', ranges: [{ first: 2, last: 5 }] },
        },
      },
      [
        'target → path "nums.txt"',
        'file "nums.txt", 10 bytes, from the cache (revalidated by stat)',
        'Content-Type: text/plain; charset=utf-8',
        'conditional: no condition stops it → proceed',
        'range: 2-5',
      ],
    ],
    [
      'a 304: no range is looked at',
      { verdict: { status: 304, preconditions: { kind: 'not-modified', because: 'If-None-Match matched' } } },
      ['conditional: If-None-Match matched → not-modified'],
    ],
    [
      'an unsatisfiable range',
      {
        verdict: {
          status: 416,
          preconditions: { kind: 'proceed', honourRange: true },
          range: { kind: 'unsatisfiable' },
        },
      },
      ['conditional: no condition stops it → proceed', 'range: nothing satisfiable → 416'],
    ],
    // A trusted hit costs no stat, so the trace must not claim one (file-cache.ts).
    [
      'a cached file trusted without a stat',
      {
        found: {
          kind: 'file',
          name: 'a',
          realPath: '/srv/site/a',
          stat,
          body: { kind: 'bytes', bytes: Buffer.from('0123456789') },
          cached: 'trusted',
        },
      },
      ['file "a", 10 bytes, from the cache (trusted: watched for changes, no stat)'],
    ],
    [
      'a Range ignored because If-Range did not match',
      {
        verdict: {
          status: 200,
          preconditions: { kind: 'proceed', honourRange: false },
          range: { kind: 'whole', because: 'If-Range did not match' },
        },
      },
      ['conditional: no condition stops it → proceed', 'range: whole file (If-Range did not match)'],
    ],
    [
      'a whole file read from disk',
      {
        found: {
          kind: 'file',
          name: 'a',
          realPath: '/srv/site/a',
          stat,
          body: { kind: 'fd', fd: 3 },
          cached: false,
        },
        verdict: {
          status: 200,
          preconditions: { kind: 'proceed', honourRange: true },
          range: { kind: 'whole', because: 'no Range' },
        },
      },
      [
        'file "a", 10 bytes, read from disk',
        'conditional: no condition stops it → proceed',
        'range: whole file (no Range)',
      ],
    ],
  ])('explains the decisions for %s', (_name, steps, expected) => {
    const t = traced();
    t.observer.decided(peer, request, steps);
    expect(t.lines).toEqual(['#7 → decided', ...expected.map((line) => `#7    ${line}`)]);
  });
});

describe('traceObserver: what the features did (features/layers.ts)', () => {
  it.each<[string, Steps, string[]]>([
    [
      'their notes, after the path, innermost first',
      {
        target: { kind: 'path', segments: ['x'], path: 'x', directory: false, query: '' },
        notes: ['spa: a', 'cors: b'],
      },
      ['target → path "x"', 'spa: a', 'cors: b'],
    ],
    ['a feature that answered alone', { notes: ['lab: health'] }, ['no file involved', 'lab: health']],
  ])('explains %s', (_name, steps, expected) => {
    const t = traced();
    t.observer.decided(peer, request, steps);
    expect(t.lines).toEqual(['#7 → decided', ...expected.map((line) => `#7    ${line}`)]);
  });
});
