/**
 * The compiled server in a child process whose descriptors are few (`ulimit -n 64`), held open
 * by more idle connections than fit: it says once that descriptors ran out (EMFILE), closes the
 * connections over the limit without a reply (libuv does), keeps those it has, and once they
 * close says once that descriptors are free again and serves a request (net/descriptors.ts).
 */
import net from 'node:net';
import { eventually } from '../support/big-file';
import { get, rawExchange } from '../support/raw-client';
import { type Spawned, spawnServer } from '../support/spawn-server';
import { FIXTURE_SITE } from '../support/test-server';

const LIMIT = 64; // descriptors for the whole process: Node itself holds about twenty
const CLIENTS = 120; // idle connections held open, well over what fits
const ulimit = ['bash', '-c', `ulimit -n ${LIMIT} && exec "$0" "$@"`];

const OUT_OF = /Out of file descriptors \(EMFILE, the process's limit, ulimit -n\)/g;
const FREE_AGAIN = /File descriptors free again, after a shortage of \d+\.\d s/g;

let server: Spawned;
const sockets: net.Socket[] = [];
let cutOff = 0;

beforeAll(async () => {
  server = await spawnServer(
    ['--root', FIXTURE_SITE, '--port', '0', '--host', '127.0.0.1'],
    {},
    { prefix: ulimit },
  );
  for (let i = 0; i < CLIENTS; i++) {
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => (cutOff += 1));
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve).once('close', resolve));
  }
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server.stop();
});

describe(`a server with ${LIMIT} descriptors and ${CLIENTS} idle connections`, () => {
  it('says once, as an error, that descriptors ran out, and closes the connections over the limit', async () => {
    expect(await eventually(() => (server.output().match(OUT_OF) ?? []).length > 0, 5000)).toBe(true);
    expect(cutOff).toBeGreaterThan(0);
    expect(cutOff).toBeLessThan(CLIENTS); // those accepted before are kept
    const line =
      server
        .output()
        .split('\n')
        .find((l) => l.includes('Out of file descriptors')) ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 50, kind: 'exhausted', code: 'EMFILE' });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // more ticks, still short
    expect(server.output().match(OUT_OF)).toHaveLength(1);
  });

  it('once the connections close, says once that descriptors are free again, and serves', async () => {
    for (const socket of sockets) socket.destroy();
    expect(await eventually(() => (server.output().match(FREE_AGAIN) ?? []).length > 0, 6000)).toBe(true);
    const reply = await rawExchange(server.port, get('/nums.txt'));
    expect(reply.bytes.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n0123456789$/);
    expect(server.output().match(FREE_AGAIN)).toHaveLength(1);
    expect(server.output().match(OUT_OF)).toHaveLength(1);
  });
});
