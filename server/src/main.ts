/**
 * The entry point: read the command line, check the root, start logging and the server,
 * print the seed's banner, and stop gracefully on SIGTERM or SIGINT (also as PID 1 in a
 * container, where signals have no default handlers: ours are explicit).
 */
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { type Config, parseCommandLine } from './cli';
import { DEFAULT_LIMITS } from './http/limits';
import { createLogger, logObserver } from './log/logger';
import { traceObserver } from './log/trace';
import { nodeFileSystem } from './resolve/file-system';
import { startServer } from './net/server';

const EXIT_USAGE = 2;
const EXIT_CANNOT_LISTEN = 1;

async function main(): Promise<number> {
  const cli = parseCommandLine(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  if (cli.kind === 'help') {
    process.stdout.write(cli.text);
    return 0;
  }
  if (cli.kind === 'error') return fail(EXIT_USAGE, cli.message);
  const { config } = cli;
  const root = await checkRoot(config.root);
  if (root.startsWith('!')) return fail(EXIT_USAGE, root.slice(1));

  const logger = createLogger(config.logFormat, config.logLevel, process.stdout.isTTY === true);
  const observer = config.trace
    ? traceObserver((line) => process.stdout.write(`${line}\n`), process.stdout.isTTY === true)
    : logObserver(logger);
  const limits = { ...DEFAULT_LIMITS, maxConnections: config.maxConnections };
  let server;
  try {
    server = await startServer({ root, host: config.host, port: config.port, listing: config.listing, limits, observer, fs: nodeFileSystem });
  } catch (error) {
    return fail(EXIT_CANNOT_LISTEN, `cannot listen on ${config.host}:${config.port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  logger.info({ host: config.host, port: server.address.port, root }, `HTTP Server running at http://${displayHost(config.host)}:${server.address.port}`);
  logger.info(`Serving ${root}${describeModes(config)}`);
  onSignals(async (signal) => {
    logger.info(`${signal}: finishing replies in flight, then stopping`);
    await server.stop();
    logger.info('Stopped');
    return 0;
  });
  return -1; // keep running
}

/** The root must be a readable directory; returns its real path, or "!" and a message. */
async function checkRoot(root: string): Promise<string> {
  try {
    const real = await fs.realpath(root);
    if (!(await fs.stat(real)).isDirectory()) return `!site root "${root}" is not a directory`;
    await fs.access(real, constants.R_OK | constants.X_OK);
    return real;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `!site root "${root}" does not exist` : `!site root "${root}" cannot be read (${code})`;
  }
}

/** Like the seed, show an address a browser on this machine can open, even when listening on all interfaces. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function describeModes(config: Config): string {
  const modes = [config.listing ? 'directory listings on' : '', config.trace ? 'trace on' : ''].filter(Boolean);
  return modes.length > 0 ? ` (${modes.join(', ')})` : '';
}

function fail(code: number, message: string): number {
  process.stderr.write(`webserver-lab: ${message}\n`);
  return code;
}

function onSignals(stop: (signal: string) => Promise<number>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return; // a second Ctrl-C while stopping changes nothing; the grace period is bounded
      stopping = true;
      void stop(signal).then((code) => process.exit(code));
    });
  }
}

main().then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`webserver-lab: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
