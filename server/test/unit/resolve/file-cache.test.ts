/** The small-file cache's bookkeeping, and the file-system adapter's error mapping. */
import { type CachedFile, FileCache, MAX_CACHED_FILE_BYTES, sameFile } from '../../../src/resolve/file-cache';
import { type FileStat, failure } from '../../../src/resolve/file-system';

const STAT: FileStat = { dev: 1, ino: 2, size: 3, mtimeMs: 4, ctimeMs: 5, isFile: true, isDirectory: false };
const fileOf = (bytes: number): CachedFile => ({ realPath: '/x', stat: STAT, bytes: Buffer.alloc(bytes) });

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
