/**
 * The entry point: read the command line, check the root, start logging and the server,
 * print the seed's banner, and stop gracefully on SIGTERM or SIGINT (also as PID 1 in a
 * container, where signals have no default handlers: ours are explicit).
 *
 * `start` does the work against the streams it is given, so tests can run it in-process; the
 * last lines wire it to the real process.
 */
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import pino from 'pino';
import { type Config, parseCommandLine } from './cli';
import { DEFAULT_LIMITS } from './http/limits';
import { type LogDestination, createLogger, logObserver } from './log/logger';
import { traceObserver } from './log/trace';
import { nodeFileSystem } from './resolve/file-system';
import { chooseFeatures, describeFeatures } from './features/layers';
import { type RunningServer, startServer } from './net/server';
import { where } from './published';

export { displayHost } from './published';

export const EXIT_USAGE = 2;
export const EXIT_CANNOT_LISTEN = 1;

export interface Io {
  readonly out: LogDestination;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
}

export type Started =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'running'; readonly port: number; readonly stop: (why: string) => Promise<number> };

export async function start(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<Started> {
  const cli = parseCommandLine(argv, env, io.isTTY);
  if (cli.kind === 'help') {
    io.out.write(cli.text);
    return exit(io, 0);
  }
  if (cli.kind === 'error') return exit(io, EXIT_USAGE, cli.message);
  const root = await checkRoot(cli.config.root);
  if (root.kind === 'bad') return exit(io, EXIT_USAGE, root.message);
  return serve(cli.config, root.path, io, env);
}

function exit(io: Io, code: number, message?: string): Started {
  if (message !== undefined) io.err(`webserver-lab: ${message}\n`);
  return { kind: 'exited', code };
}

/** Logging (or the trace), the server, the seed's banner; and how to stop it all. */
async function serve(config: Config, root: string, io: Io, env: NodeJS.ProcessEnv): Promise<Started> {
  const logger = createLogger(config.logFormat, config.logLevel, io.isTTY, io.out);
  const observer = config.trace
    ? traceObserver((line) => io.out.write(`${line}\n`), io.isTTY)
    : logObserver(logger);
  const limits = { ...DEFAULT_LIMITS, maxConnections: config.maxConnections };
  const { host, port: asked, listing, cache } = config;
  // The banner and lifecycle lines show at any level but silent: tools read the port from the banner.
  const announce = config.logLevel === 'silent' ? logger : logger.child({}, { level: 'info' });
  let server: RunningServer;
  try {
    server = await startServer({
      root,
      host,
      port: asked,
      listing,
      cache,
      limits,
      observer,
      fs: nodeFileSystem,
      features: chooseFeatures({ ...config, reload: { notice: (line) => announce.info(line) } }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const shown = host.includes(':') ? `[${host}]` : host; // an IPv6 address, as in a URL
    return exit(io, EXIT_CANNOT_LISTEN, `cannot listen on ${shown}:${asked}: ${code}`);
  }
  const { port } = server.address;
  const seen = where(env, { host, port, root }); // in a container, what the user sees: published.ts
  announce.info({ host, port, root }, `HTTP Server running at ${seen.url}`);
  announce.info(`Serving ${seen.folder}${describeModes(config)}`);
  const running = server;
  const stop = async (why: string): Promise<number> => {
    announce.info(`${why}: finishing replies in flight, then stopping`);
    await running.stop();
    announce.info('Stopped');
    return 0;
  };
  return { kind: 'running', port, stop };
}

type Root =
  { readonly kind: 'ok'; readonly path: string } | { readonly kind: 'bad'; readonly message: string };

/** The root must be a readable directory; the server works with its real path. */
async function checkRoot(root: string): Promise<Root> {
  try {
    const real = await fs.realpath(root);
    if (!(await fs.stat(real)).isDirectory())
      return { kind: 'bad', message: `site root "${root}" is not a directory` };
    await fs.access(real, constants.R_OK | constants.X_OK);
    return { kind: 'ok', path: real };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      kind: 'bad',
      message:
        code === 'ENOENT'
          ? `site root "${root}" does not exist`
          : `site root "${root}" cannot be read (${code})`,
    };
  }
}

function describeModes(config: Config): string {
  const modes = [
    config.listing ? 'directory listings on' : '',
    config.trace ? 'trace on' : '',
    config.cache ? '' : 'no cache: the plain path',
    ...describeFeatures(config),
  ].filter(Boolean);
  return modes.length > 0 ? ` (${modes.join(', ')})` : '';
}

/** Runs as the process: exit codes, and SIGTERM/SIGINT → graceful stop → exit 0. */
async function runAsProcess(): Promise<void> {
  const io: Io = {
    out: pino.destination({ fd: 1, sync: true }),
    err: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
  };
  const started = await start(process.argv.slice(2), process.env, io);
  if (started.kind === 'exited') {
    process.exitCode = started.code;
    return;
  }
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return; // a second Ctrl-C changes nothing: the grace period is already bounded
      stopping = true;
      void started.stop(signal).then((code) => process.exit(code));
    });
  }
}

/* istanbul ignore next -- the process wiring runs only as a real process (covered by the CLI tests) */
if (require.main === module) {
  runAsProcess().catch((error: unknown) => {
    process.stderr.write(`webserver-lab: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
