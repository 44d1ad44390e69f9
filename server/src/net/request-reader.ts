/**
 * From the bytes received to requests, one at a time: the head (parse/request-head.ts), then the
 * body read past (parse/request-body.ts). The parsers are pure; this keeps what they need between
 * two reads: the bytes not consumed yet, where to resume scanning, and the body being skipped.
 */
import type { Limits } from '../http/limits';
import type { Request } from '../http/message';
import type { ParseError } from '../parse/errors';
import { type Resume, START, parseRequestHead } from '../parse/request-head';
import { BODY_DONE, type BodyState, skipBody, startBody } from '../parse/request-body';

export type ReadOutcome =
  /** The whole request is read, body included: it can be answered. */
  | { readonly kind: 'request'; readonly request: Request }
  | { readonly kind: 'refused'; readonly status: ParseError['status']; readonly reason: string }
  | { readonly kind: 'need-more' }
  /** Nothing buffered: no request has begun. */
  | { readonly kind: 'empty' };

const EMPTY = Buffer.alloc(0);
const NEED_MORE: ReadOutcome = { kind: 'need-more' };
const NOTHING: ReadOutcome = { kind: 'empty' };

/** Told of each head as soon as it is parsed, before its body is read. expectsContinue: answer 100 Continue now. */
export type HeadListener = (request: Request, expectsContinue: boolean) => void;

export class RequestReader {
  private pending: Buffer = EMPTY; // bytes received and not yet consumed
  private resume: Resume = START;
  private request: Request | undefined; // a parsed head whose body is still being read
  private body: BodyState = BODY_DONE;

  constructor(
    private readonly limits: Limits,
    private readonly onHead: HeadListener,
  ) {}

  /** Bytes waiting to be parsed (for backpressure). */
  get buffered(): number {
    return this.pending.length;
  }

  append(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** Our side has ended: whatever arrives from now on is read and dropped. */
  discard(): void {
    this.pending = EMPTY;
  }

  /** The next request from the buffer, or why there is none. `clientEnded`: no more bytes will come, so an unfinished request never will be. */
  next(clientEnded: boolean): ReadOutcome {
    if (this.request !== undefined) return this.readBody(this.request, clientEnded);
    if (this.pending.length === 0) return NOTHING;
    const result = parseRequestHead(this.pending, this.resume, this.limits);
    if (result.kind === 'error') return { kind: 'refused', status: result.status, reason: result.reason };
    if (result.kind === 'incomplete') {
      this.resume = result.resume;
      return clientEnded ? refused('the client closed before the request was complete') : NEED_MORE;
    }
    const { request } = result;
    this.consume(result.headBytes);
    this.resume = START;
    this.request = request;
    this.body = startBody(request.body);
    // RFC 9110 §10.1.1: an HTTP/1.1 client waiting for 100 Continue sends the body only then.
    this.onHead(request, request.expectsContinue && request.version === '1.1' && this.body.kind !== 'done');
    return this.readBody(request, clientEnded);
  }

  /** Drops the first `count` bytes: what is left is usually nothing, and needs no new view. */
  private consume(count: number): void {
    this.pending = count === this.pending.length ? EMPTY : this.pending.subarray(count);
  }

  /** Reads past the body: the request is whole once the body is consumed. */
  private readBody(request: Request, clientEnded: boolean): ReadOutcome {
    if (this.body.kind !== 'done') {
      const step = skipBody(this.body, this.pending, this.limits);
      if (step.kind === 'error') return { kind: 'refused', status: step.status, reason: step.reason };
      this.consume(step.consumed);
      this.body = step.state;
      if (this.body.kind !== 'done')
        return clientEnded ? refused('the client closed before the body was complete') : NEED_MORE;
    }
    this.request = undefined;
    return { kind: 'request', request };
  }
}

function refused(reason: string): ReadOutcome {
  return { kind: 'refused', status: 400, reason };
}
