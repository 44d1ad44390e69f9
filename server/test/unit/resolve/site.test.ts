/**
 * Site.find over a real directory: from safe segments to a file, a redirect, a listing or a
 * refusal, following symlinks and checking again that they stay inside the root. Each row is
 * a request target, resolved by resolveTarget as the handler does.
 */
import fs from 'node:fs';
import { type FileSystem, failure, isFailure, nodeFileSystem } from '../../../src/resolve/file-system';
import { MAX_CACHED_FILE_BYTES, TRUST_MS } from '../../../src/resolve/file-cache';
import { type Found, Site } from '../../../src/resolve/site';
import { resolveTarget } from '../../../src/resolve/target';
import { type TempSite, makeTempSite } from '../support/temp-site';
import { eventually } from '../../support/big-file';

let disk: TempSite;

beforeAll(() => {
  disk = makeTempSite([
    ['index.html', 'home'],
    ['nums.txt', '0123456789'],
    ['.secret', 'hidden'],
    ['dir/index.html', '<h1>dir</h1>'],
    ['noindex/a.txt', 'a'],
    ['noindex/sub', 'dir'],
    ['noindex/.hidden', 'hidden'],
    ['noindex/link-in', 'link', '../nums.txt'],
    ['noindex/link-out', 'link', '../../outside/secret.txt'],
    ['noindex/link-secret', 'link', '../.secret'],
    ['index-is-a-dir/index.html', 'dir'],
    ['link-in', 'link', 'nums.txt'],
    ['link-dir-in', 'link', 'dir'],
    ['link-out', 'link', '../outside/secret.txt'],
    ['link-dir-out', 'link', '../outside'],
    ['link-secret', 'link', '.secret'],
    ['loop-a', 'link', 'loop-b'],
    ['loop-b', 'link', 'loop-a'],
    ['fifo', 'fifo'],
    ['locked.txt', 'no one may read this'],
    ['locked-index/index.html', 'no one may read this'],
    ['big.bin', 'x'.repeat(MAX_CACHED_FILE_BYTES + 1)],
  ]);
});

afterAll(() => disk.remove());

function siteOf(options: { listing?: boolean; fs?: FileSystem } = {}): Site {
  return new Site({
    root: disk.root,
    listing: options.listing ?? false,
    fs: options.fs ?? nodeFileSystem,
    now: Date.now,
  });
}

/** Resolves a request target, then looks it up, as handleRequest does. */
async function find(site: Site, target: string): Promise<Found> {
  const verdict = resolveTarget(target);
  if (verdict.kind === 'refused') throw new Error(`the target itself was refused: ${verdict.reason}`);
  return site.find(verdict);
}

/** One line per outcome: `file nums.txt "0123456789"`, `redirect /dir/`, `listing a.txt sub/`, or the status. */
function summary(found: Found): string | number {
  switch (found.kind) {
    case 'file':
      return `file ${found.name} ${found.body.kind === 'bytes' ? JSON.stringify(found.body.bytes.toString()) : '(open descriptor)'}`;
    case 'redirect':
      return `redirect ${found.location}`;
    case 'listing':
      return `listing ${found.entries
        .map((e) => e.name + (e.isDirectory ? '/' : ''))
        .sort()
        .join(' ')}`;
    case 'refused':
      return found.status;
  }
}

const lookUp = async (target: string, site = siteOf()): Promise<string | number> =>
  summary(await find(site, target));

describe('Site.find', () => {
  it.each([
    ['/nums.txt', 'file nums.txt "0123456789"'],
    ['/missing.txt', 404],
    ['/missing/deeper.txt', 404],
    // A directory without its slash: 301 to the slash, query kept (issue 2, RFC 9110 §15.4.2).
    ['/dir', 'redirect /dir/'],
    ['/dir?a=1&b=2', 'redirect /dir/?a=1&b=2'],
    ['/dir/', 'file index.html "<h1>dir</h1>"'],
    ['/', 'file index.html "home"'],
    ['/noindex/', 404], // listings are off
    ['/index-is-a-dir/', 404], // an index.html that is a folder is no index
    // Symlinks: followed while they stay inside the root and lead to nothing hidden.
    ['/link-in', 'file nums.txt "0123456789"'],
    ['/link-dir-in/', 'file index.html "<h1>dir</h1>"'],
    ['/link-out', 404],
    ['/link-dir-out/secret.txt', 404],
    ['/link-secret', 404],
    ['/loop-a', 404], // ELOOP
    // Only regular files and directories are served.
    ['/fifo', 404],
    // A file is not a directory.
    ['/nums.txt/', 404],
    ['/nums.txt/x', 404], // ENOTDIR
  ])('%s → %s', async (target, expected) => {
    expect(await lookUp(target)).toBe(expected);
  });

  it('opens a file over the cache size and hands over its descriptor, which release closes', async () => {
    const site = siteOf();
    const found = await find(site, '/big.bin');
    if (found.kind !== 'file' || found.body.kind !== 'fd')
      throw new Error(`expected an open file, got ${summary(found)}`);
    expect(found.cached).toBe(false);
    const { fd } = found.body;
    expect(fs.fstatSync(fd).size).toBe(MAX_CACHED_FILE_BYTES + 1);
    site.release(fd);
    // The close runs in the background (fs.close); nothing is opened meanwhile, so no new file can take the number.
    expect(await eventually(() => isClosed(fd), 1000)).toBe(true);

    const again = await find(site, '/big.bin');
    if (again.kind !== 'file' || again.body.kind !== 'fd')
      throw new Error(`expected an open file again, got ${summary(again)}`);
    site.release(again.body.fd);
  });
});

/** Whether a descriptor is closed: fstat of a closed one fails with EBADF. */
function isClosed(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EBADF';
  }
}

describe('directory listings (--listing)', () => {
  const listing = (): Site => siteOf({ listing: true });

  it.each([
    ['/noindex/', 'listing a.txt link-in sub/'], // no dotfiles, no links out of the root or to dotfiles
    ['/dir/', 'file index.html "<h1>dir</h1>"'], // an index still wins
    ['/noindex', 'redirect /noindex/'],
  ])('%s → %s', async (target, expected) => {
    expect(await lookUp(target, listing())).toBe(expected);
  });

  it('gives each entry its size, a link the size of what it leads to', async () => {
    const found = await find(listing(), '/noindex/');
    const entries =
      found.kind === 'listing' ? [...found.entries].sort((a, b) => a.name.localeCompare(b.name)) : [];
    expect(entries).toEqual([
      { name: 'a.txt', isDirectory: false, size: 1 },
      { name: 'link-in', isDirectory: false, size: 10 },
      { name: 'sub', isDirectory: true, size: expect.any(Number) },
    ]);
  });
});

/** The node file system, but one operation on one path fails with `code`. */
function failing(operation: 'open' | 'list', file: string, code: string): FileSystem {
  const fail = () => Promise.resolve(failure(code));
  if (operation === 'open')
    return { ...nodeFileSystem, open: (p) => (p === disk.at(file) ? fail() : nodeFileSystem.open(p)) };
  return { ...nodeFileSystem, list: (p) => (p === disk.at(file) ? fail() : nodeFileSystem.list(p)) };
}

/**
 * A file the server may not read → 403. Tests often run as root, where chmod 000 stops no
 * read: then a fake file system plays the EACCES the kernel would have returned.
 */
function unreadable(...files: string[]): FileSystem {
  for (const file of files) fs.chmodSync(disk.at(file), 0o000);
  const rootReadsAnyway = (() => {
    try {
      fs.readFileSync(disk.at(files[0] ?? ''));
      return true;
    } catch {
      return false;
    }
  })();
  if (!rootReadsAnyway) return nodeFileSystem;
  return files.reduce(
    (fsSoFar, file) => ({
      ...fsSoFar,
      open: (p: string) => (p === disk.at(file) ? Promise.resolve(failure('EACCES')) : fsSoFar.open(p)),
    }),
    nodeFileSystem,
  );
}

describe('file-system failures become statuses (issue 2: 404 missing, 403 permission, 500 else)', () => {
  it.each([
    ['an unreadable file → 403', '/locked.txt'],
    ['a directory whose index.html is unreadable → 403, not a listing', '/locked-index/'],
  ])('%s', async (_name, target) => {
    const fsWithLocks = unreadable('locked.txt', 'locked-index/index.html');
    expect(await lookUp(target, siteOf({ fs: fsWithLocks, listing: true }))).toBe(403);
  });

  it.each([
    ['open fails with EIO → 500', failing('open', 'nums.txt', 'EIO'), '/nums.txt', 500],
    ['open fails with EPERM → 403', failing('open', 'nums.txt', 'EPERM'), '/nums.txt', 403],
    ['reading a directory fails with EACCES → 403', failing('list', 'noindex', 'EACCES'), '/noindex/', 403],
  ])('%s', async (_name, fakeFs, target, status) => {
    expect(await lookUp(target, siteOf({ fs: fakeFs, listing: true }))).toBe(status);
  });

  it('a read that fails midway → 500, and the descriptor is closed', async () => {
    const close = jest.fn(nodeFileSystem.close);
    const fakeFs: FileSystem = { ...nodeFileSystem, close, readInto: () => Promise.resolve(failure('EIO')) };
    expect(await lookUp('/nums.txt', siteOf({ fs: fakeFs }))).toBe(500);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('a file that shrank to nothing while read gives no bytes, never garbage', async () => {
    const shrunk: FileSystem = { ...nodeFileSystem, readInto: () => Promise.resolve(0) };
    expect(await lookUp('/nums.txt', siteOf({ fs: shrunk }))).toBe('file nums.txt ""');
  });

  it('a file removed between realpath and stat → 404', async () => {
    const removed: FileSystem = { ...nodeFileSystem, stat: () => Promise.resolve(failure('ENOENT')) };
    expect(await lookUp('/nums.txt', siteOf({ fs: removed }))).toBe(404);
  });

  it('a file swapped between realpath and open (another inode) → 404, and the descriptor is closed', async () => {
    const close = jest.fn(nodeFileSystem.close);
    const swapped: FileSystem = {
      ...nodeFileSystem,
      close,
      open: async (p) => {
        const opened = await nodeFileSystem.open(p);
        return isFailure(opened)
          ? opened
          : { fd: opened.fd, stat: { ...opened.stat, ino: opened.stat.ino + 1 } };
      },
    };
    expect(await lookUp('/nums.txt', siteOf({ fs: swapped }))).toBe(404);
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('the small-file cache: never stale', () => {
  const file = 'cached.txt';
  let site: Site;
  let stats: number;
  let clock: number;
  let changesReported: number;
  const countingFs: FileSystem = {
    ...nodeFileSystem,
    stat: (p) => {
      stats++;
      return nodeFileSystem.stat(p);
    },
    // Counts the watch's notifications about the file (or about everything in a directory), once the site has heard them.
    watchDirectory: (dir, onChange) =>
      nodeFileSystem.watchDirectory(dir, (name) => {
        onChange(name);
        if (name === file || name === undefined) changesReported++;
      }),
  };
  const read = async (target = `/${file}`) => {
    const found = await find(site, target);
    return found.kind === 'file' && found.body.kind === 'bytes'
      ? { text: found.body.bytes.toString(), cached: found.cached }
      : summary(found);
  };
  /**
   * What a request arriving over the network implies: the event loop has delivered the change's
   * notification. Waits for exactly that, however long the kernel takes.
   */
  const changeReported = async (before: number) =>
    expect(await eventually(() => changesReported > before)).toBe(true);

  beforeEach(() => {
    fs.writeFileSync(disk.at(file), 'first');
    stats = 0;
    changesReported = 0;
    clock = 1_000_000;
    site = new Site({ root: disk.root, listing: false, fs: countingFs, now: () => clock });
  });
  afterEach(() => site.close());

  it('the second read comes from the cache, checked once by stat; the third is trusted without one', async () => {
    expect(await read()).toEqual({ text: 'first', cached: false });
    const statsForTheFirstRead = stats;
    expect(await read()).toEqual({ text: 'first', cached: 'revalidated' });
    expect(stats).toBe(statsForTheFirstRead + 1);
    expect(await read()).toEqual({ text: 'first', cached: 'trusted' });
    expect(stats).toBe(statsForTheFirstRead + 1);
  });

  it('finds a trusted cached file at once, without a promise; anything else through one', async () => {
    const target = resolveTarget(`/${file}`);
    if (target.kind !== 'path') throw new Error('refused');
    // Each lookup started is awaited: one left running could finish last and re-cache its copy.
    const first = site.find(target);
    expect(first).toBeInstanceOf(Promise); // not cached yet
    await first;
    const second = site.find(target);
    expect(second).toBeInstanceOf(Promise); // cached, not yet checked by stat
    await second;
    expect(site.find(target)).not.toBeInstanceOf(Promise); // trusted: the exchange can happen in one go
    clock += TRUST_MS;
    const expired = site.find(target);
    expect(expired).toBeInstanceOf(Promise); // trust expired: a stat again
    await expired;
  });

  it(`a trusted entry is checked by stat again after ${TRUST_MS} ms`, async () => {
    await read();
    await read();
    const before = stats;
    clock += TRUST_MS;
    expect(await read()).toEqual({ text: 'first', cached: 'revalidated' });
    expect(stats).toBe(before + 1);
  });

  it.each([
    [
      'edited in place',
      () => fs.writeFileSync(disk.at(file), 'second, longer'),
      { text: 'second, longer', cached: false },
    ],
    [
      "replaced by rename (an editor's atomic save)",
      () => {
        fs.writeFileSync(disk.at('replacement.tmp'), 'other');
        fs.renameSync(disk.at('replacement.tmp'), disk.at(file));
      },
      { text: 'other', cached: false },
    ],
    ['deleted', () => fs.unlinkSync(disk.at(file)), 404],
  ])('a trusted entry %s is dropped as soon as the change is reported', async (_name, change, expected) => {
    await read();
    await read(); // now trusted: no stat will look
    const before = changesReported;
    change();
    await changeReported(before);
    expect(await read()).toEqual(expected);
  });

  it('an untrusted entry edited with the same size and an old mtime is still caught by its ctime', async () => {
    await read();
    fs.writeFileSync(disk.at(file), 'FIRST');
    fs.utimesSync(disk.at(file), new Date('2001-01-01T00:00:00Z'), new Date('2001-01-01T00:00:00Z'));
    expect(await read()).toEqual({ text: 'FIRST', cached: false });
  });

  it('a file reached through a symlink is never cached, so retargeting the link is seen at once', async () => {
    fs.writeFileSync(disk.at('a.txt'), 'A');
    fs.writeFileSync(disk.at('b.txt'), 'B');
    fs.symlinkSync('a.txt', disk.at('current.txt'));
    try {
      expect(await read('/current.txt')).toEqual({ text: 'A', cached: false });
      expect(await read('/current.txt')).toEqual({ text: 'A', cached: false });
      fs.unlinkSync(disk.at('current.txt'));
      fs.symlinkSync('b.txt', disk.at('current.txt'));
      expect(await read('/current.txt')).toEqual({ text: 'B', cached: false });
    } finally {
      fs.rmSync(disk.at('current.txt'), { force: true });
    }
  });

  it('a cached file asked for as a directory is still 404', async () => {
    await read();
    expect(await lookUp(`/${file}/`, site)).toBe(404);
  });
});

describe('a directory asked for with its slash: its index.html is cached like any file', () => {
  const dir = 'home';
  let site: Site;
  let stats: number;
  let clock: number;
  let changesReported: number;
  const countingFs: FileSystem = {
    ...nodeFileSystem,
    stat: (p) => {
      stats++;
      return nodeFileSystem.stat(p);
    },
    watchDirectory: (watched, onChange) =>
      nodeFileSystem.watchDirectory(watched, (name) => {
        onChange(name);
        if (name === 'index.html' || name === undefined) changesReported++;
      }),
  };
  const open = (listing: boolean) => new Site({ root: disk.root, listing, fs: countingFs, now: () => clock });
  const read = async (target = `/${dir}/`) => {
    const found = await find(site, target);
    return found.kind === 'file' && found.body.kind === 'bytes'
      ? { text: found.body.bytes.toString(), cached: found.cached }
      : summary(found);
  };
  const changeReported = async (before: number) =>
    expect(await eventually(() => changesReported > before)).toBe(true);

  beforeEach(() => {
    fs.mkdirSync(disk.at(dir));
    fs.writeFileSync(disk.at(`${dir}/index.html`), 'v1');
    fs.writeFileSync(disk.at(`${dir}/a.txt`), 'a');
    stats = 0;
    changesReported = 0;
    clock = 1_000_000;
    site = open(true);
  });
  afterEach(() => {
    site.close();
    fs.rmSync(disk.at(dir), { recursive: true });
  });

  it('the second request is checked once by stat; the third is trusted, at once and without one', async () => {
    expect(await read()).toEqual({ text: 'v1', cached: false });
    const statsForTheFirstRead = stats;
    expect(await read()).toEqual({ text: 'v1', cached: 'revalidated' });
    expect(stats).toBe(statsForTheFirstRead + 1);
    const target = resolveTarget(`/${dir}/`);
    if (target.kind !== 'path') throw new Error('refused');
    expect(site.find(target)).not.toBeInstanceOf(Promise);
    expect(await read()).toEqual({ text: 'v1', cached: 'trusted' });
    expect(stats).toBe(statsForTheFirstRead + 1);
  });

  it('the directory and its index.html by name share one entry', async () => {
    await read(`/${dir}/index.html`);
    expect(await read()).toEqual({ text: 'v1', cached: 'revalidated' });
    expect(await read(`/${dir}/index.html`)).toEqual({ text: 'v1', cached: 'trusted' });
  });

  it("the root's own index.html is cached too", async () => {
    await read('/');
    expect(await read('/')).toEqual({ text: 'home', cached: 'revalidated' });
  });

  it.each([
    [
      'edited in place',
      true,
      () => fs.writeFileSync(disk.at(`${dir}/index.html`), 'v2, longer'),
      { text: 'v2, longer', cached: false },
    ],
    [
      'deleted, listings on: the listing',
      true,
      () => fs.unlinkSync(disk.at(`${dir}/index.html`)),
      'listing a.txt',
    ],
    ['deleted, listings off: 404', false, () => fs.unlinkSync(disk.at(`${dir}/index.html`)), 404],
  ])(
    'a trusted index.html %s is seen as soon as the change is reported',
    async (_name, listing, change, expected) => {
      site.close();
      site = open(listing);
      await read();
      expect(await read()).toMatchObject({ cached: 'revalidated' });
      const before = changesReported;
      change();
      await changeReported(before);
      expect(await read()).toEqual(expected);
    },
  );

  it('a directory without its slash is still redirected, whatever its index.html', async () => {
    await read();
    await read();
    expect(await lookUp(`/${dir}`, site)).toBe(`redirect /${dir}/`);
  });
});

describe('the root itself', () => {
  it('is looked up by its real path: a root given through a symlink would refuse every file', async () => {
    const linkedRoot = `${disk.root}-link`;
    fs.symlinkSync(disk.root, linkedRoot);
    try {
      const site = new Site({ root: linkedRoot, listing: false, fs: nodeFileSystem, now: Date.now });
      expect(summary(await find(site, '/nums.txt'))).toBe(404);
    } finally {
      fs.unlinkSync(linkedRoot);
    }
  });
});
