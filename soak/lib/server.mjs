// The server under soak: the compiled main.js as a child process, and what /proc says about it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Starts main.js on 127.0.0.1 with a free port; resolves once the banner names the port. */
export function startServer({ main, root }) {
  // warn: the access log would cost more than the load; errors ("unexpected error") still show.
  const child = spawn(
    process.execPath,
    [
      main,
      '--root',
      root,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-format',
      'json',
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let errorLines = 0;
  const onOutput = (chunk) => {
    output = (output + chunk.toString()).slice(-100_000);
    errorLines += (chunk.toString().match(/"level":(50|60)/g) ?? []).length;
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 10 s:\n${output}`)), 10_000);
    exited.then(({ code }) => reject(new Error(`the server exited (${code}) before its banner:\n${output}`)));
    const watch = () => {
      const match = /HTTP Server running at http:\/\/[^:]+:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', watch);
      resolve({
        pid: child.pid,
        port: Number(match[1]),
        exited,
        isRunning: () => child.exitCode === null && child.signalCode === null,
        errorLines: () => errorLines,
        tail: () => output.slice(-2000),
        /** SIGTERM (a graceful stop), then SIGKILL if it has not exited after `graceMs`. */
        stop: async (graceMs = 8000) => {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          process.kill(child.pid, 'SIGTERM');
          const killer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    };
    child.stdout.on('data', watch);
  });
}

/** Open descriptors and resident memory of a process, from /proc (Linux). */
export function sampleProcess(pid) {
  const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return { fds, rssMiB: rssKiB / 1024 };
}
