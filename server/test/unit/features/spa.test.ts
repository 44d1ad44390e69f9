/** --spa: when a missing path gets the app's /index.html (a pure decision), and the layer that asks again. */
import { type SpaDecision, spaDecision, spaLayer } from '../../../src/features/spa';
import type { Exchange, Steps } from '../../../src/handle-request';
import type { Request } from '../../../src/http/message';
import { OpenFiles } from '../../../src/resolve/open-files';
import { nodeFileSystem } from '../../../src/resolve/file-system';
import { resolveTarget } from '../../../src/resolve/target';
import type { Found } from '../../../src/resolve/site';
import { errorReply, optionsReply } from '../../../src/respond/replies';
import { requestOf, head } from '../support/wire';

const MISSING: Found = { kind: 'refused', status: 404, reason: 'no such file (ENOENT)', missing: true };
const HTML = 'Accept: text/html,application/xhtml+xml,*/*;q=0.8';

function ask(line: string, ...fields: string[]): Request {
  return requestOf(head(line, 'Host: a', ...fields));
}

/** The steps the plain path would record for this request, the lookup's verdict given. */
function stepsFor(request: Request, found: Found | undefined): Steps {
  const target = resolveTarget(request.pathAndQuery);
  return found === undefined ? { target } : { target, found };
}

describe('spaDecision', () => {
  it.each<[string, string, string[], Found | undefined, SpaDecision]>([
    ['a missing route, from a browser', 'GET /settings/profile HTTP/1.1', [HTML], MISSING, 'fall back'],
    ['HEAD too', 'HEAD /settings HTTP/1.1', [HTML], MISSING, 'fall back'],
    ['no Accept accepts anything (RFC 9110 §12.5.1)', 'GET /settings HTTP/1.1', [], MISSING, 'fall back'],
    ['*/* (curl, fetch)', 'GET /settings HTTP/1.1', ['Accept: */*'], MISSING, 'fall back'],
    ['a missing directory, with its slash', 'GET /settings/ HTTP/1.1', [HTML], MISSING, 'fall back'],
    ['a dot in a directory above is no extension', 'GET /v1.2/users HTTP/1.1', [HTML], MISSING, 'fall back'],
    [
      'an API client',
      'GET /settings HTTP/1.1',
      ['Accept: application/json'],
      MISSING,
      'keep, varies with Accept',
    ],
    [
      'text/html;q=0',
      'GET /settings HTTP/1.1',
      ['Accept: text/html;q=0, */*'],
      MISSING,
      'keep, varies with Accept',
    ],
    ['a missing app.js', 'GET /app.js HTTP/1.1', [HTML], MISSING, 'keep'],
    ['a missing dotted name', 'GET /user.name HTTP/1.1', [HTML], MISSING, 'keep'],
    ['POST', 'POST /settings HTTP/1.1', [HTML], undefined, 'keep'],
    ['OPTIONS', 'OPTIONS /settings HTTP/1.1', [HTML], undefined, 'keep'],
    ['a file that is there', 'GET /nums HTTP/1.1', [HTML], undefined, 'keep'],
    [
      'a directory without index.html',
      'GET /noindex/ HTTP/1.1',
      [HTML],
      { kind: 'refused', status: 404, reason: 'directory without index.html (listings are off)' },
      'keep',
    ],
    [
      'a symlink leading out',
      'GET /out HTTP/1.1',
      [HTML],
      { kind: 'refused', status: 404, reason: 'a symlink leads outside the site root' },
      'keep',
    ],
    [
      'a forbidden file',
      'GET /secret HTTP/1.1',
      [HTML],
      { kind: 'refused', status: 403, reason: 'permission denied' },
      'keep',
    ],
    [
      'a directory without its slash',
      'GET /docs HTTP/1.1',
      [HTML],
      { kind: 'redirect', location: '/docs/' },
      'keep',
    ],
    [
      'a dotfile (refused by the target, never looked up)',
      'GET /.git/config HTTP/1.1',
      [HTML],
      undefined,
      'keep',
    ],
    ['a traversal (400)', 'GET /../etc/passwd HTTP/1.1', [HTML], undefined, 'keep'],
  ])('%s → %s', (_name, line, fields, found, decision) => {
    const request = ask(line, ...fields);
    expect(spaDecision(request, stepsFor(request, found))).toBe(decision);
  });
});

describe('spaLayer', () => {
  const files = new OpenFiles(nodeFileSystem);
  const index: Found = {
    kind: 'file',
    name: 'index.html',
    realPath: '/srv/site/index.html',
    stat: { dev: 1, ino: 2, size: 5, mtimeMs: 0, ctimeMs: 0, isFile: true, isDirectory: false },
    body: { kind: 'bytes', bytes: Buffer.from('<p>a') },
    cached: false,
  };
  const page: Exchange = { reply: optionsReply(), steps: { found: index } }; // any reply: the layer passes it on
  const missed = (request: Request): Exchange => ({
    reply: errorReply(404),
    steps: stepsFor(request, MISSING),
  });

  it('asks the answer inside again for /index.html, and says it varies with Accept', async () => {
    const asked: string[] = [];
    const answer = spaLayer()(async (request) => {
      asked.push(request.pathAndQuery);
      return request.pathAndQuery === '/index.html' ? page : missed(request);
    });
    const answered = await answer(ask('GET /settings?tab=1 HTTP/1.1', HTML), files, Date.now());
    expect(asked).toEqual(['/settings?tab=1', '/index.html']);
    expect(answered.reply.fields).toEqual([...page.reply.fields, ['Vary', 'Accept']]);
    expect(answered.steps.notes).toEqual([
      'spa: nothing at /settings, no extension, Accept takes text/html → /index.html, 204',
    ]);
  });

  it.each([
    [
      'Accept refuses HTML: the 404, varying with Accept',
      'Accept: application/json',
      'spa: nothing at /settings, but Accept does not take text/html → 404',
    ],
    [
      'no /index.html in the site: the first 404',
      HTML,
      'spa: nothing at /settings, and no /index.html to fall back on → 404',
    ],
  ])('%s', (_name, accept, note) => {
    const answer = spaLayer()((request) => missed(request));
    const answered = answer(ask('GET /settings HTTP/1.1', accept), files, Date.now()) as Exchange;
    expect(answered.reply.status).toBe(404);
    expect(answered.reply.fields).toContainEqual(['Vary', 'Accept']);
    expect(answered.steps.notes).toEqual([note]);
  });

  it('leaves every other answer as it is, at once', () => {
    const other: Exchange = { reply: errorReply(404), steps: {} };
    expect(spaLayer()(() => other)(ask('GET /app.js HTTP/1.1'), files, Date.now())).toBe(other);
  });
});
