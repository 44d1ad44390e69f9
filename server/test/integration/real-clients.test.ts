/**
 * Real HTTP clients against the server: curl and Node's fetch download files and we compare
 * the bytes with the files on disk. (Tests may use HTTP clients; the server may not.)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE_SITE, type TestServer, startTestServer } from '../support/test-server';

const run = promisify(execFile);
const FILES = [
  'index.html',
  'style.css',
  'app.js',
  'data.json',
  'logo.svg',
  'pixel.png',
  'nums.txt',
  'empty.txt',
  'hello world.txt',
  'café.txt',
  'dir/index.html',
];
const urlPath = (file: string) => `/${file.split('/').map(encodeURIComponent).join('/')}`;

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer();
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop());

describe('curl', () => {
  it.each(FILES)('downloads %s byte for byte', async (file) => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'curl-')), 'out');
    const { stdout } = await run('curl', ['-sS', '-o', out, '-w', '%{http_code}', `${base}${urlPath(file)}`]);
    expect(stdout).toBe('200');
    expect(fs.readFileSync(out).equals(fs.readFileSync(path.join(FIXTURE_SITE, file)))).toBe(true);
  });

  it('reuses one connection for several files (keep-alive)', async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-o',
      '/dev/null',
      '-o',
      '/dev/null',
      '-w',
      '%{num_connects}\n',
      `${base}/nums.txt`,
      `${base}/style.css`,
      `${base}/app.js`,
    ]);
    expect(stdout.trim().split('\n').map(Number)).toEqual([1, 0, 0]);
  });

  it('resumes a download with a range, like curl -C', async () => {
    const { stdout } = await run('curl', ['-sS', '-r', '4-', `${base}/nums.txt`]);
    expect(stdout).toBe('456789');
  });

  it('gets 400 for a raw ".." it is told not to normalise (--path-as-is)', async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '--path-as-is',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${base}/../../etc/passwd`,
    ]);
    expect(stdout).toBe('400');
  });
});

describe("Node's fetch", () => {
  it.each(FILES)('downloads %s byte for byte', async (file) => {
    const res = await fetch(`${base}${urlPath(file)}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(FIXTURE_SITE, file)))).toBe(
      true,
    );
  });

  it('follows the directory redirect to the index', async () => {
    const res = await fetch(`${base}/dir`);
    expect(res.url).toBe(`${base}/dir/`);
    expect(await res.text()).toContain('dir index');
  });

  it('revalidates with the ETag it was given', async () => {
    const first = await fetch(`${base}/data.json`);
    await first.arrayBuffer();
    const second = await fetch(`${base}/data.json`, {
      headers: { 'If-None-Match': first.headers.get('etag') ?? '' },
    });
    expect(second.status).toBe(304);
  });
});
