/**
 * The command line, as a pure function from arguments and environment to a configuration, a
 * help request, or one clear error line. Flags win over environment variables.
 *
 * Every option is one row of OPTIONS: its flag, its variable, what it takes, its help line, and
 * how its text becomes a setting. The usage text, the parsing and the checks all come from that
 * one table, so an option cannot be half added.
 */
import { LOG_LEVELS, type LogFormat, type LogLevel } from './log/logger';
import { DEFAULT_LIMITS } from './http/limits';
import type { FieldList } from './http/message';
import { type FieldLine, readHeaderOption } from './features/headers';

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
  // Features (issue 14: features/layers.ts wraps them around the answer at start-up).
  /** --spa: a missing extension-less path that accepts HTML gets /index.html (features/spa.ts). */
  readonly spa: boolean;
  /** --header: fields added to every reply, checked here (features/headers.ts). */
  readonly headers: FieldList;
  /** --cors: Access-Control-Allow-Origin: * and preflights (features/cors.ts). */
  readonly cors: boolean;
  /** Content codings for files, precompressed or on the fly (on unless --no-compress): features/compression/. */
  readonly compress: boolean;
  /** Pages reload when a file under the root changes (--live-reload): features/live-reload/. */
  readonly liveReload: boolean;
}

export type CliResult =
  | { readonly kind: 'run'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

/** What an option's text became: its setting, or why it is not one. */
type Reading<T> = { readonly ok: T } | { readonly problem: string };

/** What an option reads besides its own text. */
interface Context {
  readonly stdoutIsTty: boolean;
}

/**
 * One option. `takes` names its value in the usage ('switch' for an on/off flag, which takes
 * 1 or 0 after an "="; 'list' for a flag that may be given again, whose variable holds one
 * value a line). `read` gets every value given, in order (the flag's, or else the variable's).
 */
interface Option<K extends keyof Config> {
  readonly flag: string;
  readonly env: string;
  readonly takes: string;
  readonly help: string;
  readonly key: K;
  readonly read: (given: readonly string[], context: Context) => Reading<Config[K]>;
}
type AnyOption = { [K in keyof Config]: Option<K> }[keyof Config];

const ok = <T>(value: T): Reading<T> => ({ ok: value });
const problem = (text: string): Reading<never> => ({ problem: text });

/** The last value given, or the default: a later flag overrides an earlier one. */
function text(given: readonly string[], fallback: string): string {
  return given[given.length - 1] ?? fallback;
}

function nonEmpty(name: string, fallback: string) {
  return (given: readonly string[]): Reading<string> => {
    const value = text(given, fallback);
    return value === '' ? problem(`${name} must not be empty`) : ok(value);
  };
}

/** A whole number in [min, max]; `wanted` says so in the error. */
function integer(name: string, range: { min: number; max: number; wanted: string }, fallback: number) {
  return (given: readonly string[]): Reading<number> => {
    const value = text(given, String(fallback));
    const n = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
    return n >= range.min && n <= range.max
      ? ok(n)
      : problem(`${name} must be ${range.wanted}, got "${value}"`);
  };
}

/** An on/off setting: 1 or 0 (or true/false, yes/no); `negated` for a --no-... flag. */
function onOff(env: string, negated = false) {
  return (given: readonly string[]): Reading<boolean> => {
    const value = text(given, '0');
    if (['0', 'false', 'no'].includes(value)) return ok(negated);
    if (['1', 'true', 'yes'].includes(value)) return ok(!negated);
    return problem(`${env} must be 1 or 0, got "${value}"`);
  };
}

function oneOf<T extends string>(name: string, choices: readonly T[], fallback: (c: Context) => T) {
  return (given: readonly string[], context: Context): Reading<T> => {
    const value = text(given, fallback(context));
    return (choices as readonly string[]).includes(value)
      ? ok(value as T)
      : problem(
          `${name} must be ${choices.length === 2 ? choices.join(' or ') : `one of ${choices.join(', ')}`}, got "${value}"`,
        );
  };
}

export const OPTIONS: readonly AnyOption[] = [
  {
    flag: 'root',
    env: 'SITE_ROOT',
    takes: 'DIR',
    key: 'root',
    help: 'folder to serve (default ./site)',
    read: nonEmpty('root', './site'),
  },
  {
    flag: 'port',
    env: 'PORT',
    takes: 'N',
    key: 'port',
    help: 'TCP port, 0 picks a free one (default 8080)',
    read: integer('port', { min: 0, max: 65535, wanted: 'an integer from 0 to 65535' }, 8080),
  },
  {
    flag: 'host',
    env: 'HOST',
    takes: 'ADDR',
    key: 'host',
    help: 'address to listen on, :: for IPv6 and IPv4 (default 0.0.0.0)',
    read: nonEmpty('host', '0.0.0.0'),
  },
  {
    flag: 'trace',
    env: 'TRACE',
    takes: 'switch',
    key: 'trace',
    help: 'print every byte and decision',
    read: onOff('TRACE'),
  },
  {
    flag: 'listing',
    env: 'LISTING',
    takes: 'switch',
    key: 'listing',
    help: 'list directories without index.html',
    read: onOff('LISTING'),
  },
  {
    flag: 'no-cache',
    env: 'NO_CACHE',
    takes: 'switch',
    key: 'cache',
    help: 'the plain path: every request read from disk, nothing kept',
    read: onOff('NO_CACHE', true),
  },
  {
    flag: 'log-format',
    env: 'LOG_FORMAT',
    takes: 'FORMAT',
    key: 'logFormat',
    help: 'json or pretty (default pretty on a terminal, else json)',
    read: oneOf<LogFormat>('log format', ['json', 'pretty'], (c) => (c.stdoutIsTty ? 'pretty' : 'json')),
  },
  {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    takes: 'LEVEL',
    key: 'logLevel',
    help: `${LOG_LEVELS.join(', ')} (default info)`,
    read: oneOf<LogLevel>('log level', LOG_LEVELS, () => 'info'),
  },
  {
    flag: 'max-connections',
    env: 'MAX_CONNECTIONS',
    takes: 'N',
    key: 'maxConnections',
    help: `concurrent connections before 503 (default ${DEFAULT_LIMITS.maxConnections})`,
    read: integer(
      'max-connections',
      { min: 1, max: 1_000_000, wanted: 'a positive integer' },
      DEFAULT_LIMITS.maxConnections,
    ),
  },
  // Features (issue 14).
  {
    flag: 'spa',
    env: 'SPA',
    takes: 'switch',
    key: 'spa',
    help: 'a missing path without extension that accepts HTML gets /index.html',
    read: onOff('SPA'),
  },
  {
    flag: 'header',
    env: 'HEADERS',
    takes: 'list',
    key: 'headers',
    help: "'Name: value' added to every reply",
    read: headerFields,
  },
  {
    flag: 'cors',
    env: 'CORS',
    takes: 'switch',
    key: 'cors',
    help: 'Access-Control-Allow-Origin: * and preflight answers',
    read: onOff('CORS'),
  },
  {
    flag: 'no-compress',
    env: 'NO_COMPRESS',
    takes: 'switch',
    key: 'compress',
    help: 'send files as they are: no gzip or brotli, no precompressed .br/.zst/.gz',
    read: onOff('NO_COMPRESS', true),
  },
  {
    flag: 'live-reload',
    env: 'LIVE_RELOAD',
    takes: 'switch',
    key: 'liveReload',
    help: 'reload HTML pages in the browser when a file under the root changes',
    read: onOff('LIVE_RELOAD'),
  },
];

/** Every --header given (or line of HEADERS), each checked: the first that cannot be sent is the error. */
function headerFields(given: readonly string[]): Reading<FieldList> {
  const fields: FieldLine[] = [];
  for (const text of given) {
    const reading = readHeaderOption(text);
    if ('problem' in reading) return problem(reading.problem);
    fields.push(reading.field);
  }
  return ok(fields);
}

export const USAGE = `Usage: node server/dist/main.js [options]

Serves the files of a folder over HTTP/1.1, written from raw TCP sockets.

Options (environment variable in brackets; a flag wins over its variable):
${OPTIONS.map(usageLine).join('')}  --help                  show this text
`;

function usageLine(option: AnyOption): string {
  const value = option.takes === 'switch' ? '' : option.takes === 'list' ? ' VALUE' : ` ${option.takes}`;
  const variable = option.takes === 'switch' ? `${option.env}=1` : option.env;
  return `  ${`--${option.flag}${value}`.padEnd(24)}${option.help} [${variable}]${option.takes === 'list' ? ', repeatable' : ''}\n`;
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseCommandLine(argv: readonly string[], env: Env, stdoutIsTty: boolean): CliResult {
  const flags = readFlags(argv);
  if (flags === 'help') return { kind: 'help', text: USAGE };
  if (typeof flags === 'string') return { kind: 'error', message: flags };
  const config: Partial<Record<keyof Config, unknown>> = {};
  for (const option of OPTIONS) {
    const reading = option.read(flags.get(option.flag) ?? fromEnv(option, env), { stdoutIsTty });
    if ('problem' in reading) return { kind: 'error', message: reading.problem };
    config[option.key] = reading.ok;
  }
  return { kind: 'run', config: config as Config }; // every key is set: OPTIONS has a row per key (a test checks)
}

/** The variable's values: none if unset or empty (PORT= in a compose file means "not set"); a list's one a line. */
function fromEnv(option: AnyOption, env: Env): readonly string[] {
  const value = env[option.env];
  if (value === undefined || value === '') return [];
  return option.takes === 'list' ? value.split(/\r?\n/).filter((line) => line.trim() !== '') : [value];
}

/** The flags as given: --name VALUE, --name=VALUE, or a switch; a string is "help" or an error. */
function readFlags(argv: readonly string[]): Map<string, string[]> | string {
  const given = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const option = OPTIONS.find((o) => o.flag === match?.[1]);
    if (option === undefined) return `unknown option "${arg}" (see --help)`;
    // A switch alone means on; --trace=0 / --trace=1 say which.
    const value = option.takes === 'switch' ? (match?.[2] ?? '1') : (match?.[2] ?? argv[++i]);
    if (value === undefined) return `${arg} needs a value (see --help)`;
    given.set(option.flag, [...(given.get(option.flag) ?? []), value]);
  }
  return given;
}
