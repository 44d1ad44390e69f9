/** The small-file cache's bookkeeping, and the file-system adapter's error mapping. */
import {
  type CachedFile,
  FileCache,
  MAX_CACHED_FILE_BYTES,
  TRUST_MS,
  isTrusted,
  sameFile,
} from '../../../src/fast/file-cache';
import { type FileStat, failure } from '../../../src/resolve/file-system';

const STAT: FileStat = { dev: 1, ino: 2, size: 3, mtimeMs: 4, ctimeMs: 5, isFile: true, isDirectory: false };
const fileOf = (size: number, realPath = '/x'): CachedFile => {
  const bytes = Buffer.alloc(size);
  const trusted = {
    kind: 'file' as const,
    name: 'x',
    realPath,
    stat: STAT,
    body: { kind: 'bytes' as const, bytes },
    cached: 'trusted' as const,
  };
  return { realPath, name: 'x', stat: STAT, bytes, watched: [], checkedAt: 0, trusted };
};

describe('sameFile: a cache hit needs the very same file, unchanged', () => {
  it.each([
    ['the same stat', {}, true],
    ['another device', { dev: 9 }, false],
    ['another inode (replaced by rename)', { ino: 9 }, false],
    ['another size', { size: 9 }, false],
    ['another mtime (edited)', { mtimeMs: 9 }, false],
    ['another ctime (chmod, touch -m back)', { ctimeMs: 9 }, false],
  ])('%s → %s', (_name, change, same) => {
    expect(sameFile(STAT, { ...STAT, ...change })).toBe(same);
  });
});

describe('FileCache', () => {
  it('keeps a file up to MAX_CACHED_FILE_BYTES, not one byte more', () => {
    const cache = new FileCache();
    cache.set('fits', fileOf(MAX_CACHED_FILE_BYTES));
    cache.set('too-big', fileOf(MAX_CACHED_FILE_BYTES + 1));
    expect([cache.get('fits') !== undefined, cache.get('too-big') !== undefined]).toEqual([true, false]);
  });

  it("keeps files up to the size it is given (the large files' cache), not one byte more", () => {
    const cache = new FileCache(100, undefined, 10);
    cache.set('fits', fileOf(10));
    cache.set('too-big', fileOf(11));
    expect([cache.get('fits') !== undefined, cache.get('too-big') !== undefined]).toEqual([true, false]);
  });

  it.each([
    ['fits beside both', 2, ['a', 'b']],
    ['needs the oldest gone', 3, ['b']],
    ['needs both gone', 10, []],
  ])('makeRoom for a read that %s (%i bytes more, budget 10, 4 + 4 held)', (_name, bytes, kept) => {
    const cache = new FileCache(10);
    cache.set('a', fileOf(4));
    cache.set('b', fileOf(4));
    cache.makeRoom(bytes);
    expect(['a', 'b'].filter((key) => cache.get(key) !== undefined)).toEqual(kept);
  });

  it('over its budget, drops the oldest entries first', () => {
    const cache = new FileCache(10);
    cache.set('a', fileOf(4));
    cache.set('b', fileOf(4));
    cache.set('c', fileOf(4));
    expect(['a', 'b', 'c'].filter((key) => cache.get(key) !== undefined)).toEqual(['b', 'c']);
  });

  it('replacing an entry frees the bytes of the old one', () => {
    const cache = new FileCache(10);
    cache.set('a', fileOf(8));
    cache.set('a', fileOf(8));
    cache.set('b', fileOf(2));
    expect(cache.size).toBe(2);
  });

  it('delete removes an entry and its bytes; deleting a missing key is harmless', () => {
    const cache = new FileCache(10);
    cache.set('a', fileOf(8));
    cache.delete('a');
    cache.delete('never');
    cache.set('b', fileOf(10));
    expect([cache.size, cache.get('a')]).toEqual([1, undefined]);
  });
});

describe('FileCache removals', () => {
  it('tells onRemove of every entry that leaves: replaced, evicted, deleted, cleared', () => {
    const removed: string[] = [];
    const cache = new FileCache(10, (entry) => removed.push(entry.realPath));
    cache.set('a', fileOf(6, '/a'));
    cache.set('a', fileOf(6, '/a2')); // replaces /a
    cache.set('b', fileOf(6, '/b')); // evicts /a2
    cache.delete('b');
    cache.set('c', fileOf(1, '/c'));
    cache.clear();
    expect(removed).toEqual(['/a', '/a2', '/b', '/c']);
  });

  it('deleteUnder drops a path and everything below it, and nothing else', () => {
    const cache = new FileCache();
    for (const p of [
      '/site/docs',
      '/site/docs/a.html',
      '/site/docs/sub/b.html',
      '/site/docs-old/c.html',
      '/site/x.html',
    ])
      cache.set(p, fileOf(1, p));
    cache.deleteUnder('/site/docs');
    expect(
      [
        '/site/docs',
        '/site/docs/a.html',
        '/site/docs/sub/b.html',
        '/site/docs-old/c.html',
        '/site/x.html',
      ].filter((k) => cache.get(k)),
    ).toEqual(['/site/docs-old/c.html', '/site/x.html']);
  });
});

describe('isTrusted: served without a stat only when watched and recently checked', () => {
  it.each([
    ['watched, checked just now', ['/site'], 1000, 1000, true],
    ['watched, checked almost TRUST_MS ago', ['/site'], 1000, 1000 + TRUST_MS - 1, true],
    ['watched, checked TRUST_MS ago', ['/site'], 1000, 1000 + TRUST_MS, false],
    ['watched, never checked', ['/site'], -Infinity, 1000, false],
    ['not watched', [], 1000, 1000, false],
  ])('%s → %s', (_name, watched, checkedAt, now, trusted) => {
    expect(isTrusted({ ...fileOf(1), watched, checkedAt }, now)).toBe(trusted);
  });
});

describe('failure: errno codes to what the client is told', () => {
  it.each([
    ['ENOENT', 'missing'],
    ['ENOTDIR', 'missing'], // a file used as a directory: /nums.txt/x
    ['ELOOP', 'missing'],
    ['ENAMETOOLONG', 'missing'],
    ['EACCES', 'forbidden'],
    ['EPERM', 'forbidden'],
    ['EIO', 'broken'],
    ['EMFILE', 'broken'],
  ])('%s → %s', (code, outcome) => {
    expect(failure(code)).toEqual({ kind: 'fs-failure', outcome, code });
  });
});
