/** Runs the compiled server as a child process, the way a user or a container does. */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';

export const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');

export interface Spawned {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Who the child runs as, for a root parent: another user (uid, gid), and/or a command that
 * execs node with fewer privileges (`prefix`, e.g. setpriv). By default, as the parent.
 */
export interface RunAs extends Pick<SpawnOptions, 'uid' | 'gid'> {
  readonly prefix?: readonly string[];
}

/** Starts `main.js` with `args` (add --port 0) and waits for the banner, which carries the real port. */
export function spawnServer(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  { prefix = [], ...user }: RunAs = {},
): Promise<Spawned> {
  const [command = process.execPath, ...before] = [...prefix, process.execPath];
  const child = spawn(command, [...before, MAIN, ...args], {
    ...user,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner within 5 s:\n${out}`));
    }, 5000);
    const check = (): void => {
      const match = /HTTP Server running at http:\/\/[^:]+:(\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({
        child,
        port: Number(match[1]),
        output: () => out,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', check);
    void exited.then((code) => reject(new Error(`exited with ${code} before the banner:\n${out}`)));
  });
}

/** Runs `main.js` to completion (for invocations that must fail or print help). */
export function runMain(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}
