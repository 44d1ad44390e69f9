/**
 * The files one exchange opens, and their one owner. The lookup opens a file through here
 * (site.ts); the connection calls `closeAll` once the exchange is over, however it ended: the
 * reply sent, a 304 or a HEAD that never needed the bytes, a client gone mid-download, an
 * error. Nothing else closes a descriptor a request opened, so each is closed exactly once,
 * and never while a read of it is still under way (the connection waits for the stream first).
 */
import { type FileSystem, type FsFailure, type OpenedFile, isFailure } from './file-system';

export class OpenFiles {
  private readonly fds: number[] = [];
  private closed = false;

  constructor(private readonly fs: FileSystem) {}

  /** Opens `path` for reading; the descriptor belongs to this exchange from now on. */
  async open(path: string): Promise<OpenedFile | FsFailure> {
    const opened = await this.fs.open(path);
    if (isFailure(opened)) return opened;
    // Opened after the exchange ended (it cannot happen today: the connection awaits the lookup): close it at once.
    if (this.closed) this.fs.close(opened.fd);
    else this.fds.push(opened.fd);
    return opened;
  }

  /** How many descriptors this exchange holds. */
  get count(): number {
    return this.fds.length;
  }

  /** Closes every descriptor of the exchange; a second call closes nothing. */
  closeAll(): void {
    this.closed = true;
    for (const fd of this.fds.splice(0)) this.fs.close(fd);
  }
}
