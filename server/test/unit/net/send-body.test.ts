/** Streaming a file: every byte in order, one reused chunk, and a pool that bounds memory however many stream. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChunkPool, FILE_CHUNK_BYTES, SMALL_CHUNK_BYTES, streamFile } from '../../../src/net/send-body';
import { nodeFileSystem } from '../../../src/resolve/file-system';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-body-'));
const file = path.join(dir, 'f.bin');
const bytes = Buffer.from(Array.from({ length: 3 * FILE_CHUNK_BYTES + 5 }, (_, i) => i % 251));
fs.writeFileSync(file, bytes);
afterAll(() => fs.rmSync(dir, { recursive: true }));

/** An outlet that copies what it is sent (a chunk is reused after send resolves) and can close after n sends. */
function recorder(closeAfter = Infinity) {
  const sent: Buffer[] = [];
  const buffersSeen = new Set<ArrayBufferLike>();
  return {
    sent,
    buffersSeen,
    outlet: {
      send: async (b: Buffer) => {
        buffersSeen.add(b.buffer);
        sent.push(Buffer.from(b));
        return sent.length < closeAfter;
      },
    },
  };
}

async function open(): Promise<number> {
  const opened = await nodeFileSystem.open(file);
  if ('kind' in opened) throw new Error('open failed');
  return opened.fd;
}

describe('streamFile', () => {
  it.each([
    ['the whole file', [{ kind: 'slice' as const, start: 0, end: bytes.length }], bytes],
    [
      'a slice across chunk borders',
      [{ kind: 'slice' as const, start: FILE_CHUNK_BYTES - 3, end: 2 * FILE_CHUNK_BYTES + 7 }],
      bytes.subarray(FILE_CHUNK_BYTES - 3, 2 * FILE_CHUNK_BYTES + 7),
    ],
    [
      'literal bytes around slices (multipart)',
      [
        { kind: 'bytes' as const, bytes: Buffer.from('--a\r\n') },
        { kind: 'slice' as const, start: 0, end: 2 },
        { kind: 'bytes' as const, bytes: Buffer.from('--b\r\n') },
        { kind: 'slice' as const, start: 5, end: 7 },
      ],
      Buffer.concat([
        Buffer.from('--a\r\n'),
        bytes.subarray(0, 2),
        Buffer.from('--b\r\n'),
        bytes.subarray(5, 7),
      ]),
    ],
  ])('sends %s, in order', async (_name, pieces, expected) => {
    const { sent, outlet } = recorder();
    expect(await streamFile(outlet, nodeFileSystem, { fd: await open(), pieces }, new ChunkPool())).toBe(
      'sent',
    );
    expect(Buffer.concat(sent).equals(expected)).toBe(true);
  });

  it('reads every chunk of one stream into the same buffer', async () => {
    const { buffersSeen, outlet } = recorder();
    await streamFile(
      outlet,
      nodeFileSystem,
      { fd: await open(), pieces: [{ kind: 'slice', start: 0, end: bytes.length }] },
      new ChunkPool(),
    );
    expect(buffersSeen.size).toBe(1);
  });

  it('stops at once when the connection closes, and closes the file', async () => {
    const { sent, outlet } = recorder(1);
    const closed: number[] = [];
    const fsSpy = {
      ...nodeFileSystem,
      close: (fd: number) => {
        closed.push(fd);
        nodeFileSystem.close(fd);
      },
    };
    const fd = await open();
    expect(
      await streamFile(
        outlet,
        fsSpy,
        { fd, pieces: [{ kind: 'slice', start: 0, end: bytes.length }] },
        new ChunkPool(),
      ),
    ).toBe('aborted');
    expect([sent.length, closed]).toEqual([1, [fd]]);
  });

  it('reports a file shorter than promised as truncated', async () => {
    const { outlet } = recorder();
    const pieces = [{ kind: 'slice' as const, start: 0, end: bytes.length + 100 }];
    expect(await streamFile(outlet, nodeFileSystem, { fd: await open(), pieces }, new ChunkPool())).toBe(
      'truncated',
    );
  });
});

describe('ChunkPool', () => {
  it('hands back a returned chunk instead of making a new one', () => {
    const pool = new ChunkPool(1024, 2);
    const first = pool.take();
    pool.give(first);
    expect(pool.take()).toBe(first);
  });

  it('past its limit, gives small chunks of their own, which it does not keep', () => {
    const pool = new ChunkPool(1024, 2);
    const taken = [pool.take(), pool.take(), pool.take()];
    expect(taken.map((c) => c.length)).toEqual([1024, 1024, SMALL_CHUNK_BYTES]);
    taken.forEach((c) => pool.give(c));
    expect([pool.take(), pool.take(), pool.take()].map((c) => c.length)).toEqual([
      1024,
      1024,
      SMALL_CHUNK_BYTES,
    ]);
  });
});
