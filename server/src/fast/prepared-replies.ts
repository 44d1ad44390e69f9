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
import type { Exchange } from '../handle-request';
import { PLAIN_GET } from '../decide/file-verdict';
import type { ResolvedTarget } from '../resolve/site';
import { type Representation, represent } from '../respond/representation';
import { notModifiedReply, wholeFileReply } from '../respond/replies';
import type { CachedCopy } from './cached-site';

export interface Prepared {
  readonly file: Representation;
  readonly whole: Reply;
  readonly notModified: Reply;
  /** The whole exchange of a plain GET, per target that reaches this copy (a directory, and its index.html by name). */
  readonly plainGets: Map<ResolvedTarget, Exchange>;
}

export class PreparedReplies {
  private readonly byCopy = new WeakMap<Buffer, Prepared>();
  private readonly replies = new WeakSet<Reply>();

  /** Made on the first request for this copy of the file; the very same objects after. */
  of(copy: CachedCopy): Prepared {
    let prepared = this.byCopy.get(copy.body.bytes);
    if (prepared === undefined) {
      const file = represent(copy);
      const whole = wholeFileReply(file);
      prepared = { file, whole, notModified: notModifiedReply(file.validators), plainGets: new Map() };
      this.byCopy.set(copy.body.bytes, prepared);
      this.replies.add(prepared.whole).add(prepared.notModified);
    }
    return prepared;
  }

  /**
   * The exchange of a plain GET (no condition, no Range) of a cached copy by this target: reply
   * and steps alike are the same every time, so they are made once. Measured in-process (issue
   * 12's note): with the connection's state kept as values, these objects made per request were
   * part of why the redesigned tree allocated 1,710 bytes a request against the old one's 1,460.
   */
  plainGet(prepared: Prepared, copy: CachedCopy, target: ResolvedTarget): Exchange {
    let exchange = prepared.plainGets.get(target);
    if (exchange === undefined) {
      const steps = { target, found: copy, contentType: prepared.file.contentType, verdict: PLAIN_GET };
      exchange = { reply: prepared.whole, steps, file: prepared.file };
      prepared.plainGets.set(target, exchange);
    }
    return exchange;
  }

  /** Whether a reply is one of these: sent again and again, its bytes are worth keeping. */
  has(reply: Reply): boolean {
    return this.replies.has(reply);
  }
}
