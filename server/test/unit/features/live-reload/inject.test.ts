/** Where live reload's script goes in a page, and the representation the page becomes: pure. */
import {
  SCRIPT_ELEMENT,
  SCRIPT_TAG,
  isHtml,
  isUtf16,
  scripted,
  scriptedTag,
  withScript,
} from '../../../../src/features/live-reload/inject';
import type { Representation } from '../../../../src/respond/representation';

const S = SCRIPT_ELEMENT.toString('latin1');

describe('withScript', () => {
  it.each([
    ['before </body>', '<p>hi</p></body></html>', `<p>hi</p>${S}</body></html>`],
    ['before the last </body>', '<!-- </body> --></body>', `<!-- </body> -->${S}</body>`],
    ['whatever the case of the tag', '<P>hi</BODY></HTML>', `<P>hi${S}</BODY></HTML>`],
    ['before </html> when there is no </body>', '<p>hi</p></html>', `<p>hi</p>${S}</html>`],
    ['at the end of a fragment', '<p>hi</p>', `<p>hi</p>${S}`],
    ['into an empty page', '', S],
  ])('%s', (_name, page, expected) => {
    expect(withScript(Buffer.from(page, 'latin1')).toString('latin1')).toBe(expected);
  });

  it('changes no byte of the page, whatever its encoding (é in UTF-8, ISO-8859-1 ÿ)', () => {
    const page = Buffer.concat([Buffer.from('<p>é', 'utf8'), Buffer.from([0xff]), Buffer.from('</body>')]);
    const out = withScript(page);
    expect(out.length).toBe(page.length + SCRIPT_ELEMENT.length);
    expect(Buffer.concat([out.subarray(0, 6), out.subarray(6 + SCRIPT_ELEMENT.length)])).toEqual(page);
  });
});

describe('which replies get it', () => {
  it.each([
    ['text/html; charset=utf-8', true],
    ['text/html', true],
    ['TEXT/HTML;charset=iso-8859-1', true],
    ['application/xhtml+xml', false], // an XML parser would refuse the script's &&
    ['text/htmlx', false],
    ['text/plain', false],
  ])('%s: %s', (type, expected) => {
    expect(isHtml(type)).toBe(expected);
  });

  it.each([
    ['a UTF-16 LE page (FF FE)', [0xff, 0xfe, 0x3c, 0x00], true],
    ['a UTF-16 BE page (FE FF)', [0xfe, 0xff, 0x00, 0x3c], true],
    ['a UTF-8 page with its BOM', [0xef, 0xbb, 0xbf, 0x3c], false],
    ['one byte', [0x3c], false],
  ])('%s is UTF-16: %s', (_name, bytes, expected) => {
    expect(isUtf16(Buffer.from(bytes))).toBe(expected);
  });
});

describe('the representation with the script', () => {
  it.each([
    ['a strong tag', '"a-18c5"', `"a-18c5-lr${SCRIPT_TAG}"`],
    ['a weak tag stays weak', 'W/"a-18c5"', `W/"a-18c5-lr${SCRIPT_TAG}"`],
  ])('%s: %s → %s', (_name, etag, expected) => {
    expect(scriptedTag(etag)).toBe(expected);
  });

  it('has its own bytes, size and ETag; the same type and Last-Modified', () => {
    const page = Buffer.from('<p>0123456789</p></body>');
    const base: Representation = {
      contentType: 'text/html; charset=utf-8',
      vary: [],
      validators: { etag: '"19-1"', lastModified: 1_000 },
      size: page.length,
      source: { kind: 'fd', fd: 99 },
    };
    const made = scripted(base, page);
    expect(made.size).toBe(page.length + SCRIPT_ELEMENT.length);
    expect(made.source).toEqual({ kind: 'bytes', bytes: withScript(page) });
    expect(made.validators).toEqual({ etag: scriptedTag('"19-1"'), lastModified: 1_000 });
    expect(made.validators.etag).not.toBe(base.validators.etag);
    expect(made.contentType).toBe(base.contentType);
  });
});
