/**
 * From target to file over a real socket: content types, directories, listings, dotfiles,
 * traversal sent as raw bytes (a URL client would normalise ".." away and prove nothing),
 * symlinks in and out of the root, and file-system errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { get, onlyResponse, rawExchange } from '../support/raw-client';
import { FIXTURE_SITE, type TestServer, startTestServer } from '../support/test-server';
import { failure, nodeFileSystem } from '../../src/resolve/file-system';

const fetchRaw = async (port: number, target: string, ...headers: string[]) =>
  onlyResponse(await rawExchange(port, get(target, ...headers)));

describe('files from the fixture site', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());
  const fetch = (target: string) => fetchRaw(server.port, target);

  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/data.json', 'application/json; charset=utf-8'],
    ['/logo.svg', 'image/svg+xml; charset=utf-8'],
    ['/nums.txt', 'text/plain; charset=utf-8'],
    ['/pixel.png', 'image/png'],
    ['/unknown.mystery', 'application/octet-stream'],
  ])('%s is served as %s, with nosniff', async (target, type) => {
    const res = await fetch(target);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.equals(fs.readFileSync(path.join(FIXTURE_SITE, decodeURIComponent(target))))).toBe(true);
  });

  it.each([
    ['/hello%20world.txt', 'hello world.txt'],
    ['/caf%C3%A9.txt', 'café.txt'],
    ['/empty.txt', 'empty.txt'],
    ['/nums.txt?v=1#top', 'nums.txt'],
    ['/.well-known/security.txt', '.well-known/security.txt'],
  ])('%s serves the bytes of %s', async (target, file) => {
    const res = await fetch(target);
    expect(res.status).toBe(200);
    expect(res.body.equals(fs.readFileSync(path.join(FIXTURE_SITE, file)))).toBe(true);
  });

  it.each([
    ['/dir', '/dir/'],
    ['/dir?x=1&y=2', '/dir/?x=1&y=2'],
    ['//dir', '/dir/'],
    ['/noindex/../dir', '/dir/'],
  ])('the directory %s redirects to %s, never to "//"', async (target, location) => {
    const res = await fetch(target);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(location);
  });

  it.each([
    ['/', 'index.html'],
    ['/dir/', 'dir/index.html'],
  ])('%s with its slash serves %s', async (target, file) => {
    const res = await fetch(target);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body.equals(fs.readFileSync(path.join(FIXTURE_SITE, file)))).toBe(true);
  });

  it.each([
    ['a directory without index when listings are off', '/noindex/', 404],
    ['a dotfile', '/.secret', 404],
    ['a dotfile in a directory', '/noindex/.hidden', 404],
    ['a file asked for as a directory', '/nums.txt/', 404],
    ['a path through a file', '/nums.txt/x', 404],
  ])('%s: %s → %i', async (_name, target, status) => {
    expect((await fetch(target)).status).toBe(status);
  });
});

describe('traversal attempts, sent as raw bytes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  // Whatever the status, the body must never be a file from outside the root.
  const outside = fs.readFileSync('/etc/passwd');
  it.each([
    ['/../etc/passwd', 400],
    ['/../../../../../../etc/passwd', 400],
    ['/dir/../../etc/passwd', 400],
    ['/%2e%2e/%2e%2e/etc/passwd', 400],
    ['/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', 400],
    ['/..%2f..%2fetc%2fpasswd', 400],
    ['/..%5c..%5cetc%5cpasswd', 400],
    ['/..\\..\\etc\\passwd', 400],
    ['/%252e%252e/etc/passwd', 404],
    ['/%c0%ae%c0%ae/etc/passwd', 400],
    ['/nums.txt%00.html', 400],
    ['/dir/%2e%2e/nums.txt', 200],
    ['http://x/../etc/passwd', 400],
  ])('%s → %i', async (target, status) => {
    const res = await fetchRaw(server.port, target);
    expect(res.status).toBe(status);
    expect(res.body.includes(outside.subarray(0, 20))).toBe(false);
  });
});

describe('listings (--listing)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ listing: true });
  });
  afterAll(() => server.stop());

  it('lists a directory without index: directories first, no dotfiles, names escaped and encoded', async () => {
    const res = await fetchRaw(server.port, '/noindex/');
    expect(res.status).toBe(200);
    const html = res.body.toString();
    expect(html).toContain('<a href="inner/">inner/</a>');
    expect(html).toContain('<a href="a.txt">a.txt</a>');
    expect(html.indexOf('inner/')).toBeLessThan(html.indexOf('a.txt'));
    expect(html).not.toContain('.hidden');
    expect(html).toContain('<a href="../">../</a>');
  });

  it('still serves index.html where there is one', async () => {
    expect((await fetchRaw(server.port, '/dir/')).body.toString()).toContain('dir index');
  });
});

describe('a site with symlinks, odd names and unreadable files', () => {
  let root: string;
  let outsideDir: string;
  let server: TestServer;

  beforeAll(async () => {
    outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    fs.writeFileSync(path.join(outsideDir, 'secret.txt'), 'outside secret');
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'site-')));
    fs.writeFileSync(path.join(root, 'real.txt'), 'inside');
    fs.writeFileSync(path.join(root, '<b>&amp;.txt'), 'odd');
    fs.writeFileSync(path.join(root, 'locked.txt'), 'locked');
    fs.writeFileSync(path.join(root, '.env'), 'SECRET=1');
    fs.symlinkSync(path.join(root, 'real.txt'), path.join(root, 'link-in.txt'));
    fs.symlinkSync(path.join(outsideDir, 'secret.txt'), path.join(root, 'link-out.txt'));
    fs.symlinkSync(outsideDir, path.join(root, 'dir-out'));
    fs.symlinkSync(path.join(root, '.env'), path.join(root, 'env-link'));
    // Tests run as root in CI, where chmod cannot deny a read: a file system that refuses one file stands in.
    const lockedPath = path.join(root, 'locked.txt');
    const fsWithLock = {
      ...nodeFileSystem,
      open: (p: string) => (p === lockedPath ? Promise.resolve(failure('EACCES')) : nodeFileSystem.open(p)),
    };
    server = await startTestServer({ root, listing: true, fs: fsWithLock });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outsideDir, { recursive: true, force: true });
  });

  it.each([
    ['a symlink to a file inside the root', '/link-in.txt', 200],
    ['a symlink to a file outside the root', '/link-out.txt', 404],
    ['a file through a symlinked directory outside the root', '/dir-out/secret.txt', 404],
    ['a symlink to a dotfile', '/env-link', 404],
    ['a file the server may not read', '/locked.txt', 403],
  ])('%s: %s → %i', async (_name, target, status) => {
    const res = await fetchRaw(server.port, target);
    expect(res.status).toBe(status);
    expect(res.body.toString()).not.toContain('outside secret');
  });

  it('lists neither links that lead out nor dotfiles, and escapes names', async () => {
    const html = (await fetchRaw(server.port, '/')).body.toString();
    expect(html).toContain('link-in.txt');
    expect(html).not.toContain('link-out');
    expect(html).not.toContain('dir-out');
    expect(html).not.toContain('.env');
    expect(html).toContain('<a href="%3Cb%3E%26amp%3B.txt">&#60;b&#62;&#38;amp;.txt</a>');
  });

  it('serves an edited file fresh, without a restart', async () => {
    const file = path.join(root, 'real.txt');
    expect((await fetchRaw(server.port, '/real.txt')).body.toString()).toBe('inside');
    fs.writeFileSync(file, 'edited!');
    expect((await fetchRaw(server.port, '/real.txt')).body.toString()).toBe('edited!');
    fs.writeFileSync(file, 'inside');
  });

  it('answers 404, not a crash, for a file deleted after it was cached', async () => {
    fs.writeFileSync(path.join(root, 'gone.txt'), 'here');
    expect((await fetchRaw(server.port, '/gone.txt')).status).toBe(200);
    fs.unlinkSync(path.join(root, 'gone.txt'));
    expect((await fetchRaw(server.port, '/gone.txt')).status).toBe(404);
  });
});
