// Raw-socket clients for the soak: one exchange, and the probe that stands for "a normal user".
import net from 'node:net';

export const HOST = '127.0.0.1'; // the soak never sends a byte anywhere else

/**
 * Connects, writes `request`, and collects what comes back until the server closes, resets,
 * or `timeoutMs` passes (then the socket is destroyed and the ending is 'timeout').
 */
export function exchange(port, request, { timeoutMs = 5000 } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks = [];
    const socket = net.connect(port, HOST, () => socket.write(request));
    const finish = (ending) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), ending, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish('closed'));
    socket.on('error', (error) => finish(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
  });
}

/** The status code of the first response in `bytes`, or undefined. */
export function statusOf(bytes) {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(bytes.toString('latin1', 0, 16));
  return match ? Number(match[1]) : undefined;
}

/**
 * The probe: a tiny GET on a fresh connection, as a person's browser would send, timed from
 * connect to the last byte. Its latency is also how the soak sees the server's event-loop delay
 * from outside: a blocked loop answers late.
 */
export async function probe(port, limitMs) {
  const request = 'GET /tiny.txt HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n';
  const result = await exchange(port, request, { timeoutMs: limitMs });
  const status = statusOf(result.bytes);
  const ok =
    result.ending === 'closed' && status === 200 && result.bytes.toString('latin1').endsWith('tiny\n');
  return { ok, ms: result.ms, why: ok ? undefined : `${result.ending}, status ${status ?? 'none'}` };
}
