/**
 * Compression over real sockets (features/compression/), on the fast path and the plain one:
 * raw requests whose replies are decoded and compared with the files, then curl --compressed
 * and Node's fetch, which decode on their own. Fixtures are made here: a page big enough to be
 * compressed, a stylesheet with precompressed siblings, a sibling older than its file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { type ParsedResponse, get, onlyResponse, rawExchange, request } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';

const run = promisify(execFile);
const PAGE = Buffer.from('<p>0123456789 compressible text</p>\n'.repeat(200)); // 7,200 bytes
const CSS = Buffer.from('body { margin: 0 }\n'.repeat(100));
const CSS_GZ = zlib.gzipSync(CSS);
const CSS_BR = zlib.brotliCompressSync(CSS);
const OLD = new Date('2020-01-01T00:00:00Z');

function makeSite(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compress-'));
  const write = (name: string, bytes: Buffer | string): void =>
    fs.writeFileSync(path.join(root, name), bytes);
  write('page.html', PAGE);
  write('tiny.txt', 'small\n');
  write('photo.png', Buffer.alloc(4096, 7));
  write('pre.css', CSS);
  write('pre.css.gz', CSS_GZ);
  write('pre.css.br', CSS_BR);
  write('stale.js', PAGE);
  write('stale.js.gz', zlib.gzipSync('an older version'));
  fs.utimesSync(path.join(root, 'stale.js.gz'), OLD, OLD);
  return fs.realpathSync(root);
}

const ROOT = makeSite();
afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));

function decode(response: ParsedResponse): Buffer {
  const coding = response.headers['content-encoding'];
  if (coding === 'gzip') return zlib.gunzipSync(response.body);
  if (coding === 'br') return zlib.brotliDecompressSync(response.body);
  return response.body;
}

describe.each([
  ['fast path', true],
  ['plain path (--no-cache)', false],
])('compression on the %s', (_name, cache) => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ root: ROOT, cache })));
  afterAll(() => server.stop());
  const ask = async (target: string, ...fields: string[]): Promise<ParsedResponse> =>
    onlyResponse(await rawExchange(server.port, get(target, ...fields)));

  it.each([
    ['no Accept-Encoding: the file as it is', '/page.html', [], undefined, PAGE],
    ['gzip, compressed now', '/page.html', ['Accept-Encoding: gzip'], 'gzip', PAGE],
    ['br preferred over gzip at equal weight', '/page.html', ['Accept-Encoding: gzip, br'], 'br', PAGE],
    [
      'gzip;q=1, br;q=0.5: the weights win',
      '/page.html',
      ['Accept-Encoding: gzip;q=1, br;q=0.5'],
      'gzip',
      PAGE,
    ],
    ['a precompressed .gz', '/pre.css', ['Accept-Encoding: gzip'], 'gzip', CSS],
    ['a precompressed .br', '/pre.css', ['Accept-Encoding: br, gzip'], 'br', CSS],
    ['a tiny file: as it is', '/tiny.txt', ['Accept-Encoding: gzip'], undefined, Buffer.from('small\n')],
    ['an image: as it is', '/photo.png', ['Accept-Encoding: gzip, br'], undefined, Buffer.alloc(4096, 7)],
    ['a sibling older than its file is ignored', '/stale.js', ['Accept-Encoding: gzip'], 'gzip', PAGE],
    [
      'identity;q=0 on a tiny file: compressed all the same',
      '/tiny.txt',
      ['Accept-Encoding: gzip, identity;q=0'],
      'gzip',
      Buffer.from('small\n'),
    ],
  ])('%s', async (_title, target, fields, coding, content) => {
    const response = await ask(target, ...fields);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe(coding);
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(decode(response).equals(content)).toBe(true);
  });

  it.each([
    ['gzip', CSS_GZ],
    ['br', CSS_BR],
  ])(
    'a precompressed %s sibling is sent whole, byte for byte, with its Content-Length',
    async (coding, bytes) => {
      const response = await ask('/pre.css', `Accept-Encoding: ${coding}`);
      expect(response.headers['content-length']).toBe(String(bytes.length));
      expect(response.body.equals(bytes)).toBe(true);
    },
  );

  it('each coding has an ETag of its own (RFC 9110 §8.8.3)', async () => {
    const tags = await Promise.all(
      ['identity', 'gzip', 'br'].map(
        async (c) => (await ask('/page.html', `Accept-Encoding: ${c}`)).headers.etag,
      ),
    );
    expect(new Set(tags).size).toBe(3);
  });

  it("304 to the coding's own ETag, with Vary (RFC 9110 §15.4.5); another coding's ETag gets 200", async () => {
    const etag = (await ask('/page.html', 'Accept-Encoding: gzip')).headers.etag ?? '';
    const same = await ask('/page.html', 'Accept-Encoding: gzip', `If-None-Match: ${etag}`);
    expect([same.status, same.headers.vary, same.headers.etag]).toEqual([304, 'Accept-Encoding', etag]);
    const other = await ask('/page.html', 'Accept-Encoding: br', `If-None-Match: ${etag}`);
    expect(other.status).toBe(200);
  });

  it('a Range is of the encoded bytes (RFC 9110 §14.1), with Vary', async () => {
    const whole = await ask('/page.html', 'Accept-Encoding: gzip');
    const part = await ask('/page.html', 'Accept-Encoding: gzip', 'Range: bytes=0-9');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-9/${whole.body.length}`);
    expect([part.headers['content-encoding'], part.headers.vary]).toEqual(['gzip', 'Accept-Encoding']);
    expect(part.body.equals(whole.body.subarray(0, 10))).toBe(true);
  });

  it('several ranges of an encoded representation: the whole of it, 200', async () => {
    const response = await ask('/page.html', 'Accept-Encoding: gzip', 'Range: bytes=0-1,5-6');
    expect([response.status, response.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(decode(response).equals(PAGE)).toBe(true);
  });

  it('a 304 without Accept-Encoding says Vary too (RFC 9110 §15.4.5)', async () => {
    const etag = (await ask('/page.html')).headers.etag ?? '';
    const again = await ask('/page.html', `If-None-Match: ${etag}`);
    expect([again.status, again.headers.vary, again.headers['content-encoding']]).toEqual([
      304,
      'Accept-Encoding',
      undefined,
    ]);
  });

  it('a Range without Accept-Encoding: 206 of the file, with Vary', async () => {
    const response = await ask('/page.html', 'Range: bytes=0-9');
    expect([response.status, response.headers.vary]).toEqual([206, 'Accept-Encoding']);
  });

  it.each([['identity;q=0'], ['*;q=0'], ['br;q=0, gzip;q=0, identity;q=0']])(
    '"%s" on a file that cannot be compressed: 406 with Vary (RFC 9110 §12.5.3)',
    async (header) => {
      const response = await ask('/photo.png', `Accept-Encoding: ${header}`);
      expect([response.status, response.headers.vary]).toEqual([406, 'Accept-Encoding']);
    },
  );

  it('HEAD says what GET would send: the same Content-Length and ETag', async () => {
    const getReply = await ask('/page.html', 'Accept-Encoding: gzip');
    const result = await rawExchange(server.port, request('HEAD', '/page.html', 'Accept-Encoding: gzip'));
    const head = onlyResponse(result, true);
    expect([head.headers['content-length'], head.headers.etag]).toEqual([
      getReply.headers['content-length'],
      getReply.headers.etag,
    ]);
  });
});

describe('trace mode says which coding was chosen, and why', () => {
  let server: TestServer;
  const notes: string[] = [];
  beforeAll(async () => {
    const decided = (_peer: unknown, _request: unknown, steps: { notes?: readonly string[] }): void => {
      notes.push(...(steps.notes ?? []));
    };
    server = await startTestServer({ root: ROOT, observer: { decided } });
  });
  afterAll(() => server.stop());

  it.each([
    ['/page.html', [], 'compression: no Accept-Encoding → identity'],
    [
      '/pre.css',
      ['Accept-Encoding: gzip'],
      'compression: Accept-Encoding "gzip" → gzip, precompressed (pre.css.gz',
    ],
    [
      '/page.html',
      ['Accept-Encoding: br'],
      `compression: Accept-Encoding "br" → br, compressed now (${PAGE.length} → `,
    ],
    ['/photo.png', ['Accept-Encoding: gzip'], 'compression: Accept-Encoding "gzip" → identity; passed over:'],
  ])('%s with %j: "%s"', async (target, fields, note) => {
    notes.length = 0;
    await rawExchange(server.port, get(target, ...fields));
    expect(notes.find((n) => n.startsWith(note)) ?? notes).toEqual(expect.stringContaining(note));
  });
});

describe('--no-compress', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ root: ROOT, compress: false })));
  afterAll(() => server.stop());

  it('sends files as they are, with no Vary', async () => {
    const response = onlyResponse(
      await rawExchange(server.port, get('/pre.css', 'Accept-Encoding: gzip, br')),
    );
    expect([response.headers['content-encoding'], response.headers.vary]).toEqual([undefined, undefined]);
    expect(response.body.equals(CSS)).toBe(true);
  });
});

describe('real clients decode what they get', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer({ root: ROOT });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.stop());

  it.each([
    ['/page.html', PAGE],
    ['/pre.css', CSS],
    ['/stale.js', PAGE],
  ])('curl --compressed %s: the bytes of the file, after decoding', async (target, content) => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'curl-')), 'out');
    const { stdout } = await run('curl', [
      '-sS',
      '--compressed',
      '-o',
      out,
      '-w',
      '%header{content-encoding}',
      `${base}${target}`,
    ]);
    expect(stdout).toMatch(/^(gzip|br)$/);
    expect(fs.readFileSync(out).equals(content)).toBe(true);
  });

  it.each([
    ['/page.html', PAGE],
    ['/pre.css', CSS],
  ])("Node's fetch %s: the bytes of the file, after decoding", async (target, content) => {
    const response = await fetch(`${base}${target}`);
    expect(response.headers.get('content-encoding')).toMatch(/^(gzip|br)$/);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });
});
