/**
 * The fast path's lookup: the plain `DiskSite` wrapped with a cache of small files, so that a
 * busy file costs no open, read, close or stat.
 *
 * Measured (bench/README.md, "What we learned from profiling", step 0): with the disk asked on
 * every request, a third of the server's CPU went to `fs.stat` and its trip through libuv's
 * thread pool: 15 k req/s and 60 µs of CPU a request for a 1 KiB file. Trusting entries while
 * their directories are watched took that cost away (with the steps after it, 36 k req/s).
 *
 * It must never serve a stale file (file-cache.ts says when an entry is trusted): an entry is
 * served without a look at the disk only while it is watched and was confirmed by a stat less
 * than TRUST_MS ago; otherwise a fresh stat must show the very same file. Only files reached
 * without symlinks are cached, so that watching the directories from the root down to a file
 * sees every change that could alter what a request for it gets.
 *
 * Two caches, the same rules: small files (file-cache.ts), read whole the first time; large
 * ones (large-files.ts), read whole the second time, one at a time.
 */
import path from 'node:path';
import { type FileSystem, isFailure, readWhole } from '../resolve/file-system';
import type { OpenFiles } from '../resolve/open-files';
import { type Found, type FoundFile, type ResolvedTarget, type Site, fromFailure } from '../resolve/site';
import { type CachedFile, FileCache, MAX_CACHED_FILE_BYTES, isTrusted, sameFile } from './file-cache';
import { DirectoryWatches } from './directory-watches';
import { LARGE_FILES, LargeFileAdmission, type LargeFileLimits, type Liveness } from './large-files';

/** A file as the cache holds it: its bytes in memory. */
export type CachedCopy = FoundFile & { readonly body: Extract<FoundFile['body'], { kind: 'bytes' }> };

export interface CachedSiteOptions {
  readonly root: string; // already passed through realpath
  readonly fs: FileSystem;
  /** The clock, ms: when a cached entry was last checked. */
  readonly now: () => number;
  readonly cacheBudget?: number;
  readonly largeFiles?: LargeFileLimits;
  /** How the large files' admission sees whether retired bytes are alive (tests stand in for WeakRef). */
  readonly liveness?: (bytes: Buffer) => Liveness;
}

export class CachedSite implements Site {
  private readonly small: FileCache;
  private readonly large: FileCache;
  private readonly admission: LargeFileAdmission;
  private readonly watches: DirectoryWatches;

  constructor(
    private readonly disk: Site,
    private readonly options: CachedSiteOptions,
  ) {
    const release = (entry: CachedFile): void => this.watches.release(entry.watched);
    const largeFiles = options.largeFiles ?? LARGE_FILES;
    this.small = new FileCache(options.cacheBudget, release);
    this.admission = new LargeFileAdmission(largeFiles, options.liveness);
    this.large = new FileCache(
      largeFiles.budgetBytes,
      (entry) => {
        release(entry);
        this.admission.retire(entry.bytes);
      },
      largeFiles.maxFileBytes,
    );
    this.watches = new DirectoryWatches(options.fs, (dir, name) => this.forgetChanged(dir, name));
  }

  /**
   * A file the cache can vouch for without asking the disk, or undefined: the fast path answers
   * the first at once. `now`: the time the connection read when the request arrived (passed by
   * fast/answer-at-once.ts), else the clock; a second reading of the clock for every cached GET
   * cost up to 3 % of bench scenario 1's CPU (bench/README.md, "Two lookups and two clock reads
   * fewer").
   */
  findNow(target: ResolvedTarget, now = this.options.now()): CachedCopy | undefined {
    const entry = this.entryOf(cacheKey(target));
    return entry !== undefined && isTrusted(entry, now) ? entry.trusted : undefined;
  }

  /** A trusted entry; else one a stat confirms; else the disk, keeping the file read whole for next time if it may. */
  async find(target: ResolvedTarget, files: OpenFiles): Promise<Found> {
    const trusted = this.findNow(target);
    if (trusted !== undefined) return trusted;
    const key = cacheKey(target);
    const entry = this.entryOf(key);
    const hit = entry === undefined ? undefined : await this.revalidate(key, entry);
    if (hit !== undefined) return hit;
    const found = await this.disk.find(target, files);
    if (found.kind !== 'file' || found.body.kind !== 'fd') return found;
    // Kept by another request while this one looked on disk: the very same file needs no second
    // copy (one held by replies in flight, one in the cache: a 90-91 MiB peak instead of 82 in
    // bench scenario 4, bench/README.md, "Large files from memory").
    const keptMeanwhile = this.entryOf(key);
    if (keptMeanwhile !== undefined && sameFile(keptMeanwhile.stat, found.stat))
      return revalidated(keptMeanwhile);
    const { fd } = found.body;
    if (found.stat.size <= MAX_CACHED_FILE_BYTES) return this.readAndKeep(key, found, fd, this.small);
    if (!this.admission.covers(found.stat.size) || !this.admission.admit(key, found.stat.size)) return found;
    try {
      this.large.makeRoom(found.stat.size);
      return await this.readAndKeep(key, found, fd, this.large);
    } finally {
      this.admission.done();
    }
  }

  /** Stops watching and empties the caches (at shutdown). */
  close(): void {
    this.small.clear();
    this.large.clear();
    this.watches.closeAll();
  }

  private entryOf(key: string): CachedFile | undefined {
    return this.small.get(key) ?? this.large.get(key);
  }

  private forget(key: string): void {
    this.small.delete(key);
    this.large.delete(key);
  }

  /** The file read whole from its descriptor `fd` (which stays the exchange's to close), kept in `cache` if it may be. */
  private async readAndKeep(key: string, found: FoundFile, fd: number, cache: FileCache): Promise<Found> {
    const bytes = await readWhole(this.options.fs, fd, found.stat.size);
    if (isFailure(bytes)) return fromFailure(bytes);
    this.remember(key, found, bytes, cache);
    return { ...found, body: { kind: 'bytes', bytes } };
  }

  /** A cached entry not trusted yet is served if a fresh stat shows the very same file. */
  private async revalidate(key: string, entry: CachedFile): Promise<CachedCopy | undefined> {
    const now = this.options.now();
    const stat = await this.options.fs.stat(entry.realPath);
    if (isFailure(stat) || !sameFile(stat, entry.stat)) {
      this.forget(key);
      return undefined;
    }
    entry.checkedAt = now;
    return revalidated(entry);
  }

  /**
   * A change in a watched directory drops what the cache holds for that entry. A directory
   * that is itself moved or deleted reports its own name (inotify's IN_MOVE_SELF): then, as
   * for an unnamed change, everything below it goes.
   */
  private forgetChanged(dir: string, name: string | undefined): void {
    const itself = name === undefined || name === path.basename(dir); // (a child of the same name goes too)
    const changed = itself ? dir : path.join(dir, name);
    this.small.deleteUnder(changed);
    this.large.deleteUnder(changed);
  }

  /**
   * Caches a file, but only one reached without symlinks: then a stat of its real path
   * is a stat of the requested path, and watching the directories from the root down to it
   * sees every change that could alter what the request gets.
   */
  private remember(key: string, found: FoundFile, bytes: Buffer, cache: FileCache): void {
    const { realPath, stat } = found;
    const { root } = this.options;
    if (bytes.length !== stat.size || realPath !== path.join(root, key)) return;
    const directories = [root];
    for (let dir = path.dirname(realPath); dir !== root; dir = path.dirname(dir))
      directories.splice(1, 0, dir);
    const watched = this.watches.acquire(directories) ? directories : [];
    // Never checked yet: a change between our read and the watch's start would go unseen, so the
    // first hit checks by stat, after the watch is in place.
    const trusted: CachedCopy = { ...found, body: { kind: 'bytes', bytes }, cached: 'trusted' };
    const entry = { realPath, name: found.name, stat, bytes, watched, checkedAt: -Infinity, trusted };
    this.forget(key); // a file that grew or shrank past the small cache's limit is in the other one
    if (!cache.set(key, entry)) this.watches.release(watched);
  }
}

/**
 * Where the cache keeps what a target gets: a file under its path below the root; a directory
 * (asked for with its slash) under its index.html, which is what it serves when it has one.
 * The watches of an index.html cover the directory too, so the entry goes when either changes;
 * without an index.html nothing is cached, and the listing or 404 is worked out afresh.
 */
function cacheKey({ directory, path: key }: ResolvedTarget): string {
  if (!directory) return key;
  return key === '' ? 'index.html' : `${key}/index.html`;
}

function revalidated(entry: CachedFile): CachedCopy {
  return { ...entry.trusted, cached: 'revalidated' };
}
