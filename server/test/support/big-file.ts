/** A temporary site with one large file of known bytes, for streaming tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BigSite {
  readonly root: string;
  readonly size: number;
  readonly bytes: Buffer;
  remove(): void;
}

/** A site holding big.bin: `size` bytes of a repeating pattern that makes misplaced bytes show. */
export function makeBigSite(size = 32 * 1024 * 1024): BigSite {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'big-site-')));
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32BE(i >>> 2, i);
  fs.writeFileSync(path.join(root, 'big.bin'), bytes);
  fs.writeFileSync(path.join(root, 'nums.txt'), '0123456789');
  return { root, size, bytes, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** The number of descriptors this process has open (Linux). */
export function openDescriptors(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 20 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(condition: () => boolean, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(20);
  }
  return condition();
}
