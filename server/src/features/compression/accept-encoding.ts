/**
 * Which content coding to send, from the client's Accept-Encoding (RFC 9110 §12.5.3) and what
 * the server can offer for this file. Pure.
 *
 *   - A coding's weight is its own entry's, else "*"'s, else 0: a coding the client does not
 *     name is not acceptable. "x-gzip" is "gzip" (§8.4.1.3).
 *   - identity (the bytes as they are) is acceptable unless "identity;q=0", or "*;q=0" with no
 *     entry for identity. An empty Accept-Encoding accepts identity only.
 *   - Among acceptable offers, the highest weight wins; at equal weights, a precompressed file
 *     before compressing now, and compressing before sending the bytes as they are; then the
 *     smaller coding first (br, zstd, gzip: the order of CODINGS).
 */
import { isToken, splitList, trimOws } from '../../http/syntax';

/** How the server can send a file in a coding: a sibling file made in advance, compressed now, or as it is. */
export type Way = 'precompressed' | 'on the fly' | 'as is';

export interface Offer {
  /** The coding's name as Content-Encoding writes it; "identity" for the bytes as they are. */
  readonly coding: string;
  readonly way: Way;
}

export interface Ranked extends Offer {
  readonly q: number;
}

/** The client's weights, per coding; what it did not name falls to "*", or to the defaults above. */
export interface Acceptance {
  weightOf(coding: string): number;
}

/**
 * Accept-Encoding's own reader (RFC 9110 §12.5.3), kept apart from Accept's (features/media-ranges.ts)
 * because its grammar is smaller: a coding is a bare token, with a weight and nothing else.
 *
 *   Accept-Encoding = #( codings [ weight ] )    codings = content-coding / "identity" / "*"
 *   weight = OWS ";" OWS "q=" qvalue             qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 *
 * A member that breaks it (a bad weight, a parameter) is left out, as if unsent; the first
 * mention of a coding counts. Codings are case-insensitive (§8.4.1); "x-gzip" is "gzip" (§8.4.1.3).
 */
export function parseAcceptEncoding(value: string): Acceptance {
  const weights = new Map<string, number>();
  for (const member of splitList(value)) {
    const [name = '', ...rest] = member.split(';').map(trimOws);
    const coding = name.toLowerCase() === 'x-gzip' ? 'gzip' : name.toLowerCase();
    const q = rest.length === 0 ? 1 : rest.length === 1 ? weightOf(rest[0] ?? '') : undefined;
    if (isToken(coding) && q !== undefined && !weights.has(coding)) weights.set(coding, q);
  }
  const q = (coding: string): number | undefined => weights.get(coding);
  return { weightOf: (coding) => q(coding) ?? q('*') ?? (coding === 'identity' ? 1 : 0) };
}

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** "q=0.5" → 0.5 (the name case-insensitive, OWS around "="); undefined if it is not a weight. */
function weightOf(text: string): number | undefined {
  const equals = text.indexOf('=');
  const name = trimOws(text.slice(0, equals)).toLowerCase();
  const value = trimOws(text.slice(equals + 1));
  return name === 'q' && QVALUE.test(value) ? Number(value) : undefined;
}

const WAY_ORDER: Record<Way, number> = { precompressed: 0, 'on the fly': 1, 'as is': 2 };

/**
 * The acceptable offers, best first. `preference` orders codings of equal weight and way
 * (smaller output first). The sort is stable, so offers given in that order keep it.
 */
export function rankOffers(accepted: Acceptance, offers: readonly Offer[]): Ranked[] {
  return offers
    .map((offer) => ({ ...offer, q: accepted.weightOf(offer.coding) }))
    .filter((offer) => offer.q > 0)
    .sort((a, b) => b.q - a.q || WAY_ORDER[a.way] - WAY_ORDER[b.way]);
}
