/**
 * handleRequest: the whole plain path of one request, from the parsed head to the reply, over
 * a real site on disk. The stages have their own tables; these rows show them working together.
 */
import fs from 'node:fs';
import { type HandlerOptions, handleRequest, refusal } from '../../src/handle-request';
import type { Reply } from '../../src/http/message';
import { validatorsOf } from '../../src/decide/validators';
import { nodeFileSystem } from '../../src/resolve/file-system';
import { OpenFiles } from '../../src/resolve/open-files';
import { DiskSite } from '../../src/resolve/site';
import { type TempSite, makeTempSite } from './support/temp-site';
import { head, requestOf } from './support/wire';
import { bodyText } from './support/body';

let disk: TempSite;
let options: HandlerOptions;
let etag: string;

beforeAll(() => {
  disk = makeTempSite([
    ['nums.txt', '0123456789'],
    ['dir/index.html', '<h1>dir</h1>'],
    ['noindex/a.txt', 'a'],
  ]);
  options = {
    site: new DiskSite({ root: disk.root, listing: true, fs: nodeFileSystem }),
    maxRanges: 16,
    boundary: () => 'BOUNDARY',
  };
  etag = validatorsOf(fs.statSync(disk.at('nums.txt'))).etag;
});

afterAll(() => disk.remove());

/** One exchange; the files it opened are closed after, as the connection does. */
async function exchange(line: string, ...fields: string[]) {
  const files = new OpenFiles(nodeFileSystem);
  try {
    return await handleRequest(requestOf(head(line, 'Host: a', ...fields)), options, files);
  } finally {
    files.closeAll();
  }
}
const field = (reply: Reply, name: string) => reply.fields.find(([n]) => n === name)?.[1];

describe('handleRequest', () => {
  it.each([
    ['OPTIONS * → 204 (RFC 9110 §9.3.7)', ['OPTIONS * HTTP/1.1'], 204, ''],
    ['OPTIONS on a path → 204 too', ['OPTIONS /nums.txt HTTP/1.1'], 204, ''],
    ['DELETE → 405 (RFC 9110 §15.5.6)', ['DELETE /nums.txt HTTP/1.1'], 405, '<h1>405'],
    ['a target rising above the root → 400', ['GET /../etc/passwd HTTP/1.1'], 400, '<h1>400'],
    ['a dotfile → 404', ['GET /.env HTTP/1.1'], 404, '<h1>404'],
    ['a missing file → 404', ['GET /missing.txt HTTP/1.1'], 404, '<h1>404'],
    ['a directory without its slash → 301', ['GET /dir HTTP/1.1'], 301, '<h1>301'],
    ['a directory with an index', ['GET /dir/ HTTP/1.1'], 200, '<h1>dir</h1>'],
    ['a directory without one, listings on', ['GET /noindex/ HTTP/1.1'], 200, 'href="a.txt"'],
    ['a listing is titled with its path', ['GET /noindex/ HTTP/1.1'], 200, 'Index of /noindex/<'],
    ['the root\'s listing is titled "/"', ['GET / HTTP/1.1'], 200, 'Index of /<'],
    ['a file', ['GET /nums.txt HTTP/1.1'], 200, '0123456789'],
    ['one range → 206', ['GET /nums.txt HTTP/1.1', 'Range: bytes=2-4'], 206, '234'],
    ['two ranges → 206 multipart', ['GET /nums.txt HTTP/1.1', 'Range: bytes=0-1,5-6'], 206, '--BOUNDARY\r\n'],
    ['no range overlaps → 416', ['GET /nums.txt HTTP/1.1', 'Range: bytes=10-'], 416, '<h1>416'],
    [
      'Range on HEAD is ignored: Range is for GET (RFC 9110 §14.2)',
      ['HEAD /nums.txt HTTP/1.1', 'Range: bytes=2-4'],
      200,
      '0123456789',
    ],
    ['If-Match fails → 412', ['GET /nums.txt HTTP/1.1', 'If-Match: "nope"'], 412, '<h1>412'],
    [
      'If-Range with another tag → the whole file',
      ['GET /nums.txt HTTP/1.1', 'Range: bytes=2-4', 'If-Range: "old"'],
      200,
      '0123456789',
    ],
  ])('%s', async (_name, lines, status, body) => {
    const [line = '', ...fields] = lines;
    const files = new OpenFiles(nodeFileSystem);
    const { reply } = await handleRequest(requestOf(head(line, 'Host: a', ...fields)), options, files);
    expect(reply.status).toBe(status);
    expect(bodyText(reply)).toContain(body);
    files.closeAll();
  });

  it('If-None-Match with the current tag → 304 (RFC 9110 §13.1.2)', async () => {
    const { reply } = await exchange('GET /nums.txt HTTP/1.1', `If-None-Match: ${etag}`);
    expect([reply.status, field(reply, 'ETag')]).toEqual([304, etag]);
  });

  it.each([
    ['no Range', ['GET /nums.txt HTTP/1.1'], 'no Range'],
    ['If-Range without a Range', ['GET /nums.txt HTTP/1.1', 'If-Range: "old"'], 'no Range'],
    ['a Range on HEAD', ['HEAD /nums.txt HTTP/1.1', 'Range: bytes=2-4'], 'Range applies to GET only'],
    [
      'a Range whose If-Range does not match',
      ['GET /nums.txt HTTP/1.1', 'Range: bytes=2-4', 'If-Range: "old"'],
      'If-Range did not match',
    ],
  ])('says why the whole file is sent: %s', async (_name, lines, because) => {
    const [line = '', ...fields] = lines;
    const { steps } = await exchange(line, ...fields);
    expect(steps.verdict).toMatchObject({ status: 200, range: { kind: 'whole', because } });
  });

  it('keeps each step for the trace', async () => {
    const { steps } = await exchange('GET /nums.txt HTTP/1.1', 'Range: bytes=2-4');
    expect(steps).toMatchObject({
      target: { kind: 'path', segments: ['nums.txt'] },
      found: { kind: 'file', name: 'nums.txt', cached: false },
      contentType: 'text/plain; charset=utf-8',
      verdict: {
        status: 206,
        preconditions: { kind: 'proceed', honourRange: true },
        range: { kind: 'partial', ranges: [{ first: 2, last: 4 }] },
      },
    });
  });

  it.each([
    ['a 200 streams the open file', [], 'file', 1],
    ['a 304 does not need it', ['If-None-Match: *'], undefined, 1],
    ['a 412 neither', ['If-Match: "nope"'], 'bytes', 1],
    ['a missing file opens nothing', [], 'bytes', 0, '/missing.txt'],
    ['a listing opens nothing', [], 'bytes', 0, '/noindex/'],
  ])('the exchange owns what it opened: %s', async (_name, fields, bodyKind, held, target = '/nums.txt') => {
    const files = new OpenFiles(nodeFileSystem);
    const { reply } = await handleRequest(
      requestOf(head(`GET ${target} HTTP/1.1`, 'Host: a', ...fields)),
      options,
      files,
    );
    expect([reply.body?.kind, files.count]).toEqual([bodyKind, held]);
    files.closeAll(); // the connection's job, once the reply is out
    expect(files.count).toBe(0);
  });
});

describe('refusal: what the connection answers to a request the parser refused', () => {
  it.each([
    [400, 'Bad Request'],
    [408, 'Request Timeout'],
    [431, 'Request Header Fields Too Large'],
  ] as const)('%d: its error page (%s), and the connection closes', (status, reason) => {
    const reply = refusal(status);
    expect([reply.status, reply.close]).toEqual([status, true]);
    expect(reply.body?.kind === 'bytes' && reply.body.bytes.toString()).toContain(
      `<h1>${status} ${reason}</h1>`,
    );
  });
});
