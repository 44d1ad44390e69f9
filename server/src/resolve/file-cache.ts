/**
 * A small cache of small files: their bytes and the stat they were read under. An entry is
 * only ever used after a fresh `stat` of its real path shows the same file (device, inode,
 * size, mtime, ctime), so an edited, replaced, re-permissioned or deleted file is never served
 * stale. What it saves is the open, read and close of every request for a small file.
 */
import type { FileStat } from './file-system';

export interface CachedFile {
  readonly realPath: string;
  readonly stat: FileStat;
  readonly bytes: Buffer;
}

/** Files up to this size are kept in memory: scripts, styles, icons, small pages. */
export const MAX_CACHED_FILE_BYTES = 128 * 1024;
/** All cached bytes together stay under this; the oldest entries leave first. */
export const CACHE_BUDGET_BYTES = 16 * 1024 * 1024;

export function sameFile(a: FileStat, b: FileStat): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

export class FileCache {
  private readonly entries = new Map<string, CachedFile>();
  private bytes = 0;

  constructor(private readonly budget = CACHE_BUDGET_BYTES) {}

  get(key: string): CachedFile | undefined {
    return this.entries.get(key);
  }

  set(key: string, file: CachedFile): void {
    if (file.bytes.length > MAX_CACHED_FILE_BYTES || file.bytes.length > this.budget) return;
    this.delete(key);
    this.entries.set(key, file);
    this.bytes += file.bytes.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes.length;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes.length;
  }

  get size(): number {
    return this.entries.size;
  }
}
