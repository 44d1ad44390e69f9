/**
 * Which files under the root changed, told once per burst of changes. Two sources:
 *
 *   - file-change events (inotify, FSEvents...) on every directory the scan lists: at once. On a
 *     Docker Desktop or WSL2 bind mount they never arrive: the folder changes on the host, and
 *     the container's kernel is not told.
 *   - polling (tree-scan.ts): every `pollMs`, `budget` operations of a walk of the tree. Always
 *     on, in addition to the events, since nothing tells the server that the events are missing.
 *
 * A path an event reported is refreshed in the scan, so polling does not report it a second
 * time. Changes are gathered for DEBOUNCE_MS, then told together: an editor's save is several
 * operations (a temporary file, a rename, a backup), and the page should load once, the file whole.
 * A change polling found is told `settleMs` after it was found: on a mount without events, the
 * fast path's cache still trusts a copy confirmed by a stat less than a second before
 * (fast/file-cache.ts, TRUST_MS), and a page reloaded sooner could get the old one.
 */
import path from 'node:path';
import { type FileSystem, isFailure } from '../../resolve/file-system';
import { TreeScan, isIgnoredName } from './tree-scan';

/** Changes gathered before they are told, ms: a save's several operations come within a few ms of each other. */
export const DEBOUNCE_MS = 100;
/** Paths named in one report; more changed together are told as a count. */
const MAX_REPORTED_PATHS = 20;

export interface WatchOptions {
  readonly root: string; // a real path
  readonly fs: FileSystem;
  /** Also listen for file-change events (false: polling only, as where events never arrive). */
  readonly events: boolean;
  readonly pollMs: number;
  /** File-system operations per poll. */
  readonly budget: number;
  /** Entries of the tree tracked by polling. */
  readonly maxEntries: number;
  /** Directories watched for events; beyond them, polling alone. */
  readonly maxWatches: number;
  /** How long a change polling found waits before it is told, ms (at least DEBOUNCE_MS). */
  readonly settleMs: number;
  /** Told after a burst of changes: the paths below the root, "/"-led, and whether polling found any. */
  readonly onChange: (paths: readonly string[], byPolling: boolean) => void;
  /** Something worth one log line (told once each). */
  readonly notice: (line: string) => void;
}

export class ChangeWatcher {
  private readonly scan: TreeScan;
  private readonly watches = new Map<string, () => void>(); // real directory → stops its watch
  private readonly listed = new Set<string>(); // directories listed this pass
  private readonly pending = new Set<string>();
  private byPolling = false;
  private readonly told = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flush: NodeJS.Timeout | undefined;
  private flushAt = 0;
  private closed = false;

  constructor(private readonly options: WatchOptions) {
    this.scan = new TreeScan(options.root, options.fs, options.maxEntries);
  }

  /** The first poll now; each next one `pollMs` after the last ended. */
  start(): void {
    void this.poll();
  }

  get watched(): number {
    return this.watches.size;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.flush);
    for (const stop of this.watches.values()) stop();
    this.watches.clear();
  }

  private async poll(): Promise<void> {
    const step = await this.scan.step(this.options.budget);
    if (this.closed) return;
    for (const directory of step.directories) this.watch(directory);
    if (step.passEnded) this.unwatchGone();
    if (step.changed.length > 0) this.changed(step.changed, true);
    if (this.scan.full)
      this.noticeOnce(
        'full',
        `live reload: more than ${this.options.maxEntries} entries under the root: polling follows those only`,
      );
    this.timer = setTimeout(() => void this.poll(), this.options.pollMs).unref();
  }

  private watch(directory: string): void {
    this.listed.add(directory);
    if (!this.options.events || this.watches.has(directory)) return;
    if (this.watches.size >= this.options.maxWatches)
      return this.noticeOnce(
        'many',
        `live reload: more than ${this.options.maxWatches} folders: the others by polling only`,
      );
    const stop = this.options.fs.watchDirectory(directory, (name) => this.onEvent(directory, name));
    if (isFailure(stop))
      return this.noticeOnce('watch', `live reload: cannot watch folders (${stop.code}): polling only`);
    this.watches.set(directory, stop);
  }

  /** At the end of a pass: directories no longer listed (gone, or moved away) are no longer watched. */
  private unwatchGone(): void {
    for (const [directory, stop] of this.watches)
      if (!this.listed.has(directory)) {
        stop();
        this.watches.delete(directory);
      }
    this.listed.clear();
  }

  private onEvent(directory: string, name: string | undefined): void {
    if (this.closed || (name !== undefined && isIgnoredName(name))) return;
    const relative = path.relative(
      this.options.root,
      name === undefined ? directory : path.join(directory, name),
    );
    const slashed = relative.split(path.sep).join('/');
    void this.scan.refresh(slashed);
    this.changed([slashed], false);
  }

  /** Gathers changes; the first of a burst sets the time they are told (later, if polling found one). */
  private changed(paths: readonly string[], byPolling: boolean): void {
    for (const changed of paths) if (this.pending.size < MAX_REPORTED_PATHS) this.pending.add(`/${changed}`);
    this.byPolling ||= byPolling;
    const at = Date.now() + Math.max(DEBOUNCE_MS, byPolling ? this.options.settleMs : 0);
    if (this.flush !== undefined && at <= this.flushAt) return;
    clearTimeout(this.flush);
    this.flushAt = at;
    this.flush = setTimeout(() => this.tell(), at - Date.now()).unref();
  }

  private tell(): void {
    const paths = [...this.pending];
    const byPolling = this.byPolling;
    this.pending.clear();
    this.byPolling = false;
    this.flush = undefined;
    if (byPolling && this.options.events && this.watches.size > 0)
      this.noticeOnce(
        'missed',
        `live reload: ${paths[0]} changed with no file-change event (a Docker Desktop or WSL2 bind mount?): polling found it`,
      );
    this.options.onChange(paths, byPolling);
  }

  private noticeOnce(key: string, line: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.options.notice(line);
  }
}
