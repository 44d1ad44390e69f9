/**
 * A tiny HTTP server with known faults, for the tests of scripts/grade's reports. It serves a
 * site folder on 127.0.0.1 (a port the system picks), one request per connection, and then
 * closes; each fault is tied to a path, so one run of the grader meets all of them:
 *   GET /            the index, with the byte at offset 7 changed (a caret must point at it)
 *   GET /index.html  the connection closed without a response (a likely cause must be given)
 * With `lineEnding: 'lf'`, every status line ends in LF alone (the status-line caret).
 * With `nasty: true`, every response's reason phrase and some of its header fields hold the
 * bytes a report must escape (NASTY_BYTES): the reports quote them, and a label names the ETag.
 * No Date field and no other varying byte: the same request always gets the same response.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const CORRUPTED_OFFSET = 7;

/** Backslash, quotes, markup, a TAP directive, dashes, control bytes, invalid UTF-8, U+2028. */
export const NASTY_BYTES = Buffer.concat([
  Buffer.from('\\ "q" \'s\' <b>&amp;</b> ]]> # TODO -- \x01\x02\x1b[31m\x7f ', 'latin1'),
  Buffer.from([0xff, 0xfe, 0x20, 0xc3, 0x28, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xe2, 0x80, 0xa8]),
]);

export interface FaultyServer {
  port: number;
  close(): Promise<void>;
}

export interface FaultyOptions {
  root: string;
  lineEnding?: 'crlf' | 'lf';
  nasty?: boolean;
}

export async function startFaultyServer(options: FaultyOptions): Promise<FaultyServer> {
  return listenOnLoopback((socket) => {
    socket.setTimeout(3000, () => socket.destroy()); // a silent client is dropped
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0) answer(socket, received.subarray(0, end).toString('latin1'), options);
    });
  });
}

/**
 * A TCP server on 127.0.0.1 (a port the system picks) that hands each connection to SERVE;
 * close() destroys every connection still open, then stops listening.
 */
export async function listenOnLoopback(serve: (socket: net.Socket) => void): Promise<FaultyServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket);
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
  if (!file) {
    socket.end(responseHead(options, '404 Not Found', 0));
    return;
  }
  const body = Buffer.from(fs.readFileSync(file));
  if (target === '/') body[CORRUPTED_OFFSET] = 0x21; // '!', never the index's own byte there
  const head_ = responseHead(options, '200 OK', body.length);
  socket.end(method === 'HEAD' ? head_ : Buffer.concat([head_, body]));
}

/** The head of a response: its status line, Content-Length, Connection: close (and the nasty fields). */
function responseHead(options: FaultyOptions, status: string, length: number): Buffer {
  const statusEnd = options.lineEnding === 'lf' ? '\n' : '\r\n';
  const text = (value: string): Buffer => Buffer.from(value, 'latin1');
  if (!options.nasty) {
    return text(`HTTP/1.1 ${status}${statusEnd}Content-Length: ${length}\r\nConnection: close\r\n\r\n`);
  }
  return Buffer.concat([
    text(`HTTP/1.1 ${status} `),
    NASTY_BYTES,
    text(`${statusEnd}Content-Length: ${length}\r\nETag: "`),
    NASTY_BYTES,
    text('"\r\nLast-Modified: '),
    NASTY_BYTES,
    text('\r\nX-Nasty: '),
    NASTY_BYTES,
    text('\r\nConnection: close\r\n\r\n'),
  ]);
}

/** The file a target names under root, or undefined (no decoding: the tests send plain names). */
function resolveFile(root: string, target: string): string | undefined {
  const name = target === '/' ? 'index.html' : target.split('?')[0]!.slice(1);
  const file = path.resolve(root, name);
  if (!file.startsWith(path.resolve(root) + path.sep)) return undefined;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}
