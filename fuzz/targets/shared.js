// What the fuzz targets share: the compiled server (server/dist, built by fuzz/run), limits
// shrunk so that short inputs reach every limit's edge, and a way to report a broken property.
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'server', 'dist');
const { DEFAULT_LIMITS } = require(path.join(DIST, 'http', 'limits'));

/** libFuzzer prefers inputs of a few hundred bytes: at the default limits (8 KiB, 16 KiB) they would never be reached. */
const SMALL_LIMITS = Object.freeze({
  ...DEFAULT_LIMITS,
  maxRequestLineBytes: 64,
  maxHeaderSectionBytes: 256,
  maxHeaderFields: 8,
  maxBodyBytes: 512,
  maxChunkLineBytes: 32,
  maxChunkExtensionBytes: 16,
  maxChunkedOverheadBytes: 64,
});

/** A broken property is a crash for the fuzzer: it saves the input under fuzz/crashes/. */
function fail(what, details) {
  throw new Error(`${what}: ${JSON.stringify(details)}`);
}

/** A cut point derived from the input itself, so that the fuzzer explores the splits too. */
function cutOf(data) {
  if (data.length < 2) return 0;
  let sum = 0;
  for (const byte of data) sum = (sum * 31 + byte) >>> 0;
  return sum % data.length;
}

module.exports = { DIST, SMALL_LIMITS, fail, cutOf };
