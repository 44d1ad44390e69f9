/**
 * Polling, for where file-change events do not arrive: walks the tree under the root a few
 * hundred entries at a time, and reports what changed since the entry was last seen.
 *
 * A pass visits every entry once (a stat each, a realpath and a listing more for a directory);
 * a poll does at most `budget` of those operations and goes on where the last one stopped, so
 * the work per poll is bounded however large the tree: a tree of N entries is checked whole
 * every N / budget polls. What a pass did not see again has gone (reported at its end). The
 * first pass only learns the tree. Hidden names and editors' temporary files (`~`, `#...#`,
 * vim's `4913`) are not followed: the server does not serve the first, and the second come and
 * go with every save. Symlinked directories are followed inside the root, each once a pass.
 */
import path from 'node:path';
import { type FileSystem, isFailure } from '../../resolve/file-system';

export interface ScanStep {
  /** Paths below the root (with "/") that changed, appeared or went since they were last seen. */
  readonly changed: readonly string[];
  /** Directories listed in this step (real paths), for the watcher to watch. */
  readonly directories: readonly string[];
  /** True when the step finished a pass. */
  readonly passEnded: boolean;
}

/** An editor's temporary file, or a name the server never serves: changes to it are not changes to the site. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name.startsWith('#') ||
    name.endsWith('~') ||
    name === '4913' || // vim's test of whether it may write the folder
    name.endsWith('___jb_tmp___') || // JetBrains' safe write
    name.endsWith('___jb_old___')
  );
}

export class TreeScan {
  private readonly seen = new Map<string, string>(); // path → "kind:size:mtime" when last seen
  private readonly thisPass = new Set<string>();
  private readonly dirsThisPass = new Set<string>(); // dev:ino, so a symlink loop is walked once
  private queue: string[] = [''];
  private next = 0; // the queue's head: shift() would copy the whole queue at every entry
  private passes = 0;
  /** Set once the tree has more entries than are tracked: the rest is neither polled nor reported. */
  full = false;

  constructor(
    private readonly root: string,
    private readonly fs: FileSystem,
    private readonly maxEntries: number,
  ) {}

  /** At most `budget` file-system operations of the current pass. */
  async step(budget: number): Promise<ScanStep> {
    const changed: string[] = [];
    const directories: string[] = [];
    let left = budget;
    while (left > 0 && this.next < this.queue.length)
      left -= await this.visit(this.queue[this.next++] ?? '', changed, directories);
    const passEnded = this.next >= this.queue.length;
    if (passEnded) this.endPass(changed);
    return { changed, directories, passEnded };
  }

  /** One entry: its stat against what was seen; a directory's names queued. Returns the operations spent. */
  private async visit(relative: string, changed: string[], directories: string[]): Promise<number> {
    const absolute = path.join(this.root, relative);
    const stat = await this.fs.stat(absolute);
    if (isFailure(stat)) return 1; // gone, or unreadable: the end of the pass reports it
    const before = this.seen.get(relative);
    if (before === undefined && this.seen.size >= this.maxEntries) return ((this.full = true), 1);
    const now = `${stat.isDirectory ? 'd' : 'f'}:${stat.size}:${stat.mtimeMs}`;
    this.thisPass.add(relative);
    this.seen.set(relative, now);
    // A directory's own time changes whenever a name in it does (a hidden one too): its names tell.
    const both = stat.isDirectory && before?.startsWith('d');
    if (this.passes > 0 && before !== now && !both) changed.push(relative);
    if (!stat.isDirectory || this.dirsThisPass.has(`${stat.dev}:${stat.ino}`)) return 1;
    this.dirsThisPass.add(`${stat.dev}:${stat.ino}`);
    return 1 + (await this.list(relative, absolute, directories));
  }

  private async list(relative: string, absolute: string, directories: string[]): Promise<number> {
    const real = await this.fs.realpath(absolute);
    if (isFailure(real) || (real !== this.root && !real.startsWith(this.root + path.sep))) return 1;
    const names = await this.fs.list(absolute);
    if (isFailure(names)) return 2;
    directories.push(real);
    for (const name of names)
      if (!isIgnoredName(name)) this.queue.push(relative === '' ? name : `${relative}/${name}`);
    return 2;
  }

  /** What was not seen again has gone; then the next pass starts from the root. */
  private endPass(changed: string[]): void {
    for (const known of this.seen.keys()) {
      if (this.thisPass.has(known)) continue;
      this.seen.delete(known);
      if (this.passes > 0) changed.push(known);
    }
    this.thisPass.clear();
    this.dirsThisPass.clear();
    this.queue = [''];
    this.next = 0;
    this.passes++;
  }

  /**
   * What a file-change event just reported, seen now, as it is now: the pass will not report
   * it again, so the page reloads once.
   */
  async refresh(relative: string): Promise<void> {
    const stat = await this.fs.stat(path.join(this.root, relative));
    if (isFailure(stat)) {
      this.seen.delete(relative);
      this.thisPass.delete(relative);
    } else if (this.seen.has(relative) || this.seen.size < this.maxEntries) {
      this.seen.set(relative, `${stat.isDirectory ? 'd' : 'f'}:${stat.size}:${stat.mtimeMs}`);
      this.thisPass.add(relative);
    }
  }
}
