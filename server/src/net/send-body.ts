/**
 * Streaming a file body to a socket with backpressure: read a chunk, write it, and when the
 * socket says its buffer is full, wait for it to drain before reading more. Memory stays at a
 * chunk or two per connection whatever the file's size.
 */
import type { FileToSend } from '../http/message';
import { type FileSystem, isFailure } from '../resolve/file-system';

/** Big enough that a 10 MiB file takes few trips through the event loop, small enough to keep memory flat. */
export const FILE_CHUNK_BYTES = 256 * 1024;

/** Where bytes go: the connection's socket, seen through the two things streaming needs. */
export interface Outlet {
  /** Writes; false means "buffer full, wait for drain" (Node's stream contract). */
  write(bytes: Buffer): boolean;
  /** Resolves true when the buffer has drained, false if the connection closed first. */
  drained(): Promise<boolean>;
}

export type StreamOutcome = 'sent' | 'aborted' | 'truncated';

/** Sends every piece; always closes the file. 'truncated': the file shrank under us, so the promised length cannot be met. */
export async function streamFile(out: Outlet, fs: FileSystem, file: FileToSend): Promise<StreamOutcome> {
  try {
    for (const piece of file.pieces) {
      if (piece.kind === 'bytes') {
        if (!out.write(piece.bytes) && !(await out.drained())) return 'aborted';
        continue;
      }
      for (let position = piece.start; position < piece.end;) {
        const chunk = Buffer.allocUnsafe(Math.min(FILE_CHUNK_BYTES, piece.end - position));
        const n = await fs.readInto(file.fd, chunk, position);
        if (isFailure(n) || n === 0) return 'truncated';
        position += n;
        if (!out.write(n === chunk.length ? chunk : chunk.subarray(0, n)) && !(await out.drained())) return 'aborted';
      }
    }
    return 'sent';
  } finally {
    fs.close(file.fd);
  }
}
