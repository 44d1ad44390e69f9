/** The strategies, chosen once at start-up, and the seam for features: layers around the answer. */
import { type Features, type Layer, createStrategy } from '../../src/strategy';
import type { Exchange } from '../../src/handle-request';
import { nodeFileSystem } from '../../src/resolve/file-system';
import { OpenFiles } from '../../src/resolve/open-files';
import { plainWire } from '../../src/respond/wire';
import { optionsReply } from '../../src/respond/replies';
import { freshChunks } from '../../src/net/send-body';
import { FIXTURE_SITE } from '../support/test-server';
import { requestOf, head } from './support/wire';

const OPTIONS = {
  root: FIXTURE_SITE,
  listing: false,
  fs: nodeFileSystem,
  maxRanges: 16,
  now: Date.now,
  boundary: () => 'B',
};
const GET = requestOf(head('GET /nums.txt HTTP/1.1', 'Host: a'));

describe('createStrategy', () => {
  it('--no-cache: the plain path, with the plain wire and a fresh buffer per stream', () => {
    const strategy = createStrategy(false, OPTIONS);
    expect([strategy.name, strategy.wire, strategy.chunks]).toEqual(['plain', plainWire, freshChunks]);
    strategy.close();
  });

  it('the default: the fast path, whose pieces are its own', () => {
    const strategy = createStrategy(true, OPTIONS);
    expect(strategy.name).toBe('fast');
    expect([strategy.wire === plainWire, strategy.chunks === freshChunks]).toEqual([false, false]);
    strategy.close();
  });

  it.each([
    ['plain', false],
    ['fast', true],
  ])('the %s path answers a GET of a file with its bytes', async (_name, cache) => {
    const strategy = createStrategy(cache, OPTIONS);
    const files = new OpenFiles(nodeFileSystem);
    const { reply } = await strategy.answer(GET, files, Date.now());
    files.closeAll();
    strategy.close();
    expect(reply.status).toBe(200);
  });
});

/** Features that are these layers alone. */
const withLayers = (...layers: Layer[]): Features => ({
  vary: [],
  layers: () => ({ layers, close: () => undefined }),
});

describe('layers: features wrapped around the answer at start-up', () => {
  it('wrap the answer in the order listed, the first outermost, each seeing what the one inside gives', async () => {
    const seen: string[] = [];
    const named =
      (name: string): Layer =>
      (inner) =>
      async (request, files, now) => {
        seen.push(`${name} in`);
        const exchange = await inner(request, files, now);
        seen.push(`${name} out: ${exchange.reply.status}`);
        return exchange;
      };
    const strategy = createStrategy(false, OPTIONS, withLayers(named('outer'), named('inner')));
    await strategy.answer(GET, new OpenFiles(nodeFileSystem), Date.now());
    expect(seen).toEqual(['outer in', 'inner in', 'inner out: 200', 'outer out: 200']);
  });

  it('may answer a request themselves, and the path inside never sees it', async () => {
    const health: Layer = (inner) => (request, files, now) =>
      request.pathAndQuery === '/__lab/health'
        ? ({ reply: optionsReply(), steps: {} } satisfies Exchange)
        : inner(request, files, now);
    const strategy = createStrategy(true, OPTIONS, withLayers(health));
    const files = new OpenFiles(nodeFileSystem);
    const probe = requestOf(head('GET /__lab/health HTTP/1.1', 'Host: a'));
    const answered = await strategy.answer(probe, files, Date.now());
    expect([answered.reply.status, files.count]).toEqual([204, 0]);
    expect((await strategy.answer(GET, files, Date.now())).reply.status).toBe(200);
    files.closeAll();
    strategy.close();
  });
});
