/**
 * Validators, conditional requests (RFC 9110 §13) and ranges (§14) over a real socket, on
 * nums.txt = "0123456789", whose every byte range is easy to read.
 */
import { errorPage } from '../../src/respond/pages';
import { get, onlyResponse, rawExchange, request } from '../support/raw-client';
import { type TestServer, startTestServer } from '../support/test-server';

/** Rows written as [what, how, status], passed on as [what, status, how]: the title prints the status, not the function. */
function byStatus<How>(rows: ReadonlyArray<readonly [string, How, number]>): Array<[string, number, How]> {
  return rows.map(([name, how, status]) => [name, status, how]);
}

let server: TestServer;
let etag: string;
let lastModified: string;

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetchNums();
  etag = res.headers.etag ?? '';
  lastModified = res.headers['last-modified'] ?? '';
});
afterAll(() => server.stop());

async function fetchNums(...headers: string[]) {
  return onlyResponse(await rawExchange(server.port, get('/nums.txt', ...headers)));
}

const LONG_AGO = 'Sat, 01 Jan 2000 00:00:00 GMT';
const FAR_FUTURE = 'Fri, 01 Jan 2100 00:00:00 GMT';

describe('validators', () => {
  it('sends a strong quoted ETag, Last-Modified, Accept-Ranges and Cache-Control: no-cache', async () => {
    const res = await fetchNums();
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers['last-modified']).toMatch(/ GMT$/);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});

describe('conditional requests in RFC 9110 §13.2.2 order', () => {
  it.each(
    byStatus([
      ['If-None-Match with the current tag', () => [`If-None-Match: ${etag}`], 304],
      ['If-None-Match with the tag in a list', () => [`If-None-Match: "other", ${etag}`], 304],
      ['If-None-Match with the weak form of the tag', () => [`If-None-Match: W/${etag}`], 304],
      ['If-None-Match: *', () => ['If-None-Match: *'], 304],
      ['If-None-Match with another tag', () => ['If-None-Match: "other"'], 200],
      ['If-Modified-Since equal to Last-Modified', () => [`If-Modified-Since: ${lastModified}`], 304],
      ['If-Modified-Since in the future', () => [`If-Modified-Since: ${FAR_FUTURE}`], 304],
      ['If-Modified-Since long ago', () => [`If-Modified-Since: ${LONG_AGO}`], 200],
      ['If-Modified-Since that is not a date', () => ['If-Modified-Since: yesterday'], 200],
      [
        'If-Modified-Since ignored when If-None-Match is present',
        () => ['If-None-Match: "other"', `If-Modified-Since: ${FAR_FUTURE}`],
        200,
      ],
      ['If-Match with the current tag', () => [`If-Match: ${etag}`], 200],
      ['If-Match: *', () => ['If-Match: *'], 200],
      ['If-Match with another tag', () => ['If-Match: "other"'], 412],
      ['If-Match with the weak form (never a strong match)', () => [`If-Match: W/${etag}`], 412],
      ['If-Unmodified-Since long ago', () => [`If-Unmodified-Since: ${LONG_AGO}`], 412],
      ['If-Unmodified-Since in the future', () => [`If-Unmodified-Since: ${FAR_FUTURE}`], 200],
      [
        'If-Unmodified-Since ignored when If-Match is present',
        () => [`If-Match: ${etag}`, `If-Unmodified-Since: ${LONG_AGO}`],
        200,
      ],
      [
        'If-Match failing before If-None-Match is looked at',
        () => ['If-Match: "other"', `If-None-Match: ${etag}`],
        412,
      ],
    ]),
  )('%s → %i', async (_name, status, headers) => {
    const res = await fetchNums(...headers());
    expect(res.status).toBe(status);
    if (status === 304) {
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['content-length']).toBeUndefined();
    }
  });

  it('answers HEAD with If-None-Match with 304 too', async () => {
    const res = onlyResponse(
      await rawExchange(server.port, request('HEAD', '/nums.txt', `If-None-Match: ${etag}`)),
      true,
    );
    expect(res.status).toBe(304);
  });
});

describe('ranges', () => {
  it.each([
    ['bytes=2-5', 'bytes 2-5/10', '2345'],
    ['bytes=7-', 'bytes 7-9/10', '789'],
    ['bytes=-3', 'bytes 7-9/10', '789'],
    ['bytes=-30', 'bytes 0-9/10', '0123456789'],
    ['bytes=8-100', 'bytes 8-9/10', '89'],
    ['bytes=0-0', 'bytes 0-0/10', '0'],
    ['bytes=20-, 1-1', 'bytes 1-1/10', '1'],
  ])('%s → 206 %s "%s"', async (range, contentRange, body) => {
    const res = await fetchNums(`Range: ${range}`);
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(contentRange);
    expect(res.headers['content-length']).toBe(String(body.length));
    expect(res.body.toString()).toBe(body);
  });

  it.each(['bytes=10-', 'bytes=-0', 'bytes=100-200'])(
    '%s → 416 with Content-Range: bytes */10 and no file bytes, only the 416 page',
    async (range) => {
      const res = await fetchNums(`Range: ${range}`);
      expect(res.status).toBe(416);
      expect(res.headers['content-range']).toBe('bytes */10');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString()).not.toContain('0123456789');
      expect(res.body.equals(errorPage(416))).toBe(true);
    },
  );

  it.each(['bytes=5-2', 'bytes=abc', 'lines=1-2', 'bytes=0-1,0-9,0-9'])(
    '%s is ignored: 200 with the whole file',
    async (range) => {
      const res = await fetchNums(`Range: ${range}`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('0123456789');
    },
  );

  it('sends several ranges as multipart/byteranges (RFC 9110 §14.6)', async () => {
    const res = await fetchNums('Range: bytes=0-1,5-6');
    expect(res.status).toBe(206);
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(res.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeDefined();
    expect(res.body.toString()).toBe(
      [
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        'Content-Range: bytes 0-1/10',
        '',
        '01',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        'Content-Range: bytes 5-6/10',
        '',
        '56',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  it.each(
    byStatus([
      ['the current ETag', () => etag, 206],
      ['a stale ETag', () => '"stale"', 200],
      ['a weak ETag', () => `W/${etag}`, 200],
      ['the Last-Modified date', () => lastModified, 206],
      ['another date', () => LONG_AGO, 200],
    ]),
  )('If-Range with %s → %i', async (_name, status, validator) => {
    const res = await fetchNums('Range: bytes=0-1', `If-Range: ${validator()}`);
    expect(res.status).toBe(status);
    expect(res.body.toString()).toBe(status === 206 ? '01' : '0123456789');
  });

  it('ignores Range on HEAD (RFC 9110 §14.2: defined for GET only)', async () => {
    const res = onlyResponse(
      await rawExchange(server.port, request('HEAD', '/nums.txt', 'Range: bytes=0-1')),
      true,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('10');
  });
});
