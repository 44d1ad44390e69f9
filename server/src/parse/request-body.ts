/**
 * Reading past a request body. This server never uses a body, but it must find where one ends
 * to find where the next request starts (RFC 9112 §6.3). A pure step function: given the state
 * and the bytes at hand, it consumes what it can and returns the new state. A partial line is
 * left unconsumed, to be seen again with more bytes.
 *
 * The chunked framing is read strictly, as Node's llhttp and Go's net/http read it: every line
 * ends in CRLF (the bare LF that RFC 9112 §2.2 lets the head use would let a proxy that reads
 * the body differently desync from us), and what a body may spend on anything but data is
 * bounded (limits.ts), so it cannot make us read without end.
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF          (RFC 9112 §7.1)
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 */
import type { BodyFraming } from '../http/message';
import type { Limits } from '../http/limits';
import { TCHAR, characterClass, isDigit } from '../http/syntax';
import { type ParseError, parseError } from './errors';
import { parseFieldLine } from './fields';

export type BodyState =
  | { readonly kind: 'length'; readonly remaining: number }
  | { readonly kind: 'chunk-size'; readonly total: number; readonly overhead: number }
  | {
      readonly kind: 'chunk-data';
      readonly remaining: number;
      readonly total: number;
      readonly overhead: number;
    }
  | { readonly kind: 'chunk-end'; readonly total: number; readonly overhead: number }
  | { readonly kind: 'trailers'; readonly lines: number }
  | { readonly kind: 'done' };

/** A body read to its end (or none at all): it holds nothing, so one object serves every request. */
export const BODY_DONE: BodyState = { kind: 'done' };

/** Where a chunked body stands: data bytes so far (`total`), and chunk-size line bytes spent on anything else (`overhead`). */
type ChunkedSoFar = { readonly total: number; readonly overhead: number };

export type BodyStep =
  { readonly kind: 'progress'; readonly state: BodyState; readonly consumed: number } | ParseError;

export function startBody(framing: BodyFraming): BodyState {
  switch (framing.kind) {
    case 'none':
      return BODY_DONE;
    case 'length':
      return { kind: 'length', remaining: framing.length };
    case 'chunked':
      return { kind: 'chunk-size', total: 0, overhead: 0 };
  }
}

/** Consumes as much of `bytes` as the body takes; stops at 'done' or when it needs more bytes. */
export function skipBody(start: BodyState, bytes: Buffer, limits: Limits): BodyStep {
  let state = start;
  let offset = 0;
  while (state.kind !== 'done') {
    const step = advance(state, bytes, offset, limits);
    if (step.kind === 'error') return step;
    if (step.kind === 'need-more') break;
    state = step.state;
    offset = step.offset;
  }
  return { kind: 'progress', state, consumed: offset };
}

type Advance = { kind: 'moved'; state: BodyState; offset: number } | { kind: 'need-more' } | ParseError;
const NEED_MORE: Advance = { kind: 'need-more' };

function advance(
  state: Exclude<BodyState, { kind: 'done' }>,
  bytes: Buffer,
  offset: number,
  limits: Limits,
): Advance {
  switch (state.kind) {
    case 'length':
    case 'chunk-data': {
      const take = Math.min(state.remaining, bytes.length - offset);
      if (take === 0) return NEED_MORE;
      const remaining = state.remaining - take;
      const next: BodyState =
        state.kind === 'length'
          ? remaining === 0
            ? BODY_DONE
            : { kind: 'length', remaining }
          : remaining === 0
            ? { kind: 'chunk-end', total: state.total, overhead: state.overhead }
            : { ...state, remaining };
      return { kind: 'moved', state: next, offset: offset + take };
    }
    case 'chunk-size':
      return chunkSize(state, bytes, offset, limits);
    case 'chunk-end':
      return chunkEnd(state, bytes, offset);
    case 'trailers':
      return trailerLine(state.lines, bytes, offset, limits);
  }
}

// chunk-size [ chunk-ext ], chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )  (RFC 9112 §7.1.1)
const TOKEN = `${characterClass(TCHAR)}+`;
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"';
const EXTENSION = `[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED}))?`;
const CHUNK_SIZE_LINE = new RegExp(`^([0-9A-Fa-f]+)(?:${EXTENSION})*$`);

function chunkSize(state: ChunkedSoFar, bytes: Buffer, offset: number, limits: Limits): Advance {
  const line = lineAt(bytes, offset);
  const overhead = sizeLineOverhead(bytes.subarray(offset, line.end), state.overhead, limits);
  if (typeof overhead !== 'number') return overhead;
  if (!line.complete) return NEED_MORE;
  const text = strictText(bytes, offset, line);
  if (typeof text !== 'string') return text;
  const match = CHUNK_SIZE_LINE.exec(text);
  if (!match) return parseError(400, `invalid chunk-size line "${text.slice(0, 40)}"`);
  const size = sizeWithin(match[1] ?? '', limits.maxBodyBytes - state.total);
  if (size === undefined) return parseError(413, `chunked body over the ${limits.maxBodyBytes}-byte limit`);
  const total = state.total + size;
  const next: BodyState =
    size === 0 ? { kind: 'trailers', lines: 0 } : { kind: 'chunk-data', remaining: size, total, overhead };
  return { kind: 'moved', state: next, offset: line.next };
}

const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const ZERO = 0x30;

/**
 * The body's overhead once this chunk-size line (as far as it has arrived) is counted: every byte of it but the size's
 * significant digits (leading zeros, whitespace, extensions). The bytes are walked in order and
 * the first one that takes the line past a limit decides the answer, so a line refused before
 * its end has arrived gets the same answer as the whole line.
 */
function sizeLineOverhead(sizeLine: Buffer, overheadBefore: number, limits: Limits): number | ParseError {
  let overhead = overheadBefore;
  let extension = 0; // bytes after the size digits
  let significant = false; // past the size's leading zeros
  for (let i = 0; i < sizeLine.length; i++) {
    const byte = sizeLine[i] ?? 0;
    if (extension === 0 && isHexDigit(byte)) significant ||= byte !== ZERO;
    else extension++;
    if (!significant || extension > 0) overhead++;
    if (i >= limits.maxChunkLineBytes)
      return parseError(400, `chunk-size line over ${limits.maxChunkLineBytes} bytes`);
    if (extension > limits.maxChunkExtensionBytes)
      return parseError(413, `chunk extensions over ${limits.maxChunkExtensionBytes} bytes in one chunk`);
    if (overhead > limits.maxChunkedOverheadBytes)
      return parseError(
        413,
        `over ${limits.maxChunkedOverheadBytes} bytes of chunk-size lines besides the sizes (extensions, leading zeros)`,
      );
  }
  return overhead;
}

/**
 * The value of a chunk size, or undefined if it is more than `room`. RFC 9112 §7.1 puts no limit
 * on leading zeros, so only significant digits count; a size with more of them than `room` has
 * is over it without being parsed, so no size ever overflows or loses precision.
 */
function sizeWithin(digits: string, room: number): number | undefined {
  const significant = digits.replace(/^0+/, '');
  if (significant.length > room.toString(16).length) return undefined;
  const size = significant === '' ? 0 : parseInt(significant, 16);
  return size > room ? undefined : size;
}

const CR = 0x0d;
const LF = 0x0a;

/** The CRLF that closes a chunk's data, checked byte by byte: anything else means the data was longer than its size. */
function chunkEnd(state: ChunkedSoFar, bytes: Buffer, offset: number): Advance {
  if (offset >= bytes.length) return NEED_MORE;
  if (bytes[offset] === LF) return parseError(400, 'bare LF after chunk data (chunked framing needs CRLF)');
  if (bytes[offset] !== CR) return parseError(400, 'chunk data longer than its chunk-size');
  if (offset + 1 >= bytes.length) return NEED_MORE;
  if (bytes[offset + 1] !== LF) return parseError(400, 'bare CR after chunk data');
  const next: BodyState = { kind: 'chunk-size', total: state.total, overhead: state.overhead };
  return { kind: 'moved', state: next, offset: offset + 2 };
}

/** Trailer fields are read and ignored (RFC 9110 §6.5.1 lets a recipient discard them); a blank line ends the body. */
function trailerLine(lines: number, bytes: Buffer, offset: number, limits: Limits): Advance {
  const line = lineAt(bytes, offset);
  if (line.end - offset > limits.maxChunkLineBytes)
    return parseError(400, `trailer line over ${limits.maxChunkLineBytes} bytes`);
  if (!line.complete) return NEED_MORE;
  const text = strictText(bytes, offset, line);
  if (typeof text !== 'string') return text;
  if (text === '') return { kind: 'moved', state: BODY_DONE, offset: line.next };
  if (lines + 1 > limits.maxHeaderFields) return parseError(431, 'too many trailer fields');
  const field = parseFieldLine(text); // a trailer is a field line like any other (RFC 9112 §7.1.2)
  if ('status' in field) return field;
  return { kind: 'moved', state: { kind: 'trailers', lines: lines + 1 }, offset: line.next };
}

/**
 * A line of the framing from `offset`: complete up to its LF, or the part at hand. Its text ends
 * at `end`, before the CR of its CRLF, or before a last CR that may turn out to be one.
 */
type Line = {
  readonly complete: boolean;
  readonly crlf: boolean;
  readonly end: number;
  readonly next: number;
};

function lineAt(bytes: Buffer, offset: number): Line {
  const lf = bytes.indexOf(LF, offset);
  const stop = lf === -1 ? bytes.length : lf;
  const crlf = stop > offset && bytes[stop - 1] === CR;
  return { complete: lf !== -1, crlf, end: crlf ? stop - 1 : stop, next: lf + 1 };
}

/** A complete line's text, if it ends in CRLF and holds no other CR (RFC 9112 §7.1: the chunked grammar has CRLF only). */
function strictText(bytes: Buffer, offset: number, line: Line): string | ParseError {
  if (!line.crlf) return parseError(400, 'bare LF in chunked framing (it needs CRLF)');
  const text = bytes.toString('latin1', offset, line.end);
  return text.includes('\r') ? parseError(400, 'bare CR in chunked body') : text;
}
