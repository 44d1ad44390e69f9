/** Shared, counted directory watches: one fs watch per directory however many cached files lie below it. */
import { DirectoryWatches } from '../../../src/fast/directory-watches';
import { type FileSystem, failure, nodeFileSystem } from '../../../src/resolve/file-system';
import { eventually } from '../../support/big-file';

function fakeFs(refuse: string[] = []) {
  const open = new Map<string, (name: string | undefined) => void>();
  const fs: FileSystem = {
    ...nodeFileSystem,
    watchDirectory: (path, onChange) => {
      if (refuse.includes(path)) return failure('ENOSPC');
      open.set(path, onChange);
      return () => open.delete(path);
    },
  };
  return { fs, open };
}

describe('DirectoryWatches', () => {
  it('watches a directory once while anyone holds it, and stops when the last lets go', () => {
    const { fs, open } = fakeFs();
    const watches = new DirectoryWatches(fs, () => undefined);
    expect(watches.acquire(['/s', '/s/a'])).toBe(true);
    expect(watches.acquire(['/s', '/s/b'])).toBe(true);
    expect([...open.keys()].sort()).toEqual(['/s', '/s/a', '/s/b']);
    watches.release(['/s', '/s/a']);
    expect([...open.keys()].sort()).toEqual(['/s', '/s/b']);
    watches.release(['/s', '/s/b']);
    expect(open.size).toBe(0);
  });

  it('reports a change with the directory and the entry name', () => {
    const { fs, open } = fakeFs();
    const changes: Array<[string, string | undefined]> = [];
    const watches = new DirectoryWatches(fs, (dir, name) => changes.push([dir, name]));
    watches.acquire(['/s']);
    open.get('/s')?.('index.html');
    open.get('/s')?.(undefined);
    expect(changes).toEqual([
      ['/s', 'index.html'],
      ['/s', undefined],
    ]);
  });

  it('holds nothing when one directory cannot be watched (out of inotify watches)', () => {
    const { fs, open } = fakeFs(['/s/b']);
    const watches = new DirectoryWatches(fs, () => undefined);
    expect(watches.acquire(['/s', '/s/a', '/s/b'])).toBe(false);
    expect(open.size).toBe(0);
  });

  it('closeAll stops every watch; releasing what is not held is harmless', () => {
    const { fs, open } = fakeFs();
    const watches = new DirectoryWatches(fs, () => undefined);
    watches.acquire(['/s', '/t']);
    watches.release(['/never']);
    watches.closeAll();
    expect([open.size, watches.size]).toEqual([0, 0]);
  });

  it('watches a real directory through Node (fs.watch), and reports a file written in it', async () => {
    const os = await import('node:os');
    const path = await import('node:path');
    const nodeFs = await import('node:fs');
    const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'watch-'));
    const names: Array<string | undefined> = [];
    const watches = new DirectoryWatches(nodeFileSystem, (_dir, name) => names.push(name));
    expect(watches.acquire([dir])).toBe(true);
    try {
      nodeFs.writeFileSync(path.join(dir, 'new.txt'), 'x');
      expect(await eventually(() => names.includes('new.txt'))).toBe(true);
    } finally {
      watches.closeAll();
      nodeFs.rmSync(dir, { recursive: true });
    }
  });

  it('a directory that cannot be watched by Node gives a failure, not an exception', () => {
    expect(nodeFileSystem.watchDirectory('/no/such/directory', () => undefined)).toEqual(
      expect.objectContaining({ kind: 'fs-failure', outcome: 'missing' }),
    );
  });
});
