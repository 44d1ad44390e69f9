/** The plain Wire: the head as respond/head.ts writes it, dated now, then the body as a buffer of its own. */
import { plainWire } from '../../../src/respond/wire';
import { serializeHead } from '../../../src/respond/head';
import type { Reply } from '../../../src/http/message';

const BODY = Buffer.from('0123456789');
const reply: Reply = {
  status: 200,
  fields: [['Content-Type', 'text/plain']],
  body: { kind: 'bytes', bytes: BODY },
  close: false,
};
const MONDAY = Date.UTC(2026, 10, 23, 22, 47, 20, 500);

describe('plainWire', () => {
  it.each([
    ['with the body: the head, then the very body (not a copy)', BODY, 2],
    ['without it (HEAD, or a file streamed after): the head alone', undefined, 1],
  ])('%s', (_name, body, count) => {
    const buffers = plainWire.encode(reply, { now: MONDAY, connection: 'close' }, body);
    const head = serializeHead(reply, { date: 'Mon, 23 Nov 2026 22:47:20 GMT', connection: 'close' });
    expect(buffers).toHaveLength(count);
    expect(buffers[0]?.toString('latin1')).toBe(head);
    if (body !== undefined) expect(buffers[1]).toBe(body);
  });

  it('makes the bytes anew for every reply: nothing is kept', () => {
    const [first] = plainWire.encode(reply, { now: MONDAY, connection: undefined }, undefined);
    const [second] = plainWire.encode(reply, { now: MONDAY, connection: undefined }, undefined);
    expect(second).not.toBe(first);
    expect(second?.equals(first ?? Buffer.alloc(0))).toBe(true);
  });
});
