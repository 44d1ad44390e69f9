/** `start`, the whole of main, run in-process: every invocation's outcome, the banner, the log lines. */
import { EXIT_CANNOT_LISTEN, EXIT_USAGE, displayHost, start } from '../../src/main';
import { get, onlyResponse, rawExchange } from '../support/raw-client';
import { FIXTURE_SITE, STRATEGY, STRATEGY_ENV } from '../support/test-server';
import { capturedIo } from '../support/captured-io';

const site = ['--root', FIXTURE_SITE, '--host', '127.0.0.1'];

describe('bad invocations: one clear line on stderr, exit code 2', () => {
  it.each([
    ['an unknown flag', ['--bogus'], {}, /unknown option "--bogus"/],
    [
      'a port that is not a number',
      ['--port', 'abc'],
      {},
      /port must be an integer from 0 to 65535, got "abc"/,
    ],
    ['a port out of range', ['--port', '70000'], {}, /port must be an integer/],
    ['a flag without its value', ['--port'], {}, /--port needs a value/],
    ['a missing root', ['--root', '/no/such/folder'], {}, /site root "\/no\/such\/folder" does not exist/],
    ['a root that is a file', ['--root', `${FIXTURE_SITE}/nums.txt`], {}, /is not a directory/],
    ['a root inside a file', ['--root', `${FIXTURE_SITE}/nums.txt/x`], {}, /cannot be read \(ENOTDIR\)/],
    ['an unknown log format', ['--log-format', 'xml'], {}, /log format must be json or pretty/],
    ['an unknown log level', ['--log-level', 'loud'], {}, /log level must be one of/],
    ['a bad PORT variable', [], { PORT: 'eighty' }, /port must be an integer/],
    ['a bad TRACE variable', [], { TRACE: 'maybe' }, /TRACE must be 1 or 0/],
  ])('%s', async (_name, args, env, message) => {
    const io = capturedIo();
    expect(await start(args, env, io)).toEqual({ kind: 'exited', code: EXIT_USAGE });
    expect(io.stderr()).toMatch(/^webserver-lab: [^\n]+\n$/);
    expect(io.stderr()).toMatch(message);
    expect(io.stdout()).toBe('');
  });

  it('exits 1 with one line when the address cannot be used', async () => {
    const io = capturedIo();
    expect(await start([...site, '--host', '192.0.2.1', '--port', '0'], {}, io)).toEqual({
      kind: 'exited',
      code: EXIT_CANNOT_LISTEN,
    });
    expect(io.stderr()).toBe('webserver-lab: cannot listen on 192.0.2.1:0: EADDRNOTAVAIL\n');
  });
});

describe('a started server', () => {
  it('--help prints the usage and exits 0', async () => {
    const io = capturedIo();
    expect(await start(['--help'], {}, io)).toEqual({ kind: 'exited', code: 0 });
    expect(io.stdout()).toMatch(/^Usage: node server\/dist\/main\.js/);
  });

  it.each([
    ['json logs', [], (out: string) => JSON.parse(out.split('\n')[0] ?? '').msg as string],
    ['pretty logs', ['--log-format', 'pretty'], (out: string) => out.split('\n')[0] ?? ''],
    [
      'warn level (the banner still shows)',
      ['--log-level', 'warn'],
      (out: string) => JSON.parse(out.split('\n')[0] ?? '').msg as string,
    ],
  ])('prints the seed banner with the real port, with %s', async (_name, args, firstLine) => {
    const io = capturedIo();
    const started = await start([...site, '--port', '0', ...args], STRATEGY_ENV, io);
    if (started.kind !== 'running') throw new Error(io.stderr());
    await started.stop('test');
    expect(firstLine(io.stdout())).toContain(`HTTP Server running at http://127.0.0.1:${started.port}`);
    expect(io.stdout()).toContain(`Serving ${FIXTURE_SITE}`);
    expect(io.stdout()).toContain('Stopped');
  });

  it('in a container, the banner names the published address and the host folder compose passes', async () => {
    const io = capturedIo();
    const env = {
      ...STRATEGY_ENV,
      LAB_PUBLISHED_ADDRESS: '127.0.0.1',
      LAB_PUBLISHED_PORT: '9000',
      LAB_HOST_SITE_DIR: '/home/ann/site',
    };
    const started = await start([...site, '--port', '0', '--log-format', 'pretty'], env, io);
    if (started.kind !== 'running') throw new Error(io.stderr());
    await started.stop('test');
    const [first, second] = io.stdout().split('\n');
    expect(first).toContain(
      `HTTP Server running at http://127.0.0.1:9000 (the container listens on 127.0.0.1:${started.port})`,
    );
    expect(second).toContain(`Serving /home/ann/site, mounted at ${FIXTURE_SITE}`);
  });

  it('prints nothing at all with --log-level silent', async () => {
    const io = capturedIo();
    const started = await start([...site, '--port', '0', '--log-level', 'silent'], STRATEGY_ENV, io);
    if (started.kind !== 'running') throw new Error(io.stderr());
    await rawExchange(started.port, get('/nums.txt'));
    await started.stop('test');
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('');
  });

  it('logs the seed connection line and an access line per response', async () => {
    const io = capturedIo();
    const started = await start([...site, '--port', '0'], STRATEGY_ENV, io);
    if (started.kind !== 'running') throw new Error(io.stderr());
    expect(onlyResponse(await rawExchange(started.port, get('/nums.txt'))).status).toBe(200);
    await started.stop('test');
    const lines = io
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^Connection from \('127\.0\.0\.1', \d+\)$/),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: expect.stringMatching(/^GET \/nums\.txt 200 10B \d+ms$/),
        status: 200,
        bytes: 10,
      }),
    );
  });

  it('traces with --trace, and says so in the second banner line', async () => {
    const io = capturedIo();
    const started = await start([...site, '--port', '0', '--trace', '--listing'], STRATEGY_ENV, io);
    if (started.kind !== 'running') throw new Error(io.stderr());
    await rawExchange(started.port, get('/nums.txt'));
    await started.stop('test');
    const plain = STRATEGY === 'plain' ? ', no cache: the plain path' : '';
    expect(io.stdout()).toContain(`(directory listings on, trace on${plain})`);
    expect(io.stdout()).toMatch(/◀ received \d+ bytes/);
  });

  it.each([
    ['--no-cache', ['--no-cache'], {}, ['read from disk', 'read from disk']],
    ['NO_CACHE=1', [], { NO_CACHE: '1' }, ['read from disk', 'read from disk']],
    ['the default, the fast path', [], {}, ['read from disk', 'from the cache (revalidated by stat)']],
  ])(
    '%s: the trace says where each of two requests for a file was read from',
    async (_name, args, env, expected) => {
      const io = capturedIo();
      const started = await start([...site, '--port', '0', '--trace', ...args], env, io);
      if (started.kind !== 'running') throw new Error(io.stderr());
      for (let i = 0; i < 2; i++) await rawExchange(started.port, get('/nums.txt'));
      await started.stop('test');
      expect(io.stdout().match(/file "nums\.txt", 10 bytes, [^\n]+/g)).toEqual(
        expected.map((from) => `file "nums.txt", 10 bytes, ${from}`),
      );
    },
  );
});

describe('displayHost', () => {
  it.each([
    ['0.0.0.0', '127.0.0.1'],
    ['::', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '[::1]'],
    ['localhost', 'localhost'],
  ])('shows %s as %s in the banner URL', (host, shown) => {
    expect(displayHost(host)).toBe(shown);
  });
});
