/**
 * THE one ordered list of feature layers, chosen once at start-up from the configuration
 * (strategy.ts wraps them around the chosen answer: the first listed is the outermost, the one
 * that sees the request first and the reply last). Every optional feature of the server is a
 * slot here; nothing else on the path of a request knows whether a feature is on.
 *
 *   1. headers       --header   the user's fields replace whatever the server set, CORS fields
 *                               included, on every reply, a preflight's too
 *   2. cors          --cors     answers a preflight before anything else looks at it; adds
 *                               Access-Control-Allow-Origin to every other reply
 *   3. compression   on unless --no-compress: sends what comes back in the coding the
 *                               client prefers, a precompressed sibling or compressed now
 *                               (features/compression/); a fallback page too
 *   4. live reload   --live-reload   answers GET /__lab/live-reload, injects its script into
 *                               HTML replies (features/live-reload/)
 *   5. lab           always     /__lab/health, and the rest of /__lab/ reserved (404), before
 *                               the fallback could turn a /__lab/ path into the app's page
 *   6. spa           --spa      reads the lookup's own verdict, and asks again
 *   7. listings      --listing  a listing as HTML or JSON, by Accept (features/listings/)
 *
 * Compression makes representations of its own the way the chosen strategy does (anew, or kept
 * with the fast path's cached file: features/representations.ts), so the layers are made once
 * the strategy is chosen (strategy.ts `Features`).
 *
 * A feature that is off is not in the list, so it costs nothing on the path of a request.
 */
import type { Config } from '../cli';
import type { ChosenStrategy, Features, Layer } from '../strategy';
import { LiveReload, type LiveReloadSettings, liveReloadOptions } from './live-reload/live-reload';
import { compressionLayer } from './compression/compression';
import { listingsAsDataLayer } from './listings/listings-as-data';
import { corsLayer } from './cors';
import { headersLayer } from './headers';
import { labLayer } from './lab-endpoints';
import { spaLayer } from './spa';

export type FeatureSettings = Pick<
  Config,
  'headers' | 'cors' | 'compress' | 'liveReload' | 'spa' | 'listing' | 'maxConnections'
> & {
  /** With --live-reload: where its lines go, and what tests shorten. */
  readonly reload?: LiveReloadSettings;
};

export function chooseFeatures(settings: FeatureSettings): Features {
  return {
    vary: settings.compress ? ['Accept-Encoding'] : [],
    layers: (chosen) => {
      const reload = settings.liveReload
        ? new LiveReload(liveReloadOptions(chosen.options, settings.maxConnections, settings.reload))
        : undefined;
      return { layers: featureLayers(settings, chosen, reload), close: () => reload?.close() };
    },
  };
}

export function featureLayers(
  settings: FeatureSettings,
  { options, representations }: ChosenStrategy,
  reload?: LiveReload,
): Layer[] {
  const slots: (Layer | false | undefined)[] = [
    /* 1 */ settings.headers.length > 0 && headersLayer(settings.headers),
    /* 2 */ settings.cors && corsLayer(),
    /* 3 */ settings.compress && compressionLayer({ root: options.root, fs: options.fs, representations }),
    /* 4 */ reload?.layer,
    /* 5 */ labLayer(),
    /* 6 */ settings.spa && spaLayer(),
    /* 7 */ settings.listing && listingsAsDataLayer(),
  ];
  return slots.filter((layer): layer is Layer => typeof layer === 'function');
}

/** The features that are on, in the banner's words, in the order of the layers. */
export function describeFeatures(settings: FeatureSettings): string[] {
  const count = settings.headers.length;
  return [
    count > 0 ? `${count} extra header${count === 1 ? '' : 's'}` : '',
    settings.cors ? 'CORS' : '',
    settings.compress ? '' : 'compression off',
    settings.liveReload ? 'live reload on' : '',
    settings.spa ? 'single-page app fallback' : '',
  ].filter(Boolean);
}
