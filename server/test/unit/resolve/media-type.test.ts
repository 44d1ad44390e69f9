/** contentTypeFor: Content-Type from the extension, with a charset on text (RFC 9110 §8.3). */
import { contentTypeFor } from '../../../src/resolve/media-type';

it.each([
  ['index.html', 'text/html; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
  ['nums.txt', 'text/plain; charset=utf-8'],
  ['app.js', 'text/javascript; charset=utf-8'], // RFC 9239
  ['data.json', 'application/json; charset=utf-8'],
  ['logo.svg', 'image/svg+xml; charset=utf-8'],
  ['feed.atom', 'application/atom+xml; charset=utf-8'], // any +xml is text
  ['data.jsonld', 'application/ld+json; charset=utf-8'], // any +json is text
  ['pixel.png', 'image/png'],
  ['LOGO.PNG', 'image/png'], // the extension is case-insensitive
  ['archive.tar.gz', 'application/gzip'],
  ['unknown.mystery', 'application/octet-stream'],
  ['README', 'application/octet-stream'],
  // mime-types reads a bare name as an extension; the per-extension memo must agree, whatever came first.
  ['json', 'application/json; charset=utf-8'],
  ['Makefile', 'application/octet-stream'],
])('%s → %s', (name, type) => {
  expect(contentTypeFor(name)).toBe(type);
});
