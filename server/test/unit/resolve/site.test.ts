/**
 * DiskSite.find over a real directory: from safe segments to a file, a redirect, a listing or
 * a refusal, following symlinks and checking again that they stay inside the root. Each row is
 * a request target, resolved by resolveTarget as the handler does.
 */
import fs from 'node:fs';
import { type FileSystem, failure, isFailure, nodeFileSystem } from '../../../src/resolve/file-system';
import { OpenFiles } from '../../../src/resolve/open-files';
import { DiskSite, type Found, type Site } from '../../../src/resolve/site';
import { resolveTarget } from '../../../src/resolve/target';
import { type TempSite, makeTempSite } from '../support/temp-site';
import { eventually } from '../../support/big-file';
import { summary } from './summary';

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
  ]);
});

afterAll(() => disk.remove());

/** A site, and the file system its exchanges open files through (the same one, as in the server). */
interface TestSite {
  readonly site: Site;
  readonly fs: FileSystem;
}

function siteOf(options: { listing?: boolean; fs?: FileSystem } = {}): TestSite {
  const fs = options.fs ?? nodeFileSystem;
  return { site: new DiskSite({ root: disk.root, listing: options.listing ?? false, fs }), fs };
}

/** Resolves a request target, then looks it up, as handleRequest does; what it opened is closed after. */
async function find({ site, fs }: TestSite, target: string): Promise<Found> {
  const verdict = resolveTarget(target);
  if (verdict.kind === 'refused') throw new Error(`the target itself was refused: ${verdict.reason}`);
  const files = new OpenFiles(fs);
  try {
    return await site.find(verdict, files);
  } finally {
    files.closeAll();
  }
}

const lookUp = async (target: string, site = siteOf()): Promise<string | number> =>
  summary(await find(site, target));

describe('DiskSite.find', () => {
  it.each([
    ['/nums.txt', 'file nums.txt (open descriptor)'],
    ['/missing.txt', 404],
    ['/missing/deeper.txt', 404],
    // A directory without its slash: 301 to the slash, query kept (issue 2, RFC 9110 §15.4.2).
    ['/dir', 'redirect /dir/'],
    ['/dir?a=1&b=2', 'redirect /dir/?a=1&b=2'],
    ['/dir/', 'file index.html (open descriptor)'],
    ['/', 'file index.html (open descriptor)'],
    ['/noindex/', 404], // listings are off
    ['/index-is-a-dir/', 404], // an index.html that is a folder is no index
    // Symlinks: followed while they stay inside the root and lead to nothing hidden.
    ['/link-in', 'file nums.txt (open descriptor)'],
    ['/link-dir-in/', 'file index.html (open descriptor)'],
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

  it('opens the file it found for the exchange, which closes it once', async () => {
    const target = resolveTarget('/nums.txt');
    if (target.kind !== 'path') throw new Error('refused');
    const files = new OpenFiles(nodeFileSystem);
    const found = await siteOf().site.find(target, files);
    if (found.kind !== 'file' || found.body.kind !== 'fd')
      throw new Error(`expected an open file, got ${summary(found)}`);
    expect([found.cached, found.realPath, files.count]).toEqual([false, disk.at('nums.txt'), 1]);
    const { fd } = found.body;
    expect(fs.fstatSync(fd).size).toBe(10);
    files.closeAll();
    files.closeAll(); // a second call closes nothing (a descriptor number may already be reused)
    // The close runs in the background (fs.close); nothing is opened meanwhile, so no new file can take the number.
    expect(await eventually(() => isClosed(fd), 1000)).toBe(true);
    expect(files.count).toBe(0);
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
  const listing = (): TestSite => siteOf({ listing: true });

  it.each([
    ['/noindex/', 'listing a.txt link-in sub/'], // no dotfiles, no links out of the root or to dotfiles
    ['/dir/', 'file index.html (open descriptor)'], // an index still wins
    ['/noindex', 'redirect /noindex/'],
  ])('%s → %s', async (target, expected) => {
    expect(await lookUp(target, listing())).toBe(expected);
  });

  it('gives each entry its size, a link the size of what it leads to', async () => {
    const found = await find(listing(), '/noindex/');
    const entries =
      found.kind === 'listing' ? [...found.entries].sort((a, b) => a.name.localeCompare(b.name)) : [];
    expect(entries).toEqual([
      { name: 'a.txt', isDirectory: false, size: 1, modified: expect.any(Number) },
      { name: 'link-in', isDirectory: false, size: 10, modified: expect.any(Number) },
      { name: 'sub', isDirectory: true, size: expect.any(Number), modified: expect.any(Number) },
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
    expect(summary(await find(siteOf({ fs: swapped }), '/nums.txt'))).toBe(404);
    expect(close).toHaveBeenCalledTimes(1); // by the exchange's OpenFiles, which owns it
  });
});

describe('the root itself', () => {
  it('is looked up by its real path: a root given through a symlink would refuse every file', async () => {
    const linkedRoot = `${disk.root}-link`;
    fs.symlinkSync(disk.root, linkedRoot);
    try {
      const site = new DiskSite({ root: linkedRoot, listing: false, fs: nodeFileSystem });
      expect(summary(await find({ site, fs: nodeFileSystem }, '/nums.txt'))).toBe(404);
    } finally {
      fs.unlinkSync(linkedRoot);
    }
  });
});
