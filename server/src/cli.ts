/**
 * The command line, as a pure function from arguments and environment to a configuration, a
 * help request, or one clear error line. Flags win over environment variables.
 *
 *   node server/dist/main.js [--root DIR] [--port N] [--host ADDR] [--trace] [--listing] [--no-cache]
 *                            [--log-format json|pretty] [--log-level LEVEL] [--max-connections N] [--help]
 */
import { LOG_LEVELS, type LogFormat, type LogLevel } from './log/logger';
import { DEFAULT_LIMITS } from './http/limits';

export interface Config {
  readonly root: string;
  readonly port: number;
  readonly host: string;
  readonly trace: boolean;
  readonly listing: boolean;
  /** The fast path (true, the default) or the plain path that reads the disk for every request (--no-cache). */
  readonly cache: boolean;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  readonly maxConnections: number;
}

export type CliResult =
  | { readonly kind: 'run'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

export const USAGE = `Usage: node server/dist/main.js [options]

Serves the files of a folder over HTTP/1.1, written from raw TCP sockets.

Options (environment variable in brackets; a flag wins over its variable):
  --root DIR              folder to serve [SITE_ROOT]            default ./site
  --port N                TCP port, 0 picks a free one [PORT]    default 8080
  --host ADDR             address to listen on [HOST]            default 0.0.0.0
  --trace                 print every byte and decision [TRACE=1]
  --listing               list directories without index.html [LISTING=1]
  --no-cache              the plain path: every request read from disk, nothing kept [NO_CACHE=1]
  --log-format FORMAT     json or pretty [LOG_FORMAT]            default pretty on a terminal, else json
  --log-level LEVEL       ${LOG_LEVELS.join(', ')} [LOG_LEVEL]   default info
  --max-connections N     concurrent connections before 503 [MAX_CONNECTIONS]   default ${DEFAULT_LIMITS.maxConnections}
  --help                  show this text
`;

type Env = Readonly<Record<string, string | undefined>>;
type Raw = Partial<
  Record<
    | 'root'
    | 'port'
    | 'host'
    | 'trace'
    | 'listing'
    | 'no-cache'
    | 'log-format'
    | 'log-level'
    | 'max-connections',
    string
  >
>;

const VALUE_FLAGS = new Set(['root', 'port', 'host', 'log-format', 'log-level', 'max-connections']);
const SWITCHES = new Set(['trace', 'listing', 'no-cache']);
const ENV_NAMES: Record<keyof Raw, string> = {
  root: 'SITE_ROOT',
  port: 'PORT',
  host: 'HOST',
  trace: 'TRACE',
  listing: 'LISTING',
  'no-cache': 'NO_CACHE',
  'log-format': 'LOG_FORMAT',
  'log-level': 'LOG_LEVEL',
  'max-connections': 'MAX_CONNECTIONS',
};

export function parseCommandLine(argv: readonly string[], env: Env, stdoutIsTty: boolean): CliResult {
  const flags = readFlags(argv);
  if (typeof flags === 'string')
    return flags === 'help' ? { kind: 'help', text: USAGE } : { kind: 'error', message: flags };
  const raw: Raw = {};
  for (const key of Object.keys(ENV_NAMES) as Array<keyof Raw>) {
    const fromEnv = env[ENV_NAMES[key]];
    // An empty variable (PORT= in a compose file) means "not set", as it does to most tools.
    const value = flags[key] ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined) raw[key] = value;
  }
  return interpret(raw, stdoutIsTty);
}

/** The flags as given: --name VALUE, --name=VALUE, or a switch; a string is "help" or an error. */
function readFlags(argv: readonly string[]): Raw | string {
  const raw: Raw = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1] ?? '';
    if (SWITCHES.has(name))
      raw[name as keyof Raw] = match?.[2] ?? '1'; // --trace, or --trace=0 / --trace=1
    else if (VALUE_FLAGS.has(name)) {
      const value = match?.[2] ?? argv[++i];
      if (value === undefined) return `${arg} needs a value (see --help)`;
      raw[name as keyof Raw] = value;
    } else return `unknown option "${arg}" (see --help)`;
  }
  return raw;
}

function interpret(raw: Raw, stdoutIsTty: boolean): CliResult {
  const error = (message: string): CliResult => ({ kind: 'error', message });
  const port = integer(raw.port ?? '8080', 0, 65535);
  if (port === undefined) return error(`port must be an integer from 0 to 65535, got "${raw.port}"`);
  const maxConnections = integer(
    raw['max-connections'] ?? String(DEFAULT_LIMITS.maxConnections),
    1,
    1_000_000,
  );
  if (maxConnections === undefined)
    return error(`max-connections must be a positive integer, got "${raw['max-connections']}"`);
  const switches = readSwitches(raw);
  if (typeof switches === 'string') return error(switches);
  const logFormat = raw['log-format'] ?? (stdoutIsTty ? 'pretty' : 'json');
  if (logFormat !== 'json' && logFormat !== 'pretty')
    return error(`log format must be json or pretty, got "${logFormat}"`);
  const logLevel = raw['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    return error(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const host = raw.host ?? '0.0.0.0';
  const root = raw.root ?? './site';
  if (host === '' || root === '')
    return error(host === '' ? 'host must not be empty' : 'root must not be empty');
  return {
    kind: 'run',
    config: { root, port, host, ...switches, logFormat, logLevel: logLevel as LogLevel, maxConnections },
  };
}

/** The on/off settings, each 1 or 0 (or true/false, yes/no); a string says which one is neither. */
function readSwitches(raw: Raw): Pick<Config, 'trace' | 'listing' | 'cache'> | string {
  const trace = yesNo(raw.trace);
  const listing = yesNo(raw.listing);
  const noCache = yesNo(raw['no-cache']);
  if (trace === undefined) return `TRACE must be 1 or 0, got "${raw.trace}"`;
  if (listing === undefined) return `LISTING must be 1 or 0, got "${raw.listing}"`;
  if (noCache === undefined) return `NO_CACHE must be 1 or 0, got "${raw['no-cache']}"`;
  return { trace, listing, cache: !noCache };
}

function integer(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,7}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function yesNo(text: string | undefined): boolean | undefined {
  if (text === undefined || ['0', 'false', 'no'].includes(text)) return false;
  return ['1', 'true', 'yes'].includes(text) ? true : undefined;
}
