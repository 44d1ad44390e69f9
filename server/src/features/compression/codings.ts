/**
 * The content codings this server sends (RFC 9110 §8.4.1), what it compresses on the fly, and
 * the limits that keep compressing cheap and bounded. Each limit is a named constant with its
 * unit and its reason; the README's table of limits repeats them.
 */
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import mimeDb from 'mime-db';

export interface Coding {
  /** Its name, as Content-Encoding and Accept-Encoding write it. */
  readonly name: 'br' | 'zstd' | 'gzip';
  /** The extension of a file precompressed in this coding, next to the original: app.js.br. */
  readonly extension: string;
  /** Compresses now; none for zstd, which node:zlib has only from Node 22.15 and 23.8 (the host runs 20). */
  readonly compress?: (bytes: Buffer) => Promise<Buffer>;
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** zlib's default level: about 1–4 ms for a 64 KiB page on this VM (bench/compression-cost.mjs, bench/README.md "Issue 14"). */
export const GZIP_LEVEL = 6;
/**
 * Brotli's default quality, 11, takes some 40–60 times gzip's time: made for files compressed
 * once, in advance (app.js.br). On the fly, quality 5 costs about what gzip does and gives
 * smaller output (4.1 KB against 4.9 KB of a 64 KiB page), and the fast path compresses a
 * cached file once (bench/compression-cost.mjs, bench/README.md "Issue 14").
 */
export const BROTLI_QUALITY = 5;

/** In the server's order of preference at equal weights: smaller output first. */
export const CODINGS: readonly Coding[] = [
  {
    name: 'br',
    extension: '.br',
    compress: (bytes) =>
      brotli(bytes, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
  },
  { name: 'zstd', extension: '.zst' },
  { name: 'gzip', extension: '.gz', compress: (bytes) => gzip(bytes, { level: GZIP_LEVEL }) },
];

/**
 * Below this size a response is not compressed on the fly: it fits in one TCP segment either
 * way (an Ethernet MSS is 1,460 bytes), and gzip's 18 bytes of frame and the CPU buy nothing.
 * A client that refuses identity gets it compressed all the same.
 */
export const MIN_COMPRESS_BYTES = 1024;
/**
 * Above this size a file is not compressed on the fly (it is sent as it is, or its
 * precompressed sibling): a compression holds the whole file and its output in memory, and 1 MiB
 * of text takes about 15 ms of a thread. Precompress larger files (app.js.br, app.js.gz).
 */
export const MAX_COMPRESS_BYTES = 1024 * 1024;
/**
 * Compressions running at once, at most; past it a file is sent as it is. Node compresses on
 * libuv's thread pool (4 threads), which also reads every file: half of it stays for the disk.
 * With MAX_COMPRESS_BYTES, this also bounds their memory: 2 × (1 MiB in + up to 1 MiB out).
 */
export const MAX_CONCURRENT_COMPRESSIONS = 2;

/** Whether a Content-Type is worth compressing: mime-db's verdict, else text and the +json, +xml kinds. */
export function isCompressible(contentType: string): boolean {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const known = mimeDb[type]?.compressible;
  return known ?? /^text\/|\+(?:json|text|xml)$/.test(type);
}

/**
 * What an on-the-fly ETag carries besides the coding: the compressor's version and settings. A
 * strong ETag promises the same bytes (RFC 9110 §8.8.1); the same input gives the same output
 * only with the same zlib, brotli and level, so another build of Node gets other ETags.
 */
export const ENCODER_TAG = createHash('sha256')
  .update(`${process.versions.zlib} ${process.versions.brotli} ${GZIP_LEVEL} ${BROTLI_QUALITY}`)
  .digest('hex')
  .slice(0, 6);
