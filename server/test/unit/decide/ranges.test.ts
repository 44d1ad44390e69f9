/**
 * decideRanges over nums.txt, the 10-byte file 0123456789: which bytes a Range header asks for
 * (RFC 9110 §14.1.1), written as "first-last" pairs, "whole" (ignore the header, 200) or 416.
 */
import { type RangeDecision, decideRanges } from '../../../src/decide/ranges';

const SIZE = 10;
const MAX_RANGES = 16;

function decided(decision: RangeDecision): string {
  switch (decision.kind) {
    case 'whole':
      return 'whole';
    case 'unsatisfiable':
      return '416';
    case 'partial':
      return decision.ranges.map((r) => `${r.first}-${r.last}`).join(',');
  }
}

describe(`decideRanges over a ${SIZE}-byte file`, () => {
  it('no Range field → whole', () => {
    expect(decided(decideRanges(undefined, SIZE, MAX_RANGES))).toBe('whole');
  });

  it.each([
    // int-range = first-pos "-" [ last-pos ], inclusive.
    ['bytes=0-4', '0-4'],
    ['bytes=0-0', '0-0'],
    ['bytes=9-9', '9-9'],
    ['bytes=2-', '2-9'],
    ['bytes=9-100', '9-9'], // last-pos past the end is cut to the end
    // suffix-range = "-" suffix-length: the last n bytes.
    ['bytes=-3', '7-9'],
    ['bytes=-20', '0-9'], // longer than the file: all of it
    // Unsatisfiable: first-pos at or past the end, or a zero suffix (RFC 9110 §14.1.1) → 416.
    ['bytes=10-', '416'],
    ['bytes=10-20', '416'],
    ['bytes=-0', '416'],
    ['bytes=10-,-0', '416'],
    ['bytes=10-,0-1', '0-1'], // the unsatisfiable ones are dropped
    // Invalid or another unit: the header is ignored (RFC 9110 §14.2) → the whole file.
    ['bytes=5-2', 'whole'], // last-pos before first-pos
    ['bytes=', 'whole'],
    ['bytes=1', 'whole'],
    ['bytes=abc', 'whole'],
    ['bytes=--1', 'whole'],
    ['bytes=0x1-2', 'whole'],
    ['bytes=0-1,oops', 'whole'], // one bad spec spoils the set
    ['items=0-1', 'whole'],
    ['bytes = 0-1', 'whole'], // no whitespace around "="
    ['0-1', 'whole'],
    // The unit is case-insensitive (RFC 9110 §14.1).
    ['BYTES=0-1', '0-1'],
    ['Bytes=0-1', '0-1'],
    // A list, with optional whitespace and empty elements (RFC 9110 §5.6.1).
    ['bytes=0-1,3-4', '0-1,3-4'],
    ['bytes= 0-1 , 3-4', '0-1,3-4'],
    ['bytes=0-1,', '0-1'],
    ['bytes=5-6,0-1', '5-6,0-1'], // in the order asked
    ['bytes=0-4,2-6', '0-4,2-6'], // overlapping, but 10 bytes in all: allowed
    // Amplification guard (RFC 9110 §14.2): ranges adding up to more bytes than the file.
    ['bytes=0-5,3-9', 'whole'], // 13 bytes of a 10-byte file
    ['bytes=-6,-6', 'whole'],
  ])('%s → %s', (header, expected) => {
    expect(decided(decideRanges(header, SIZE, MAX_RANGES))).toBe(expected);
  });
});

describe('at most maxRanges ranges (RFC 9110 §14.2 lets a server ignore the rest); 3 here', () => {
  it.each([
    ['bytes=0-0,2-2,4-4', '0-0,2-2,4-4'],
    ['bytes=0-0,2-2,4-4,6-6', 'whole'],
  ])('%s → %s', (header, expected) => {
    expect(decided(decideRanges(header, SIZE, 3))).toBe(expected);
  });
});

describe('decideRanges over an empty file: no Content-Range can describe it, so Range is ignored (RFC 9110 §14.2)', () => {
  it('no Range field → whole', () => {
    expect(decided(decideRanges(undefined, 0, MAX_RANGES))).toBe('whole');
  });

  it.each([
    ['bytes=0-', 'whole'],
    ['bytes=0-0', 'whole'],
    ['bytes=-5', 'whole'], // a non-zero suffix is satisfiable (§14.1.1), yet there is nothing to send
    ['bytes=5-2', 'whole'],
  ])('%s → %s', (header, expected) => {
    expect(decided(decideRanges(header, 0, MAX_RANGES))).toBe(expected);
  });
});

it('says why it sends the whole file, for the trace', () => {
  expect(decideRanges('bytes=5-2', SIZE, MAX_RANGES)).toEqual({
    kind: 'whole',
    because: 'malformed range "5-2"',
  });
});
