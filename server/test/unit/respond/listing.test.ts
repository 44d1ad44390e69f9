import { listingJson, listingReply, type ListingView } from '../../../src/respond/listing';
import type { Field } from '../../../src/http/message';
import type { ListingEntry } from '../../../src/resolve/site';
import { bodyText } from '../support/body';

const T = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const ENTRIES: ListingEntry[] = [
  { name: 'b.txt', isDirectory: false, size: 10, modified: T },
  { name: 'sub', isDirectory: true, size: 4096, modified: T - 1000 },
  { name: 'a.txt', isDirectory: false, size: 0, modified: T - 2000 },
];
const view = (format: ListingView['format'], vary?: string[]): ListingView => ({
  urlPath: '/docs/',
  listing: { entries: ENTRIES, modified: T },
  format,
  ...(vary === undefined ? {} : { vary }),
});
const GET = (...fields: Field[]) => ({ method: 'GET', fields });
const field = (reply: ReturnType<typeof listingReply>, name: string): string | undefined =>
  reply.fields.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

describe('a listing as JSON', () => {
  it('names each entry with its type, size (null for a directory) and modification time, in the HTML order', () => {
    expect(JSON.parse(listingJson('/docs/', ENTRIES).toString())).toEqual({
      path: '/docs/',
      entries: [
        { name: 'sub', type: 'directory', size: null, modified: '2024-01-02T03:04:04.678Z' },
        { name: 'a.txt', type: 'file', size: 0, modified: '2024-01-02T03:04:03.678Z' },
        { name: 'b.txt', type: 'file', size: 10, modified: '2024-01-02T03:04:05.678Z' },
      ],
    });
  });
});

describe('a listing reply', () => {
  const html = listingReply(GET(), view('html'));
  const json = listingReply(GET(), view('json', ['Accept']));

  it.each([
    ['HTML: its type', html, 'Content-Type', 'text/html; charset=utf-8'],
    ['JSON: its type', json, 'Content-Type', 'application/json; charset=utf-8'],
    [
      'Last-Modified: the newest change, to the second (RFC 9110 §8.8.2)',
      html,
      'Last-Modified',
      'Tue, 02 Jan 2024 03:04:05 GMT',
    ],
    ['revalidated before reuse', html, 'Cache-Control', 'no-cache'],
    ['no Vary when nothing was chosen', html, 'Vary', undefined],
    ['Vary names what the choice was made by (RFC 9110 §12.5.5)', json, 'Vary', 'Accept'],
  ])('%s', (_title, reply, name, value) => {
    expect(field(reply, name)).toBe(value);
  });

  it('HTML and JSON have ETags of their own, strong', () => {
    expect(field(html, 'ETag')).toMatch(/^"[\w-]+"$/);
    expect(field(html, 'ETag')).not.toBe(field(json, 'ETag'));
  });

  it('the ETag changes when an entry does', () => {
    const grown = { ...view('html'), listing: { entries: [...ENTRIES.slice(1)], modified: T } };
    expect(field(listingReply(GET(), grown), 'ETag')).not.toBe(field(html, 'ETag'));
  });

  it.each([
    ['If-None-Match with its ETag', 'If-None-Match', 304, () => field(json, 'ETag') ?? ''],
    ['If-None-Match with another ETag', 'If-None-Match', 200, () => '"other"'],
    ['If-Modified-Since its Last-Modified', 'If-Modified-Since', 304, () => 'Tue, 02 Jan 2024 03:04:05 GMT'],
    ['If-Modified-Since a second before', 'If-Modified-Since', 200, () => 'Tue, 02 Jan 2024 03:04:04 GMT'],
    ['If-Match with another ETag', 'If-Match', 412, () => '"other"'],
  ])('%s (%s) → %d (RFC 9110 §13.2.2)', (_title, name, status, value) => {
    const reply = listingReply(GET({ name: name.toLowerCase(), value: value() }), view('json', ['Accept']));
    expect(reply.status).toBe(status);
    if (status === 304) expect([reply.body, field(reply, 'Vary')]).toEqual([undefined, 'Accept']);
  });

  it('the HTML page links its entries', () => {
    expect(bodyText(html)).toContain('href="sub/"');
  });
});
