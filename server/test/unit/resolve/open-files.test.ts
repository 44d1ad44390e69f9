/** OpenFiles: the one owner of the descriptors an exchange opens. */
import { type FileSystem, failure, nodeFileSystem } from '../../../src/resolve/file-system';
import { OpenFiles } from '../../../src/resolve/open-files';

/** A file system whose opens hand out 10, 11, ... and whose closes are recorded. */
function fakeFs(): { fs: FileSystem; closed: number[] } {
  const closed: number[] = [];
  let next = 10;
  const stat = { dev: 1, ino: 1, size: 0, mtimeMs: 0, ctimeMs: 0, isFile: true, isDirectory: false };
  const fs: FileSystem = {
    ...nodeFileSystem,
    open: (path) => Promise.resolve(path === '/missing' ? failure('ENOENT') : { fd: next++, stat }),
    close: (fd) => {
      closed.push(fd);
    },
  };
  return { fs, closed };
}

describe('OpenFiles', () => {
  it('closes every file the exchange opened, once, however many times it is asked', async () => {
    const { fs, closed } = fakeFs();
    const files = new OpenFiles(fs);
    await files.open('/a');
    await files.open('/missing'); // a failure opens nothing
    await files.open('/b');
    expect(files.count).toBe(2);
    files.closeAll();
    files.closeAll();
    expect(closed).toEqual([10, 11]);
    expect(files.count).toBe(0);
  });

  it('serves exchange after exchange: each closeAll closes what was opened since the last', async () => {
    const { fs, closed } = fakeFs();
    const files = new OpenFiles(fs);
    await files.open('/a');
    files.closeAll();
    await files.open('/b');
    files.closeAll();
    expect(closed).toEqual([10, 11]);
  });
});
