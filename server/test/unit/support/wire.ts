/**
 * Builders and feeders for the parser tables: a request is written as its lines, the helpers
 * add the CRLFs, and feed the bytes to the parser whole, split, or one byte at a time.
 */
import { DEFAULT_LIMITS, type Limits } from '../../../src/http/limits';
import type { Request } from '../../../src/http/message';
import { type ParseResult, START, parseRequestHead } from '../../../src/parse/request-head';
import { type BodyState, type BodyStep, skipBody } from '../../../src/parse/request-body';

export const CRLF = '\r\n';

/** A request head: each line ended by CRLF, then the empty line that ends the head (RFC 9112 §2.1). */
export function head(...lines: string[]): string {
  return lines.map((line) => line + CRLF).join('') + CRLF;
}

/** One char per byte, as on the wire: "\xe9" is the single byte 0xE9. */
export function latin1(text: string | Buffer): Buffer {
  return typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
}

export function parse(text: string | Buffer, limits: Limits = DEFAULT_LIMITS): ParseResult {
  return parseRequestHead(latin1(text), START, limits);
}

/** What a table row expects: the status of an error, or the kind of result. */
export function verdict(result: ParseResult): number | 'request' | 'incomplete' {
  return result.kind === 'error' ? result.status : result.kind;
}

/** The parsed request, or a failure that shows what came back instead. */
export function requestOf(text: string | Buffer, limits: Limits = DEFAULT_LIMITS): Request {
  const result = parse(text, limits);
  if (result.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(result)}`);
  return result.request;
}

/** The result without the resume bookkeeping, which only says where scanning stopped. */
export function outcome(result: ParseResult): unknown {
  return result.kind === 'incomplete' ? { kind: 'incomplete' } : result;
}

/**
 * Feeds a growing prefix of `bytes`: the parser sees bytes[0, cut) for each cut, then all the
 * bytes, each time with the `resume` it returned last, as the connection does when a TCP
 * segment arrives. Returns the first result that is not "incomplete", or the last one.
 */
export function parseInPieces(
  bytes: Buffer,
  cuts: readonly number[],
  limits: Limits = DEFAULT_LIMITS,
): ParseResult {
  let resume = START;
  let result: ParseResult = { kind: 'incomplete', resume };
  for (const end of [...cuts, bytes.length]) {
    result = parseRequestHead(bytes.subarray(0, end), resume, limits);
    if (result.kind !== 'incomplete') return result;
    resume = result.resume;
  }
  return result;
}

/** Every split point 0..n of a buffer, or every cut for one-byte-at-a-time feeding. */
export function splitPoints(bytes: Buffer): number[] {
  return Array.from({ length: bytes.length + 1 }, (_, k) => k);
}

/**
 * The body skipper fed in pieces: what a step consumed is dropped, what it left (a partial
 * line) is seen again with the next bytes. Returns the combined step, comparable to one call
 * over all the bytes.
 */
export function skipInPieces(
  start: BodyState,
  bytes: Buffer,
  cuts: readonly number[],
  limits: Limits = DEFAULT_LIMITS,
): BodyStep {
  let state = start;
  let consumed = 0;
  for (const end of [...cuts, bytes.length]) {
    if (end < consumed) continue;
    const step = skipBody(state, bytes.subarray(consumed, end), limits);
    if (step.kind === 'error') return step;
    state = step.state;
    consumed += step.consumed;
    if (state.kind === 'done') break;
  }
  return { kind: 'progress', state, consumed };
}
