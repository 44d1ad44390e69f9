/** A cached file's representation is worked out once per cached copy, and anew for a new copy. */
import { representationOf } from '../../../src/respond/representation';
import { serializeFields } from '../../../src/respond/head';
import type { FileStat } from '../../../src/resolve/file-system';

const stat: FileStat = {
  dev: 1,
  ino: 2,
  size: 10,
  mtimeMs: 784111777000,
  ctimeMs: 0,
  isFile: true,
  isDirectory: false,
};
const cachedCopy = (text: string) => ({
  kind: 'file' as const,
  name: 'nums.txt',
  stat,
  body: { kind: 'bytes' as const, bytes: Buffer.from(text) },
  cached: 'trusted' as const,
});

describe('representationOf', () => {
  it('gives the same representation for the same cached copy', () => {
    const found = cachedCopy('0123456789');
    expect(representationOf(found)).toBe(representationOf({ ...found }));
  });

  it('works out a new one for a new copy (the file changed)', () => {
    expect(representationOf(cachedCopy('0123456789'))).not.toBe(representationOf(cachedCopy('0123456789')));
  });

  const streamed = {
    kind: 'file' as const,
    name: 'big.bin',
    stat,
    body: { kind: 'fd' as const, fd: 99 },
    cached: false as const,
  };

  it('never remembers a file streamed from a descriptor', () => {
    expect(representationOf(streamed)).not.toBe(representationOf(streamed));
    expect(representationOf(streamed).file.contentType).toBe('application/octet-stream');
  });

  it('prepares nothing for reuse for a streamed file: it is opened, and represented, anew each time', () => {
    const { whole, notModified } = representationOf(streamed);
    expect([whole.fieldLines, notModified.fieldLines]).toEqual([undefined, undefined]);
  });

  it('keeps the 304 reply with its field lines serialized too: every browser reload asks for it', () => {
    const { notModified } = representationOf(cachedCopy('0123456789'));
    expect(notModified.status).toBe(304);
    expect(notModified.fieldLines).toBe(serializeFields(notModified.fields));
    expect(notModified.fieldLines).toContain('ETag: "a-b690b434e8"\r\n');
    expect(notModified.body).toEqual({ kind: 'none' });
  });

  it('keeps the whole-file reply with its field lines serialized, the same as serializing them', () => {
    const { file, whole } = representationOf(cachedCopy('0123456789'));
    expect(file).toMatchObject({
      contentType: 'text/plain; charset=utf-8',
      size: 10,
      validators: { etag: '"a-b690b434e8"' },
    });
    expect(whole.status).toBe(200);
    expect(whole.fieldLines).toBe(serializeFields(whole.fields));
    expect(whole.fieldLines).toContain('Content-Length: 10\r\n');
  });
});
