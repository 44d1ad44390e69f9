/**
 * The fast path, assembled: the plain path's interfaces (strategy.ts), each wrapped with the
 * speed-up its measurement justifies. Nothing outside this folder knows these pieces exist.
 *
 *   Site    DiskSite  → CachedSite      small files kept in memory, trusted while watched (cached-site.ts)
 *   Answer  handleRequest → AnswerAtOnce a cached file answered without waiting (answer-at-once.ts),
 *                                        with its replies prepared once per copy (prepared-replies.ts)
 *   Wire    plainWire → WireMemo         a prepared reply's bytes kept for the second (wire-memo.ts)
 *   Chunks  freshChunks → ChunkPool      file streams share a few buffers (chunk-pool.ts)
 *   Representations (features/) plainRepresentations → KeptRepresentations
 *                                        what a feature makes of a cached file, kept with it (kept-representations.ts)
 */
import { DiskSite } from '../resolve/site';
import type { Strategy, StrategyOptions } from '../strategy';
import { AnswerAtOnce } from './answer-at-once';
import { CachedSite } from './cached-site';
import { ChunkPool } from './chunk-pool';
import { PreparedReplies } from './prepared-replies';
import { WireMemo } from './wire-memo';
import { KeptRepresentations } from './kept-representations';

export function fastStrategy(options: StrategyOptions): Strategy {
  const site = new CachedSite(new DiskSite(options), options);
  const prepared = new PreparedReplies(options.vary);
  const handler = { ...options, site, vary: options.vary ?? [] };
  const { answer } = new AnswerAtOnce(site, handler, prepared);
  return {
    name: 'fast',
    answer,
    wire: new WireMemo((reply) => prepared.has(reply)),
    chunks: new ChunkPool(),
    representations: new KeptRepresentations(site, prepared, handler),
    close: () => site.close(),
  };
}
