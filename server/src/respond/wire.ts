/**
 * The bytes of a response, head and small body together, as they go on the wire. A prepared
 * reply (a cached file's, see representation.ts) gives the same bytes to every request in the
 * same second with the same Connection value, so it keeps the last ones it made: a busy file
 * is then written from one buffer, with no head to build and no body to copy.
 */
import type { Reply } from '../http/message';
import { type Framing, headWithLines, serializeHead } from './head';

interface Made {
  readonly date: string;
  readonly connection: Framing['connection'];
  readonly body: Buffer | undefined;
  readonly bytes: Buffer;
}

const lastMade = new WeakMap<Reply, Made>();

/** The head, followed by `body` if given (the reply's own small body; none for HEAD or a body sent apart). */
export function wireBytes(reply: Reply, framing: Framing, body: Buffer | undefined): Buffer {
  const prepared = reply.fieldLines !== undefined;
  const made = prepared ? lastMade.get(reply) : undefined;
  if (
    made !== undefined &&
    made.date === framing.date &&
    made.connection === framing.connection &&
    made.body === body
  )
    return made.bytes;
  const head = prepared
    ? headWithLines(reply.status, reply.fieldLines, framing)
    : serializeHead(reply.status, reply.fields, framing);
  const bytes = joinHeadAndBody(head, body);
  if (prepared) lastMade.set(reply, { date: framing.date, connection: framing.connection, body, bytes });
  return bytes;
}

function joinHeadAndBody(head: string, body: Buffer | undefined): Buffer {
  const bytes = Buffer.allocUnsafe(head.length + (body?.length ?? 0));
  bytes.write(head, 0, 'latin1');
  body?.copy(bytes, head.length);
  return bytes;
}
