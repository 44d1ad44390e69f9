/**
 * The fast path's `Wire` (respond/wire.ts): a prepared reply (prepared-replies.ts) gives the
 * same bytes to every request in the same second with the same Connection and Keep-Alive, so the last
 * bytes made for it are kept, and a busy file is written from one buffer, with no head to build
 * and no body to copy. The Date is formatted once a second, and a small body leaves joined to
 * its head in one write.
 *
 * Measured (bench/README.md, "What we learned from profiling", step 3): building the head and
 * joining it to the body on every response, against keeping them per reply for the second: a
 * 1 KiB file went from 34 k to 38-42 k req/s, at 24-26 µs of CPU a request. And ("Large files
 * from memory"): a kept 64 KiB reply joined to its head, against head and body in one writev
 * (Node's cork, uncork and _writev on every response): 19-25 → 14-20 µs of user CPU a request.
 *
 * Only this second's bytes are kept (the Date changes every second), so the copies a join
 * makes are at most those of the replies sent in the last second.
 */
import type { Reply } from '../http/message';
import { formatHttpDate } from '../http/dates';
import { type Framing, serializeHead } from '../respond/head';
import type { Wire, WireFraming } from '../respond/wire';
import { MAX_CACHED_FILE_BYTES } from './file-cache';

/** Up to this size a body is copied after its head on every response (one write); past it, copying costs more than a writev. */
export const JOIN_LIMIT_BYTES = 16 * 1024;
/** A kept reply's body is joined up to this size (a small cached file's): copied once a second, not once a response. */
export const KEPT_JOIN_LIMIT_BYTES = MAX_CACHED_FILE_BYTES;

/** A kept reply's bytes: made in this second (the map is emptied when it changes), for this Connection and Keep-Alive. */
interface Made extends Omit<Framing, 'date'> {
  readonly body: Buffer | undefined;
  readonly buffers: readonly [Buffer];
}

/** Whether kept bytes are those this reply needs now: the same Connection and Keep-Alive, the same body joined. */
function sameBytes(made: Made, framing: WireFraming, joined: Buffer | undefined): boolean {
  return (
    made.connection === framing.connection && made.idleTimeout === framing.idleTimeout && made.body === joined
  );
}

export class WireMemo implements Wire {
  private second = -1;
  private date = '';
  /** This second's bytes of each kept reply: emptied when the second changes. */
  private readonly thisSecond = new Map<Reply, Made>();

  /** `worthKeeping`: the replies sent again and again (the prepared ones); the others are made anew each time. */
  constructor(private readonly worthKeeping: (reply: Reply) => boolean) {}

  encode(reply: Reply, framing: WireFraming, body: Buffer | undefined): readonly Buffer[] {
    this.turnTo(framing.now);
    // Only a reply worth keeping is ever in the map, so one found there needs no second lookup: 3 %
    // of our JavaScript a cached GET (bench/README.md, "Two lookups and two clock reads fewer").
    const made = this.thisSecond.get(reply);
    const keep = made !== undefined || this.worthKeeping(reply);
    const join = body !== undefined && body.length <= (keep ? KEPT_JOIN_LIMIT_BYTES : JOIN_LIMIT_BYTES);
    const joined = join ? body : undefined;
    const bytes =
      made !== undefined && sameBytes(made, framing, joined)
        ? made.buffers
        : this.make(reply, keep, framing, joined);
    return join || body === undefined ? bytes : [bytes[0], body];
  }

  /** The head, and `joined` after it in the same buffer; kept for the rest of the second if `keep`. */
  private make(
    reply: Reply,
    keep: boolean,
    framing: WireFraming,
    joined: Buffer | undefined,
  ): readonly [Buffer] {
    const { date } = this;
    const { connection, idleTimeout } = framing;
    const head = serializeHead(reply, { date, connection, idleTimeout });
    const bytes = Buffer.allocUnsafe(head.length + (joined?.length ?? 0));
    bytes.write(head, 0, 'latin1');
    joined?.copy(bytes, head.length);
    const buffers = [bytes] as const;
    if (keep) this.thisSecond.set(reply, { connection, idleTimeout, body: joined, buffers });
    return buffers;
  }

  /** How many replies' bytes are kept now (for the tests of the bound). */
  get keptReplies(): number {
    return this.thisSecond.size;
  }

  /** The Date value of every response (RFC 9110 §6.6.1), formatted once per second; the kept bytes of the last second go. */
  private turnTo(now: number): void {
    const second = Math.floor(now / 1000);
    if (second === this.second) return;
    this.second = second;
    this.date = formatHttpDate(second * 1000);
    this.thisSecond.clear();
  }
}
