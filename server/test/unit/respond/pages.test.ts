/** The two HTML pages the server writes: error pages and directory listings. */
import { STATUS, type StatusCode } from '../../../src/http/status';
import { errorPage, escapeHtml, formatSize, listingPage } from '../../../src/respond/pages';

describe('errorPage', () => {
  const statuses = Object.keys(STATUS).map(Number) as StatusCode[];

  it.each(statuses)('%d names its status and reason', (status) => {
    expect(errorPage(status).toString()).toContain(`<h1>${status} ${STATUS[status].reason}</h1>`);
  });

  it.each(statuses)('%d leaks no path, stack or source name', (status) => {
    expect(errorPage(status).toString()).not.toMatch(
      /\/(work|tmp|home|root|etc)\/|\.ts\b|node_modules|at \w+ \(/,
    );
  });

  it('holds nothing that changes: the same bytes every time', () => {
    expect(errorPage(404).equals(errorPage(404))).toBe(true);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&#60;script&#62;alert(1)&#60;/script&#62;'],
    [`a&b"c'd`, 'a&#38;b&#34;c&#39;d'],
    ['café.txt', 'café.txt'],
  ])('%s → %s', (text, html) => {
    expect(escapeHtml(text)).toBe(html);
  });
});

describe('listingPage', () => {
  const listing = (urlPath: string, names: Array<[string, boolean]>): string =>
    listingPage(
      urlPath,
      names.map(([name, isDirectory]) => ({ name, isDirectory, size: 2048, modified: 0 })),
    ).toString();
  const hrefs = (html: string): string[] => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');

  it('escapes a name for display and percent-encodes it for its link', () => {
    const html = listing('/', [['<script>x</script> & "q".txt', false]]);
    expect(html).not.toContain('<script>');
    expect(html).toContain('>&#60;script&#62;x&#60;/script&#62; &#38; &#34;q&#34;.txt</a>');
    expect(hrefs(html)).toEqual(['%3Cscript%3Ex%3C%2Fscript%3E%20%26%20%22q%22.txt']);
  });

  it.each([
    [
      'directories first, then files, each by name',
      '/',
      [
        ['b.txt', false],
        ['z', true],
        ['a.txt', false],
        ['A', true],
      ],
      ['A/', 'z/', 'a.txt', 'b.txt'],
    ],
    ['a link up, except at the root', '/sub/', [['a.txt', false]], ['../', 'a.txt']],
    [
      'names with spaces and non-ASCII are encoded (RFC 3986 §2.1)',
      '/',
      [
        ['hello world.txt', false],
        ['café.txt', false],
      ],
      ['caf%C3%A9.txt', 'hello%20world.txt'],
    ],
  ])('%s', (_name, urlPath, names, links) => {
    expect(hrefs(listing(urlPath, names as Array<[string, boolean]>))).toEqual(links);
  });

  it('escapes the path in its title', () => {
    expect(listing('/<b>/', [])).toContain('<title>Index of /&#60;b&#62;/</title>');
  });

  it('shows a file size and none for a directory', () => {
    const html = listing('/', [
      ['f', false],
      ['d', true],
    ]);
    expect(html).toContain('<a href="f">f</a></td><td class="size">2.0 KiB</td>');
    expect(html).toContain('<a href="d/">d/</a></td><td class="size"></td>');
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 ** 2, '1.0 MiB'],
    [5 * 1024 ** 4, '5.0 TiB'],
    [1024 ** 5, '1024.0 TiB'], // TiB is the largest unit
  ])('%d → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
