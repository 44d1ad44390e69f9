/**
 * Watches on directories, shared and counted: a directory is watched while some cached file
 * lies below it. A change to any entry of a watched directory (a file written, renamed over,
 * deleted, re-permissioned, or a sub-directory swapped) is reported at once, so the cache can
 * drop what it held for that name before the next request is read.
 */
import type { FileSystem } from '../resolve/file-system';
import { isFailure } from '../resolve/file-system';

export type ChangeListener = (directory: string, name: string | undefined) => void;

export class DirectoryWatches {
  private readonly watches = new Map<string, { count: number; close: () => void }>();

  constructor(
    private readonly fs: FileSystem,
    private readonly onChange: ChangeListener,
  ) {}

  /** Watches every directory given; true if all are watched (else none is kept). */
  acquire(directories: readonly string[]): boolean {
    const taken: string[] = [];
    for (const directory of directories) {
      if (!this.take(directory)) {
        this.release(taken);
        return false;
      }
      taken.push(directory);
    }
    return true;
  }

  release(directories: readonly string[]): void {
    for (const directory of directories) {
      const watch = this.watches.get(directory);
      if (!watch) continue;
      watch.count -= 1;
      if (watch.count === 0) {
        watch.close();
        this.watches.delete(directory);
      }
    }
  }

  closeAll(): void {
    for (const watch of this.watches.values()) watch.close();
    this.watches.clear();
  }

  get size(): number {
    return this.watches.size;
  }

  private take(directory: string): boolean {
    const existing = this.watches.get(directory);
    if (existing) {
      existing.count += 1;
      return true;
    }
    const close = this.fs.watchDirectory(directory, (name) => this.onChange(directory, name));
    if (isFailure(close)) return false; // e.g. out of inotify watches: the caller falls back to stat
    this.watches.set(directory, { count: 1, close });
    return true;
  }
}
