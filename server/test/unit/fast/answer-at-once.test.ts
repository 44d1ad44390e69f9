/**
 * The fast path's answer: a file the cache vouches for is answered at once, with prepared
 * replies; anything else takes the plain path over the cached site. Each row is checked
 * against what the plain path says for the same request: the two must agree.
 */
import { AnswerAtOnce } from '../../../src/fast/answer-at-once';
import { CachedSite } from '../../../src/fast/cached-site';
import { TRUST_MS } from '../../../src/fast/file-cache';
import { PreparedReplies } from '../../../src/fast/prepared-replies';
import { type Exchange, type HandlerOptions, handleRequest } from '../../../src/handle-request';
import { nodeFileSystem } from '../../../src/resolve/file-system';
import { OpenFiles } from '../../../src/resolve/open-files';
import { DiskSite } from '../../../src/resolve/site';
import { validatorsOf } from '../../../src/decide/validators';
import { type TempSite, makeTempSite } from '../support/temp-site';
import { head, requestOf } from '../support/wire';
import { bodyText } from '../support/body';
import fs from 'node:fs';

let disk: TempSite;
let clock: number;
let fast: AnswerAtOnce;
let site: CachedSite;
let plain: HandlerOptions;
let files: OpenFiles;
let prepared: PreparedReplies;

beforeAll(() => {
  disk = makeTempSite([
    ['nums.txt', '0123456789'],
    ['dir/index.html', '<h1>dir</h1>'],
  ]);
});
afterAll(() => disk.remove());

beforeEach(async () => {
  clock = 1_000_000;
  const options = { root: disk.root, listing: false, fs: nodeFileSystem };
  site = new CachedSite(new DiskSite(options), { ...options, now: () => clock });
  prepared = new PreparedReplies();
  fast = new AnswerAtOnce(site, { site, maxRanges: 16, boundary: () => 'B' }, prepared);
  plain = { site: new DiskSite(options), maxRanges: 16, boundary: () => 'B' };
  files = new OpenFiles(nodeFileSystem);
  // Twice, awaited: read from disk, then confirmed by a stat; from then on the cache vouches for it.
  for (const target of ['/nums.txt', '/dir/'])
    for (let i = 0; i < 2; i++) await fast.answer(get(target), files, clock);
  files.closeAll();
});
afterEach(() => site.close());

const get = (target: string, ...fields: string[]) =>
  requestOf(head(`GET ${target} HTTP/1.1`, 'Host: a', ...fields));
const etag = () => validatorsOf(fs.statSync(disk.at('nums.txt'))).etag;
/** What a reply says, to compare the two paths: status, fields, content. */
const said = ({ reply }: Exchange) => [reply.status, reply.fields, bodyText(reply)];

/** The plain path's answer to the same request. */
async function plainSays(request: ReturnType<typeof get>) {
  const own = new OpenFiles(nodeFileSystem);
  try {
    return said(await handleRequest(request, plain, own));
  } finally {
    own.closeAll();
  }
}

describe('a file the cache vouches for: answered at once, and as the plain path would', () => {
  it.each([
    ['a plain GET', () => get('/nums.txt')],
    ['a directory, by its index.html', () => get('/dir/')],
    ['If-None-Match with its tag → 304', () => get('/nums.txt', `If-None-Match: ${etag()}`)],
    ['If-Match with another tag → 412', () => get('/nums.txt', 'If-Match: "x"')],
    ['one range → 206', () => get('/nums.txt', 'Range: bytes=2-4')],
    ['two ranges → 206 multipart', () => get('/nums.txt', 'Range: bytes=0-1,5-6')],
    ['no range overlaps → 416', () => get('/nums.txt', 'Range: bytes=10-')],
  ])('%s', async (_name, request) => {
    const answered = fast.answer(request(), files, clock);
    if (answered instanceof Promise) throw new Error('answered later, not at once');
    expect(answered.steps.found).toMatchObject({ cached: 'trusted' });
    expect(said(answered)).toEqual(await plainSays(request()));
  });
});

describe('what is prepared once per cached copy', () => {
  it('a plain GET: the very same exchange every time (reply and steps)', () => {
    expect(fast.answer(get('/nums.txt'), files, clock)).toBe(fast.answer(get('/nums.txt'), files, clock));
  });

  it('a 304: the very same reply, every browser reload', () => {
    const first = fast.answer(get('/nums.txt', `If-None-Match: ${etag()}`), files, clock);
    const again = fast.answer(get('/nums.txt', `If-None-Match: ${etag()}`), files, clock);
    if (first instanceof Promise || again instanceof Promise) throw new Error('answered later');
    expect(again.reply).toBe(first.reply);
    expect(prepared.has(first.reply)).toBe(true);
  });

  it('a range: built for the request, and not kept', () => {
    const ranged = fast.answer(get('/nums.txt', 'Range: bytes=2-4'), files, clock);
    if (ranged instanceof Promise) throw new Error('answered later');
    expect(prepared.has(ranged.reply)).toBe(false);
  });
});

describe('everything else takes the plain path, later', () => {
  it.each([
    ['a method that reads no file', () => requestOf(head('DELETE /nums.txt HTTP/1.1', 'Host: a')), 405],
    ['OPTIONS', () => requestOf(head('OPTIONS * HTTP/1.1', 'Host: a')), 204],
    ['a refused target', () => get('/../x'), 400],
    ['a file not cached yet', () => get('/missing.txt'), 404],
  ])('%s', async (_name, request, status) => {
    const answered = fast.answer(request(), files, clock);
    expect(answered).toBeInstanceOf(Promise);
    expect((await answered).reply.status).toBe(status);
  });

  it('a file whose trust has lapsed (a stat must confirm it first)', async () => {
    clock += 60_000;
    const answered = fast.answer(get('/nums.txt'), files, clock);
    expect(answered).toBeInstanceOf(Promise);
    expect((await answered).steps.found).toMatchObject({ cached: 'revalidated' });
  });

  // The connection's reading of the clock decides, not a reading of the cache's own: the cache's
  // clock stands still here, and only the time the answer is given moves.
  it.each([
    ['arrived now: trusted, at once', 0, false],
    [`arrived ${TRUST_MS} ms after the stat: lapsed, later`, TRUST_MS, true],
  ])('a cached file that %s', async (_name, later, lapsed) => {
    const answered = fast.answer(get('/nums.txt'), files, clock + later);
    expect(answered instanceof Promise).toBe(lapsed);
    expect((await answered).reply.status).toBe(200);
  });
});
