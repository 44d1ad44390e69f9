/** Live reload's options: the stream cap follows --max-connections unless a caller sets one. */
import { MAX_STREAMS, liveReloadOptions } from '../../../../src/features/live-reload/live-reload';
import { nodeFileSystem } from '../../../../src/resolve/file-system';

const STRATEGY = { root: '/srv/site', fs: nodeFileSystem, maxRanges: 8, boundary: () => 'b' };

describe('liveReloadOptions', () => {
  it.each([
    ['the default 2048 connections: the cap itself', 2048, {}, MAX_STREAMS],
    ['--max-connections 6: half of them', 6, {}, 3],
    ['--max-connections 1: still one stream', 1, {}, 1],
    ['a cap set by the caller (tests)', 6, { maxStreams: 2 }, 2],
  ])('%s → %i streams', (_name, maxConnections, settings, streams) => {
    expect(liveReloadOptions(STRATEGY, maxConnections, settings).maxStreams).toBe(streams);
  });
});
