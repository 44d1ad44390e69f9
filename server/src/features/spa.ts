/**
 * --spa (SPA=1): the single-page-app fallback. A client-side router owns paths such as
 * /settings/profile that are no file; a browser that opens one directly must get the app's
 * /index.html, with 200, and the app routes from there.
 *
 * Only when all of these hold (`spaDecision`, pure): a GET or HEAD; the lookup found nothing
 * (no such file: a dotfile, a symlink leading out, a directory without index.html, a traversal,
 * a forbidden file keep their answer); the last segment has no "." (a missing /app.js or
 * /logo.png stays 404: the page would come back as script or image); and the client accepts
 * text/html (media-ranges.ts: no Accept accepts everything; text/html;q=0 does not).
 *
 * Whether such a path gets the page or the 404 depends on Accept, so both carry
 * `Vary: Accept` (RFC 9110 §12.5.5): a shared cache must not hand the 404 an API client got to
 * a browser. The fallback is index.html's own representation (ETag, Range and conditional
 * requests as for /index.html itself).
 */
import { type Exchange, type Steps, readsAFile } from '../handle-request';
import type { Request } from '../http/message';
import { fieldValue } from '../http/message';
import type { Layer } from '../strategy';
import { type Answered, after, noted, withFields } from './exchange';
import { type MediaType, acceptance } from './media-ranges';

export const FALLBACK_PAGE = '/index.html';
const HTML: MediaType = { type: 'text', subtype: 'html', parameters: { charset: 'utf-8' } };
const VARY_ACCEPT = [['Vary', 'Accept']] as const;

/** What to do with an answer: keep it, keep it but say it depends on Accept, or send the app's page instead. */
export type SpaDecision = 'keep' | 'keep, varies with Accept' | 'fall back';

export function spaDecision(request: Request, steps: Steps): SpaDecision {
  const { target, found } = steps;
  if (!readsAFile(request.method) || target?.kind !== 'path') return 'keep';
  if (found?.kind !== 'refused' || found.missing !== true) return 'keep';
  const last = target.segments[target.segments.length - 1] ?? '';
  if (last.includes('.')) return 'keep';
  return acceptance(fieldValue(request.fields, 'accept'), HTML) > 0
    ? 'fall back'
    : 'keep, varies with Accept';
}

export function spaLayer(): Layer {
  return (inner) => (request, files, now) =>
    after(inner(request, files, now), (missed) => {
      const decision = spaDecision(request, missed.steps);
      if (decision === 'keep') return missed;
      const path = missed.steps.target?.kind === 'path' ? `/${missed.steps.target.path}` : request.target;
      if (decision === 'keep, varies with Accept')
        return noted(varies(missed), `spa: nothing at ${path}, but Accept does not take text/html → 404`);
      const fallback = inner({ ...request, pathAndQuery: FALLBACK_PAGE }, files, now);
      return after(fallback, (page) => fallenBack(page, missed, path));
    });
}

/** The page if the lookup found it, else the first answer (a site with no /index.html). */
function fallenBack(page: Exchange, missed: Exchange, path: string): Answered {
  if (page.steps.found?.kind !== 'file')
    return noted(varies(missed), `spa: nothing at ${path}, and no ${FALLBACK_PAGE} to fall back on → 404`);
  return noted(
    varies(page),
    `spa: nothing at ${path}, no extension, Accept takes text/html → ${FALLBACK_PAGE}, ${page.reply.status}`,
  );
}

function varies(exchange: Exchange): Exchange {
  return { ...exchange, reply: withFields(exchange.reply, VARY_ACCEPT) };
}
