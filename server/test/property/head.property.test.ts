/**
 * Properties of serializeHead (issue 5): a serialised response head always parses back, with
 * a strict reader (support/response-head.ts); and a field that could split the response is
 * never written.
 */
import fc from 'fast-check';
import { STATUS, type StatusCode } from '../../src/http/status';
import type { FieldList, Reply } from '../../src/http/message';
import { type Framing, serializeHead } from '../../src/respond/head';
import { fieldValue, token } from './support/arbitraries';
import { parseResponseHead } from './support/response-head';

const RUNS = { numRuns: 300 };
const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';

const status = fc.constantFrom(
  ...(Object.keys(STATUS)
    .map(Number)
    .filter((code) => code !== 100) as StatusCode[]),
);
const name = token(16); // field-name = token (RFC 9110 §5.1)
const value = fieldValue(32);
/** A reply's own fields: never a framing field, which respond/head.ts alone writes. */
const FRAMING = ['content-length', 'transfer-encoding', 'connection', 'date', 'server'];
const ownName = name.filter((n) => !FRAMING.includes(n.toLowerCase()));
const fields = fc.array(fc.tuple(ownName, value), { maxLength: 12 });
const body = fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined });
/** A reply with these fields: content for a status that has it, none for 204 and 304. */
const replyOf = (code: StatusCode, given: FieldList, content: Uint8Array | undefined): Reply =>
  code === 204 || code === 304
    ? { status: code, fields: given, close: false }
    : ({
        status: code,
        fields: given,
        body: { kind: 'bytes', bytes: Buffer.from(content ?? []) },
        close: false,
      } as Reply);
const connection = fc.constantFrom<Framing['connection']>(undefined, 'close', 'keep-alive');

describe('serializeHead', () => {
  it('writes a head that parses back to the same status, reason and fields, in order', () => {
    fc.assert(
      fc.property(status, fields, connection, body, (code, given, conn, content) => {
        const parsed = parseResponseHead(
          serializeHead(replyOf(code, given, content), { date: DATE, connection: conn }),
        );
        const hasContent = code !== 204 && code !== 304;
        const expected = [
          ['Date', DATE],
          ['Server', 'webserver-lab'],
          ...given,
          ...(hasContent ? [['Content-Length', String(content?.length ?? 0)]] : []),
          ...(conn === undefined ? [] : [['Connection', conn]]),
        ];
        expect(parsed).toEqual({
          status: code,
          reason: STATUS[code].reason,
          fields: expected.map(([n = '', v = '']) => ({ name: n.toLowerCase(), value: v })),
        });
      }),
      RUNS,
    );
  });

  it('refuses a value holding CR, LF or NUL anywhere (CWE-113, RFC 9110 §5.5)', () => {
    const unsafe = fc
      .tuple(value, fc.constantFrom('\r', '\n', '\r\n', '\x00'), value)
      .map(([a, bad, b]) => a + bad + b);
    fc.assert(
      fc.property(status, name, unsafe, (code, n, v) => {
        expect(() =>
          serializeHead(replyOf(code, [[n, v]], undefined), { date: DATE, connection: undefined }),
        ).toThrow(/unsafe response field/);
      }),
      RUNS,
    );
  });

  it('refuses a name that is not a token', () => {
    const notToken = fc
      .tuple(name, fc.constantFrom(' ', ':', '\r\n', '(', '"', '\x00', '\xe9', ''), name)
      .map(([a, bad, b]) => (bad === '' ? '' : a + bad + b));
    fc.assert(
      fc.property(status, notToken, value, (code, n, v) => {
        expect(() =>
          serializeHead(replyOf(code, [[n, v]], undefined), { date: DATE, connection: undefined }),
        ).toThrow(/unsafe response field/);
      }),
      RUNS,
    );
  });
});
