/** Accept, RFC 9110 §12.5.1: the weight a client gives to text/html; charset=utf-8, and the grammar under it. */
import {
  type MediaType,
  acceptance,
  parseAccept,
  specificityFor,
  splitOutsideQuotes,
} from '../../../src/features/media-ranges';

const HTML: MediaType = { type: 'text', subtype: 'html', parameters: { charset: 'utf-8' } };

describe('acceptance of text/html', () => {
  it.each<[string, string | null, number]>([
    ['no Accept (null): anything goes', null, 1],
    ["a browser's navigation", 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 1],
    ["curl's and fetch()'s */*", '*/*', 1],
    ['text/*', 'text/*;q=0.5', 0.5],
    ['an API client', 'application/json', 0],
    ['an empty Accept lists nothing', '', 0],
    ['text/html;q=0 refuses it', 'text/html;q=0', 0],
    ['text/html;q=0 over */*: the specific range wins', 'text/html;q=0, */*', 0],
    ['*/*;q=0 under text/html: the specific range wins', '*/*;q=0, text/html', 1],
    ['text/*;q=0 over */*', '*/*, text/*;q=0', 0],
    ['text/html over text/*;q=0', 'text/*;q=0, text/html;q=0.3', 0.3],
    ['case does not matter in type and q', 'TEXT/HTML;Q=0.7', 0.7],
    ['spaces around ; and ,', ' application/json ,  text/html ; q=0.2 ', 0.2],
    ['q=1.000 and q=0.001', 'text/html;q=0.001, */*;q=1.000', 0.001],
    ['a matching charset is more specific', 'text/html;charset=UTF-8;q=0.4, text/html;q=0', 0.4],
    ['a parameter we lack: the range does not apply', 'text/html;level=1, */*;q=0.1', 0.1],
    ['two equal ranges: the higher weight', 'text/html;q=0.2, text/html;q=0.6', 0.6],
    ['a q above 1 breaks its member, which is ignored', 'text/html;q=2, */*;q=0.1', 0.1],
    ['q with four decimals is ignored with its member', 'text/html;q=0.1234', 0],
    ['q=.5 is not a qvalue', 'text/html;q=.5', 0],
    ['a member without a slash is ignored', 'html, */*;q=0.2', 0.2],
    ['*/html is not a media range', '*/html', 0],
    ['a comma inside a quoted parameter', 'text/html;x="a,b";q=0, */*;q=0.3', 0.3],
    ['an empty parameter is allowed (RFC 9110 §5.6.6)', 'text/html;;q=0.5', 0.5],
    ['a parameter after q (accept-ext) is ignored', 'text/html;q=0.5;level=1', 0.5],
    ['a broken parameter breaks its member', 'text/html;=x, */*;q=0.4', 0.4],
  ])('%s: %j → %s', (_name, accept, weight) => {
    expect(acceptance(accept ?? undefined, HTML)).toBe(weight);
  });
});

describe('the grammar', () => {
  it.each([
    ['*/*', { type: '*', subtype: '*', parameters: {}, weight: 1 }],
    [
      'Text/HTML; Charset="UTF-8"; q=0.5',
      { type: 'text', subtype: 'html', parameters: { charset: 'utf-8' }, weight: 0.5 },
    ],
    ['a/b;x="q\\"uote"', { type: 'a', subtype: 'b', parameters: { x: 'q"uote' }, weight: 1 }],
  ])('parses %j', (value, range) => {
    expect(parseAccept(value)).toEqual([range]);
  });

  it.each([
    ['*/*', 0],
    ['text/*', 1],
    ['text/html', 2],
    ['text/html;charset=utf-8', 3],
  ])('%s names text/html with specificity %s', (value, specificity) => {
    const [range] = parseAccept(value);
    expect(range && specificityFor(range, HTML)).toBe(specificity);
  });

  it.each<[string, ',' | ';', string[]]>([
    ['a, b ,,c', ',', ['a', 'b', 'c']],
    ['a;"x;y";b', ';', ['a', '"x;y"', 'b']],
    ['"a\\",b",c', ',', ['"a\\",b"', 'c']],
    ['"unterminated, still one', ',', ['"unterminated, still one']],
    ['', ',', []],
  ])('splits %j on %j outside quotes', (value, separator, pieces) => {
    expect(splitOutsideQuotes(value, separator)).toEqual(pieces);
  });
});
