// wrk as a child process: start it for a duration, then read its report.
import { spawn } from 'node:child_process';
import path from 'node:path';

const PACED = path.join(import.meta.dirname, '..', 'paced.lua');

/**
 * Runs wrk against `url` for `seconds`, each connection paced by paced.lua. `close` adds
 * "Connection: close", so every request costs an accept and a close. Resolves with the
 * parsed report; `children` gets the child so the caller can stop it by PID.
 */
export function runWrk({ url, seconds, connections, close, paceMs, children }) {
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${seconds}s`,
    '--timeout',
    '2s',
    '-s',
    PACED,
    ...(close ? ['-H', 'Connection: close'] : []),
    url,
  ];
  const child = spawn('wrk', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SOAK_PACE_MS: String(paceMs) },
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ ...parseWrk(output), code, output });
    }),
  );
}

/** The numbers of wrk's plain report: requests, socket errors by kind, non-2xx/3xx answers. */
export function parseWrk(text) {
  const number = (re) => Number(re.exec(text)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const [connect, read, write, timeout] = socketErrors ? socketErrors.slice(1).map(Number) : [0, 0, 0, 0];
  return {
    requests: number(/(\d+) requests in/),
    errors: { connect, read, write, timeout, 'non-2xx/3xx': number(/Non-2xx or 3xx responses: (\d+)/) },
  };
}
