/**
 * A site on disk for the resolver tests: a temporary directory with a root and, beside it,
 * an "outside" folder that symlinks try to reach. Built from a list of entries so each test
 * file can say exactly what is on disk; removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Entry =
  | readonly [path: string, content: string] // a file
  | readonly [path: string, kind: 'dir' | 'fifo']
  | readonly [path: string, kind: 'link', target: string]; // a symlink, its target as written

export interface TempSite {
  /** The root, already through realpath, as main passes it to Site. */
  readonly root: string;
  /** A folder outside the root, holding outside/secret.txt. */
  readonly outside: string;
  /** The absolute path of `relative` under the root. */
  at(relative: string): string;
  remove(): void;
}

export function makeTempSite(entries: readonly Entry[]): TempSite {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'webserver-lab-unit-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the root');
  const at = (relative: string): string => path.join(root, relative);
  for (const entry of entries) {
    const full = at(entry[0]);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (entry.length === 3) fs.symlinkSync(entry[2], full);
    else if (entry[1] === 'dir') fs.mkdirSync(full, { recursive: true });
    else if (entry[1] === 'fifo') execFileSync('mkfifo', [full]);
    else fs.writeFileSync(full, entry[1]);
  }
  return { root, outside, at, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}
