/**
 * parseCommandLine: arguments and environment to a configuration, the help text, or one
 * error line (issue 2: "Bad flag, bad port ...: one clear line on stderr, exit code 2").
 */
import { type Config, OPTIONS, USAGE, parseCommandLine } from '../../src/cli';

const DEFAULTS: Config = {
  root: './site',
  port: 8080,
  host: '0.0.0.0',
  trace: false,
  listing: false,
  cache: true,
  logFormat: 'json',
  logLevel: 'info',
  maxConnections: 2048,
  spa: false,
  headers: [],
  cors: false,
  compress: true,
  liveReload: false,
};

/** The configuration, or a failure that shows what came back instead. */
function configOf(argv: string[], env: Record<string, string> = {}, tty = false): Config {
  const result = parseCommandLine(argv, env, tty);
  if (result.kind !== 'run') throw new Error(`expected a configuration, got ${JSON.stringify(result)}`);
  return result.config;
}

describe('a configuration', () => {
  it.each([
    ['no flags: the defaults', [], {}, {}],
    ['--root DIR', ['--root', '/srv/www'], {}, { root: '/srv/www' }],
    ['--port=0 picks a free port', ['--port=0'], {}, { port: 0 }],
    ['--port 65535', ['--port', '65535'], {}, { port: 65535 }],
    [
      '--host and --log-level',
      ['--host', '127.0.0.1', '--log-level', 'debug'],
      {},
      { host: '127.0.0.1', logLevel: 'debug' },
    ],
    ['switches', ['--trace', '--listing'], {}, { trace: true, listing: true }],
    ['--no-cache: the plain path', ['--no-cache'], {}, { cache: false }],
    ['NO_CACHE=1', [], { NO_CACHE: '1' }, { cache: false }],
    ['NO_CACHE=0 keeps the fast path', [], { NO_CACHE: '0' }, {}],
    ['--no-cache=0 over NO_CACHE=1: the flag wins', ['--no-cache=0'], { NO_CACHE: '1' }, {}],
    ['--log-format pretty', ['--log-format', 'pretty'], {}, { logFormat: 'pretty' }],
    ['--max-connections', ['--max-connections=10'], {}, { maxConnections: 10 }],
    ['an "=" value keeps later "=" signs', ['--root=/a=b'], {}, { root: '/a=b' }],
    // Environment equivalents.
    [
      'SITE_ROOT, PORT, HOST',
      [],
      { SITE_ROOT: '/env/site', PORT: '9000', HOST: '::1' },
      { root: '/env/site', port: 9000, host: '::1' },
    ],
    ['TRACE=1 and LISTING=1', [], { TRACE: '1', LISTING: '1' }, { trace: true, listing: true }],
    ['TRACE=0 is off', [], { TRACE: '0' }, { trace: false }],
    ['--trace=1 and --listing=0', ['--trace=1', '--listing=0'], {}, { trace: true, listing: false }],
    ['empty variables count as unset', [], { PORT: '', SITE_ROOT: '', TRACE: '' }, {}],
    [
      'LOG_FORMAT and LOG_LEVEL',
      [],
      { LOG_FORMAT: 'pretty', LOG_LEVEL: 'warn' },
      { logFormat: 'pretty', logLevel: 'warn' },
    ],
    ['MAX_CONNECTIONS', [], { MAX_CONNECTIONS: '5' }, { maxConnections: 5 }],
    // Issue 14: compression, on by default.
    ['--no-compress', ['--no-compress'], {}, { compress: false }],
    ['NO_COMPRESS=1', [], { NO_COMPRESS: '1' }, { compress: false }],
    ['--no-compress=0 over NO_COMPRESS=1: the flag wins', ['--no-compress=0'], { NO_COMPRESS: '1' }, {}],
    ['--live-reload', ['--live-reload'], {}, { liveReload: true }],
    ['LIVE_RELOAD=1', [], { LIVE_RELOAD: '1' }, { liveReload: true }],
    ['--live-reload=0 over LIVE_RELOAD=1: the flag wins', ['--live-reload=0'], { LIVE_RELOAD: '1' }, {}],
    // Flags win over the environment.
    ['--port over PORT', ['--port', '1234'], { PORT: '9000' }, { port: 1234 }],
    ['--root over SITE_ROOT', ['--root=flag'], { SITE_ROOT: 'env' }, { root: 'flag' }],
    [
      '--log-format over LOG_FORMAT',
      ['--log-format', 'json'],
      { LOG_FORMAT: 'pretty' },
      { logFormat: 'json' },
    ],
    // Features (issue 14).
    ['--spa and --cors', ['--spa', '--cors'], {}, { spa: true, cors: true }],
    ['SPA=1 and CORS=1', [], { SPA: '1', CORS: '1' }, { spa: true, cors: true }],
    ['--spa=0 over SPA=1: the flag wins', ['--spa=0'], { SPA: '1' }, {}],
    ['one --header', ['--header', 'X-Frame-Options: DENY'], {}, { headers: [['X-Frame-Options', 'DENY']] }],
    [
      '--header again adds one more, in order, a name given twice kept twice',
      [
        '--header',
        'Link: </a.css>; rel=preload',
        '--header=Cache-Control:max-age=60',
        '--header',
        'Link: </b.js>',
      ],
      {},
      {
        headers: [
          ['Link', '</a.css>; rel=preload'],
          ['Cache-Control', 'max-age=60'],
          ['Link', '</b.js>'],
        ],
      },
    ],
    [
      'spaces and tabs around the value dropped',
      ['--header', '  X-A: \t a  b \t'],
      {},
      { headers: [['X-A', 'a  b']] },
    ],
    ['an empty value', ['--header', 'X-Empty:'], {}, { headers: [['X-Empty', '']] }],
    [
      'HEADERS, one a line, blank lines and CRLF endings allowed',
      [],
      { HEADERS: 'X-A: 1\r\n\nX-B: 2\n' },
      {
        headers: [
          ['X-A', '1'],
          ['X-B', '2'],
        ],
      },
    ],
    [
      '--header over HEADERS: the flags win, all of them',
      ['--header', 'X-F: f'],
      { HEADERS: 'X-E: e' },
      { headers: [['X-F', 'f']] },
    ],
  ])('%s', (_name, argv, env, expected) => {
    expect(configOf(argv, env)).toEqual({ ...DEFAULTS, ...expected });
  });

  it.each([
    [true, 'pretty'],
    [false, 'json'],
  ])('with stdout a terminal: %s, logs default to %s', (tty, format) => {
    expect(configOf([], {}, tty).logFormat).toBe(format);
  });
});

describe('--help', () => {
  it.each([['--help'], ['-h']])('%s gives the usage, whatever follows', (flag) => {
    expect(parseCommandLine([flag, '--bogus'], {}, false)).toEqual({ kind: 'help', text: USAGE });
  });

  it('every setting has its option, once, and every option its line in the usage', () => {
    expect(OPTIONS.map((o) => o.key).sort()).toEqual(Object.keys(DEFAULTS).sort());
    for (const option of OPTIONS) expect(USAGE).toMatch(new RegExp(`--${option.flag}\\b.*\\[${option.env}`));
  });

  it('the usage names every flag', () => {
    for (const flag of [
      '--root',
      '--port',
      '--host',
      '--trace',
      '--listing',
      '--no-cache',
      '--log-format',
      '--log-level',
      '--max-connections',
      '--spa',
      '--header',
      '--cors',
      '--help',
    ])
      expect(USAGE).toContain(flag);
  });
});

describe('one clear error line', () => {
  it.each([
    ['an unknown flag', ['--bogus'], {}, /unknown option "--bogus"/],
    ['a positional argument', ['site'], {}, /unknown option "site"/],
    ['a value flag without its value', ['--port'], {}, /--port needs a value/],
    ['a switch given something but 1 or 0', ['--trace=maybe'], {}, /TRACE must be 1 or 0/],
    ['a port that is not a number', ['--port', 'http'], {}, /port must be an integer/],
    ['a port above 65535', ['--port', '65536'], {}, /port must be an integer/],
    ['a negative port', ['--port=-1'], {}, /port must be an integer/],
    ['a bad PORT in the environment', [], { PORT: '80a' }, /port must be an integer/],
    ['zero max-connections', ['--max-connections', '0'], {}, /max-connections must be a positive integer/],
    [
      'a log format other than json or pretty',
      ['--log-format', 'xml'],
      {},
      /log format must be json or pretty/,
    ],
    ['an unknown log level', ['--log-level', 'loud'], {}, /log level must be one of/],
    ['TRACE that is neither 1 nor 0', [], { TRACE: 'maybe' }, /TRACE must be 1 or 0/],
    ['LISTING that is neither 1 nor 0', [], { LISTING: '2' }, /LISTING must be 1 or 0/],
    ['NO_CACHE that is neither 1 nor 0', [], { NO_CACHE: 'always' }, /NO_CACHE must be 1 or 0/],
    ['LIVE_RELOAD that is neither 1 nor 0', [], { LIVE_RELOAD: 'on' }, /LIVE_RELOAD must be 1 or 0/],
    ['an empty root', ['--root='], {}, /root must not be empty/],
    ['an empty host', ['--host='], {}, /host must not be empty/],
    ['SPA that is neither 1 nor 0', [], { SPA: 'on' }, /SPA must be 1 or 0/],
    [
      'a header without a colon',
      ['--header', 'X-Frame-Options DENY'],
      {},
      /header "X-Frame-Options DENY" must be "Name: value"/,
    ],
    [
      'a bad header among good ones, from HEADERS',
      [],
      { HEADERS: 'X-A: 1\nBad Name: 2' },
      /header "Bad Name: 2": the name must be a token/,
    ],
    [
      'a CR in a value, shown escaped',
      ['--header', 'X-A: a\rb'],
      {},
      /header "X-A: a\\rb": the value holds a CR, LF or NUL/,
    ],
    [
      'Content-Length',
      ['--header', 'Content-Length: 5'],
      {},
      /header "Content-Length: 5" cannot be set: the server writes it/,
    ],
  ])('%s', (_name, argv, env, message) => {
    const result = parseCommandLine(argv, env, false);
    expect(result).toEqual({ kind: 'error', message: expect.stringMatching(message) });
    expect(result.kind === 'error' && result.message.includes('\n')).toBe(false);
  });
});
