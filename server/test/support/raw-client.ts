/**
 * A raw-byte HTTP client for tests: it writes exact bytes to a socket and records exactly
 * what comes back and how the connection ended. No URL normalisation, no header fixing:
 * what we send is what the server sees.
 */
import net from 'node:net';

export interface RawResult {
  /** Every byte the server sent. */
  readonly bytes: Buffer;
  /** How the connection ended, from the client's side. */
  readonly ending: 'server closed' | 'reset' | 'still open';
  /** Milliseconds from connect to the ending. */
  readonly ms: number;
}

export interface RawOptions {
  /** Half-close (send FIN) after writing, as `nc -N` does. */
  halfClose?: boolean;
  /** Give up waiting after this long; the connection is then reported 'still open'. */
  waitMs?: number;
  /** Write the request in these pieces, this many ms apart. */
  pieces?: readonly (string | Buffer)[];
  pauseMs?: number;
  /** The server's address: 127.0.0.1 unless a test is about another one (::1). */
  host?: string;
}

/** Sends `request` and collects the reply until the server closes, resets, or `waitMs` passes. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: RawOptions = {},
): Promise<RawResult> {
  const started = Date.now();
  const socket = net.connect(port, options.host ?? '127.0.0.1');
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ending: RawResult['ending']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), ending, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish('still open'), options.waitMs ?? 3000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish('server closed'));
    socket.on('error', () => finish('reset'));
    socket.on(
      'connect',
      () =>
        void writePieces(
          socket,
          options.pieces ?? [request],
          options.pauseMs ?? 0,
          options.halfClose ?? false,
        ),
    );
  });
}

async function writePieces(
  socket: net.Socket,
  pieces: readonly (string | Buffer)[],
  pauseMs: number,
  halfClose: boolean,
): Promise<void> {
  for (const [i, piece] of pieces.entries()) {
    if (socket.destroyed) return;
    if (i > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    socket.write(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece);
  }
  if (halfClose && !socket.destroyed) socket.end();
}

export interface ParsedResponse {
  readonly status: number;
  readonly statusLine: string;
  /** Header names lower-cased; repeated names joined with ", ". */
  readonly headers: Record<string, string>;
  readonly headerNames: readonly string[];
  readonly body: Buffer;
}

/**
 * Splits a byte stream into responses, framed by Content-Length, or to the end of the stream
 * when there is none. `bodiless` lists which responses have no body (answers to HEAD, 1xx, 204, 304).
 */
export function parseResponses(
  bytes: Buffer,
  bodiless: (index: number, status: number) => boolean = (_, s) => s === 204 || s === 304 || s < 200,
): ParsedResponse[] {
  const responses: ParsedResponse[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset, 'latin1');
    if (headEnd === -1)
      throw new Error(
        `incomplete response head: ${JSON.stringify(bytes.subarray(offset).toString('latin1').slice(0, 200))}`,
      );
    const lines = bytes.toString('latin1', offset, headEnd).split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    const headerNames: string[] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      headerNames.push(line.slice(0, colon));
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = headEnd + 4;
    const length = bodiless(responses.length, status)
      ? 0
      : headers['content-length'] !== undefined
        ? Number(headers['content-length'])
        : bytes.length - bodyStart;
    responses.push({
      status,
      statusLine,
      headers,
      headerNames,
      body: bytes.subarray(bodyStart, bodyStart + length),
    });
    offset = bodyStart + length;
  }
  return responses;
}

/** The one response a connection carried (fails the test if there were more or fewer). */
export function onlyResponse(result: RawResult, head = false): ParsedResponse {
  const responses = parseResponses(result.bytes, (_, s) => head || s === 204 || s === 304 || s < 200);
  if (responses.length !== 1)
    throw new Error(
      `expected one response, got ${responses.length}: ${result.bytes.toString('latin1').slice(0, 300)}`,
    );
  return responses[0] as ParsedResponse;
}

/** GET `path` with a Host, closing after the reply. Extra header lines are given without CRLF. */
export function get(path: string, ...headers: string[]): string {
  return request('GET', path, ...headers);
}

export function request(method: string, path: string, ...headers: string[]): string {
  return [`${method} ${path} HTTP/1.1`, 'Host: test', ...headers, 'Connection: close', '', ''].join('\r\n');
}
