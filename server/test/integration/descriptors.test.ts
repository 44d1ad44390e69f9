/**
 * One owner per file descriptor (resolve/open-files.ts): whatever the response, every file the
 * exchange opened is closed once it is over, on the path this run takes (the jest projects run
 * it on both). Counted twice: through the file system the server uses (opened and not closed),
 * and in /proc/self/fd, which sees every descriptor the process holds.
 */
import fs from 'node:fs';
import net from 'node:net';
import { validatorsOf } from '../../src/decide/validators';
import { LARGE_FILES } from '../../src/fast/large-files';
import { type FileSystem, failure } from '../../src/resolve/file-system';
import { get, rawExchange, request } from '../support/raw-client';
import { eventually, openDescriptors } from '../support/big-file';
import { type CountingFileSystem, type HostileSite, countingFileSystem, makeSite } from '../support/hostile';
import { STRATEGY, type TestServer, startTestServer } from '../support/test-server';

/** Over the largest file the fast path keeps in memory (fast/large-files.ts): always streamed from its descriptor. */
const BIG = LARGE_FILES.maxFileBytes + 1;

let site: HostileSite;
let counting: CountingFileSystem;
let server: TestServer;
let etag: string;
let descriptorsBefore: number;

beforeAll(async () => {
  site = makeSite({ 'small.txt': '0123456789', 'big.bin': BIG });
  etag = validatorsOf(fs.statSync(site.at('big.bin'))).etag;
  counting = countingFileSystem();
  server = await startTestServer({ root: site.root, fs: counting.fs });
  // The first request starts the fast path's directory watch, whose descriptor then stays.
  await rawExchange(server.port, get('/small.txt'));
  descriptorsBefore = openDescriptors();
});

afterAll(async () => {
  await server.stop();
  site.remove();
});

/** The status of the first response in `bytes`. */
const statusOf = (bytes: Buffer): number => Number(bytes.toString('latin1', 0, 16).split(' ')[1]);

/** Every exchange is over and every file closed: none counted open, none more in /proc/self/fd than before. */
const allClosed = () =>
  eventually(
    () =>
      counting.openFiles() === 0 && openDescriptors() <= descriptorsBefore && server.connectionCount === 0,
  );

describe(`no descriptor stays open after any kind of response (the ${STRATEGY} path)`, () => {
  // Which exchanges open a file: a large one always; a small one on the plain path (the fast path has it cached).
  it.each([
    ['200, a small file', 200, () => get('/small.txt'), 'plain path'],
    ['200, a large file', 200, () => get('/big.bin'), 'always'],
    ['206, one range of a large file', 206, () => get('/big.bin', 'Range: bytes=0-4'), 'always'],
    [
      '206 multipart, two ranges of a large file',
      206,
      () => get('/big.bin', 'Range: bytes=0-1,100-101'),
      'always',
    ],
    ['206, one range of a small file', 206, () => get('/small.txt', 'Range: bytes=2-4'), 'plain path'],
    ['304, If-None-Match', 304, () => get('/big.bin', `If-None-Match: ${etag}`), 'always'],
    ['412, If-Match', 412, () => get('/big.bin', 'If-Match: "nope"'), 'always'],
    ['416, no range overlaps', 416, () => get('/big.bin', `Range: bytes=${BIG}-`), 'always'],
    ['HEAD of a large file', 200, () => request('HEAD', '/big.bin'), 'always'],
    ['404, nothing there', 404, () => get('/missing.txt'), 'never'],
    ['404, a file asked for as a directory', 404, () => get('/big.bin/'), 'never'],
    ['400, a malformed request', 400, () => 'GARBAGE\r\n\r\n', 'never'],
  ])('%s → %i', async (_name, status, bytes, opens) => {
    const openedBefore = counting.opened();
    const result = await rawExchange(server.port, bytes(), { waitMs: 10_000 });
    expect(statusOf(result.bytes)).toBe(status);
    expect(await allClosed()).toBe(true);
    const opened = opens === 'always' || (opens === 'plain path' && STRATEGY === 'plain');
    expect(counting.opened() > openedBefore).toBe(opened); // so the row tested what it says
  });

  it('a client that aborts mid-download', async () => {
    const openedBefore = counting.opened();
    await new Promise<void>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(get('/big.bin')));
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
    });
    expect(await allClosed()).toBe(true);
    expect(counting.opened()).toBeGreaterThan(openedBefore);
  });
});

describe(`an error while a file streams (the ${STRATEGY} path)`, () => {
  it('a read that fails midway cuts the response, and the file is closed all the same', async () => {
    const failing = countingFileSystem();
    let reads = 0;
    const fsFailingLater: FileSystem = {
      ...failing.fs,
      readInto: (fd, buffer, position) =>
        ++reads > 1 ? Promise.resolve(failure('EIO')) : failing.fs.readInto(fd, buffer, position),
    };
    const erring = await startTestServer({ root: site.root, fs: fsFailingLater });
    try {
      const result = await rawExchange(erring.port, get('/big.bin'), { waitMs: 10_000 });
      expect(result.bytes.length).toBeLessThan(BIG); // the client sees fewer bytes than Content-Length promised
      expect(await eventually(() => failing.openFiles() === 0 && erring.connectionCount === 0)).toBe(true);
      expect(failing.opened()).toBe(1);
    } finally {
      await erring.stop();
    }
  });
});
