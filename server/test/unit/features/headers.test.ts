/** --header: what may be sent (RFC 9110 §5.1, §5.5), what the server keeps for itself, and the layer that sends it. */
import { fieldValueProblem, headersLayer, readHeaderOption } from '../../../src/features/headers';
import type { Exchange } from '../../../src/handle-request';
import type { Reply } from '../../../src/http/message';
import { OpenFiles } from '../../../src/resolve/open-files';
import { nodeFileSystem } from '../../../src/resolve/file-system';
import { requestOf, head } from '../support/wire';

describe('readHeaderOption', () => {
  it.each([
    ['X-Frame-Options: DENY', ['X-Frame-Options', 'DENY']],
    ['x-lower:value', ['x-lower', 'value']],
    ['  X-A:   spaced  out \t', ['X-A', 'spaced  out']],
    ['X-Tab: a\tb', ['X-Tab', 'a\tb']],
    ['X-Empty:', ['X-Empty', '']],
    ['X-Colons: a:b:c', ['X-Colons', 'a:b:c']],
    ["X-Token!#$%&'*+-.^_`|~: 1", ["X-Token!#$%&'*+-.^_`|~", '1']],
    ['Cache-Control: max-age=3600', ['Cache-Control', 'max-age=3600']],
    ['Access-Control-Allow-Origin: https://a.example', ['Access-Control-Allow-Origin', 'https://a.example']],
    ['constructor: not a table key', ['constructor', 'not a table key']],
  ])('%j → the field %j', (given, field) => {
    expect(readHeaderOption(given)).toEqual({ field });
  });

  it.each([
    ['X-Frame-Options DENY', 'must be "Name: value"'],
    [': no name', 'the name must be a token'],
    ['X A: space in the name', 'the name must be a token'],
    ['X-A : space before the colon', 'the name must be a token, with no space before the colon'],
    ['X(A): a separator', 'the name must be a token'],
    ['X-A: a\r\nInjected: yes', 'the value holds a CR, LF or NUL'],
    ['X-A: a\nb', 'the value holds a CR, LF or NUL'],
    ['X-A: a\0b', 'the value holds a CR, LF or NUL'],
    ['X-A: bell\x07', 'the value holds a control character'],
    ['X-A: del\x7f', 'the value holds a control character'],
    ['X-A: café', 'the value must be ASCII'],
    ['Content-Length: 5', 'cannot be set: the server writes it from each reply (framing'],
    ['transfer-encoding: chunked', 'cannot be set: the server writes it from each reply (framing'],
    ['Connection: close', 'cannot be set: it is about the connection'],
    ['Keep-Alive: timeout=5', 'cannot be set: it is about the connection'],
    ['Upgrade: h2c', 'cannot be set: it is about the connection'],
    ['Date: today', 'cannot be set: the server writes it on every reply'],
    ['Server: mine', 'cannot be set: the server writes it on every reply'],
    ['Content-Type: text/plain', 'cannot be set: the server writes it for each reply'],
    ['ETag: "x"', 'cannot be set: the server writes it for each reply'],
    ['Vary: Cookie', 'cannot be set: the server writes it for each reply'],
  ])('refuses %j: %s', (given, why) => {
    const reading = readHeaderOption(given);
    expect(reading).toEqual({ problem: expect.stringContaining(why) });
    expect('problem' in reading && reading.problem).toContain(JSON.stringify(given));
    expect('problem' in reading && reading.problem.includes('\n')).toBe(false);
  });

  it.each([
    ['', 'none'],
    ['visible ASCII, SP and HTAB', 'none'],
    ['\x1f', 'holds a control character (RFC 9110 §5.5)'],
    ['\xa0', 'must be ASCII'],
  ])('fieldValueProblem(%j): %s', (value, problem) => {
    expect(fieldValueProblem(value) ?? 'none').toBe(problem);
  });
});

describe('headersLayer', () => {
  const reply: Reply = {
    status: 200,
    fields: [
      ['Content-Type', 'text/plain'],
      ['Cache-Control', 'no-cache'],
    ],
    body: { kind: 'bytes', bytes: Buffer.from('x') },
    close: false,
  };
  const exchange: Exchange = { reply, steps: {} };
  const request = requestOf(head('GET /a HTTP/1.1', 'Host: a'));
  const files = new OpenFiles(nodeFileSystem);
  const layer = headersLayer([
    ['cache-control', 'max-age=60'],
    ['Link', '</a>'],
    ['Link', '</b>'],
  ]);

  it('adds its fields, replacing the one of the same name the server set, whatever its case', () => {
    const answered = layer(() => exchange)(request, files, Date.now()) as Exchange;
    expect(answered.reply.fields).toEqual([
      ['Content-Type', 'text/plain'],
      ['cache-control', 'max-age=60'],
      ['Link', '</a>'],
      ['Link', '</b>'],
    ]);
    expect(answered.steps.notes).toEqual([
      "headers: cache-control, Link, Link set by --header, in place of the server's own",
    ]);
    expect(reply.fields).toHaveLength(2); // the reply it was given is left as it was
  });

  it.each([
    ['an answer that is ready stays ready (no promise)', () => exchange, false],
    ['an answer that comes later comes later', () => Promise.resolve(exchange), true],
  ])('%s', async (_name, inner, later) => {
    const answered = layer(inner)(request, files, Date.now());
    expect(answered instanceof Promise).toBe(later);
    expect((await answered).reply.fields).toContainEqual(['Link', '</a>']);
  });
});
