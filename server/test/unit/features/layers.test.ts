/** The features chosen at start-up: which layers, in which order, and how the banner names them. */
import {
  type FeatureSettings,
  chooseFeatures,
  describeFeatures,
  featureLayers,
} from '../../../src/features/layers';
import type { Answer, Exchange } from '../../../src/handle-request';
import { OpenFiles } from '../../../src/resolve/open-files';
import { nodeFileSystem } from '../../../src/resolve/file-system';
import { errorReply } from '../../../src/respond/replies';
import { requestOf, head } from '../support/wire';
import { type Layer, createStrategy } from '../../../src/strategy';
import { FEATURES_OFF, FIXTURE_SITE } from '../../support/test-server';

const STRATEGY_OPTIONS = {
  root: FIXTURE_SITE,
  listing: true,
  fs: nodeFileSystem,
  maxRanges: 8,
  now: Date.now,
  boundary: () => 'b',
};

const NONE: FeatureSettings = FEATURES_OFF;
const ALL: FeatureSettings = {
  ...FEATURES_OFF,
  spa: true,
  cors: true,
  headers: [['X-A', '1']],
  compress: true,
  listing: true,
};
const layersOf = (settings: FeatureSettings): Layer[] =>
  featureLayers(settings, {
    options: STRATEGY_OPTIONS,
    representations: createStrategy(false, STRATEGY_OPTIONS).representations,
  });

describe('featureLayers', () => {
  it.each([
    ['nothing asked: the /__lab/ endpoints alone', NONE, 1],
    ['everything: headers, cors, compression, lab, spa, listings', ALL, 6],
    ['the default: compression and the /__lab/ endpoints', { ...NONE, compress: true }, 2],
    ['--spa', { ...NONE, spa: true }, 2],
  ])('%s → %s layer(s)', (_name, settings, count) => {
    expect(layersOf(settings)).toHaveLength(count);
  });

  it('wraps in order: headers outermost (replacing even CORS fields), then cors, lab, spa', async () => {
    const settings: FeatureSettings = {
      ...ALL,
      headers: [['Access-Control-Allow-Origin', 'https://mine.example']],
    };
    const missing: Exchange = { reply: errorReply(404), steps: {} };
    const bottom: Answer = () => missing;
    const answer = layersOf(settings).reduceRight((inner, layer) => layer(inner), bottom);
    const files = new OpenFiles(nodeFileSystem);
    const { reply, steps } = await answer(
      requestOf(head('GET /__lab/x HTTP/1.1', 'Host: a')),
      files,
      Date.now(),
    );
    expect(reply.fields.filter(([name]) => name.startsWith('Access-Control'))).toEqual([
      ['Access-Control-Expose-Headers', '*'],
      ['Access-Control-Allow-Origin', 'https://mine.example'],
    ]);
    expect(steps.notes?.map((note) => note.split(':')[0])).toEqual(['lab', 'cors', 'headers']);
  });
});

describe('chooseFeatures', () => {
  it.each([
    ['the default: Vary names Accept-Encoding', { ...NONE, compress: true }, ['Accept-Encoding'], 2],
    ['--live-reload: its layer (slot 4) before the /__lab/ endpoints', { ...NONE, liveReload: true }, [], 2],
  ])('%s', (_name, settings, vary, count) => {
    const features = chooseFeatures(settings);
    const made = features.layers({
      options: STRATEGY_OPTIONS,
      representations: createStrategy(false, STRATEGY_OPTIONS).representations,
    });
    expect([features.vary, made.layers.length]).toEqual([vary, count]);
    made.close(); // live reload's watches: jest would report them left open
  });
});

describe('describeFeatures', () => {
  it.each([
    [NONE, ['compression off']],
    [{ ...NONE, compress: true }, []],
    [ALL, ['1 extra header', 'CORS', 'single-page app fallback']],
    [{ ...ALL, compress: false }, ['1 extra header', 'CORS', 'compression off', 'single-page app fallback']],
    [
      {
        ...NONE,
        compress: true,
        headers: [
          ['X-A', '1'],
          ['X-B', '2'],
        ] as const,
      },
      ['2 extra headers'],
    ],
  ])('%j → %j', (settings, words) => {
    expect(describeFeatures(settings)).toEqual(words);
  });
});
