/**
 * Chunked request bodies over a real socket, at the default limits (issue 15): a bare LF in the
 * framing, leading zeros in a size, and chunk extensions per chunk and per body. Each refusal
 * closes the connection, and comes as soon as the bytes that earn it arrive: the client below
 * never finishes its body and waits 3 s, well inside the 10 s request timeout.
 */
import { DEFAULT_LIMITS } from '../../src/http/limits';
import { onlyResponse, parseResponses, rawExchange } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const HEAD = 'POST /nums.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
const FOLLOW_UP = 'GET /nums.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
const { maxChunkExtensionBytes, maxChunkedOverheadBytes } = DEFAULT_LIMITS;

/** `n` bytes of chunk extension: ";" and a name. */
const ext = (n: number) => `;${'e'.repeat(n - 1)}`;
/** One-byte chunks with as much extension as a chunk may carry, then the last chunk: `overhead` bytes besides the sizes in all. */
function overheadBody(overhead: number): string {
  const full = Math.floor((overhead - 1) / maxChunkExtensionBytes); // the last chunk's "0" counts one
  const rest = overhead - 1 - full * maxChunkExtensionBytes;
  const chunks = `1${ext(maxChunkExtensionBytes)}\r\nx\r\n`.repeat(full);
  return `${chunks}${rest > 0 ? `1${ext(rest)}\r\nx\r\n` : ''}0\r\n\r\n`;
}

describe('a chunked body the server reads past, staying in step: the pipelined GET is answered', () => {
  it.each([
    [
      'a size with 24 leading zeros (RFC 9112 §7.1 does not limit them)',
      '0000000000000000000000005\r\nhello\r\n0\r\n\r\n',
    ],
    [
      `exactly ${maxChunkExtensionBytes} bytes of extension on a chunk`,
      `5${ext(maxChunkExtensionBytes)}\r\nhello\r\n0\r\n\r\n`,
    ],
    [
      `exactly ${maxChunkedOverheadBytes} bytes of size lines besides the sizes in a body`,
      overheadBody(maxChunkedOverheadBytes),
    ],
  ])('%s → 405, then 200', async (_name, body) => {
    const responses = parseResponses((await rawExchange(server.port, HEAD + body + FOLLOW_UP)).bytes);
    expect(responses.map((r) => r.status)).toEqual([405, 200]);
    expect(responses[1]?.body.toString()).toBe('0123456789');
  });
});

describe('a chunked body refused: one response, then the connection closes', () => {
  it.each([
    // Chunked framing has CRLF only (RFC 9112 §7.1); the head alone accepts bare LF.
    ['a bare LF after a chunk size', 400, '5\nhello\r\n0\r\n\r\n'],
    ['a bare LF after chunk data', 400, '5\r\nhello\n0\r\n\r\n'],
    ['a bare LF after a trailer field', 400, '0\r\nX-T: 1\n\r\n'],
    ['a bare LF as the last empty line', 400, '0\r\n\n'],
    ['a size of 13 significant hex digits', 413, 'FFFFFFFFFFFFF\r\n'],
    ['a size one byte over the body limit after 20 zeros', 413, '00000000000000000000100001\r\n'],
    [
      `${maxChunkExtensionBytes + 1} bytes of extension on a chunk`,
      413,
      `5${ext(maxChunkExtensionBytes + 1)}\r\nhello\r\n0\r\n\r\n`,
    ],
    [
      `${maxChunkedOverheadBytes + 1} bytes of size lines besides the sizes in a body`,
      413,
      overheadBody(maxChunkedOverheadBytes + 1),
    ],
  ])('%s → %i', async (_name, status, body) => {
    const result = await rawExchange(server.port, HEAD + body + FOLLOW_UP);
    expect(onlyResponse(result).status).toBe(status);
    expect(onlyResponse(result).headers.connection).toBe('close');
    expect(result.ending).toBe('server closed');
  });
});

describe('refused as soon as a limit is passed, before the line ends and long before the request timeout', () => {
  it.each([
    ['too much extension on one chunk', 413, `5${ext(maxChunkExtensionBytes + 1)}`],
    [
      'too much extension in one body, on a line still arriving',
      413,
      overheadBody(maxChunkedOverheadBytes).replace(/0\r\n\r\n$/, `1${ext(10)}`),
    ],
    ['2 MiB of zeros as a chunk size: the chunk-size line limit', 400, '0'.repeat(2 * 1024 * 1024)],
  ])('%s → %i', async (_name, status, body) => {
    const result = await rawExchange(server.port, HEAD + body, { waitMs: 3000 });
    expect(onlyResponse(result).status).toBe(status);
    expect(result.ending).toBe('server closed');
  });
});
