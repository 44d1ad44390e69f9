/**
 * evaluatePreconditions, row by row in the order of RFC 9110 §13.2.2:
 *   1. If-Match, else If-Unmodified-Since       → 412 when false
 *   2. If-None-Match, else If-Modified-Since    → 304 when false (GET/HEAD)
 *   3. If-Range                                 → send the whole file when false (if there is a Range: the handler's call)
 * The file: ETag "a-3e8", Last-Modified Sun, 06 Nov 1994 08:49:37 GMT.
 */
import { type PreconditionVerdict, evaluatePreconditions } from '../../../src/decide/preconditions';
import type { Validators } from '../../../src/decide/validators';
import { fieldsOf } from '../support/fields';

const ETAG = '"a-3e8"';
const LAST_MODIFIED = 'Sun, 06 Nov 1994 08:49:37 GMT';
const FILE: Validators = { etag: ETAG, lastModified: Date.parse(LAST_MODIFIED) };
const BEFORE = 'Sun, 06 Nov 1994 08:49:36 GMT'; // one second before Last-Modified
const AFTER = 'Sun, 06 Nov 1994 08:49:38 GMT'; // one second after
const RANGE = { Range: 'bytes=0-4' };

/** What the handler does with the verdict. */
function response(verdict: PreconditionVerdict): string {
  switch (verdict.kind) {
    case 'failed':
      return '412';
    case 'not-modified':
      return '304';
    case 'proceed':
      return verdict.honourRange ? 'serve' : 'serve, Range ignored';
  }
}

type Row = [name: string, method: string, fields: Record<string, string | string[]>, expected: string];

function table(rows: Row[]): void {
  it.each(rows)('%s', (_name, method, fields, expected) => {
    expect(response(evaluatePreconditions(method, fieldsOf(fields), FILE))).toBe(expected);
  });
}

describe('no conditions', () => table([['a plain GET is served', 'GET', {}, 'serve']]));

describe('1a. If-Match: true if "*" or a tag matches strongly (RFC 9110 §13.1.1)', () =>
  table([
    ['the current tag', 'GET', { 'If-Match': ETAG }, 'serve'],
    ['"*": the file exists', 'GET', { 'If-Match': '*' }, 'serve'],
    ['a list holding the current tag', 'GET', { 'If-Match': `"x", ${ETAG}` }, 'serve'],
    ['another tag → 412', 'GET', { 'If-Match': '"b-1"' }, '412'],
    [
      'the weak form of the current tag never matches strongly → 412',
      'GET',
      { 'If-Match': `W/${ETAG}` },
      '412',
    ],
    ['a malformed value (no quotes) matches nothing → 412', 'GET', { 'If-Match': 'a-3e8' }, '412'],
    ['HEAD is no exception → 412', 'HEAD', { 'If-Match': '"b-1"' }, '412'],
  ]));

describe('1b. If-Unmodified-Since: true if not modified after the date (RFC 9110 §13.1.4)', () =>
  table([
    ['the Last-Modified date itself', 'GET', { 'If-Unmodified-Since': LAST_MODIFIED }, 'serve'],
    ['a later date', 'GET', { 'If-Unmodified-Since': AFTER }, 'serve'],
    ['an earlier date → 412', 'GET', { 'If-Unmodified-Since': BEFORE }, '412'],
    ['an invalid date is ignored', 'GET', { 'If-Unmodified-Since': 'yesterday' }, 'serve'],
    ['ignored when If-Match is present', 'GET', { 'If-Match': ETAG, 'If-Unmodified-Since': BEFORE }, 'serve'],
    [
      'If-Match fails first, whatever the date says',
      'GET',
      { 'If-Match': '"b-1"', 'If-Unmodified-Since': AFTER },
      '412',
    ],
  ]));

describe('2a. If-None-Match: false if "*" or a tag matches weakly (RFC 9110 §13.1.2)', () =>
  table([
    ['the current tag → 304', 'GET', { 'If-None-Match': ETAG }, '304'],
    ['the current tag on HEAD → 304', 'HEAD', { 'If-None-Match': ETAG }, '304'],
    ['a list holding the current tag → 304', 'GET', { 'If-None-Match': `"x", "y", ${ETAG}` }, '304'],
    ['the list split over two lines → 304', 'GET', { 'If-None-Match': ['"x"', ETAG] }, '304'],
    [
      'the weak form matches: weak comparison (RFC 9110 §8.8.3.2) → 304',
      'GET',
      { 'If-None-Match': `W/${ETAG}` },
      '304',
    ],
    ['"*": the file exists → 304', 'GET', { 'If-None-Match': '*' }, '304'],
    ['another tag: serve', 'GET', { 'If-None-Match': '"b-1"' }, 'serve'],
    ['on a method other than GET/HEAD a match → 412', 'POST', { 'If-None-Match': ETAG }, '412'],
    [
      'comes after step 1: If-Match failing → 412',
      'GET',
      { 'If-Match': '"b-1"', 'If-None-Match': ETAG },
      '412',
    ],
  ]));

describe('2b. If-Modified-Since: false if not modified after the date (RFC 9110 §13.1.3)', () =>
  table([
    ['the Last-Modified date itself → 304', 'GET', { 'If-Modified-Since': LAST_MODIFIED }, '304'],
    ['a later date → 304', 'GET', { 'If-Modified-Since': AFTER }, '304'],
    ['an earlier date: modified since, serve', 'GET', { 'If-Modified-Since': BEFORE }, 'serve'],
    [
      'the RFC 850 form (RFC 9110 §5.6.7) → 304',
      'GET',
      { 'If-Modified-Since': 'Sunday, 06-Nov-94 08:49:37 GMT' },
      '304',
    ],
    ['the asctime form → 304', 'HEAD', { 'If-Modified-Since': 'Sun Nov  6 08:49:37 1994' }, '304'],
    ['an invalid date is ignored', 'GET', { 'If-Modified-Since': 'Sun, 06 Nov 1994' }, 'serve'],
    [
      'more than one date is ignored',
      'GET',
      { 'If-Modified-Since': [LAST_MODIFIED, LAST_MODIFIED] },
      'serve',
    ],
    [
      'ignored when If-None-Match is present',
      'GET',
      { 'If-None-Match': '"b-1"', 'If-Modified-Since': AFTER },
      'serve',
    ],
    ['ignored on methods other than GET and HEAD', 'POST', { 'If-Modified-Since': AFTER }, 'serve'],
  ]));

describe('3. If-Range: a strong tag or the exact date, else send it all (RFC 9110 §13.1.5)', () =>
  table([
    ['Range without If-Range is honoured', 'GET', RANGE, 'serve'],
    ['the current tag: Range honoured', 'GET', { ...RANGE, 'If-Range': ETAG }, 'serve'],
    ['another tag: Range ignored', 'GET', { ...RANGE, 'If-Range': '"b-1"' }, 'serve, Range ignored'],
    [
      'a weak tag never qualifies: Range ignored',
      'GET',
      { ...RANGE, 'If-Range': `W/${ETAG}` },
      'serve, Range ignored',
    ],
    [
      'two tags are not one entity-tag: Range ignored',
      'GET',
      { ...RANGE, 'If-Range': `${ETAG}, ${ETAG}` },
      'serve, Range ignored',
    ],
    [
      'exactly the Last-Modified date: Range honoured',
      'GET',
      { ...RANGE, 'If-Range': LAST_MODIFIED },
      'serve',
    ],
    [
      'a later date is not a match: Range ignored',
      'GET',
      { ...RANGE, 'If-Range': AFTER },
      'serve, Range ignored',
    ],
    ['an earlier date: Range ignored', 'GET', { ...RANGE, 'If-Range': BEFORE }, 'serve, Range ignored'],
    [
      'neither a tag nor a date: Range ignored',
      'GET',
      { ...RANGE, 'If-Range': 'whatever' },
      'serve, Range ignored',
    ],
    // Whether a Range was sent is the handler's to look up, once (handle-request.ts): it then finds none to ignore.
    ['If-Range without Range is judged all the same', 'GET', { 'If-Range': '"b-1"' }, 'serve, Range ignored'],
    ['304 comes before If-Range', 'GET', { ...RANGE, 'If-Range': '"b-1"', 'If-None-Match': ETAG }, '304'],
  ]));

it('says why, for the trace', () => {
  expect(evaluatePreconditions('GET', fieldsOf({ 'If-Unmodified-Since': BEFORE }), FILE)).toEqual({
    kind: 'failed',
    because: 'modified since If-Unmodified-Since',
  });
});
