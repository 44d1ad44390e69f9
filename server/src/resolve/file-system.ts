/**
 * The file-system adapter: the only place the server touches the disk. Each call returns a
 * value, never throws: errors become an `FsFailure` that says what the client should be told
 * (missing → 404, forbidden → 403, broken → 500).
 */
import fs from 'node:fs';

export interface FileStat {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}

export interface FsFailure {
  readonly kind: 'fs-failure';
  readonly outcome: 'missing' | 'forbidden' | 'broken';
  readonly code: string;
}

/** An open descriptor and the stat of what it opened (fstat, so it is the very file). */
export interface OpenedFile {
  readonly fd: number;
  readonly stat: FileStat;
}

/** The operations the lookup needs; tests can substitute a fake. */
export interface FileSystem {
  realpath(path: string): Promise<string | FsFailure>;
  stat(path: string): Promise<FileStat | FsFailure>;
  open(path: string): Promise<OpenedFile | FsFailure>;
  readInto(fd: number, buffer: Buffer, position: number): Promise<number | FsFailure>;
  close(fd: number): void;
  list(path: string): Promise<string[] | FsFailure>;
  /** Calls `onChange` with an entry's name (or undefined) when the directory changes; returns a function that stops watching. */
  watchDirectory(path: string, onChange: (name: string | undefined) => void): (() => void) | FsFailure;
}

/** Reads a file of `size` bytes whole from its descriptor; a file that shrank meanwhile gives fewer bytes, never garbage. */
export async function readWhole(fs: FileSystem, fd: number, size: number): Promise<Buffer | FsFailure> {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const n = await fs.readInto(fd, buffer.subarray(filled), filled);
    if (isFailure(n)) return n;
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

export function isFailure(value: unknown): value is FsFailure {
  return typeof value === 'object' && value !== null && (value as FsFailure).kind === 'fs-failure';
}

/** Maps an errno code to what the client is told. ENOTDIR: a file used as a directory ("/nums.txt/x"). */
export function failure(code: string): FsFailure {
  const outcome =
    code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG'
      ? 'missing'
      : code === 'EACCES' || code === 'EPERM'
        ? 'forbidden'
        : 'broken';
  return { kind: 'fs-failure', outcome, code };
}

function toStat(s: fs.Stats): FileStat {
  return {
    dev: s.dev,
    ino: s.ino,
    size: s.size,
    mtimeMs: s.mtimeMs,
    ctimeMs: s.ctimeMs,
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
  };
}

/** Wraps a Node callback API: the error's code becomes an FsFailure. */
function settle<T>(
  start: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void,
): Promise<T | FsFailure> {
  return new Promise((resolve) => {
    start((err, value) => resolve(err ? failure(err.code ?? 'EIO') : value));
  });
}

export const nodeFileSystem: FileSystem = {
  realpath: (path) => settle<string>((done) => fs.realpath.native(path, done)),
  stat: async (path) => {
    const s = await settle<fs.Stats>((done) => fs.stat(path, done));
    return isFailure(s) ? s : toStat(s);
  },
  open: async (path) => {
    // O_NONBLOCK: should the path have become a FIFO since it was checked, open must not hang.
    const fd = await settle<number>((done) =>
      fs.open(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK, done),
    );
    if (isFailure(fd)) return fd;
    const s = await settle<fs.Stats>((done) => fs.fstat(fd, done));
    if (!isFailure(s)) return { fd, stat: toStat(s) };
    fs.close(fd, () => undefined);
    return s;
  },
  readInto: (fd, buffer, position) =>
    settle<number>((done) => fs.read(fd, buffer, 0, buffer.length, position, done)),
  close: (fd) => fs.close(fd, () => undefined),
  list: (path) => settle<string[]>((done) => fs.readdir(path, done)),
  watchDirectory: (path, onChange) => {
    try {
      // persistent: false, so a watch never keeps the process alive on its own.
      const watcher = fs.watch(path, { persistent: false }, (_event, name) => onChange(name ?? undefined));
      watcher.on('error', () => onChange(undefined)); // the directory went away: forget all below it
      return () => watcher.close();
    } catch (error) {
      return failure((error as NodeJS.ErrnoException).code ?? 'EIO');
    }
  },
};
