// The floor for any server written on node:net: it answers every request on a connection with
// one prebuilt response and parses nothing. bench/README.md ("What stands in the way") compares
// our server with it under the same load:
//
//   taskset -c 0 node bench/raw-net-floor.mjs --port 18991 --file F [--close]
//   taskset -c 1 wrk -t1 -c50 -d8s [-H 'Connection: close'] http://127.0.0.1:18991/
//
// --close answers with Connection: close and closes the connection (scenario 2's shape) as ours
// does: at once when the reply is all with the kernel (close(2) sends it, then the FIN), else
// once Node reports our FIN sent.
// It counts one response per received chunk, which is right only for wrk-like clients that
// send one request and wait; it is a measuring tool, not a server.
import net from 'node:net';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: { port: { type: 'string' }, file: { type: 'string' }, close: { type: 'boolean', default: false } },
});
const body = fs.readFileSync(options.file);
const connection = options.close ? 'Connection: close\r\n' : '';
const head = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n${connection}\r\n`;
const response = Buffer.concat([Buffer.from(head, 'latin1'), body]);

net
  // Nagle off where a reply could follow a reply (keep-alive); a last reply in one write needs no setsockopt.
  .createServer({ noDelay: !options.close, allowHalfOpen: true }, (socket) => {
    socket.on('data', () => (options.close ? writeAndClose(socket) : socket.write(response)));
    socket.on('end', () => socket.destroy());
    socket.on('error', () => {});
  })
  .listen(Number(options.port), '127.0.0.1');

function writeAndClose(socket) {
  socket.write(response);
  if (socket.writableLength === 0) socket.destroy();
  else socket.end(() => socket.destroy());
}
