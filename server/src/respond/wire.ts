/**
 * What goes on the wire for a reply: its head (respond/head.ts) and, when given, a small body
 * to send with it, as the buffers to write in order. The connection's writer asks a `Wire` for
 * them; this plain one formats the head anew every time. The fast path keeps the bytes of a
 * reply it sends again and again (fast/wire-memo.ts).
 */
import type { Reply } from '../http/message';
import { formatHttpDate } from '../http/dates';
import { type Framing, serializeHead } from './head';

/** A head's framing (respond/head.ts), with the clock in place of the Date it becomes. */
export interface WireFraming extends Omit<Framing, 'date'> {
  /** The clock, ms: the Date field says it (RFC 9110 §6.6.1). */
  readonly now: number;
}

export interface Wire {
  /** The head, then `body` when given (a reply's own bytes; none for HEAD or a file streamed after). */
  encode(reply: Reply, framing: WireFraming, body: Buffer | undefined): readonly Buffer[];
}

export const plainWire: Wire = {
  encode: (reply, { now, connection, idleTimeout }, body) => {
    const framing = { date: formatHttpDate(now), connection, idleTimeout };
    const head = Buffer.from(serializeHead(reply, framing), 'latin1');
    return body === undefined ? [head] : [head, body];
  },
};
