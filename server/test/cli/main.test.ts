/**
 * The command line as other tools rely on it: `node server/dist/main.js [--root DIR] [--port N]
 * [--host ADDR] [--trace] [--listing] [--log-format json|pretty] [--log-level LEVEL]
 * [--max-connections N] [--help]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { get, onlyResponse, rawExchange } from '../support/raw-client';
import { FIXTURE_SITE, STRATEGY } from '../support/test-server';
import { type Spawned, runMain, spawnServer } from '../support/spawn-server';
import { KeptAliveClient } from '../support/hostile';

const site = ['--root', FIXTURE_SITE];

/** Every server a test spawns, killed after the test whatever happened (one already stopped is left as it is). */
const spawned: Spawned[] = [];
async function spawnForTest(args: string[], env?: NodeJS.ProcessEnv): Promise<Spawned> {
  const server = await spawnServer(args, env);
  spawned.push(server);
  return server;
}
afterEach(() => Promise.all(spawned.splice(0).map((server) => server.stop('SIGKILL'))));

describe('the process contract (the compiled server run as a child process)', () => {
  it('exits 2 with one line on stderr for a bad flag', async () => {
    const result = await runMain(['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('webserver-lab: unknown option "--bogus" (see --help)\n');
    expect(result.stdout).toBe('');
  });

  it('exits 1 with one line when the port is taken', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const result = await runMain([...site, '--host', '127.0.0.1', '--port', String(port)]);
    blocker.close();
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`webserver-lab: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
  });
});

describe('a running server', () => {
  it('--help prints the usage with every flag and exits 0', async () => {
    const result = await runMain(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: node server\/dist\/main\.js/);
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
      '--help',
    ])
      expect(result.stdout).toContain(flag);
  });

  it('with --port 0, prints the seed banner with the real port, logs JSON lines, and stops on SIGTERM with 0', async () => {
    const server = await spawnForTest([...site, '--host', '127.0.0.1', '--port', '0']);
    const res = onlyResponse(await rawExchange(server.port, get('/nums.txt')));
    expect(res.body.toString()).toBe('0123456789');
    expect(await server.stop('SIGTERM')).toBe(0);
    const lines = server
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]?.msg).toBe(`HTTP Server running at http://127.0.0.1:${server.port}`);
    // NO_CACHE=1 (the plain-path project) is inherited, and the banner says so.
    expect(lines[1]?.msg).toBe(
      `Serving ${FIXTURE_SITE}${STRATEGY === 'plain' ? ' (no cache: the plain path)' : ''}`,
    );
    expect(
      lines.some((l) => typeof l.msg === 'string' && /^Connection from \('127\.0\.0\.1', \d+\)$/.test(l.msg)),
    ).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({
        method: 'GET',
        target: '/nums.txt',
        status: 200,
        bytes: 10,
        peer: '127.0.0.1',
      }),
    );
  });

  it('reads its settings from the environment, and flags win', async () => {
    const server = await spawnForTest(['--port', '0'], {
      SITE_ROOT: FIXTURE_SITE,
      PORT: '1',
      HOST: '127.0.0.1',
      LISTING: '1',
      LOG_LEVEL: 'warn',
    });
    expect(onlyResponse(await rawExchange(server.port, get('/noindex/'))).status).toBe(200);
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output()).toMatch(/HTTP Server running at http:\/\/127\.0\.0\.1:\d+/);
    expect(server.output()).not.toContain('Connection from'); // an info line, below warn
  });

  it('--trace shows the bytes received, the request, the decisions, the head as sent, and the ending', async () => {
    const server = await spawnForTest([...site, '--host', '127.0.0.1', '--port', '0', '--trace']);
    await rawExchange(server.port, get('/nums.txt', 'Range: bytes=2-5'));
    await new Promise((r) => setTimeout(r, 100));
    await server.stop();
    const out = server.output();
    for (const expected of [
      /Connection from \('127\.0\.0\.1', \d+\)/,
      /◀ received \d+ bytes/,
      /GET \/nums\.txt HTTP\/1\.1\\r\\n/,
      /method GET, target \/nums\.txt \(origin-form\), HTTP\/1\.1/,
      /file "nums\.txt", 10 bytes/,
      /range: 2-5/,
      /HTTP\/1\.1 206 Partial Content\\r\\n/,
      /Content-Range: bytes 2-5\/10\\r\\n/,
      /connection closed: server closed/,
    ])
      expect(out).toMatch(expected);
  });

  it('serves the default ./site when run from the project root with no flags but a port', async () => {
    const server = await spawnForTest(['--port', '0', '--host', '127.0.0.1']);
    const res = onlyResponse(await rawExchange(server.port, get('/nums.txt')));
    await server.stop();
    expect(res.body.equals(fs.readFileSync('site/nums.txt'))).toBe(true);
  });

  it('serves every edit fresh: 100 edits, each followed at once by a request on one kept-alive connection', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edits-'));
    try {
      const file = path.join(root, 'page.txt');
      fs.writeFileSync(file, 'version 0');
      const server = await spawnForTest([
        '--root',
        root,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--log-level',
        'warn',
      ]);
      const client = await KeptAliveClient.open(server.port);
      const served: string[] = [];
      for (let version = 1; version <= 100; version++) {
        // Odd versions keep the size (only mtime, ctime and content change), even ones change it.
        fs.writeFileSync(
          file,
          version % 2 === 1 ? `version ${version}`.padEnd(12, '.') : `version ${version}`,
        );
        served.push(
          (await client.exchange('GET /page.txt HTTP/1.1\r\nHost: x\r\n\r\n')).body.toString('latin1'),
        );
        if (version % 10 === 0) await new Promise((r) => setTimeout(r, 20)); // let some entries become trusted
      }
      client.close();
      expect(served).toEqual(
        Array.from({ length: 100 }, (_, i) =>
          i % 2 === 0 ? `version ${i + 1}`.padEnd(12, '.') : `version ${i + 1}`,
        ),
      );
    } finally {
      fs.rmSync(root, { recursive: true });
    }
  });
});
