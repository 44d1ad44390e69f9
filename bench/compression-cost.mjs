#!/usr/bin/env node
// What compression costs (issue 14): a 64 KiB HTML page (the site's index.html repeated)
// compressed with node:zlib at the server's settings (features/compression/codings.ts), then
// asked of a built server in this process over one kept-alive socket on 127.0.0.1, by
// Accept-Encoding, on the fast path (compressed once, the bytes kept) and the plain path
// (compressed for every request). The first request of each compresses; the rest show the
// steady state. Prints µs; a shared machine makes them noisy, so compare within one run.
//
//   node bench/compression-cost.mjs [server/dist] [site/index.html]
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const [dist = 'server/dist', source = 'site/index.html'] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const load = (file) => require(path.resolve(dist, file));
const { startServer } = load('net/server.js');
const { DEFAULT_LIMITS } = load('http/limits.js');
const { quietObserver } = load('log/observer.js');
const { nodeFileSystem } = load('resolve/file-system.js');
const { GZIP_LEVEL, BROTLI_QUALITY } = load('features/compression/codings.js');
const { chooseFeatures } = load('features/layers.js');
// The server's defaults: compression on, every other feature off.
const FEATURES = chooseFeatures({
  ...{ compress: true, listing: false, headers: [], cors: false, spa: false, liveReload: false },
  maxConnections: DEFAULT_LIMITS.maxConnections,
});

const PAGE = Buffer.alloc(64 * 1024);
const text = fs.readFileSync(source);
for (let i = 0; i < PAGE.length; i += text.length)
  text.copy(PAGE, i, 0, Math.min(text.length, PAGE.length - i));

function perCall(label, compress, n) {
  for (let i = 0; i < 3; i++) compress();
  const start = process.hrtime.bigint();
  let out;
  for (let i = 0; i < n; i++) out = compress();
  const us = Number(process.hrtime.bigint() - start) / 1e3 / n;
  console.log(`${label}: ${us.toFixed(0)} µs a call, ${PAGE.length} → ${out.length} bytes`);
}

/** One kept-alive socket; `ask` sends a GET and resolves when its whole reply is in. */
function client(port) {
  const socket = net.connect(port, '127.0.0.1');
  let buffered = Buffer.alloc(0);
  let check = () => {};
  socket.on('data', (d) => {
    buffered = Buffer.concat([buffered, d]);
    check();
  });
  const ask = (coding) =>
    new Promise((resolve) => {
      const field = coding ? `Accept-Encoding: ${coding}\r\n` : '';
      socket.write(`GET /page.html HTTP/1.1\r\nHost: bench\r\n${field}\r\n`);
      check = () => {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.toString('latin1', 0, end))[1]);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        resolve(length);
      };
      check();
    });
  return { ask, close: () => socket.destroy() };
}

async function overSocket(root, cache, coding) {
  const server = await startServer({
    ...{ root, host: '127.0.0.1', port: 0, listing: false, observer: quietObserver, fs: nodeFileSystem },
    ...{ limits: { ...DEFAULT_LIMITS, maxRequestsPerConnection: 1e9 }, cache, features: FEATURES },
  });
  const c = client(server.address.port);
  let start = process.hrtime.bigint();
  const length = await c.ask(coding);
  const first = Number(process.hrtime.bigint() - start) / 1e3;
  const n = 400;
  start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await c.ask(coding);
  const then = Number(process.hrtime.bigint() - start) / 1e3 / n;
  const name = `${cache ? 'fast ' : 'plain'} ${coding ?? 'none'}`;
  console.log(
    `${name}: first ${first.toFixed(0)} µs, then ${then.toFixed(0)} µs a request (${length} bytes)`,
  );
  c.close();
  await server.stop();
}

perCall(`gzip level ${GZIP_LEVEL}`, () => zlib.gzipSync(PAGE, { level: GZIP_LEVEL }), 200);
const quality = (q) => ({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: q } });
perCall(
  `brotli quality ${BROTLI_QUALITY}`,
  () => zlib.brotliCompressSync(PAGE, quality(BROTLI_QUALITY)),
  200,
);
perCall('brotli quality 11 (its default)', () => zlib.brotliCompressSync(PAGE, quality(11)), 10);
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'compression-cost-')));
fs.writeFileSync(path.join(root, 'page.html'), PAGE);
for (const cache of [true, false])
  for (const coding of [undefined, 'gzip', 'br']) await overSocket(root, cache, coding);
fs.rmSync(root, { recursive: true, force: true });
