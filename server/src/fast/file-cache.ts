/**
 * A small cache of small files: their bytes and the stat they were read under. What it saves
 * is the open, read and close of every request for a small file. It must never serve a stale
 * file, so an entry is trusted without a look at the disk only while both hold:
 *   - the directories on its path are watched (directory-watches.ts), so any change to the
 *     file or to a directory above it drops the entry at once; and
 *   - it was checked by stat less than TRUST_MS ago, a safety net for mounts that do not
 *     report changes (some network file systems, Docker Desktop's shared folders).
 * Otherwise a fresh stat must show the very same file (device, inode, size, mtime, ctime).
 */
import type { FileStat } from '../resolve/file-system';
import type { CachedCopy } from './cached-site';

export interface CachedFile {
  readonly realPath: string;
  /** The file's own name (its real path's last segment), for its Content-Type. */
  readonly name: string;
  readonly stat: FileStat;
  readonly bytes: Buffer;
  /** The watched directories this entry holds (empty: not watched, check by stat every time). */
  readonly watched: readonly string[];
  /** When a stat last confirmed the entry, ms. */
  checkedAt: number;
  /** What a lookup the entry vouches for at once gets: made once, the same object every time. */
  readonly trusted: CachedCopy;
}

/** Files up to this size are kept in memory: scripts, styles, icons, small pages. */
export const MAX_CACHED_FILE_BYTES = 128 * 1024;
/** All cached bytes together stay under this; the oldest entries leave first. */
export const CACHE_BUDGET_BYTES = 16 * 1024 * 1024;
/** A watched entry is re-checked by stat at least this often, ms. */
export const TRUST_MS = 1000;

export function sameFile(a: FileStat, b: FileStat): boolean {
  return (
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

/** May the entry be served without a stat? */
export function isTrusted(entry: CachedFile, now: number): boolean {
  return entry.watched.length > 0 && now - entry.checkedAt < TRUST_MS;
}

export class FileCache {
  private readonly entries = new Map<string, CachedFile>();
  private bytes = 0;

  /**
   * `onRemove` hears of every entry that leaves (evicted, replaced, deleted), to release its
   * watches; `maxFileBytes`, the largest file this cache keeps (large-files.ts makes a second cache).
   */
  constructor(
    private readonly budget = CACHE_BUDGET_BYTES,
    private readonly onRemove: (entry: CachedFile) => void = () => undefined,
    private readonly maxFileBytes = MAX_CACHED_FILE_BYTES,
  ) {}

  get(key: string): CachedFile | undefined {
    return this.entries.get(key);
  }

  /** Keeps the file if it fits; returns whether it was kept. */
  set(key: string, file: CachedFile): boolean {
    if (file.bytes.length > this.maxFileBytes || file.bytes.length > this.budget) return false;
    this.delete(key);
    this.makeRoom(file.bytes.length);
    this.entries.set(key, file);
    this.bytes += file.bytes.length;
    return true;
  }

  /** Drops the oldest entries until `bytes` more fit in the budget: before a read, so that the read's buffer is within it too. */
  makeRoom(bytes: number): void {
    for (const [oldest] of this.entries) {
      if (this.bytes + bytes <= this.budget) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes.length;
    this.onRemove(entry);
  }

  /** Drops every entry whose real path is `path` or lies below it. */
  deleteUnder(path: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.realPath === path || entry.realPath.startsWith(`${path}/`)) this.delete(key);
    }
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
