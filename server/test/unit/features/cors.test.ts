/** --cors: which requests are preflights (Fetch "CORS-preflight request"), their answer, and the fields on every other reply. */
import { PREFLIGHT_MAX_AGE_S, corsLayer, preflightOf, preflightReply } from '../../../src/features/cors';
import type { Exchange } from '../../../src/handle-request';
import { OpenFiles } from '../../../src/resolve/open-files';
import { nodeFileSystem } from '../../../src/resolve/file-system';
import { optionsReply } from '../../../src/respond/replies';
import { requestOf, head } from '../support/wire';

const ORIGIN = 'Origin: https://app.example';
const files = new OpenFiles(nodeFileSystem);

function ask(method: string, ...fields: string[]) {
  return requestOf(head(`${method} /a HTTP/1.1`, 'Host: a', ...fields));
}

describe('preflightOf', () => {
  it.each([
    [
      'OPTIONS with Origin and the method',
      ['OPTIONS', ORIGIN, 'Access-Control-Request-Method: PUT'],
      'PUT',
      [],
    ],
    [
      'and the headers asked for, as given',
      [
        'OPTIONS',
        ORIGIN,
        'Access-Control-Request-Method: GET',
        'Access-Control-Request-Headers: x-b, Content-Type',
      ],
      'GET',
      ['x-b', 'Content-Type'],
    ],
    [
      'header names that are not tokens are left out',
      [
        'OPTIONS',
        ORIGIN,
        'Access-Control-Request-Method: GET',
        'Access-Control-Request-Headers: x-a, b(c), , x y',
      ],
      'GET',
      ['x-a'],
    ],
    [
      'two Access-Control-Request-Headers lines are one list',
      [
        'OPTIONS',
        ORIGIN,
        'Access-Control-Request-Method: GET',
        'Access-Control-Request-Headers: x-a',
        'Access-Control-Request-Headers: x-b',
      ],
      'GET',
      ['x-a', 'x-b'],
    ],
    [
      'Origin: null (a sandboxed page) is an origin too',
      ['OPTIONS', 'Origin: null', 'Access-Control-Request-Method: GET'],
      'GET',
      [],
    ],
  ])('a preflight: %s', (_name, [method = '', ...fields], asked, headers) => {
    expect(preflightOf(ask(method, ...fields))).toEqual({
      origin: expect.any(String),
      method: asked,
      headers,
    });
  });

  it.each([
    ['a plain OPTIONS', ['OPTIONS']],
    ['OPTIONS with Origin only', ['OPTIONS', ORIGIN]],
    ['OPTIONS with the method but no Origin', ['OPTIONS', 'Access-Control-Request-Method: GET']],
    [
      'a requested method that is not a token',
      ['OPTIONS', ORIGIN, 'Access-Control-Request-Method: GET, PUT'],
    ],
    ['an empty requested method', ['OPTIONS', ORIGIN, 'Access-Control-Request-Method:']],
    ['a GET with both fields', ['GET', ORIGIN, 'Access-Control-Request-Method: GET']],
  ])('not a preflight: %s', (_name, [method = '', ...fields]) => {
    expect(preflightOf(ask(method, ...fields))).toBeUndefined();
  });
});

describe('preflightReply', () => {
  it.each([
    [
      'with headers asked for: echoed, and Vary says the answer depends on them',
      ['x-a', 'content-type'],
      [['Access-Control-Allow-Headers', 'x-a, content-type']],
    ],
    ['without: no Access-Control-Allow-Headers', [], []],
  ])('%s', (_name, headers, allowHeaders) => {
    expect(preflightReply({ origin: 'https://app.example', method: 'GET', headers })).toEqual({
      status: 204,
      fields: [
        ['Allow', 'GET, HEAD, OPTIONS'],
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS'],
        ...allowHeaders,
        ['Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S)],
        ['Vary', 'Access-Control-Request-Headers'],
      ],
      close: false,
    });
  });
});

describe('corsLayer', () => {
  const plain: Exchange = { reply: optionsReply(), steps: {} };
  const inner = jest.fn(() => plain);
  const answer = corsLayer()(inner);

  beforeEach(() => inner.mockClear());

  it.each([
    ['GET without Origin (not a CORS request: Fetch §3.2.5)', ask('GET')],
    ['GET with Origin', ask('GET', ORIGIN)],
    ['a plain OPTIONS', ask('OPTIONS')],
  ])(
    '%s: the answer inside, at once, with Allow-Origin * and Expose-Headers *, no Vary',
    (_name, request) => {
      const answered = answer(request, files, Date.now()) as Exchange;
      expect(inner).toHaveBeenCalledTimes(1);
      expect(answered.reply.fields).toEqual([
        ['Allow', 'GET, HEAD, OPTIONS'],
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Expose-Headers', '*'],
      ]);
      expect(answered.steps.notes).toEqual([
        expect.stringMatching(/^cors: Access-Control-Allow-Origin: \* on every reply/),
      ]);
    },
  );

  it.each([
    ['GET', 'cors: a preflight from https://app.example for GET → 204, methods GET, HEAD, OPTIONS'],
    [
      'DELETE',
      'cors: a preflight from https://app.example for DELETE → 204, methods GET, HEAD, OPTIONS (DELETE is not among them)',
    ],
  ])('answers a preflight for %s itself, and the trace says so', (method, note) => {
    const answered = answer(
      ask('OPTIONS', ORIGIN, `Access-Control-Request-Method: ${method}`),
      files,
      Date.now(),
    ) as Exchange;
    expect(inner).not.toHaveBeenCalled();
    expect(answered.reply.status).toBe(204);
    expect(answered.steps.notes).toEqual([note]);
  });
});
