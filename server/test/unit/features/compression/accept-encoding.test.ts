import {
  type Offer,
  parseAcceptEncoding,
  rankOffers,
} from '../../../../src/features/compression/accept-encoding';

describe('Accept-Encoding: the weight a coding gets (RFC 9110 §12.5.3)', () => {
  it.each([
    ['gzip', 'gzip', 1],
    ['gzip', 'br', 0], // a coding not named is not acceptable
    ['gzip', 'identity', 1], // identity is acceptable unless refused
    ['', 'gzip', 0], // empty: identity only
    ['', 'identity', 1],
    ['br;q=0.5, gzip;q=0.8', 'br', 0.5],
    ['br;q=0.5, gzip;q=0.8', 'gzip', 0.8],
    ['GZIP', 'gzip', 1], // codings are case-insensitive (§8.4.1)
    ['x-gzip', 'gzip', 1], // §8.4.1.3
    ['*', 'br', 1],
    ['*;q=0.3, gzip', 'br', 0.3],
    ['*;q=0.3, gzip', 'gzip', 1],
    ['identity;q=0', 'identity', 0],
    ['*;q=0', 'identity', 0], // "*;q=0" refuses identity when identity is not named
    ['*;q=0, identity', 'identity', 1],
    ['gzip ; q=0.5', 'gzip', 0.5], // OWS around ";"
    ['gzip;Q=0.5', 'gzip', 0.5],
    ['gzip;q=1.000', 'gzip', 1],
    ['gzip;q=0.001', 'gzip', 0.001],
    ['gzip;q=2', 'gzip', 0], // a bad weight: the member is left out
    ['gzip;q=0.0001', 'gzip', 0],
    ['gzip;q=', 'gzip', 0],
    ['gzip;level=9', 'gzip', 0], // codings take no parameters
    ['gzip;q=0.5;q=1', 'gzip', 0],
    ['gzip, gzip;q=0', 'gzip', 1], // the first mention counts
    ['g zip, br', 'br', 1], // a broken member does not spoil the rest
    [',, br ,', 'br', 1], // empty list members (RFC 9110 §5.6.1)
  ])('"%s": %s weighs %d', (header, coding, weight) => {
    expect(parseAcceptEncoding(header).weightOf(coding)).toBe(weight);
  });
});

const OFFERS: Offer[] = [
  { coding: 'br', way: 'precompressed' },
  { coding: 'gzip', way: 'precompressed' },
  { coding: 'br', way: 'on the fly' },
  { coding: 'gzip', way: 'on the fly' },
  { coding: 'identity', way: 'as is' },
];
const ranked = (header: string): string[] =>
  rankOffers(parseAcceptEncoding(header), OFFERS).map((o) => `${o.coding} ${o.way}`);

describe('the offers a client accepts, best first', () => {
  it.each([
    [
      'gzip, br',
      ['br precompressed', 'gzip precompressed', 'br on the fly', 'gzip on the fly', 'identity as is'],
    ],
    ['gzip', ['gzip precompressed', 'gzip on the fly', 'identity as is']],
    [
      'br;q=0.5, gzip',
      ['gzip precompressed', 'gzip on the fly', 'identity as is', 'br precompressed', 'br on the fly'],
    ],
    ['identity;q=0, gzip', ['gzip precompressed', 'gzip on the fly']],
    ['identity', ['identity as is']],
    ['*;q=0', []],
    ['gzip;q=0, br;q=0', ['identity as is']],
  ])('"%s" → %j', (header, expected) => {
    expect(ranked(header)).toEqual(expected);
  });
});
