/** /__lab/: which targets are the server's own, the health endpoint, and the rest reserved. */
import { labLayer, labPath } from '../../../src/features/lab-endpoints';
import type { Exchange } from '../../../src/handle-request';
import { OpenFiles } from '../../../src/resolve/open-files';
import { nodeFileSystem } from '../../../src/resolve/file-system';
import { optionsReply } from '../../../src/respond/replies';
import { requestOf, head } from '../support/wire';

describe('labPath', () => {
  it.each<[string, string | null]>([
    ['/__lab/health', 'health'],
    ['/__lab/health?probe=1', 'health'],
    ['/__lab/health/', 'health/'],
    ['/__lab/', ''],
    ['/__lab', ''],
    ['/__lab/a/b', 'a/b'],
    ['/%5F%5flab/health', 'health'],
    ['/__lab/%68ealth', 'health'],
    ['/docs/../__lab/health', 'health'],
    ['//__lab/health', 'health'],
    ['/', null],
    ['/index.html', null],
    ['/hello%20world.txt', null],
    ['/docs/__lab/health', null],
    ['/__labs/health', null],
    ['/__LAB/health', null],
    ['/../__lab/health', null], // refused by the path rules (400), not the lab's to answer
    ['*', null],
  ])('%s → %j (null: not under /__lab/)', (target, below) => {
    expect(labPath(target)).toBe(below ?? undefined);
  });
});

describe('labLayer', () => {
  const files = new OpenFiles(nodeFileSystem);
  const site: Exchange = { reply: optionsReply(), steps: {} };
  const inner = jest.fn(() => site);
  const answer = labLayer()(inner);
  const ask = (line: string): Exchange =>
    answer(requestOf(head(line, 'Host: a')), files, Date.now()) as Exchange;

  beforeEach(() => inner.mockClear());

  it.each(['GET', 'HEAD'])(
    '%s /__lab/health → 200 ok, text/plain, never cached, quiet, at once',
    (method) => {
      const { reply, steps } = ask(`${method} /__lab/health HTTP/1.1`);
      expect(reply).toEqual({
        status: 200,
        fields: [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Cache-Control', 'no-store'],
          ['X-Content-Type-Options', 'nosniff'],
        ],
        body: { kind: 'bytes', bytes: Buffer.from('ok') },
        close: false,
      });
      expect(steps).toEqual({
        quiet: true,
        notes: [expect.stringMatching(/^lab: \/__lab\/health → 200 ok/)],
      });
      expect(inner).not.toHaveBeenCalled();
    },
  );

  it.each(['/__lab/', '/__lab/nope', '/__lab/health/', '/__lab/health/x', '/%5f_lab/index.html'])(
    'GET %s → 404 whatever the site holds, and the site is never asked',
    (target) => {
      const { reply, steps } = ask(`GET ${target} HTTP/1.1`);
      expect(reply.status).toBe(404);
      expect(steps.notes).toEqual([expect.stringContaining('/__lab/ is reserved')]);
      expect(inner).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['OPTIONS /__lab/health', 'OPTIONS /__lab/health HTTP/1.1'],
    ['POST /__lab/health', 'POST /__lab/health HTTP/1.1'],
    ['GET /index.html', 'GET /index.html HTTP/1.1'],
    ['GET /docs/__lab/x', 'GET /docs/__lab/x HTTP/1.1'],
  ])('%s goes on to the answer inside', (_name, line) => {
    expect(ask(line)).toBe(site);
    expect(inner).toHaveBeenCalledTimes(1);
  });

  it('answers the endpoints it is given, by name', () => {
    const live: Exchange = { reply: optionsReply(), steps: { notes: ['live'] } };
    const withLive = labLayer({ 'live-reload': () => live })(inner);
    expect(withLive(requestOf(head('GET /__lab/live-reload HTTP/1.1', 'Host: a')), files, Date.now())).toBe(
      live,
    );
    const health = withLive(
      requestOf(head('GET /__lab/health HTTP/1.1', 'Host: a')),
      files,
      Date.now(),
    ) as Exchange;
    expect(health.reply.status).toBe(404);
  });
});
