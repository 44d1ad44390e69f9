/**
 * The chunks file streams read into, shared: a chunk goes back to the pool when its stream
 * ends, so a busy server reuses the same few buffers instead of making garbage at disk speed.
 *
 * Measured (bench/README.md, "Big files are bound by copies"): a fresh 256 KiB buffer per
 * chunk against chunks from a shared pool, for a 200 MiB file: the same rate, and a peak RSS
 * of 62 MiB instead of 91 MiB.
 */
import { type ChunkSource, FILE_CHUNK_BYTES } from '../net/send-body';

/** Pooled chunks, at most: 4 MiB, however many clients download at once (or stop reading). */
export const POOLED_CHUNKS = 16;
/** A stream that finds no pooled chunk free uses one this size of its own: slower, never stuck. */
export const SMALL_CHUNK_BYTES = 64 * 1024;

export class ChunkPool implements ChunkSource {
  private readonly free: Buffer[] = [];
  private made = 0;

  constructor(
    private readonly chunkBytes = FILE_CHUNK_BYTES,
    private readonly maxChunks = POOLED_CHUNKS,
  ) {}

  /** A pooled chunk, whatever the stream wants: it is going back to the pool. */
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
