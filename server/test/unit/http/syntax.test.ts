/** The character tables and list helpers every stage shares (RFC 9110 §5.5, §5.6). */
import {
  FIELD_VALUE_CHAR,
  TCHAR,
  VCHAR,
  allOf,
  characterClass,
  isToken,
  listHasToken,
  parseDigits,
  splitList,
} from '../../../src/http/syntax';
import { STATUS, reasonPhrase } from '../../../src/http/status';

describe('isToken: 1*tchar (RFC 9110 §5.6.2)', () => {
  it.each([
    ['GET', true],
    ['x-custom_header', true],
    ["!#$%&'*+-.^_`|~09azAZ", true], // every tchar symbol
    ['', false],
    ['a b', false],
    ['a:b', false],
    ['a(b)', false],
    ['a"b', false],
    ['a/b', false],
    ['caf\xe9', false], // obs-text is not a tchar
    ['a\tb', false],
  ])('%j → %s', (text, token) => {
    expect(isToken(text)).toBe(token);
  });
});

describe('the character tables, byte by byte', () => {
  const bytesIn = (table: Uint8Array) => [...table.keys()].filter((b) => table[b] === 1);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const codesOf = (text: string) => [...text].map((char) => char.charCodeAt(0));
  const inOrder = (...groups: number[][]) => groups.flat().sort((a, b) => a - b);

  it.each([
    ['VCHAR: visible ASCII, 0x21-0x7E (RFC 5234 B.1)', VCHAR, range(0x21, 0x7e)],
    [
      'field value: HTAB, SP, VCHAR, obs-text (RFC 9110 §5.5)',
      FIELD_VALUE_CHAR,
      [0x09, ...range(0x20, 0x7e), ...range(0x80, 0xff)],
    ],
    [
      'TCHAR: 77 bytes, 15 symbols, DIGIT and ALPHA (RFC 9110 §5.6.2)',
      TCHAR,
      inOrder(codesOf("!#$%&'*+-.^_`|~"), range(0x30, 0x39), range(0x41, 0x5a), range(0x61, 0x7a)),
    ],
  ])('%s', (_name, table, bytes) => {
    expect(bytesIn(table)).toEqual(bytes);
  });

  it('allOf treats a char above 0xFF as outside every table', () => {
    expect(allOf('a\u0100', FIELD_VALUE_CHAR)).toBe(false);
  });

  it.each([
    ['VCHAR', VCHAR],
    ['TCHAR', TCHAR],
    ['field value', FIELD_VALUE_CHAR],
  ])('characterClass(%s) as a RegExp matches exactly the bytes of the table', (_name, table) => {
    const matches = new RegExp(`^${characterClass(table)}$`);
    expect(range(0x00, 0xff).filter((b) => matches.test(String.fromCharCode(b)))).toEqual(bytesIn(table));
  });

  it('characterClass writes runs as ranges', () => {
    expect(characterClass(VCHAR)).toBe('[\\x21-\\x7e]');
  });
});

describe('splitList: #element with OWS and empty elements (RFC 9110 §5.6.1)', () => {
  it.each([
    ['a, b ,c', ['a', 'b', 'c']],
    [' , a,,\tb , ', ['a', 'b']],
    ['', []],
    ['single', ['single']],
  ])('%j → %j', (value, items) => {
    expect(splitList(value)).toEqual(items);
  });
});

describe('listHasToken', () => {
  it.each([
    ['keep-alive, Close', 'close', true],
    ['closed', 'close', false],
    ['', 'close', false],
  ])('%j has %s: %s', (value, token, has) => {
    expect(listHasToken(value, token)).toBe(has);
  });
});

describe('parseDigits: 1*DIGIT, nothing else', () => {
  it.each([
    ['0', 0],
    ['0042', 42],
    ['123456789012345', 123456789012345], // 15 digits: the default bound
  ])('%j → %d', (text, value) => {
    expect(parseDigits(text)).toBe(value);
  });

  it.each([
    ['1234567890123456', '16 digits'],
    ['', 'empty'],
    ['-1', 'a sign'],
    ['+1', 'a plus sign'],
    [' 1', 'a space'],
    ['1e3', 'an exponent'],
    ['1.0', 'a decimal point'],
    ['0x10', 'hexadecimal'],
    ['١', 'an Arabic-Indic digit, no DIGIT'],
  ])('%j is no number (%s)', (text) => {
    expect(parseDigits(text)).toBeUndefined();
  });

  it('takes a larger bound when asked', () => {
    expect(parseDigits('1234567890123456', 20)).toBe(1234567890123456);
  });
});

describe('the status table', () => {
  it.each(Object.keys(STATUS).map(Number) as Array<keyof typeof STATUS>)(
    '%d has a reason phrase that is valid on a status line',
    (status) => {
      // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) (RFC 9112 §4)
      expect(reasonPhrase(status)).toMatch(/^[\t\x20-\x7e]+$/);
    },
  );
});
