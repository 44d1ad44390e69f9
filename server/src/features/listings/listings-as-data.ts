/**
 * Listings as data (with --listing): a client that prefers `application/json` to `text/html`
 * (Accept, RFC 9110 §12.5.1) gets the directory's entries as JSON (respond/listing.ts); anyone
 * else, a browser, curl with its `*\/*`, a request with no Accept, the HTML page. Every listing
 * reply then says `Vary: Accept`, since the same URL has two representations (§12.5.5).
 *
 * Choice where the RFC allows one: a client that accepts neither (Accept: image/png) gets the
 * HTML page, not 406, as a file is sent whatever Accept says (§12.5.1 lets a server disregard it).
 */
import { fieldValue } from '../../http/message';
import type { Answer, Exchange } from '../../handle-request';
import type { Layer } from '../../strategy';
import { type ListingFormat, listingPath, listingReply } from '../../respond/listing';
import { acceptance } from '../media-ranges';
import { after, withNote } from '../representations';

const JSON_TYPE = { type: 'application', subtype: 'json', parameters: {} };
const HTML_TYPE = { type: 'text', subtype: 'html', parameters: {} };
const VARY = ['Accept'];

/** JSON only when the client weighs it above HTML: at equal weights (`*\/*`, no Accept) the page. */
export function listingFormat(accept: string | undefined): ListingFormat {
  return acceptance(accept, JSON_TYPE) > acceptance(accept, HTML_TYPE) ? 'json' : 'html';
}

export function listingsAsDataLayer(): Layer {
  return (inner: Answer) => (request, files, now) =>
    after(inner(request, files, now), (exchange): Exchange => {
      const { found, target } = exchange.steps;
      if (found?.kind !== 'listing' || target?.kind !== 'path') return exchange;
      const accept = fieldValue(request.fields, 'accept');
      const format = listingFormat(accept);
      const reply = listingReply(request, {
        urlPath: listingPath(target),
        listing: found,
        format,
        vary: VARY,
      });
      return withNote({ ...exchange, reply }, `listing: Accept "${accept ?? ''}" → ${format}`);
    });
}
