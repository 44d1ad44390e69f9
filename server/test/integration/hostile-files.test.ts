/**
 * Hostile conditions on the disk (issue 5): files and directories the server may not read,
 * and a site root that disappears while the server runs. The server must answer (403, 404),
 * never crash, never leak a path, and pick up a root that comes back.
 */
import fs from 'node:fs';
import { get, onlyResponse, rawExchange } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';
import { type Spawned, spawnServer } from '../support/spawn-server';
import { type HostileSite, MiB, makeSite, unprivileged, writeFiles } from '../support/hostile';

// Every wait below has its own bound; this one only catches a test that hangs outright.
jest.setTimeout(20_000);

async function fetchOne(port: number, target: string): Promise<{ status: number; body: string }> {
  const response = onlyResponse(await rawExchange(port, get(target)));
  return { status: response.status, body: response.body.toString('latin1') };
}

/** The status of each target, as one object: a failure shows every target at once. */
async function statusesOf(port: number, targets: readonly string[]): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  for (const target of targets) statuses[target] = (await fetchOne(port, target)).status;
  return statuses;
}

const every = (targets: readonly string[], status: number) =>
  Object.fromEntries(targets.map((t) => [t, status]));

describe('files and directories without permission (the compiled server, as user nobody)', () => {
  // chmod cannot deny root a read, and tests run as root in CI: there the server runs as
  // nobody (uid/gid 65534), or without the capabilities that bypass permissions where nobody
  // cannot reach the checkout; run by anyone else, it runs as them and chmod works as it is.
  const runAs = unprivileged();
  let site: HostileSite;
  let server: Spawned;

  beforeAll(async () => {
    site = makeSite({
      'open.txt': 'open',
      'locked.txt': 'locked',
      'noexec/inside.txt': 'inside',
      'noread/inside.txt': 'inside',
    });
    fs.chmodSync(site.root, 0o755); // mkdtemp makes it 0700: nobody could not even enter it
    fs.chmodSync(site.at('locked.txt'), 0o000);
    fs.chmodSync(site.at('noexec'), 0o644); // r without x: names can be read, nothing inside reached
    fs.chmodSync(site.at('noread'), 0o311); // x without r (for its owner too): a known name is reached, the list is refused
    server = await spawnServer(
      ['--root', site.root, '--host', '127.0.0.1', '--port', '0', '--listing', '--log-level', 'error'],
      {},
      runAs,
    );
  });
  afterAll(async () => {
    await server.stop();
    fs.chmodSync(site.at('noexec'), 0o755); // so that a non-root user can remove it
    site.remove();
  });

  it.each([
    ['a readable file (the control)', '/open.txt', 200],
    ['a file with mode 000', '/locked.txt', 403],
    ['a file in a directory without the x bit', '/noexec/inside.txt', 403],
    ['a directory without the x bit', '/noexec/', 403],
    ['a file, by name, in a directory without the r bit', '/noread/inside.txt', 200],
    ['the listing of a directory without the r bit', '/noread/', 403],
  ])('%s: %s → %i, and the page names no path', async (_name, target, status) => {
    const response = await fetchOne(server.port, target);
    expect(response.status).toBe(status);
    expect(response.body).not.toContain(site.root);
    expect(server.child.exitCode).toBeNull(); // still running
  });
});

describe('the site root disappears while the server runs', () => {
  const FILES = { 'index.html': 'v1', 'nums.txt': 'v1', 'sub/page.txt': 'v1', 'big.bin': MiB };
  const TARGETS = ['/', '/index.html', '/nums.txt', '/sub/page.txt', '/big.bin', '/sub/'];
  const SERVED = { ...every(TARGETS, 200), '/sub/': 404 }; // sub/ has no index and listings are off
  let site: HostileSite;
  let server: TestServer;
  const failures: unknown[] = [];

  beforeEach(async () => {
    site = makeSite(FILES);
    server = await startTestServer({ root: site.root, observer: { failed: (_p, e) => failures.push(e) } });
  });
  afterEach(async () => {
    await server.stop();
    site.remove();
  });

  it('removed (rm -rf) while serving: 404s, not a crash; made anew: served again', async () => {
    // Twice: the first request caches the small files, the second serves them from the cache.
    expect(await statusesOf(server.port, TARGETS)).toEqual(SERVED);
    expect(await statusesOf(server.port, TARGETS)).toEqual(SERVED);

    fs.rmSync(site.root, { recursive: true });
    expect(await statusesOf(server.port, TARGETS)).toEqual(every(TARGETS, 404));

    writeFiles(site.root, { ...FILES, 'nums.txt': 'v2' });
    expect(await statusesOf(server.port, TARGETS)).toEqual(SERVED);
    expect(await fetchOne(server.port, '/nums.txt')).toEqual({ status: 200, body: 'v2' });
    // Edits after the comeback are seen too: the cache watches the new directory, not the lost one.
    fs.writeFileSync(site.at('nums.txt'), 'v3');
    expect(await fetchOne(server.port, '/nums.txt')).toEqual({ status: 200, body: 'v3' });
    expect(failures).toEqual([]);
  });

  it('renamed away while serving: 404 at once, not the cached files', async () => {
    // Three times: cached, then checked by stat, then trusted: only the watch can tell now.
    for (let i = 0; i < 3; i++) expect(await statusesOf(server.port, TARGETS)).toEqual(SERVED);
    fs.renameSync(site.root, `${site.root}.away`);
    try {
      expect(await statusesOf(server.port, TARGETS)).toEqual(every(TARGETS, 404));
    } finally {
      fs.renameSync(`${site.root}.away`, site.root);
    }
    expect(failures).toEqual([]);
  });
});
