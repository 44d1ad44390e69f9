/**
 * Issue 14's features that make representations of their own, chosen once at start-up and
 * wrapped around the strategy's answer (strategy.ts), inside the layers of features/layers.ts:
 *
 *   compression   (on unless --no-compress)  sends a representation in the coding the client prefers
 *   listings      (with --listing)           a listing as HTML or JSON, by Accept
 *
 * They are wired here, not in layers.ts, because they need the strategy's `Representations`
 * (features/representations.ts): the plain path makes a compressed copy anew for each request,
 * the fast path keeps it with the cached file (fast/kept-representations.ts).
 */
import type { Answer } from '../handle-request';
import type { FileSystem } from '../resolve/file-system';
import type { Representations } from './representations';
import { compressionLayer } from './compression/compression';
import { listingsAsDataLayer } from './listings/listings-as-data';

export interface FeatureSwitches {
  /** Compression: on by default; --no-compress (NO_COMPRESS=1) turns it off. */
  readonly compress: boolean;
}

export interface FeatureOptions {
  readonly root: string;
  readonly listing: boolean;
  readonly fs: FileSystem;
  readonly features?: FeatureSwitches;
}

export interface Features {
  /** The request fields the features negotiate on, which every file reply names in Vary. */
  readonly vary: readonly string[];
  /** The strategy's answer, wrapped with the features chosen. */
  wrap(answer: Answer, representations: Representations): Answer;
}

const NONE: FeatureSwitches = { compress: false };

/** A feature that is off is not wrapped at all: it costs nothing on the path of a request. */
export function chooseFeatures(options: FeatureOptions): Features {
  const switches = options.features ?? NONE;
  const listings = options.listing ? listingsAsDataLayer() : (answer: Answer) => answer;
  if (!switches.compress) return { vary: [], wrap: (answer) => listings(answer) };
  return {
    vary: ['Accept-Encoding'],
    wrap: (answer, representations) =>
      compressionLayer({ root: options.root, fs: options.fs, representations })(listings(answer)),
  };
}
