/** A file's representation: its type from its name, its validators from its stat, its size from what will be sent. */
import { represent } from '../../../src/respond/representation';
import type { FoundFile } from '../../../src/resolve/site';

const stat = {
  dev: 1,
  ino: 2,
  size: 10,
  mtimeMs: 784111777000,
  ctimeMs: 0,
  isFile: true,
  isDirectory: false,
};
const onDisk: FoundFile = {
  kind: 'file',
  name: 'nums.txt',
  realPath: '/srv/site/nums.txt',
  stat,
  body: { kind: 'fd', fd: 3 },
  cached: false,
};

describe('represent', () => {
  it('a file on disk: its type, validators and size, its bytes from its descriptor', () => {
    expect(represent(onDisk)).toEqual({
      contentType: 'text/plain; charset=utf-8',
      validators: { etag: '"a-b690b434e8"', lastModified: 784111777000 },
      size: 10,
      source: { kind: 'fd', fd: 3 },
      vary: [],
    });
  });

  it('names the request fields a feature negotiates on, for Vary (RFC 9110 §12.5.5)', () => {
    expect(represent(onDisk, ['Accept-Encoding']).vary).toEqual(['Accept-Encoding']);
  });

  it('a copy in memory that is shorter than its stat (the file shrank while read): the bytes it has', () => {
    const shrunk: FoundFile = {
      ...onDisk,
      body: { kind: 'bytes', bytes: Buffer.from('0123') },
      cached: false,
    };
    expect(represent(shrunk).size).toBe(4);
  });

  it('is worked out anew each time on the plain path: nothing is kept', () => {
    expect(represent(onDisk)).not.toBe(represent(onDisk));
  });
});
