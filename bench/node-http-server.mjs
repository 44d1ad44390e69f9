// The baseline of issue 4: the static server most Node programmers would write first,
// with the http module and fs.createReadStream. It is deliberately plain (no cache, no
// tuning) because it stands for "what Node gives you for free"; our raw-socket server
// should beat it by a wide margin.
//
//   node bench/node-http-server.mjs --root DIR --port N [--host 127.0.0.1]

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
if (!options.root || !options.port) {
  console.error('usage: node-http-server.mjs --root DIR --port N [--host ADDR]');
  process.exit(2);
}
const root = path.resolve(options.root);

/** Maps a request target to a file inside root, or null if it would leave root. */
function fileFor(target) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(target, 'http://localhost').pathname);
  } catch {
    return null;
  }
  const file = path.join(root, pathname);
  return file.startsWith(root + path.sep) ? file : null;
}

function reply(response, status) {
  response.writeHead(status, { 'Content-Length': 0 }).end();
}

const server = http.createServer((request, response) => {
  const file = fileFor(request.url ?? '/');
  if (file === null) return reply(response, 400);
  fs.stat(file, (error, stats) => {
    // The client may have gone while stat ran (wrk closes its connections at the end of a
    // run); since Node 24, pipeline() then throws ERR_STREAM_UNABLE_TO_PIPE and the process dies.
    if (response.destroyed) return;
    if (error || !stats.isFile()) return reply(response, 404);
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': stats.size,
      'Last-Modified': stats.mtime.toUTCString(),
    });
    if (request.method === 'HEAD') return response.end();
    // pipeline destroys the file stream if the client goes away mid-file.
    pipeline(fs.createReadStream(file), response, () => {});
  });
});

server.listen(Number(options.port), options.host, () => {
  console.log(`node-http baseline serving ${root} at http://${options.host}:${options.port}`);
});
