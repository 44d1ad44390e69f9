/**
 * Reading past a request body. This server never uses a body, but it must find where one ends
 * to find where the next request starts (RFC 9112 §6.3). A pure step function: given the state
 * and the bytes at hand, it consumes what it can and returns the new state. A partial line is
 * left unconsumed, to be seen again with more bytes.
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF          (RFC 9112 §7.1)
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 */
import type { BodyFraming } from '../http/message';
import type { Limits } from '../http/limits';
import { TCHAR, characterClass } from '../http/syntax';
import { type ParseError, parseError } from './errors';
import { parseFieldLine } from './fields';

export type BodyState =
  | { readonly kind: 'length'; readonly remaining: number }
  | { readonly kind: 'chunk-size'; readonly total: number }
  | { readonly kind: 'chunk-data'; readonly remaining: number; readonly total: number }
  | { readonly kind: 'chunk-end'; readonly total: number }
  | { readonly kind: 'trailers'; readonly lines: number }
  | { readonly kind: 'done' };

export type BodyStep =
  { readonly kind: 'progress'; readonly state: BodyState; readonly consumed: number } | ParseError;

export function startBody(framing: BodyFraming): BodyState {
  switch (framing.kind) {
    case 'none':
      return { kind: 'done' };
    case 'length':
      return { kind: 'length', remaining: framing.length };
    case 'chunked':
      return { kind: 'chunk-size', total: 0 };
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
      if (take === 0) return { kind: 'need-more' };
      const remaining = state.remaining - take;
      const next: BodyState =
        state.kind === 'length'
          ? remaining === 0
            ? { kind: 'done' }
            : { kind: 'length', remaining }
          : remaining === 0
            ? { kind: 'chunk-end', total: state.total }
            : { kind: 'chunk-data', remaining, total: state.total };
      return { kind: 'moved', state: next, offset: offset + take };
    }
    case 'chunk-size':
      return chunkSize(state.total, bytes, offset, limits);
    case 'chunk-end':
      return chunkEnd(state.total, bytes, offset);
    case 'trailers':
      return trailerLine(state.lines, bytes, offset, limits);
  }
}

// chunk-size [ chunk-ext ], chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )  (RFC 9112 §7.1.1)
const TOKEN = `${characterClass(TCHAR)}+`;
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"';
const EXTENSION = `[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED}))?`;
const CHUNK_SIZE_LINE = new RegExp(`^([0-9A-Fa-f]{1,12})(?:${EXTENSION})*$`);

function chunkSize(total: number, bytes: Buffer, offset: number, limits: Limits): Advance {
  const line = readLine(bytes, offset, limits.maxChunkLineBytes);
  if (line.kind !== 'line') return line;
  const match = CHUNK_SIZE_LINE.exec(line.text);
  if (!match) return parseError(400, `invalid chunk-size line "${line.text.slice(0, 40)}"`);
  const size = parseInt(match[1] ?? '', 16);
  if (total + size > limits.maxBodyBytes)
    return parseError(413, `chunked body over the ${limits.maxBodyBytes}-byte limit`);
  const state: BodyState =
    size === 0
      ? { kind: 'trailers', lines: 0 }
      : { kind: 'chunk-data', remaining: size, total: total + size };
  return { kind: 'moved', state, offset: line.next };
}

/** The CRLF that closes a chunk's data (a bare LF accepted, as for every line). */
function chunkEnd(total: number, bytes: Buffer, offset: number): Advance {
  const line = readLine(bytes, offset, 1);
  if (line.kind !== 'line') return line;
  if (line.text !== '') return parseError(400, 'chunk data longer than its chunk-size');
  return { kind: 'moved', state: { kind: 'chunk-size', total }, offset: line.next };
}

/** Trailer fields are read and ignored (RFC 9110 §6.5.1 lets a recipient discard them); a blank line ends the body. */
function trailerLine(lines: number, bytes: Buffer, offset: number, limits: Limits): Advance {
  const line = readLine(bytes, offset, limits.maxChunkLineBytes);
  if (line.kind !== 'line') return line;
  if (line.text === '') return { kind: 'moved', state: { kind: 'done' }, offset: line.next };
  if (lines + 1 > limits.maxHeaderFields) return parseError(431, 'too many trailer fields');
  const field = parseFieldLine(line.text); // a trailer is a field line like any other (RFC 9112 §7.1.2)
  if ('status' in field) return field;
  return { kind: 'moved', state: { kind: 'trailers', lines: lines + 1 }, offset: line.next };
}

type Line = { kind: 'line'; text: string; next: number } | { kind: 'need-more' } | ParseError;

function readLine(bytes: Buffer, offset: number, maxBytes: number): Line {
  const lf = bytes.indexOf(0x0a, offset);
  if (lf === -1) {
    return bytes.length - offset > maxBytes + 1
      ? parseError(400, 'line in chunked body too long')
      : { kind: 'need-more' };
  }
  const end = lf > offset && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
  if (end - offset > maxBytes) return parseError(400, 'line in chunked body too long');
  const text = bytes.toString('latin1', offset, end);
  if (text.includes('\r')) return parseError(400, 'bare CR in chunked body');
  return { kind: 'line', text, next: lf + 1 };
}
