/**
 * Streaming a file body to a socket with backpressure: read a chunk, hand it to the socket,
 * and read the next one into the same buffer only once the socket has taken it. Memory stays
 * at one chunk per connection whatever the file's size, and a client that stops reading stops
 * the reading from disk too.
 */
import type { FileToSend } from '../http/message';
import { type FileSystem, isFailure } from '../resolve/file-system';

/**
 * Big enough that a 10 MiB file takes 40 trips through the thread pool and the event loop, not
 * hundreds; small enough, it seems, that a chunk is still in the CPU's cache when the kernel
 * copies it into the socket (measured: 1.1-1.2 GB/s where 512 KiB gave 0.8-0.9; bench/README.md).
 */
export const FILE_CHUNK_BYTES = 256 * 1024;
/** Pooled chunks, at most: 4 MiB, however many clients download at once (or stop reading). */
export const POOLED_CHUNKS = 16;
/** A stream that finds no pooled chunk free uses one this size of its own: slower, never stuck. */
export const SMALL_CHUNK_BYTES = 64 * 1024;

/**
 * The chunks streams read into, shared: a chunk goes back to the pool when its stream ends, so
 * a busy server reuses the same few buffers instead of making garbage at disk speed.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  private made = 0;

  constructor(
    private readonly chunkBytes = FILE_CHUNK_BYTES,
    private readonly maxChunks = POOLED_CHUNKS,
  ) {}

  take(): Buffer {
    const pooled = this.free.pop();
    if (pooled) return pooled;
    if (this.made < this.maxChunks) {
      this.made++;
      return Buffer.allocUnsafeSlow(this.chunkBytes);
    }
    return Buffer.allocUnsafeSlow(SMALL_CHUNK_BYTES);
  }

  give(chunk: Buffer): void {
    if (chunk.length === this.chunkBytes) this.free.push(chunk);
  }
}

const sharedPool = new ChunkPool();

/** Where bytes go: the connection's socket. */
export interface Outlet {
  /** Resolves true once the socket has taken the bytes (they may be reused), false if the connection closed first. */
  send(bytes: Buffer): Promise<boolean>;
}

export type StreamOutcome = 'sent' | 'aborted' | 'truncated';

/** Sends every piece; always closes the file. 'truncated': the file shrank under us, so the promised length cannot be met. */
export async function streamFile(
  out: Outlet,
  fs: FileSystem,
  file: FileToSend,
  pool: ChunkPool = sharedPool,
): Promise<StreamOutcome> {
  let chunk: Buffer | undefined; // one buffer for the whole stream, taken on first use
  try {
    for (const piece of file.pieces) {
      if (piece.kind === 'bytes') {
        if (!(await out.send(piece.bytes))) return 'aborted';
        continue;
      }
      chunk ??= pool.take();
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
    fs.close(file.fd);
    // Only now is the chunk free: the socket has taken every send we waited for, or is gone.
    if (chunk) pool.give(chunk);
  }
}
