/**
 * The files an exchange opens, and their one owner. The lookup opens a file through here
 * (site.ts); the connection, which answers one request at a time, calls `closeAll` once the
 * exchange is over, however it ended: the reply sent, a 304 or a HEAD that never needed the
 * bytes, a client gone mid-download, an error. Nothing else closes a descriptor a request
 * opened, so each is closed exactly once, and never while a read of it is still under way (the
 * connection waits for the stream first).
 */
import { type FileSystem, type FsFailure, type OpenedFile, isFailure } from './file-system';

export class OpenFiles {
  private fds: number[] | undefined; // made on the first open: most exchanges of the fast path open nothing

  constructor(private readonly fs: FileSystem) {}

  /** Opens `path` for reading; the descriptor belongs to this exchange from now on. */
  async open(path: string): Promise<OpenedFile | FsFailure> {
    const opened = await this.fs.open(path);
    if (!isFailure(opened)) (this.fds ??= []).push(opened.fd);
    return opened;
  }

  /** How many descriptors this exchange holds. */
  get count(): number {
    return this.fds?.length ?? 0;
  }

  /** Closes every descriptor of the exchange; a second call closes nothing. */
  closeAll(): void {
    const { fds } = this;
    if (fds === undefined) return; // the usual case on the fast path: nothing was opened
    this.fds = undefined;
    for (const fd of fds) this.fs.close(fd);
  }
}
