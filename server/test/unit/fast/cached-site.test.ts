/**
 * CachedSite, the fast path's lookup: small files kept in memory and never served stale. Each
 * row is a request target, resolved by resolveTarget as the handler does.
 */
import fs from 'node:fs';
import { CachedSite } from '../../../src/fast/cached-site';
import { MAX_CACHED_FILE_BYTES, TRUST_MS } from '../../../src/fast/file-cache';
import { LARGE_FILES, type LargeFileLimits, type Liveness } from '../../../src/fast/large-files';
import { type FileSystem, failure, nodeFileSystem } from '../../../src/resolve/file-system';
import { OpenFiles } from '../../../src/resolve/open-files';
import { DiskSite, type Found } from '../../../src/resolve/site';
import { resolveTarget } from '../../../src/resolve/target';
import { type TempSite, makeTempSite } from '../support/temp-site';
import { eventually } from '../../support/big-file';
import { summary } from '../resolve/summary';

let disk: TempSite;

beforeAll(() => {
  disk = makeTempSite([
    ['index.html', 'home'],
    ['nums.txt', '0123456789'],
    ['big.bin', 'x'.repeat(MAX_CACHED_FILE_BYTES + 1)],
    ['big2.bin', 'y'.repeat(MAX_CACHED_FILE_BYTES + 1)],
    ['bigger.bin', 'z'.repeat(MAX_CACHED_FILE_BYTES + 2)],
  ]);
});

afterAll(() => disk.remove());

interface SiteOptions {
  fs?: FileSystem;
  listing?: boolean;
  now?: () => number;
  largeFiles?: LargeFileLimits;
  liveness?: (bytes: Buffer) => Liveness;
}

/** No reply still sends a large file's bytes once they leave the cache (a slow client is a test of its own). */
const NONE_STILL_SENT = (): Liveness => ({ deref: () => undefined });

function cachedSite(options: SiteOptions = {}): CachedSite {
  const fileSystem = options.fs ?? nodeFileSystem;
  const { now = Date.now, largeFiles = LARGE_FILES, liveness = NONE_STILL_SENT } = options;
  const plain = new DiskSite({ root: disk.root, listing: options.listing ?? false, fs: fileSystem });
  return new CachedSite(plain, { root: disk.root, fs: fileSystem, now, largeFiles, liveness });
}

/** Resolves a request target, then looks it up, as handleRequest does; what it opened is closed after. */
async function find(
  site: CachedSite,
  target: string,
  fileSystem: FileSystem = nodeFileSystem,
): Promise<Found> {
  const verdict = resolveTarget(target);
  if (verdict.kind === 'refused') throw new Error(`the target itself was refused: ${verdict.reason}`);
  const files = new OpenFiles(fileSystem);
  try {
    return await site.find(verdict, files);
  } finally {
    files.closeAll();
  }
}

const lookUp = async (target: string, site: CachedSite): Promise<string | number> =>
  summary(await find(site, target));

describe('what the cache keeps', () => {
  it('a small file is read whole, and its descriptor left to the exchange to close', async () => {
    const target = resolveTarget('/nums.txt');
    if (target.kind !== 'path') throw new Error('refused');
    const files = new OpenFiles(nodeFileSystem);
    const site = cachedSite();
    expect(summary(await site.find(target, files))).toBe('file nums.txt "0123456789"');
    expect(files.count).toBe(1);
    files.closeAll();
    site.close();
  });

  it('a read that fails midway → 500', async () => {
    const fakeFs: FileSystem = { ...nodeFileSystem, readInto: () => Promise.resolve(failure('EIO')) };
    const site = cachedSite({ fs: fakeFs });
    expect(summary(await find(site, '/nums.txt', fakeFs))).toBe(500);
    site.close();
  });

  it('a file that shrank to nothing while read gives no bytes, never garbage, and is not kept', async () => {
    const shrunk: FileSystem = { ...nodeFileSystem, readInto: () => Promise.resolve(0) };
    const site = cachedSite({ fs: shrunk });
    expect(summary(await find(site, '/nums.txt', shrunk))).toBe('file nums.txt ""');
    expect(summary(await find(site, '/nums.txt', shrunk))).toBe('file nums.txt ""');
    site.close();
  });

  it("what is not a file (a redirect, a 404) is the plain lookup's answer, worked out afresh", async () => {
    const site = cachedSite();
    expect([await lookUp('/missing', site), await lookUp('/nums.txt/', site)]).toEqual([404, 404]);
    site.close();
  });
});

/** How a lookup of a large file was served: streamed from its descriptor, read whole now, or from the cache. */
async function howServed(site: CachedSite, target: string, fileSystem?: FileSystem): Promise<string> {
  const found = await find(site, target, fileSystem);
  if (found.kind !== 'file') return `not a file: ${summary(found)}`;
  if (found.body.kind === 'fd') return 'streamed';
  return found.cached === false
    ? `read whole (${found.body.bytes.length} bytes)`
    : `cached (${found.cached})`;
}

const BIG = MAX_CACHED_FILE_BYTES + 1; // just past the small-file cache
const WHOLE = `read whole (${BIG} bytes)`;
const ONE_BIG_FILE: LargeFileLimits = { maxFileBytes: BIG, budgetBytes: BIG };
const served = (site: CachedSite, targets: readonly string[]) =>
  targets.reduce<Promise<string[]>>(
    async (done, target) => [...(await done), await howServed(site, target)],
    Promise.resolve([]),
  );

/** A file system whose reads, once `hold` is called, wait until `open` is; `waiting`: how many wait. */
function gated() {
  let held = false;
  let waiting = 0;
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const fs: FileSystem = {
    ...nodeFileSystem,
    readInto: async (fd, buffer, position) => {
      if (held) {
        waiting++;
        await gate;
      }
      return nodeFileSystem.readInto(fd, buffer, position);
    },
  };
  return { fs, open, hold: () => (held = true), waiting: () => waiting };
}

describe('large files: kept too, once asked for again (large-files.ts)', () => {
  it.each<[string, LargeFileLimits, string[], string[]]>([
    [
      'first request streamed, second read whole, third from the cache',
      LARGE_FILES,
      ['/big.bin', '/big.bin', '/big.bin'],
      ['streamed', WHOLE, 'cached (revalidated)'],
    ],
    [
      'over the largest kept size (by one byte): always streamed',
      ONE_BIG_FILE,
      ['/bigger.bin', '/bigger.bin', '/bigger.bin'],
      ['streamed', 'streamed', 'streamed'],
    ],
    [
      'over the budget, a newer large file displaces the older, which starts again from its first request',
      ONE_BIG_FILE,
      ['/big.bin', '/big.bin', '/big2.bin', '/big2.bin', '/big.bin', '/big.bin'],
      ['streamed', WHOLE, 'streamed', WHOLE, 'streamed', WHOLE],
    ],
    [
      'a small file is not displaced by large ones: they have a budget of their own',
      ONE_BIG_FILE,
      ['/nums.txt', '/big.bin', '/big.bin', '/big2.bin', '/big2.bin', '/nums.txt'],
      ['read whole (10 bytes)', 'streamed', WHOLE, 'streamed', WHOLE, 'cached (revalidated)'],
    ],
  ])('%s', async (_name, largeFiles, targets, expected) => {
    const site = cachedSite({ largeFiles });
    expect(await served(site, targets)).toEqual(expected);
    site.close();
  });

  it('a kept large file edited in place is dropped as soon as the change is reported', async () => {
    const { fs: countingFs, seen, changeReported } = observed('edited.bin');
    fs.writeFileSync(disk.at('edited.bin'), 'a'.repeat(BIG));
    const site = cachedSite({ fs: countingFs });
    try {
      expect(await served(site, ['/edited.bin', '/edited.bin', '/edited.bin'])).toEqual([
        'streamed',
        WHOLE,
        'cached (revalidated)',
      ]);
      const before = seen.changes;
      fs.writeFileSync(disk.at('edited.bin'), 'b'.repeat(BIG + 1)); // now over the largest kept size
      await changeReported(before);
      expect(await howServed(site, '/edited.bin', countingFs)).toBe('streamed');
    } finally {
      site.close();
      fs.rmSync(disk.at('edited.bin'));
    }
  });
});

describe('large files: what bounds the memory they take', () => {
  it('one large read at a time: a request that arrives during it is streamed', async () => {
    const { fs: slowFs, open, hold, waiting } = gated();
    const site = cachedSite({ fs: slowFs });
    expect(await served(site, ['/big.bin', '/big2.bin'])).toEqual(['streamed', 'streamed']); // asked once each
    hold();
    const reading = howServed(site, '/big.bin', slowFs); // admitted: waits at the gate
    expect(await eventually(() => waiting() === 1)).toBe(true);
    expect(await howServed(site, '/big2.bin', slowFs)).toBe('streamed'); // its second request, but big.bin is being read
    open();
    expect(await reading).toBe(WHOLE);
    expect(await howServed(site, '/big2.bin', slowFs)).toBe(WHOLE); // the read is over: its turn now
    site.close();
  });

  it('a request that was looking on disk while the file was read whole gets that copy, not a second read', async () => {
    const { fs: slowFs, open: openReads, hold: holdReads, waiting: readsWaiting } = gated();
    let holdNextOpen = false;
    let heldOpen: (() => void) | undefined;
    const fileSystem: FileSystem = {
      ...slowFs,
      open: async (at) => {
        if (holdNextOpen) {
          holdNextOpen = false;
          await new Promise<void>((resolve) => (heldOpen = resolve));
        }
        return slowFs.open(at);
      },
    };
    const site = cachedSite({ fs: fileSystem });
    expect(await served(site, ['/big.bin'])).toEqual(['streamed']); // asked once
    holdNextOpen = true;
    const looking = howServed(site, '/big.bin', fileSystem); // waits in its disk lookup
    expect(await eventually(() => heldOpen !== undefined)).toBe(true);
    holdReads();
    const reading = howServed(site, '/big.bin', fileSystem); // admitted: its read waits
    // (Its lookup, like the next request's, is real disk work: wait until it is at the gate, or
    // the next one may be admitted first and wait there itself.)
    expect(await eventually(() => readsWaiting() === 1)).toBe(true);
    expect(await howServed(site, '/big.bin', fileSystem)).toBe('streamed'); // during the read: asked "once" again
    openReads();
    expect(await reading).toBe(WHOLE);
    heldOpen?.();
    expect(await looking).toBe('cached (revalidated)');
    site.close();
  });

  it('room is made before the read: the older large file is gone while the newer one is read', async () => {
    const { fs: slowFs, open, hold } = gated();
    const site = cachedSite({ fs: slowFs, largeFiles: ONE_BIG_FILE, now: () => 1_000_000 }); // trust never expires
    await served(site, ['/big.bin', '/big.bin', '/big.bin', '/big2.bin']); // big.bin kept and confirmed; big2.bin asked once
    const big = resolveTarget('/big.bin');
    if (big.kind !== 'path') throw new Error('refused');
    expect(site.findNow(big)).toBeDefined();
    hold();
    const reading = howServed(site, '/big2.bin', slowFs); // admitted: waits at the gate
    expect(await eventually(() => site.findNow(big) === undefined)).toBe(true); // dropped before big2.bin's bytes are in
    open();
    expect(await reading).toBe(WHOLE);
    site.close();
  });

  it('bytes that left the cache while a slow client still reads them leave no room: the next large file streams until they are gone', async () => {
    let slowClientReads = true; // what a WeakRef would say of the evicted bytes while a reply holds them
    const liveness = (bytes: Buffer): Liveness => ({ deref: () => (slowClientReads ? bytes : undefined) });
    const site = cachedSite({ largeFiles: ONE_BIG_FILE, liveness });
    expect(await served(site, ['/big.bin', '/big.bin', '/big2.bin', '/big2.bin'])).toEqual([
      'streamed',
      WHOLE,
      'streamed',
      WHOLE, // big.bin leaves the cache to make room, and is still being sent
    ]);
    expect(await served(site, ['/big.bin', '/big.bin'])).toEqual(['streamed', 'streamed']);
    slowClientReads = false; // the client is done, and the collector has taken the bytes
    expect(await served(site, ['/big.bin'])).toEqual([WHOLE]);
    site.close();
  });

  it('a large read that fails → 500, and the next large file may still be read', async () => {
    let failing = true;
    const flakyFs: FileSystem = {
      ...nodeFileSystem,
      readInto: (fd, buffer, position) =>
        failing ? Promise.resolve(failure('EIO')) : nodeFileSystem.readInto(fd, buffer, position),
    };
    const site = cachedSite({ fs: flakyFs });
    await howServed(site, '/big.bin', flakyFs);
    expect(await howServed(site, '/big.bin', flakyFs)).toBe('not a file: 500');
    failing = false;
    await howServed(site, '/big2.bin', flakyFs);
    expect(await howServed(site, '/big2.bin', flakyFs)).toBe(WHOLE);
    site.close();
  });
});

/**
 * A file system that counts the stats the site makes and the change notifications about
 * `name` (or about everything in a directory), once the site has heard them.
 */
function observed(name: string) {
  const seen = { stats: 0, changes: 0 };
  const fs: FileSystem = {
    ...nodeFileSystem,
    stat: (p) => {
      seen.stats++;
      return nodeFileSystem.stat(p);
    },
    watchDirectory: (dir, onChange) =>
      nodeFileSystem.watchDirectory(dir, (changed) => {
        onChange(changed);
        if (changed === name || changed === undefined) seen.changes++;
      }),
  };
  /**
   * What a request arriving over the network implies: the event loop has delivered the change's
   * notification. Waits for exactly that, however long the kernel takes.
   */
  const changeReported = async (before: number) =>
    expect(await eventually(() => seen.changes > before)).toBe(true);
  return { fs, seen, changeReported };
}

/** What a lookup gave: a file's text and how the cache vouched for it, or the summary of anything else. */
async function readFrom(site: CachedSite, target: string) {
  const found = await find(site, target);
  return found.kind === 'file' && found.body.kind === 'bytes'
    ? { text: found.body.bytes.toString(), cached: found.cached }
    : summary(found);
}

describe('the small-file cache: never stale', () => {
  const file = 'cached.txt';
  const { fs: countingFs, seen, changeReported } = observed(file);
  let site: CachedSite;
  let clock: number;
  const read = (target = `/${file}`) => readFrom(site, target);

  beforeEach(() => {
    fs.writeFileSync(disk.at(file), 'first');
    seen.stats = 0;
    seen.changes = 0;
    clock = 1_000_000;
    site = cachedSite({ fs: countingFs, now: () => clock });
  });
  afterEach(() => site.close());

  it('the second read comes from the cache, checked once by stat; the third is trusted without one', async () => {
    expect(await read()).toEqual({ text: 'first', cached: false });
    const statsForTheFirstRead = seen.stats;
    expect(await read()).toEqual({ text: 'first', cached: 'revalidated' });
    expect(seen.stats).toBe(statsForTheFirstRead + 1);
    expect(await read()).toEqual({ text: 'first', cached: 'trusted' });
    expect(seen.stats).toBe(statsForTheFirstRead + 1);
  });

  it('finds a trusted cached file at once (findNow), and nothing else', async () => {
    const target = resolveTarget(`/${file}`);
    if (target.kind !== 'path') throw new Error('refused');
    expect(site.findNow(target)).toBeUndefined(); // not cached yet
    await read();
    expect(site.findNow(target)).toBeUndefined(); // cached, not yet checked by stat
    await read();
    expect(site.findNow(target)?.cached).toBe('trusted'); // trusted: the exchange can happen in one go
    clock += TRUST_MS;
    expect(site.findNow(target)).toBeUndefined(); // trust expired: a stat again
  });

  it(`a trusted entry is checked by stat again after ${TRUST_MS} ms`, async () => {
    await read();
    await read();
    const before = seen.stats;
    clock += TRUST_MS;
    expect(await read()).toEqual({ text: 'first', cached: 'revalidated' });
    expect(seen.stats).toBe(before + 1);
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
    const before = seen.changes;
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
  const { fs: countingFs, seen, changeReported } = observed('index.html');
  let site: CachedSite;
  let clock: number;
  const open = (listing: boolean) => cachedSite({ listing, fs: countingFs, now: () => clock });
  const read = (target = `/${dir}/`) => readFrom(site, target);

  beforeEach(() => {
    fs.mkdirSync(disk.at(dir));
    fs.writeFileSync(disk.at(`${dir}/index.html`), 'v1');
    fs.writeFileSync(disk.at(`${dir}/a.txt`), 'a');
    seen.stats = 0;
    seen.changes = 0;
    clock = 1_000_000;
    site = open(true);
  });
  afterEach(() => {
    site.close();
    fs.rmSync(disk.at(dir), { recursive: true });
  });

  it('the second request is checked once by stat; the third is trusted, at once and without one', async () => {
    expect(await read()).toEqual({ text: 'v1', cached: false });
    const statsForTheFirstRead = seen.stats;
    expect(await read()).toEqual({ text: 'v1', cached: 'revalidated' });
    expect(seen.stats).toBe(statsForTheFirstRead + 1);
    const target = resolveTarget(`/${dir}/`);
    if (target.kind !== 'path') throw new Error('refused');
    expect(site.findNow(target)?.cached).toBe('trusted');
    expect(await read()).toEqual({ text: 'v1', cached: 'trusted' });
    expect(seen.stats).toBe(statsForTheFirstRead + 1);
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
      const before = seen.changes;
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
