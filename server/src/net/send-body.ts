/**
 * Streaming a file body to a socket with backpressure: read a chunk, hand it to the socket,
 * and read the next one into the same buffer only once the socket has taken it. Memory stays
 * at one chunk per connection whatever the file's size, and a client that stops reading stops
 * the reading from disk too. The file is not this function's to close: it belongs to the
 * exchange (resolve/open-files.ts), which closes it once the stream is over.
 */
import type { FileToSend } from '../http/message';
import { type FileSystem, isFailure } from '../resolve/file-system';

/**
 * Big enough that a 10 MiB file takes 40 trips through the thread pool and the event loop, not
 * hundreds; small enough, it seems, that a chunk is still in the CPU's cache when the kernel
 * copies it into the socket (measured: 1.1-1.2 GB/s where 512 KiB gave 0.8-0.9; bench/README.md).
 */
export const FILE_CHUNK_BYTES = 256 * 1024;

/** Where a stream gets the buffer it reads into, and gives it back when it is over. */
export interface ChunkSource {
  take(bytesWanted: number): Buffer;
  give(chunk: Buffer): void;
}

/** The plain source: a buffer of its own for each stream, no larger than the stream needs; the garbage collector takes it back. */
export const freshChunks: ChunkSource = {
  take: (bytesWanted) => Buffer.allocUnsafe(Math.max(1, Math.min(FILE_CHUNK_BYTES, bytesWanted))),
  give: () => undefined,
};

/** Where bytes go: the connection's socket. */
export interface Outlet {
  /** Resolves true once the socket has taken the bytes (they may be reused), false if the connection closed first. */
  send(bytes: Buffer): Promise<boolean>;
}

export type StreamOutcome = 'sent' | 'aborted' | 'truncated';

/** Sends every piece. 'truncated': the file shrank under us, so the promised length cannot be met. */
export async function streamFile(
  out: Outlet,
  fs: FileSystem,
  file: FileToSend,
  chunks: ChunkSource,
): Promise<StreamOutcome> {
  let chunk: Buffer | undefined; // one buffer for the whole stream, taken on first use
  try {
    for (const piece of file.pieces) {
      if (piece.kind === 'bytes') {
        if (!(await out.send(piece.bytes))) return 'aborted';
        continue;
      }
      chunk ??= chunks.take(largestSlice(file));
      for (let position = piece.start; position < piece.end;) {
        const n = await fs.readInto(
          file.fd,
          chunk.subarray(0, Math.min(chunk.length, piece.end - position)),
          position,
        );
        if (isFailure(n) || n === 0) return 'truncated';
        position += n;
        if (!(await out.send(chunk.subarray(0, n)))) return 'aborted';
      }
    }
    return 'sent';
  } finally {
    // Only now is the chunk free: the socket has taken every send we waited for, or is gone.
    if (chunk) chunks.give(chunk);
  }
}

function largestSlice(file: FileToSend): number {
  let largest = 0;
  for (const piece of file.pieces)
    if (piece.kind === 'slice') largest = Math.max(largest, piece.end - piece.start);
  return largest;
}
