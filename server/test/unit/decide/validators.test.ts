/** Validators (RFC 9110 §8.8): the ETag and Last-Modified of a file, and how entity-tags compare. */
import { parseEntityTags, strongMatch, validatorsOf, weakMatch } from '../../../src/decide/validators';

describe('validatorsOf', () => {
  const file = { size: 10, mtimeMs: Date.UTC(1994, 10, 6, 8, 49, 37, 123) + 0.75 };

  it('builds a strong ETag from the size and the mtime in whole ms, both in hex', () => {
    expect(validatorsOf(file).etag).toBe(`"a-${Math.floor(file.mtimeMs).toString(16)}"`);
  });

  it('gives Last-Modified in whole seconds, all an HTTP date can say (RFC 9110 §5.6.7)', () => {
    expect(validatorsOf(file).lastModified).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it.each([
    ['one more byte', { ...file, size: 11 }],
    ['one ms later', { ...file, mtimeMs: file.mtimeMs + 1 }],
  ])('a file with %s has another ETag', (_name, changed) => {
    expect(validatorsOf(changed).etag).not.toBe(validatorsOf(file).etag);
  });
});

describe('parseEntityTags: "*" or a list of [W/]"opaque" (RFC 9110 §8.8.3, §13.1.1)', () => {
  const strong = (opaque: string) => ({ weak: false, opaque });
  const weak = (opaque: string) => ({ weak: true, opaque });

  it.each([
    ['"abc"', [strong('"abc"')]],
    ['W/"abc"', [weak('"abc"')]],
    ['"a", W/"b"', [strong('"a"'), weak('"b"')]],
    ['"a,b"', [strong('"a,b"')]], // a comma inside the quotes is part of the tag
    ['  "a" ,, "b"\t', [strong('"a"'), strong('"b"')]], // OWS and empty list elements
    ['""', [strong('""')]], // etagc may be empty
    ['"caf\xe9"', [strong('"caf\xe9"')]], // obs-text is an etagc
    ['*', '*'],
    [' * ', '*'],
  ])('%j → %j', (value, tags) => {
    expect(parseEntityTags(value)).toEqual(tags);
  });

  it.each([
    ['', 'empty'],
    [', ,', 'only empty elements'],
    ['abc', 'no quotes'],
    ['"abc', 'no closing quote'],
    ['w/"a"', 'W/ is case-sensitive'],
    ['W/ "a"', 'space after W/'],
    ['"a b"', 'whitespace inside'],
    ['"a\x7f"', 'a DEL inside'],
    ['"a" "b"', 'no comma between tags'],
    ['"a"b', 'text after a tag'],
    ['*, "a"', '"*" in a list'],
  ])('%j is malformed (%s)', (value) => {
    expect(parseEntityTags(value)).toBeUndefined();
  });
});

describe('comparison (the table of RFC 9110 §8.8.3.2, against our strong tag "1")', () => {
  it.each([
    ['"1"', true, true],
    ['W/"1"', false, true],
    ['"2"', false, false],
    ['W/"2"', false, false],
  ])('%s: strong %s, weak %s', (value, strongly, weakly) => {
    const [tag] = parseEntityTags(value) as Array<{ weak: boolean; opaque: string }>;
    if (tag === undefined) throw new Error('no tag');
    expect([strongMatch(tag, '"1"'), weakMatch(tag, '"1"')]).toEqual([strongly, weakly]);
  });
});
