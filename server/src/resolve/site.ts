/**
 * From safe path segments to something to send: a file, a redirect, a directory listing, or
 * a refusal. The segments are already free of "..", escapes and dotfiles (target.ts); here we
 * follow symlinks with realpath and check again that what they lead to is inside the root and
 * not hidden, then open the very file we checked. All disk access goes through `FileSystem`,
 * and the file opened belongs to the exchange's `OpenFiles` (open-files.ts).
 *
 * `Site` is the interface the request path uses; `DiskSite` asks the disk every time (the
 * plain path). The fast path's `CachedSite` (fast/cached-site.ts) wraps it with a cache.
 */
import path from 'node:path';
import { type FileStat, type FileSystem, type FsFailure, isFailure } from './file-system';
import type { OpenFiles } from './open-files';
import { type TargetVerdict, directoryLocation, isHiddenSegment } from './target';

export type ResolvedTarget = Extract<TargetVerdict, { kind: 'path' }>;

/** Where a file's bytes come from: an open descriptor, or memory (a small file the fast path's cache holds). */
export type FileBody =
  { readonly kind: 'fd'; readonly fd: number } | { readonly kind: 'bytes'; readonly bytes: Buffer };

/**
 * Whether a file came from the fast path's cache, and how the cache vouched for it: 'trusted'
 * (watched and checked less than TRUST_MS ago, so no look at the disk) or 'revalidated' (a
 * stat showed the same file); false when it was read from disk, as on the plain path always.
 */
export type CacheUse = 'trusted' | 'revalidated' | false;

export type Found = FoundFile | NotAFile;

export interface FoundFile {
  readonly kind: 'file';
  /** The file's own name (its real path's last segment), for its Content-Type. */
  readonly name: string;
  /** Its real path, symlinks followed. */
  readonly realPath: string;
  readonly stat: FileStat;
  readonly body: FileBody;
  readonly cached: CacheUse;
}

export type NotAFile = { readonly kind: 'redirect'; readonly location: string } | Listing | Refused;

export interface Refused {
  readonly kind: 'refused';
  readonly status: 403 | 404 | 500;
  readonly reason: string;
  /** Nothing by that name (the disk said ENOENT or ENOTDIR), as opposed to something there that is refused. */
  readonly missing?: true;
}

/** A directory's entries, and when the newest of them or the directory itself last changed (its Last-Modified). */
export interface Listing {
  readonly kind: 'listing';
  readonly entries: readonly ListingEntry[];
  /** ms since the epoch: an entry added or removed changes the directory's mtime, an edit the entry's. */
  readonly modified: number;
}

/** One line of a directory listing. */
export interface ListingEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  readonly size: number;
  /** Its modification time, ms since the epoch. */
  readonly modified: number;
}

/** What the request path asks of a site. */
export interface Site {
  /** The lookup; a file it opens is registered with `files`, which the connection closes once the reply is out. */
  find(target: ResolvedTarget, files: OpenFiles): Promise<Found>;
  /** Stops whatever the site keeps running (the fast path's directory watches), at shutdown. */
  close(): void;
}

interface Located {
  readonly realPath: string;
  readonly stat: FileStat;
}

export interface SiteOptions {
  readonly root: string; // already passed through realpath
  readonly listing: boolean;
  readonly fs: FileSystem;
}

/** The plain lookup: every request asks the disk. */
export class DiskSite implements Site {
  constructor(private readonly options: SiteOptions) {}

  /** locate (realpath, inside the root, not hidden, stat) → the directory rules → open. */
  async find(target: ResolvedTarget, files: OpenFiles): Promise<Found> {
    const { segments, directory, query } = target;
    const located = await this.locate(segments);
    if (isRefusal(located)) return located;
    if (located.stat.isDirectory && !directory)
      return { kind: 'redirect', location: directoryLocation(segments, query) };
    if (located.stat.isDirectory) return this.directory(segments, located, files);
    if (!located.stat.isFile) return refused(404, 'not a regular file');
    if (directory) return refused(404, 'a file, asked for as a directory');
    return this.open(located, files);
  }

  close(): void {}

  /** realpath, then: inside the root? hidden after following links? then stat. */
  private async locate(segments: readonly string[]): Promise<Located | Refused> {
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

  /** A directory asked for with its slash: its index.html, else a listing, else 404. */
  private async directory(segments: readonly string[], dir: Located, files: OpenFiles): Promise<Found> {
    const index = await this.locate([...segments, 'index.html']);
    if (!isRefusal(index) && index.stat.isFile) return this.open(index, files);
    if (isRefusal(index) && index.status !== 404) return index;
    if (!this.options.listing) return refused(404, 'directory without index.html (listings are off)');
    return this.list(segments, dir);
  }

  /** Opens the located file and checks the descriptor is that same file (it may have been swapped since realpath). */
  private async open(located: Located, files: OpenFiles): Promise<Found> {
    const opened = await files.open(located.realPath);
    if (isFailure(opened)) return fromFailure(opened);
    const { fd, stat } = opened;
    if (stat.ino !== located.stat.ino || stat.dev !== located.stat.dev || !stat.isFile)
      return refused(404, 'the file changed while it was being opened');
    const { realPath } = located;
    return {
      kind: 'file',
      name: path.basename(realPath),
      realPath,
      stat,
      body: { kind: 'fd', fd },
      cached: false,
    };
  }

  /** A listing shows what a request could actually fetch: no dotfiles, nothing whose links lead out. */
  private async list(segments: readonly string[], dir: Located): Promise<Found> {
    const names = await this.options.fs.list(dir.realPath);
    if (isFailure(names)) return fromFailure(names);
    const entries: ListingEntry[] = [];
    let modified = dir.stat.mtimeMs;
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const entry = await this.locate([...segments, name]);
      if (isRefusal(entry)) continue;
      const { isDirectory, size, mtimeMs } = entry.stat;
      entries.push({ name, isDirectory, size, modified: mtimeMs });
      modified = Math.max(modified, mtimeMs);
    }
    return { kind: 'listing', entries, modified };
  }
}

function refused(status: 403 | 404 | 500, reason: string): Refused {
  return { kind: 'refused', status, reason };
}

function isRefusal(value: Located | Found): value is Refused {
  return 'kind' in value && value.kind === 'refused';
}

/** What the client is told when the disk says no: 404 missing, 403 forbidden, 500 anything else. */
export function fromFailure(f: FsFailure): Refused {
  if (f.outcome === 'missing') return { ...refused(404, `no such file (${f.code})`), missing: true };
  if (f.outcome === 'forbidden') return refused(403, `permission denied (${f.code})`);
  return refused(500, `file-system error (${f.code})`);
}
