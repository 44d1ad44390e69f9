/**
 * Large files kept in memory too, once they are asked for again. Node has no sendfile: a file
 * streamed from disk is copied twice on its way out (page cache → our chunk → socket) and takes
 * a trip through the thread pool per chunk; kept in memory, it is copied once, by the kernel,
 * and one copy serves every connection that sends it.
 *
 * Measured (bench/README.md, "Large files from memory"): 10 MiB files to 4 connections on
 * Node 24, streamed from disk against kept: about 2× the rate at half the CPU a request.
 *
 * What bounds the memory this takes:
 *   - a file is read whole only on its second request: a file asked for once (a one-off
 *     download) displaces nothing, and its first byte leaves at once, streamed;
 *   - one large file is read at a time: the first requests of a busy file, arriving together,
 *     would otherwise each read a copy of their own (the others stream meanwhile); and a request
 *     that was still looking on disk when the read ended takes the kept copy (cached-site.ts);
 *   - room is made in the budget before the read, so the large files' bytes stay within it
 *     even while one is being read;
 *   - a file's bytes that left the cache while a reply still sends them (to a client that reads
 *     slowly) count against the budget until the garbage collector has taken them: otherwise
 *     clients cycling through many large files, reading slowly, could hold a copy of each,
 *     where streamed from disk each would hold a chunk. So the large files' bytes held at once,
 *     kept or still being sent, stay under twice the budget (what the cache held when a read
 *     made room, and the budget).
 */
import { MAX_CACHED_FILE_BYTES } from './file-cache';

export interface LargeFileLimits {
  /** The largest file kept; a larger one is always streamed from disk. */
  readonly maxFileBytes: number;
  /** All large files' bytes together stay under this; the oldest leave first. */
  readonly budgetBytes: number;
}

/** 16 MiB: a lecture's slides, a dataset, a short video; larger files stream from disk. */
export const LARGE_FILES: LargeFileLimits = { maxFileBytes: 16 * 1024 * 1024, budgetBytes: 16 * 1024 * 1024 };

/** Large files asked for once and remembered, at most: a bound, cleared when full (they are asked again). */
const REMEMBERED_ASKS = 256;

/** Something that says whether a buffer's memory is still alive: a WeakRef, or a stand-in in the tests. */
export interface Liveness {
  deref(): object | undefined;
}

/**
 * A weak reference to the memory under `bytes` (its ArrayBuffer), not to the Buffer itself: a
 * reply may send another view of the same memory (a slice), and any view keeps its ArrayBuffer.
 * A large file's Buffer has one of its own (Node pools only small ones).
 */
const weakly = (bytes: Buffer): Liveness => new WeakRef(bytes.buffer);

/** Which large file may be read whole, and when. */
export class LargeFileAdmission {
  private readonly askedOnce = new Set<string>();
  private reading = false;
  /** Bytes that left the cache, as long as they may still be sent. */
  private retired: { readonly alive: Liveness; readonly size: number }[] = [];

  constructor(
    private readonly limits: LargeFileLimits,
    private readonly watch: (bytes: Buffer) => Liveness = weakly,
  ) {}

  /** Is a file of `size` bytes a large one: past the small-file cache, within this one? */
  covers(size: number): boolean {
    return size > MAX_CACHED_FILE_BYTES && size <= this.limits.maxFileBytes;
  }

  /**
   * May this request read the file whole now? Not on its first request, nor while another
   * large file is read, nor while the bytes still being sent leave no room for it.
   */
  admit(key: string, size: number): boolean {
    if (!this.askedOnce.has(key)) {
      if (this.askedOnce.size >= REMEMBERED_ASKS) this.askedOnce.clear();
      this.askedOnce.add(key);
      return false;
    }
    if (this.reading || this.stillSent() + size > this.limits.budgetBytes) return false;
    this.askedOnce.delete(key);
    this.reading = true;
    return true;
  }

  /** Bytes that left the cache (evicted, replaced, changed): counted while a reply may still hold them. */
  retire(bytes: Buffer): void {
    this.retired.push({ alive: this.watch(bytes), size: bytes.length });
  }

  /** The retired bytes not yet taken by the garbage collector; the taken are forgotten. */
  stillSent(): number {
    this.retired = this.retired.filter((r) => r.alive.deref() !== undefined);
    return this.retired.reduce((sum, r) => sum + r.size, 0);
  }

  /** The admitted read is over, kept or not. */
  done(): void {
    this.reading = false;
  }
}
