/** Streaming a file: every byte in order, one reused chunk, and the file left to its owner to close. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ChunkSource, FILE_CHUNK_BYTES, freshChunks, streamFile } from '../../../src/net/send-body';
import { ChunkPool } from '../../../src/fast/chunk-pool';
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
    for (const chunks of [freshChunks, new ChunkPool()]) {
      const { sent, outlet } = recorder();
      const fd = await open();
      expect(await streamFile(outlet, nodeFileSystem, { fd, pieces }, chunks)).toBe('sent');
      expect(Buffer.concat(sent).equals(expected)).toBe(true);
      nodeFileSystem.close(fd);
    }
  });

  it('reads every chunk of one stream into the same buffer, taken once and given back at the end', async () => {
    const { buffersSeen, outlet } = recorder();
    const taken: number[] = [];
    const given: Buffer[] = [];
    const chunks: ChunkSource = {
      take: (wanted) => {
        taken.push(wanted);
        return freshChunks.take(wanted);
      },
      give: (chunk) => given.push(chunk),
    };
    const fd = await open();
    await streamFile(
      outlet,
      nodeFileSystem,
      { fd, pieces: [{ kind: 'slice', start: 0, end: bytes.length }] },
      chunks,
    );
    nodeFileSystem.close(fd);
    expect([buffersSeen.size, taken, given.length]).toEqual([1, [bytes.length], 1]);
  });

  it.each([
    ['a small file gets a chunk its size', 10, 10],
    ['a large one a chunk of FILE_CHUNK_BYTES', 10 * FILE_CHUNK_BYTES, FILE_CHUNK_BYTES],
  ])('the plain source: %s', (_name, wanted, size) => {
    expect(freshChunks.take(wanted).length).toBe(size);
  });

  it('stops at once when the connection closes, and leaves the file to its owner (OpenFiles)', async () => {
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
    expect([sent.length, closed]).toEqual([1, []]);
    nodeFileSystem.close(fd);
  });

  it('reports a file shorter than promised as truncated', async () => {
    const { outlet } = recorder();
    const pieces = [{ kind: 'slice' as const, start: 0, end: bytes.length + 100 }];
    const fd = await open();
    expect(await streamFile(outlet, nodeFileSystem, { fd, pieces }, freshChunks)).toBe('truncated');
    nodeFileSystem.close(fd);
  });
});
