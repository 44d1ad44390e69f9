/**
 * From safe path segments to something to send: a file, a redirect, a directory listing, or
 * a refusal. The segments are already free of "..", escapes and dotfiles (target.ts); here we
 * follow symlinks with realpath and check again that what they lead to is inside the root and
 * not hidden, then open the very file we checked. All disk access goes through `FileSystem`.
 */
import path from 'node:path';
import { type FileStat, type FileSystem, type FsFailure, isFailure } from './file-system';
import { type CachedFile, FileCache, MAX_CACHED_FILE_BYTES, isTrusted, sameFile } from './file-cache';
import type { NowOrLater } from '../http/message';
import { DirectoryWatches } from './directory-watches';
import { type TargetVerdict, directoryLocation, isHiddenSegment } from './target';

export type ResolvedTarget = Extract<TargetVerdict, { kind: 'path' }>;

/** Where a file's bytes come from: memory (a small file, read whole) or an open descriptor (a large one, streamed). */
export type FileBody =
  { readonly kind: 'bytes'; readonly bytes: Buffer } | { readonly kind: 'fd'; readonly fd: number };

/**
 * Whether a file came from the cache, and how the cache vouched for it: 'trusted' (watched and
 * checked less than TRUST_MS ago, so no look at the disk) or 'revalidated' (a stat showed the
 * same file); false when it was read from disk.
 */
export type CacheUse = 'trusted' | 'revalidated' | false;

export type Found =
  | {
      readonly kind: 'file';
      readonly name: string;
      readonly stat: FileStat;
      readonly body: FileBody;
      readonly cached: CacheUse;
    }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'listing'; readonly entries: readonly ListingEntry[] }
  | { readonly kind: 'refused'; readonly status: 403 | 404 | 500; readonly reason: string };

/** One line of a directory listing. */
export interface ListingEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  readonly size: number;
}

interface Located {
  readonly realPath: string;
  readonly stat: FileStat;
}

export interface SiteOptions {
  readonly root: string; // already passed through realpath
  readonly listing: boolean;
  readonly fs: FileSystem;
  /** The clock, ms: when a cached entry was last checked. */
  readonly now: () => number;
  readonly cacheBudget?: number;
}

export class Site {
  private readonly cache: FileCache;
  private readonly watches: DirectoryWatches;

  constructor(private readonly options: SiteOptions) {
    this.cache = new FileCache(options.cacheBudget, (entry) => this.watches.release(entry.watched));
    this.watches = new DirectoryWatches(options.fs, (dir, name) => this.forgetChanged(dir, name));
  }

  /**
   * A change in a watched directory drops what the cache holds for that entry. A directory
   * that is itself moved or deleted reports its own name (inotify's IN_MOVE_SELF): then, as
   * for an unnamed change, everything below it goes.
   */
  private forgetChanged(dir: string, name: string | undefined): void {
    const itself = name === undefined || name === path.basename(dir); // (a child of the same name goes too)
    this.cache.deleteUnder(itself ? dir : path.join(dir, name));
  }

  /** Stops watching and empties the cache (at shutdown). */
  close(): void {
    this.cache.clear();
    this.watches.closeAll();
  }

  /** Closes a descriptor that `find` opened but the reply did not need (304, 412, 416, HEAD). */
  release(fd: number): void {
    this.options.fs.close(fd);
  }

  /** The whole lookup: a cached file the cache can vouch for at once, else ask the disk. */
  find(target: ResolvedTarget): NowOrLater<Found> {
    const key = cacheKey(target);
    const entry = this.cache.get(key);
    if (entry !== undefined && isTrusted(entry, this.options.now())) return cachedFile(entry, 'trusted');
    return this.lookUp(target, key, entry);
  }

  /** Cached but not trusted (check by stat), or not cached: locate → directory rules → open. */
  private async lookUp(target: ResolvedTarget, key: string, entry: CachedFile | undefined): Promise<Found> {
    const { segments, directory, query } = target;
    const hit = entry === undefined ? undefined : await this.fromCache(key, entry);
    if (hit) return hit;
    const located = await this.locate(segments);
    if (isRefusal(located)) return located;
    if (located.stat.isDirectory && !directory)
      return { kind: 'redirect', location: directoryLocation(segments, query) };
    if (located.stat.isDirectory) return this.directory(segments, key, located);
    if (!located.stat.isFile) return refused(404, 'not a regular file');
    if (directory) return refused(404, 'a file, asked for as a directory');
    return this.open(key, located);
  }

  /** A cached entry not trusted yet is served if a fresh stat shows the very same file. */
  private async fromCache(key: string, entry: CachedFile): Promise<Found | undefined> {
    const now = this.options.now();
    const stat = await this.options.fs.stat(entry.realPath);
    if (isFailure(stat) || !sameFile(stat, entry.stat)) {
      this.cache.delete(key);
      return undefined;
    }
    entry.checkedAt = now;
    return cachedFile(entry, 'revalidated');
  }

  /** realpath, then: inside the root? hidden after following links? then stat. */
  private async locate(segments: readonly string[]): Promise<Located | Extract<Found, { kind: 'refused' }>> {
    const { root, fs } = this.options;
    const realPath = await fs.realpath(path.join(root, ...segments));
    if (isFailure(realPath)) return fromFailure(realPath);
    if (realPath !== root && !realPath.startsWith(root + path.sep))
      return refused(404, 'a symlink leads outside the site root');
    if (path.relative(root, realPath).split(path.sep).some(isHiddenSegment))
      return refused(404, 'a symlink leads to a dotfile');
    const stat = await fs.stat(realPath);
    return isFailure(stat) ? fromFailure(stat) : { realPath, stat };
  }

  /** A directory asked for with its slash: its index.html (cached under `indexKey`), else a listing, else 404. */
  private async directory(segments: readonly string[], indexKey: string, dir: Located): Promise<Found> {
    const index = await this.locate([...segments, 'index.html']);
    if (!isRefusal(index) && index.stat.isFile) return this.open(indexKey, index);
    if (isRefusal(index) && index.status !== 404) return index;
    if (!this.options.listing) return refused(404, 'directory without index.html (listings are off)');
    return this.list(segments, dir);
  }

  /** Opens the located file and checks the descriptor is that same file (it may have been swapped since realpath). */
  private async open(key: string, located: Located): Promise<Found> {
    const { fs } = this.options;
    const opened = await fs.open(located.realPath);
    if (isFailure(opened)) return fromFailure(opened);
    const { fd, stat } = opened;
    if (stat.ino !== located.stat.ino || stat.dev !== located.stat.dev || !stat.isFile) {
      fs.close(fd);
      return refused(404, 'the file changed while it was being opened');
    }
    const name = path.basename(located.realPath);
    if (stat.size > MAX_CACHED_FILE_BYTES)
      return { kind: 'file', name, stat, body: { kind: 'fd', fd }, cached: false };
    const bytes = await this.readAll(fd, stat.size);
    fs.close(fd);
    if (isFailure(bytes)) return fromFailure(bytes);
    this.remember(key, located.realPath, stat, bytes);
    return { kind: 'file', name, stat, body: { kind: 'bytes', bytes }, cached: false };
  }

  /**
   * Caches a small file, but only one reached without symlinks: then a stat of its real path
   * is a stat of the requested path, and watching the directories from the root down to it
   * sees every change that could alter what the request gets.
   */
  private remember(key: string, realPath: string, stat: FileStat, bytes: Buffer): void {
    if (bytes.length !== stat.size || realPath !== path.join(this.options.root, key)) return;
    const directories = [this.options.root];
    for (let dir = path.dirname(realPath); dir !== this.options.root; dir = path.dirname(dir))
      directories.splice(1, 0, dir);
    const watched = this.watches.acquire(directories) ? directories : [];
    // Never checked yet: a change between our read and the watch's start would go unseen, so the
    // first hit checks by stat, after the watch is in place.
    if (
      !this.cache.set(key, {
        realPath,
        name: path.basename(realPath),
        stat,
        bytes,
        watched,
        checkedAt: -Infinity,
      })
    )
      this.watches.release(watched);
  }

  /** Reads a small file whole; a file that shrank meanwhile gives fewer bytes, never garbage. */
  private async readAll(fd: number, size: number): Promise<Buffer | FsFailure> {
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = await this.options.fs.readInto(fd, buffer.subarray(filled), filled);
      if (isFailure(n)) return n;
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled);
  }

  /** A listing shows what a request could actually fetch: no dotfiles, nothing whose links lead out. */
  private async list(segments: readonly string[], dir: Located): Promise<Found> {
    const names = await this.options.fs.list(dir.realPath);
    if (isFailure(names)) return fromFailure(names);
    const entries: ListingEntry[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const entry = await this.locate([...segments, name]);
      if (isRefusal(entry)) continue;
      entries.push({ name, isDirectory: entry.stat.isDirectory, size: entry.stat.size });
    }
    return { kind: 'listing', entries };
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

function cachedFile(entry: CachedFile, cached: Exclude<CacheUse, false>): Found {
  return {
    kind: 'file',
    name: entry.name,
    stat: entry.stat,
    body: { kind: 'bytes', bytes: entry.bytes },
    cached,
  };
}

function refused(status: 403 | 404 | 500, reason: string): Extract<Found, { kind: 'refused' }> {
  return { kind: 'refused', status, reason };
}

function isRefusal(value: Located | Found): value is Extract<Found, { kind: 'refused' }> {
  return 'kind' in value && value.kind === 'refused';
}

function fromFailure(f: FsFailure): Extract<Found, { kind: 'refused' }> {
  if (f.outcome === 'missing') return refused(404, `no such file (${f.code})`);
  if (f.outcome === 'forbidden') return refused(403, `permission denied (${f.code})`);
  return refused(500, `file-system error (${f.code})`);
}
