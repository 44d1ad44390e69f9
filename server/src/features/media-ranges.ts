/**
 * Accept (RFC 9110 §12.5.1): how much a client wants a media type, from 0 (not at all) to 1.
 *
 *   Accept = #( media-range [ weight ] )
 *   media-range = ( "*" "/" "*" / ( type "/" "*" ) / ( type "/" subtype ) ) parameters
 *   weight = OWS ";" OWS "q=" qvalue        qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 *
 * "Media ranges can be overridden by more specific media ranges or specific media types. If
 * more than one media range applies to a given type, the most specific reference has
 * precedence": `text/html;q=0, *\/*` refuses HTML, `*\/*;q=0, text/html` takes it. A request
 * without Accept "will accept any media type" (weight 1). A member that breaks the grammar is
 * ignored; an Accept with no member that applies (empty, or all of them broken) accepts
 * nothing, which the RFC allows ("can either honor the header field ... or disregard it").
 */
import { isToken, trimOws } from '../http/syntax';

export interface MediaType {
  readonly type: string; // lower case
  readonly subtype: string; // lower case
  /** Parameters, names and values lower case (e.g. charset=utf-8). */
  readonly parameters: Readonly<Record<string, string>>;
}

export interface MediaRange extends MediaType {
  readonly weight: number;
}

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The weight `accept` gives to `wanted`: 1 when there is no Accept, 0 when nothing in it applies. */
export function acceptance(accept: string | undefined, wanted: MediaType): number {
  if (accept === undefined) return 1;
  let best: { specificity: number; weight: number } | undefined;
  for (const range of parseAccept(accept)) {
    const specificity = specificityFor(range, wanted);
    if (specificity === undefined) continue;
    // Among ranges as specific as each other (text/html;q=0.5, text/html), the higher weight.
    if (
      best === undefined ||
      specificity > best.specificity ||
      (specificity === best.specificity && range.weight > best.weight)
    )
      best = { specificity, weight: range.weight };
  }
  return best?.weight ?? 0;
}

/** How specifically `range` names `wanted` (higher is more specific), or undefined if it does not apply to it. */
export function specificityFor(range: MediaType, wanted: MediaType): number | undefined {
  if (range.type !== '*' && range.type !== wanted.type) return undefined;
  if (range.subtype !== '*' && range.subtype !== wanted.subtype) return undefined;
  const names = Object.keys(range.parameters);
  if (names.some((name) => wanted.parameters[name] !== range.parameters[name])) return undefined;
  return (range.type === '*' ? 0 : 1) + (range.subtype === '*' ? 0 : 1) + names.length;
}

/** The members of an Accept value that follow the grammar, in order. */
export function parseAccept(value: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const member of splitOutsideQuotes(value, ',')) {
    const range = parseMember(member);
    if (range !== undefined) ranges.push(range);
  }
  return ranges;
}

function parseMember(member: string): MediaRange | undefined {
  const [typeText = '', ...parameterTexts] = splitOutsideQuotes(member, ';');
  const slash = typeText.indexOf('/');
  const type = typeText.slice(0, slash).toLowerCase();
  const subtype = typeText.slice(slash + 1).toLowerCase();
  if (slash === -1 || !isToken(type) || !isToken(subtype) || (type === '*' && subtype !== '*'))
    return undefined;
  const parameters: Record<string, string> = {};
  let weight = 1;
  let weighed = false;
  for (const text of parameterTexts) {
    const parameter = parseParameter(text);
    if (parameter === undefined) return undefined;
    const [name, value] = parameter;
    if (weighed) continue; // accept-ext after the weight (RFC 7231), no longer in RFC 9110: ignored
    if (name !== 'q') parameters[name] = value.toLowerCase();
    else if (QVALUE.test(value)) [weight, weighed] = [Number(value), true];
    else return undefined;
  }
  return { type, subtype, parameters, weight };
}

/** parameter = parameter-name "=" ( token / quoted-string ), the name lower case; undefined if malformed. */
function parseParameter(text: string): readonly [string, string] | undefined {
  const equals = text.indexOf('=');
  const name = text.slice(0, equals).toLowerCase();
  const raw = text.slice(equals + 1);
  if (equals === -1 || !isToken(name)) return undefined;
  if (isToken(raw)) return [name, raw];
  const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(raw);
  return quoted ? [name, (quoted[1] ?? '').replace(/\\(.)/gs, '$1')] : undefined;
}

/** Splits on `separator` where it is not inside a quoted string, trimming OWS; empty pieces dropped (RFC 9110 §5.6.1, §5.6.6). */
export function splitOutsideQuotes(value: string, separator: ',' | ';'): string[] {
  const pieces: string[] = [];
  const keep = (piece: string): void => {
    if (trimOws(piece) !== '') pieces.push(trimOws(piece));
  };
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      keep(value.slice(start, i));
      start = i + 1;
    }
  }
  keep(value.slice(start));
  return pieces;
}
