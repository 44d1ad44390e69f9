/** The fast path's Wire: a prepared reply's bytes kept for the second, always exactly head then body. */
import { JOIN_LIMIT_BYTES, KEPT_JOIN_LIMIT_BYTES, WireMemo } from '../../../src/fast/wire-memo';
import { serializeHead } from '../../../src/respond/head';
import type { Reply } from '../../../src/http/message';
import type { WireFraming } from '../../../src/respond/wire';

const BODY = Buffer.from('0123456789');
const prepared: Reply = { status: 200, fields: [], body: { kind: 'bytes', bytes: BODY }, close: false };
const plain: Reply = { ...prepared };
const MONDAY = Date.UTC(2026, 10, 23, 22, 47, 20);
const AT: WireFraming = { now: MONDAY, connection: undefined };
const memo = () => new WireMemo((reply) => reply === prepared);
const text = (buffers: readonly Buffer[]) => Buffer.concat(buffers).toString('latin1');

describe('WireMemo', () => {
  it.each([
    ['with the body', BODY],
    ['without it (HEAD, or a body sent apart)', undefined],
  ])('is the serialized head, %s', (_name, body) => {
    const expected = serializeHead(prepared, {
      date: 'Mon, 23 Nov 2026 22:47:20 GMT',
      connection: undefined,
    });
    const wire = memo();
    expect(text(wire.encode(prepared, AT, body))).toBe(expected + (body?.toString('latin1') ?? ''));
    expect(text(wire.encode(plain, AT, body))).toBe(expected + (body?.toString('latin1') ?? ''));
  });

  it.each<[string, Reply, WireFraming, Buffer | undefined, boolean]>([
    [
      'a prepared reply, the same second, the same Connection: the very same bytes',
      prepared,
      { ...AT, now: MONDAY + 999 },
      BODY,
      true,
    ],
    ['a second later: made anew (the Date changed)', prepared, { ...AT, now: MONDAY + 1000 }, BODY, false],
    ['Connection: close instead: made anew', prepared, { ...AT, connection: 'close' }, BODY, false],
    ['another Keep-Alive timeout: made anew', prepared, { ...AT, idleTimeout: 9 }, BODY, false],
    ['the head alone: made anew', prepared, AT, undefined, false],
    ['a reply that is not prepared: never kept', plain, AT, BODY, false],
  ])('%s', (_name, reply, framing, body, same) => {
    const wire = memo();
    const [first] = wire.encode(reply, AT, BODY);
    const [again] = wire.encode(reply, framing, body);
    expect(again === first).toBe(same);
  });

  it('formats the Date once a second, going back in time too', () => {
    const wire = memo();
    const dateOf = (now: number) =>
      /Date: ([^\r]+)/.exec(text(wire.encode(plain, { ...AT, now }, undefined)))?.[1];
    expect([dateOf(MONDAY + 10), dateOf(MONDAY + 1000), dateOf(MONDAY - 1)]).toEqual([
      'Mon, 23 Nov 2026 22:47:20 GMT',
      'Mon, 23 Nov 2026 22:47:21 GMT',
      'Mon, 23 Nov 2026 22:47:19 GMT',
    ]);
  });

  it.each<[string, number, number, Reply]>([
    ['a prepared reply, the largest joined body', KEPT_JOIN_LIMIT_BYTES, 1, prepared],
    ['a prepared reply, one byte more', KEPT_JOIN_LIMIT_BYTES + 1, 2, prepared],
    ['a reply made for one response, the largest joined body', JOIN_LIMIT_BYTES, 1, plain],
    ['a reply made for one response, one byte more', JOIN_LIMIT_BYTES + 1, 2, plain],
  ])('%s: %i bytes leave in %i buffer(s), head first', (_name, size, buffers, reply) => {
    const body = Buffer.alloc(size, 'x');
    const encoded = memo().encode(reply, AT, body);
    expect(encoded).toHaveLength(buffers);
    expect(Buffer.concat(encoded).subarray(-size).equals(body)).toBe(true);
    if (buffers === 2) expect(encoded[1]).toBe(body); // the body itself, not a copy
  });

  it('a body sent apart: the head alone is kept', () => {
    const big = Buffer.alloc(KEPT_JOIN_LIMIT_BYTES + 1, 'x');
    const wire = memo();
    const [head] = wire.encode(prepared, AT, big);
    expect(wire.encode(prepared, AT, big)[0]).toBe(head);
  });

  it("only this second's bytes are kept: the last second's go when the next begins", () => {
    const other: Reply = { ...prepared };
    const wire = new WireMemo((reply) => reply === prepared || reply === other);
    wire.encode(prepared, AT, BODY);
    wire.encode(other, AT, BODY);
    wire.encode(plain, AT, BODY);
    const kept = wire.keptReplies;
    wire.encode(prepared, { ...AT, now: MONDAY + 1000 }, BODY);
    expect([kept, wire.keptReplies]).toEqual([2, 1]);
  });
});
