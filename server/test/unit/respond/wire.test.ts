/** The bytes on the wire: made once per second for a prepared reply, always exactly head then body. */
import { wireBytes } from '../../../src/respond/wire';
import { serializeFields, serializeHead } from '../../../src/respond/head';
import type { Reply } from '../../../src/http/message';

const BODY = Buffer.from('0123456789');
const fields = [['Content-Length', '10']] as const;
const plain: Reply = {
  status: 200,
  fields,
  contentLength: 10,
  body: { kind: 'bytes', bytes: BODY },
  close: false,
};
const prepared: Reply = { ...plain, fieldLines: serializeFields(fields) };
const MONDAY = { date: 'Mon, 23 Nov 2026 22:47:20 GMT', connection: undefined };
const A_SECOND_LATER = { ...MONDAY, date: 'Mon, 23 Nov 2026 22:47:21 GMT' };

describe('wireBytes', () => {
  it.each([
    ['with the body', BODY],
    ['without it (HEAD, or a body sent apart)', undefined],
  ])('is the serialized head, %s', (_name, body) => {
    const expected = serializeHead(200, fields, MONDAY) + (body?.toString('latin1') ?? '');
    expect(wireBytes(prepared, MONDAY, body).toString('latin1')).toBe(expected);
    expect(wireBytes(plain, MONDAY, body).toString('latin1')).toBe(expected);
  });

  it.each<[string, Reply, Parameters<typeof wireBytes>[1], Buffer | undefined, boolean]>([
    ['a prepared reply, same second, same Connection: the very same bytes', prepared, MONDAY, BODY, true],
    ['a second later: made anew (Date changed)', prepared, A_SECOND_LATER, BODY, false],
    ['Connection: close instead: made anew', prepared, { ...MONDAY, connection: 'close' }, BODY, false],
    ['the head alone: made anew', prepared, MONDAY, undefined, false],
    ['a reply that is not prepared: never remembered', plain, MONDAY, BODY, false],
  ])('%s', (_name, reply, framing, body, same) => {
    const first = wireBytes(reply, MONDAY, BODY);
    expect(wireBytes(reply, framing, body) === first).toBe(same);
  });
});
