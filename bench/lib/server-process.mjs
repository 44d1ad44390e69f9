// Starting one build of our server for an A/B (ab.mjs, perf-ab.mjs): pinned to CPU 0, on a free
// loopback port, quiet but for warnings. The caller keeps the child and stops it by its PID.
import { spawn } from 'node:child_process';

/** How long a server may take to print its banner. */
const BANNER_TIMEOUT_MS = 10_000;

/**
 * Spawns `main` (with `nodeFlags`, serving `root`, and `extra` server flags) and resolves with
 * `{ child, port }` once its banner names the port; rejects if it exits first or says nothing
 * for 10 s. `onSpawn` hears of the child at once, so that a caller can stop it whatever happens.
 */
export function startBuild({ name, main, nodeFlags, root, extra = [], cwd, onSpawn }) {
  const args = ['-c', '0', process.execPath, ...nodeFlags, main, '--root', root];
  args.push('--port', '0', '--host', '127.0.0.1', '--log-level', 'warn', ...extra);
  const child = spawn('taskset', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  onSpawn?.(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`no banner from ${name} in ${BANNER_TIMEOUT_MS / 1000} s`)),
      BANNER_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (status ${code}) before its banner`));
    });
    child.stdout.on('data', (d) => {
      out += d;
      const port = /running at http:\/\/[^:]+:(\d+)/.exec(out)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({ child, port: Number(port) });
    });
  });
}
