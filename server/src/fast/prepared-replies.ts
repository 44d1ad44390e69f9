/**
 * A cached file's representation and its two everyday replies, worked out once per cached copy
 * (remembered by the copy's bytes, and forgotten with them) instead of on every request: the
 * 200 that sends it whole, and the 304 that says it has not changed (with Cache-Control:
 * no-cache, every browser reload asks for one). wire-memo.ts keeps the bytes of these replies.
 *
 * Measured (bench/README.md, "What we learned from profiling", step 2): against a constant
 * reply, the handler cost 5-8 µs a request in-process; a cached file's type, validators and
 * whole reply worked out once per copy, with the target's resolution remembered
 * (answer-at-once.ts), took a 1 KiB file from 25 k to 34 k req/s at 29-38 µs of CPU a request.
 */
import type { Reply } from '../http/message';
import { type Representation, represent } from '../respond/representation';
import { notModifiedReply, wholeFileReply } from '../respond/replies';
import type { CachedCopy } from './cached-site';

export interface Prepared {
  readonly file: Representation;
  readonly whole: Reply;
  readonly notModified: Reply;
}

export class PreparedReplies {
  private readonly byCopy = new WeakMap<Buffer, Prepared>();
  private readonly replies = new WeakSet<Reply>();

  /** Made on the first request for this copy of the file; the very same objects after. */
  of(copy: CachedCopy): Prepared {
    let prepared = this.byCopy.get(copy.body.bytes);
    if (prepared === undefined) {
      const file = represent(copy);
      prepared = { file, whole: wholeFileReply(file), notModified: notModifiedReply(file.validators) };
      this.byCopy.set(copy.body.bytes, prepared);
      this.replies.add(prepared.whole).add(prepared.notModified);
    }
    return prepared;
  }

  /** Whether a reply is one of these: sent again and again, its bytes are worth keeping. */
  has(reply: Reply): boolean {
    return this.replies.has(reply);
  }
}
