/**
 * Compression (--no-compress turns it off): a layer that sends a file in the content coding the
 * client prefers (RFC 9110 §8.4, §12.5.3), as a representation of its own:
 *
 *   - Content-Encoding names the coding; Content-Type stays the file's (§8.4);
 *   - its ETag is its own, strong: a precompressed sibling's from that file's size and time,
 *     the on-the-fly one the file's with the coding and the compressor's version (§8.8.3);
 *   - Content-Length, conditions and one Range apply to its bytes (§14: ranges are of the
 *     selected representation); several ranges get the whole of it (representations.ts);
 *   - every file reply says Vary: Accept-Encoding, the identity ones too (strategy.ts sets it).
 *
 * What it may send, best first (accept-encoding.ts ranks them by the client's weights):
 *   1. a precompressed sibling, app.js.br, app.js.zst or app.js.gz, if it is not older than the file;
 *   2. the file compressed now with brotli or gzip, if its type is compressible and its size
 *      between MIN_COMPRESS_BYTES and MAX_COMPRESS_BYTES, and fewer than MAX_CONCURRENT_COMPRESSIONS
 *      are running (codings.ts);
 *   3. the file as it is (identity), unless the client refused it: then 406, or 503 while busy.
 */
import path from 'node:path';
import { fieldValue } from '../../http/message';
import type { Answer, Exchange, Steps } from '../../handle-request';
import type { FoundFile, ResolvedTarget } from '../../resolve/site';
import { evaluatePreconditions } from '../../decide/preconditions';
import { validatorsOf } from '../../decide/validators';
import type { OpenFiles } from '../../resolve/open-files';
import { type FileSystem, isFailure } from '../../resolve/file-system';
import { type Representation, represent } from '../../respond/representation';
import { errorReply } from '../../respond/replies';
import { type Made, type Representations, after, bytesOf, derivedTag } from '../representations';
import { type Offer, type Ranked, parseAcceptEncoding, rankOffers } from './accept-encoding';
import {
  CODINGS,
  type Coding,
  ENCODER_TAG,
  MAX_COMPRESS_BYTES,
  MAX_CONCURRENT_COMPRESSIONS,
  MIN_COMPRESS_BYTES,
  isCompressible,
} from './codings';

export interface CompressionOptions {
  readonly root: string;
  readonly fs: FileSystem;
  readonly representations: Representations;
}

/** One request's negotiation: what it asked, what the answer inside gave, the offers left, and why others were passed over. */
interface Attempt {
  readonly request: Parameters<Answer>[0];
  readonly exchange: Exchange & { readonly file: Representation };
  readonly files: OpenFiles;
  readonly header: string;
  readonly offers: readonly Ranked[];
  readonly passed: string[];
}

const NO_HEADER = 'compression: no Accept-Encoding → identity';
const BUSY = `${MAX_CONCURRENT_COMPRESSIONS} compressions already running`;

export function compressionLayer(options: CompressionOptions): (inner: Answer) => Answer {
  const running = { count: 0 };
  const compression = { ...options, running };
  // No closure for an answer that is already there (the fast path's): a request without
  // Accept-Encoding then allocates nothing more than it did without compression (bench/inprocess-ab.mjs alloc).
  return (inner) => (request, files, now) => {
    const answered = inner(request, files, now);
    if (answered instanceof Promise) return answered.then((e) => negotiate(compression, request, e, files));
    return negotiate(compression, request, answered, files);
  };
}

type Compression = CompressionOptions & { readonly running: { count: number } };

/** A file's reply, with Accept-Encoding: the best offer the client accepts. Anything else passes unchanged. */
function negotiate(
  c: Compression,
  request: Attempt['request'],
  exchange: Exchange,
  files: OpenFiles,
): Exchange | Promise<Exchange> {
  const { file } = exchange;
  if (file === undefined || file.encoding !== undefined) return exchange;
  const header = fieldValue(request.fields, 'accept-encoding');
  if (header === undefined) return c.representations.noted(exchange, NO_HEADER);
  const accepted = parseAcceptEncoding(header);
  const refused = accepted.weightOf('identity') === 0;
  const passed: string[] = [];
  const offers = rankOffers(accepted, offersFor(file, exchange.steps, refused, passed));
  return attempt(c, { request, exchange: { ...exchange, file }, files, header, offers, passed }, 0);
}

/**
 * What the server could send: the precompressed siblings of a file sent as it is on disk (not
 * of a page made from it), compression now if worth it (or if identity is refused), identity.
 */
function offersFor(file: Representation, steps: Steps, identityRefused: boolean, passed: string[]): Offer[] {
  const offers: Offer[] = [];
  const found = steps.found;
  if (found?.kind === 'file' && file.source === found.body)
    for (const coding of CODINGS) offers.push({ coding: coding.name, way: 'precompressed' });
  const notWorth = identityRefused ? undefined : notWorthCompressing(file);
  if (notWorth !== undefined) passed.push(notWorth);
  else
    for (const coding of CODINGS)
      if (coding.compress) offers.push({ coding: coding.name, way: 'on the fly' });
  offers.push({ coding: 'identity', way: 'as is' });
  return offers;
}

function notWorthCompressing(file: Representation): string | undefined {
  if (!isCompressible(file.contentType)) return `${file.contentType} is not compressible`;
  if (file.size < MIN_COMPRESS_BYTES) return `${file.size} bytes is under ${MIN_COMPRESS_BYTES}`;
  return undefined;
}

/** The offer at `i`, or the next one if it cannot be had (no sibling, too big, busy). */
function attempt(c: Compression, a: Attempt, i: number): Exchange | Promise<Exchange> {
  const offer = a.offers[i];
  if (offer === undefined) return noneAcceptable(c, a);
  if (offer.way === 'as is') return c.representations.noted(a.exchange, note(a, 'identity'));
  const coding = CODINGS.find((k) => k.name === offer.coding) as Coding;
  const tried = offer.way === 'precompressed' ? precompressed(c, a, coding) : onTheFly(c, a, coding);
  return after(tried, (outcome) => {
    if (typeof outcome !== 'string') return outcome;
    a.passed.push(outcome);
    return attempt(c, a, i + 1);
  });
}

function note(a: Attempt, chosen: string): string {
  const passed = a.passed.length === 0 ? '' : `; passed over: ${a.passed.join(', ')}`;
  return `compression: Accept-Encoding "${a.header}" → ${chosen}${passed}`;
}

/** Nothing acceptable, identity refused (RFC 9110 §12.5.3): 406 Not Acceptable (§15.5.7), or 503 if only busy. */
function noneAcceptable(c: Compression, a: Attempt): Exchange {
  const busy = a.passed.includes(BUSY);
  const vary = ['Vary', 'Accept-Encoding'] as const;
  const reply = busy ? errorReply(503, [['Retry-After', '1'], vary]) : errorReply(406, [vary]);
  const steps: Steps = { ...a.exchange.steps };
  delete steps.verdict; // it was identity's
  const decided = busy
    ? '503: identity refused, and no compression free'
    : '406: identity refused, and no coding available';
  return c.representations.noted({ reply, steps }, note(a, decided));
}

/** A sibling made in advance (app.js.br), found as any file is, and used if it is not older than the file. */
function precompressed(
  c: Compression,
  a: Attempt,
  coding: Coding,
): Exchange | string | Promise<Exchange | string> {
  const original = a.exchange.steps.found as FoundFile;
  const target = siblingTarget(c.root, original.realPath, coding.extension);
  return after(c.representations.find(target, a.files), (sibling) => {
    if (sibling.kind !== 'file') return `no ${target.path}`;
    if (sibling.stat.mtimeMs < original.stat.mtimeMs) return `${target.path} is older than the file`;
    const { file } = a.exchange;
    const validators = validatorsOf(sibling.stat);
    const made: Representation = {
      ...represent(sibling, file.vary),
      contentType: file.contentType,
      encoding: coding.name,
      validators: { ...validators, etag: derivedTag(validators.etag, coding.name) },
    };
    const exchange = c.representations.answer(a.request, made, a.exchange.steps);
    return c.representations.noted(
      exchange,
      note(a, `${coding.name}, precompressed (${target.path}, ${made.size} bytes)`),
    );
  });
}

/** The file's path below the root with `extension` added, as a resolved target: app.js → app.js.br. */
export function siblingTarget(root: string, realPath: string, extension: string): ResolvedTarget {
  const segments = path.relative(root, realPath).split(path.sep);
  segments[segments.length - 1] += extension;
  return { kind: 'path', segments, path: segments.join('/'), directory: false, query: '' };
}

/**
 * The file compressed now. Its ETag is known before its bytes, so a 304 or a 412 costs no
 * compression: only a reply that sends the bytes makes them (the fast path keeps them).
 */
function onTheFly(
  c: Compression,
  a: Attempt,
  coding: Coding,
): Exchange | string | Promise<Exchange | string> {
  const { file, steps } = a.exchange;
  if (file.size > MAX_COMPRESS_BYTES)
    return `${coding.name} now: ${file.size} bytes is over ${MAX_COMPRESS_BYTES}`;
  const validators = onTheFlyValidators(file, coding);
  const conditions = evaluatePreconditions(a.request.method, a.request.fields, validators);
  if (conditions.kind !== 'proceed') {
    const unsent = { ...file, encoding: coding.name, validators, size: 0, source: NO_BYTES };
    return c.representations.noted(c.representations.answer(a.request, unsent, steps), note(a, coding.name));
  }
  const refused = a.offers.every((offer) => offer.coding !== 'identity');
  const made = c.representations.derive(file, coding.name, () => compress(c, file, coding, refused));
  return after(made, (m) => {
    if ('not' in m) return m.not;
    const exchange = c.representations.answer(a.request, m, steps);
    return c.representations.noted(
      exchange,
      note(a, `${coding.name}, compressed now (${file.size} → ${m.size} bytes)`),
    );
  });
}

const NO_BYTES = { kind: 'bytes', bytes: Buffer.alloc(0) } as const;

function onTheFlyValidators(file: Representation, coding: Coding): Representation['validators'] {
  return { ...file.validators, etag: derivedTag(file.validators.etag, `${coding.name}.${ENCODER_TAG}`) };
}

/** Compresses the representation's bytes in one go, if a slot is free: MAX_CONCURRENT_COMPRESSIONS bounds the memory and the threads. */
async function compress(
  c: Compression,
  file: Representation,
  coding: Coding,
  identityRefused: boolean,
): Promise<Made> {
  if (c.running.count >= MAX_CONCURRENT_COMPRESSIONS || coding.compress === undefined) return { not: BUSY };
  c.running.count++;
  try {
    const bytes = await bytesOf(file, c.fs);
    if (isFailure(bytes)) return { not: `the file could not be read (${bytes.code})` };
    const encoded = await coding.compress(bytes);
    if (encoded.length >= bytes.length && !identityRefused)
      return { not: `${coding.name} would not make it smaller` };
    return {
      contentType: file.contentType,
      encoding: coding.name,
      validators: onTheFlyValidators(file, coding),
      size: encoded.length,
      source: { kind: 'bytes', bytes: encoded },
      vary: file.vary,
    };
  } finally {
    c.running.count--;
  }
}
