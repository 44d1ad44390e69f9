/**
 * Listings as data over real sockets (--listing): HTML by default, JSON for a client that
 * prefers it, Vary: Accept on both, and validators that revalidate (304), on either path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type ParsedResponse, get, onlyResponse, rawExchange } from '../support/raw-client';
import { FIXTURE_SITE, type TestServer, startTestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => (server = await startTestServer({ listing: true })));
afterAll(() => server.stop());

const ask = async (...fields: string[]): Promise<ParsedResponse> =>
  onlyResponse(await rawExchange(server.port, get('/noindex/', ...fields)));

describe('a listing, by Accept (RFC 9110 §12.5.1)', () => {
  it.each([
    ['no Accept', [], 'text/html'],
    ['Accept: */*, as curl sends', ['Accept: */*'], 'text/html'],
    ["a browser's Accept", ['Accept: text/html,application/xhtml+xml,*/*;q=0.8'], 'text/html'],
    ['Accept: application/json', ['Accept: application/json'], 'application/json'],
    ['JSON weighed above HTML', ['Accept: text/html;q=0.5, application/json'], 'application/json'],
    ['Accept: image/png, neither: the page', ['Accept: image/png'], 'text/html'],
  ])('%s → %s, with Vary: Accept', async (_title, fields, type) => {
    const response = await ask(...fields);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain(type);
    expect(response.headers.vary).toBe('Accept');
  });

  it('JSON names each entry, with its type, size and modification time; dotfiles stay out', async () => {
    const response = await ask('Accept: application/json');
    const stat = fs.statSync(path.join(FIXTURE_SITE, 'noindex', 'a.txt'));
    expect(JSON.parse(response.body.toString())).toEqual({
      path: '/noindex/',
      entries: [
        { name: 'inner', type: 'directory', size: null, modified: expect.any(String) },
        { name: 'a.txt', type: 'file', size: 2, modified: new Date(Math.floor(stat.mtimeMs)).toISOString() },
      ],
    });
  });
});

describe('a listing revalidates (RFC 9110 §13.2.2)', () => {
  it.each([['Accept: application/json'], ['Accept: text/html']])(
    "%s: its own ETag gets 304, with Vary; the other format's gets 200",
    async (accept) => {
      const other = accept.includes('json') ? 'Accept: text/html' : 'Accept: application/json';
      const first = await ask(accept);
      const again = await ask(accept, `If-None-Match: ${first.headers.etag ?? ''}`);
      expect([again.status, again.headers.etag, again.headers.vary]).toEqual([
        304,
        first.headers.etag,
        'Accept',
      ]);
      const crossed = await ask(other, `If-None-Match: ${first.headers.etag ?? ''}`);
      expect(crossed.status).toBe(200);
    },
  );

  it('If-Modified-Since its Last-Modified: 304', async () => {
    const first = await ask();
    const again = await ask(`If-Modified-Since: ${first.headers['last-modified'] ?? ''}`);
    expect(again.status).toBe(304);
  });
});
