/**
 * How requests are answered, chosen once at start-up (as sirv picks its lookup, cache or disk):
 *
 *   - the plain path: handle-request.ts over resolve/site.ts's DiskSite, which asks the disk
 *     for every request; every head written anew (respond/wire.ts); a buffer of its own for
 *     each file streamed (net/send-body.ts). It is the path to read and learn from, chosen by
 *     `--no-cache` (NO_CACHE=1).
 *   - the fast path (fast/, the default): the same interfaces, each wrapped with a cache,
 *     prepared replies, kept bytes or a pool, where a measurement says it pays (fast/fast-path.ts).
 *
 * Features (issue 14: compression, a single-page-app fallback, CORS, a health endpoint...) are
 * `Layer`s, wrapped around the chosen answer here, at start-up, never `if`s along the path.
 */
import type { Answer, HandlerOptions } from './handle-request';
import { handleRequest } from './handle-request';
import type { FileSystem } from './resolve/file-system';
import { DiskSite } from './resolve/site';
import { type Wire, plainWire } from './respond/wire';
import { type ChunkSource, freshChunks } from './net/send-body';
import { fastStrategy } from './fast/fast-path';
import { type Representations, plainRepresentations } from './features/representations';

export interface Strategy {
  readonly name: 'plain' | 'fast';
  /** A request → its reply (and the steps the trace shows). */
  readonly answer: Answer;
  /** A reply → the bytes of its head (and small body). */
  readonly wire: Wire;
  /** The buffers file streams read into. */
  readonly chunks: ChunkSource;
  /** How features that make representations answer with them: anew, or kept (features/representations.ts). */
  readonly representations: Representations;
  /** Stops what the strategy keeps running (the fast path's directory watches), at shutdown. */
  close(): void;
}

export interface StrategyOptions {
  readonly root: string; // a real path (realpath), checked by the caller
  readonly listing: boolean;
  readonly fs: FileSystem;
  readonly maxRanges: number;
  /** The clock, ms. */
  readonly now: () => number;
  /** A fresh multipart boundary. */
  readonly boundary: () => string;
  /** The request fields the features negotiate on (Vary), set by createStrategy from them. */
  readonly vary?: readonly string[];
}

/**
 * A feature, wrapped around the answer inside it: it may answer a request itself (a health
 * endpoint), change the request it passes in (a fallback page), or change the reply it gets
 * back (extra headers, Vary). The first layer listed is the outermost.
 */
export type Layer = (inner: Answer) => Answer;

/**
 * The features chosen at start-up (features/layers.ts): the request fields they negotiate on,
 * which every file reply names in Vary, and their layers, outermost first, made once the
 * strategy is chosen, since some make representations the way it does (compression keeps its
 * compressed bytes with the fast path's cached file: features/representations.ts).
 */
export interface Features {
  readonly vary: readonly string[];
  layers(chosen: ChosenStrategy): FeatureLayers;
}

/** What the features' layers are made from: the strategy's options and its representations. */
export interface ChosenStrategy {
  readonly options: StrategyOptions;
  readonly representations: Representations;
}

export interface FeatureLayers {
  readonly layers: readonly Layer[];
  /** Stops what the layers keep running (live reload's watches and streams), at shutdown. */
  close(): void;
}

export const NO_FEATURES: Features = { vary: [], layers: () => ({ layers: [], close: () => undefined }) };

export function createStrategy(
  cache: boolean,
  options: StrategyOptions,
  features: Features = NO_FEATURES,
): Strategy {
  const chosen = (cache ? fastStrategy : plainStrategy)({ ...options, vary: features.vary });
  const made = features.layers({ options, representations: chosen.representations });
  return {
    ...chosen,
    answer: made.layers.reduceRight((inner, layer) => layer(inner), chosen.answer),
    close: () => {
      made.close();
      chosen.close();
    },
  };
}

export function plainStrategy(options: StrategyOptions): Strategy {
  const site = new DiskSite(options);
  const handler: HandlerOptions = {
    site,
    maxRanges: options.maxRanges,
    boundary: options.boundary,
    vary: options.vary ?? [],
  };
  return {
    name: 'plain',
    answer: (request, files) => handleRequest(request, handler, files),
    wire: plainWire,
    chunks: freshChunks,
    representations: plainRepresentations(handler),
    close: () => site.close(),
  };
}
