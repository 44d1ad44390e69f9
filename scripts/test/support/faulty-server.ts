/**
 * A tiny HTTP server with known faults, for the tests of scripts/grade's reports. It serves a
 * site folder on 127.0.0.1 (a port the system picks), one request per connection, and then
 * closes; each fault is tied to a path, so one run of the grader meets all of them:
 *   GET /            the index, with the byte at offset 7 changed (a caret must point at it)
 *   GET /index.html  the connection closed without a response (a likely cause must be given)
 * With `lineEnding: 'lf'`, every status line ends in LF alone (the status-line caret).
 * No Date field and no other varying byte: the same request always gets the same response.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const CORRUPTED_OFFSET = 7;

export interface FaultyServer {
  port: number;
  close(): Promise<void>;
}

export interface FaultyOptions {
  root: string;
  lineEnding?: 'crlf' | 'lf';
}

export async function startFaultyServer(options: FaultyOptions): Promise<FaultyServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(3000, () => socket.destroy()); // a silent client is dropped
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0) answer(socket, received.subarray(0, end).toString('latin1'), options);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(socket: net.Socket, head: string, options: FaultyOptions): void {
  socket.removeAllListeners('data');
  const [method = '', target = ''] = head.split('\r\n')[0]?.split(' ') ?? [];
  if (target === '/index.html') {
    socket.destroy(); // closed before writing anything
    return;
  }
  const file = resolveFile(options.root, target);
  const statusEnd = options.lineEnding === 'lf' ? '\n' : '\r\n';
  if (!file) {
    socket.end(`HTTP/1.1 404 Not Found${statusEnd}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    return;
  }
  const body = Buffer.from(fs.readFileSync(file));
  if (target === '/') body[CORRUPTED_OFFSET] = 0x21; // '!', never the index's own byte there
  const headBytes = `HTTP/1.1 200 OK${statusEnd}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(method === 'HEAD' ? headBytes : Buffer.concat([Buffer.from(headBytes, 'latin1'), body]));
}

/** The file a target names under root, or undefined (no decoding: the tests send plain names). */
function resolveFile(root: string, target: string): string | undefined {
  const name = target === '/' ? 'index.html' : target.split('?')[0]!.slice(1);
  const file = path.resolve(root, name);
  if (!file.startsWith(path.resolve(root) + path.sep)) return undefined;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}
