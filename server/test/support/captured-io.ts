/** In-memory stdout/stderr for running `start` in-process. */
import type { Io } from '../../src/main';

export interface CapturedIo extends Io {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function capturedIo(isTTY = false): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: {
      write: (text: string) => {
        out += text;
        return true;
      },
    },
    err: (text) => {
      err += text;
    },
    isTTY,
    stdout: () => out,
    stderr: () => err,
  };
}
