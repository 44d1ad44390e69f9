/**
 * Issue 14's features that make representations of their own, chosen once at start-up and
 * wrapped around the strategy's answer (strategy.ts), inside the layers of features/layers.ts:
 *
 *   compression   (on unless --no-compress)  sends a representation in the coding the client prefers
 *
 * They are wired here, not in layers.ts, because they need the strategy's `Representations`
 * (features/representations.ts): the plain path makes a compressed copy anew for each request,
 * the fast path keeps it with the cached file (fast/kept-representations.ts).
 */
import type { Answer } from '../handle-request';
import type { FileSystem } from '../resolve/file-system';
import type { Representations } from './representations';
import { compressionLayer } from './compression/compression';

export interface FeatureSwitches {
  /** Compression: on by default; --no-compress (NO_COMPRESS=1) turns it off. */
  readonly compress: boolean;
}

export interface FeatureOptions {
  readonly root: string;
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

export function chooseFeatures(options: FeatureOptions): Features {
  const switches = options.features ?? NONE;
  if (!switches.compress) return { vary: [], wrap: (answer) => answer };
  return {
    vary: ['Accept-Encoding'],
    wrap: (answer, representations) =>
      compressionLayer({ root: options.root, fs: options.fs, representations })(answer),
  };
}
