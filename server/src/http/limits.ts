/**
 * Every limit and timeout the server enforces, with its unit, why it exists, and the status a
 * client gets when it hits it. The server takes these as one value so tests can shrink the
 * timeouts; the defaults below are what `main` uses.
 */
export interface Limits {
  /** Longest request line (method SP target SP version), bytes → 414. */
  readonly maxRequestLineBytes: number;
  /** Largest header section (all field lines and the blank line), bytes → 431. */
  readonly maxHeaderSectionBytes: number;
  /** Most header field lines in one request → 431. */
  readonly maxHeaderFields: number;
  /** Largest request body the server reads (and discards), bytes → 413. */
  readonly maxBodyBytes: number;
  /** Longest chunk-size line or trailer line in a chunked body, bytes → 400. */
  readonly maxChunkLineBytes: number;
  /** Chunk extensions on one chunk: the bytes after its size digits, whitespace included, bytes → 413. */
  readonly maxChunkExtensionBytes: number;
  /** Bytes of one body's chunk-size lines that are not the sizes' significant digits (extensions, leading zeros), bytes → 413. */
  readonly maxChunkedOverheadBytes: number;
  /** Time from a request's first byte until its head and body have arrived, ms → 408. */
  readonly requestTimeoutMs: number;
  /** Time a kept-alive connection may sit with no request, ms → closed quietly. */
  readonly idleTimeoutMs: number;
  /** Time a response may wait for a client that does not read, ms → connection dropped. */
  readonly sendTimeoutMs: number;
  /**
   * Time to keep reading (and discarding) after ending a connection, ms, so the client reads our
   * response instead of a reset; not needed after a client's own `Connection: close` (net/connection-state.ts).
   */
  readonly lingerMs: number;
  /** Requests served on one connection before it closes (Connection: close). */
  readonly maxRequestsPerConnection: number;
  /** Bytes of pipelined requests buffered while a response is being sent; reading pauses beyond it. */
  readonly maxPipelinedBytes: number;
  /** Ranges in one Range header; more are ignored and the whole file is sent (RFC 9110 §14.2). */
  readonly maxRanges: number;
  /** Concurrent connections; beyond it a new connection gets 503 with Retry-After. */
  readonly maxConnections: number;
  /** Time in-flight responses get to finish after SIGTERM/SIGINT, ms. */
  readonly shutdownGraceMs: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_LIMITS: Limits = Object.freeze({
  // RFC 9112 §3 recommends supporting request lines of at least 8000 octets.
  maxRequestLineBytes: 8 * KiB,
  // Generous for real browsers (cookies included), small enough that a head costs little memory.
  maxHeaderSectionBytes: 16 * KiB,
  // Real requests carry a dozen or two; a hundred is a flood.
  maxHeaderFields: 100,
  // We serve files and never use a body; we read one only to keep the connection in sync.
  maxBodyBytes: 1 * MiB,
  // A chunk size is a few hex digits; extensions and trailers have no reason to be long. Leading
  // zeros are valid (RFC 9112 §7.1), so this line limit is what bounds a size line of zeros.
  maxChunkLineBytes: 4 * KiB,
  // The longest extension in real use, S3's `;chunk-signature=<64 hex>`, is 81 bytes; 1 KiB is
  // twelve of those. Below the line limit, so a long extension is answered for what it is.
  maxChunkExtensionBytes: 1 * KiB,
  // Node's figure for CVE-2024-22019 (16 KiB of extensions, 413), made a total: Node resets its
  // count at every chunk, so many small chunks still make it read without end. Leading zeros
  // count too (each line may hold 4 KiB of them). With it, skipping a 1 MiB body reads at most
  // about 7 MiB: 6 bytes a data byte in 1-byte chunks, this budget, and the trailers.
  maxChunkedOverheadBytes: 16 * KiB,
  // A person typing into netcat has time; a slowloris sender does not get to hold a slot.
  requestTimeoutMs: 10_000,
  // Browsers reuse a connection within a page load; an idle one only holds a descriptor.
  idleTimeoutMs: 5_000,
  // A client that reads nothing for this long is gone or hostile; free its file and socket.
  sendTimeoutMs: 30_000,
  // Long enough for the client to read an error response, short enough not to hold a slot.
  lingerMs: 2_000,
  // As nginx's keepalive_requests: bounds the life (and any growth) of one connection.
  maxRequestsPerConnection: 1_000,
  // Four full request heads' worth: enough for pipelining, bounded for floods.
  maxPipelinedBytes: 64 * KiB,
  // Sixteen ranges cover every real client; more is an amplification attempt.
  maxRanges: 16,
  // A descriptor and a few KiB each; past this, refusing politely beats starving everyone.
  maxConnections: 2_048,
  // Enough for a normal response to finish; a container stop waits no longer than this.
  shutdownGraceMs: 5_000,
});

/**
 * How much sooner than the real idle timeout a client is told to give up on an idle connection
 * (`Keep-Alive: timeout=N`), ms. RFC 9112 §9.5: a client may start a request just as the server
 * closes the idle connection, and then sees the connection closed under it. A client that stops
 * reusing a connection a second before we close it never does. Node's http server waits its
 * advertised timeout plus 1 s (keepAliveTimeoutBuffer) for the same reason; undici and .NET take
 * another second off the advertised value on their side.
 */
export const KEEP_ALIVE_MARGIN_MS = 1_000;

/**
 * The idle timeout we advertise in `Keep-Alive: timeout=N`, whole seconds, at least
 * KEEP_ALIVE_MARGIN_MS under the real one (5 s → 4). Undefined when that leaves less than a
 * second: no hint beats a hint of 0, which would tell clients not to reuse the connection at all.
 */
export function advertisedIdleTimeout(idleTimeoutMs: number): number | undefined {
  const seconds = Math.floor((idleTimeoutMs - KEEP_ALIVE_MARGIN_MS) / 1000);
  return seconds >= 1 ? seconds : undefined;
}
