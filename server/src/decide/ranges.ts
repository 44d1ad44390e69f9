/**
 * Range requests (RFC 9110 §14). `bytes=first-last`, `bytes=first-` and `bytes=-suffix`, and
 * lists of them. Following the RFC's latitude and Go's ServeContent:
 *   - no Range, another unit, a malformed set, an empty file → the whole file (200)
 *   - no range overlaps the file                            → 416 with Content-Range: bytes *\/size
 *   - more than `maxRanges`, or more bytes than the file    → the whole file (an amplification guard, §14.2)
 *   - otherwise the satisfiable ranges, in the order asked  → 206
 */
import { parseDigits, splitList } from '../http/syntax';

/** A byte range with inclusive ends, as Content-Range writes it. */
export interface ByteRange {
  readonly first: number;
  readonly last: number;
}

export type RangeDecision =
  | { readonly kind: 'whole'; readonly because: string }
  | { readonly kind: 'partial'; readonly ranges: readonly ByteRange[] }
  | { readonly kind: 'unsatisfiable' };

const UNIT = /^bytes=/i;

export function decideRanges(header: string | undefined, size: number, maxRanges: number): RangeDecision {
  if (header === undefined) return NO_RANGE;
  // Nothing in an empty file can be described by a Content-Range; §14.2 lets us ignore Range.
  if (size === 0) return whole('the file is empty');
  if (!UNIT.test(header)) return whole('not a bytes range');
  const specs = splitList(header.slice('bytes='.length));
  if (specs.length === 0) return whole('empty range set');
  if (specs.length > maxRanges) return whole(`more than ${maxRanges} ranges`);
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const range = parseSpec(spec, size);
    if (range === 'malformed') return whole(`malformed range "${spec}"`);
    if (range !== 'unsatisfiable') ranges.push(range);
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  const total = ranges.reduce((sum, r) => sum + (r.last - r.first + 1), 0);
  if (total > size) return whole('ranges add up to more than the file');
  return { kind: 'partial', ranges };
}

const NO_RANGE: RangeDecision = { kind: 'whole', because: 'no Range' };

function whole(because: string): RangeDecision {
  return { kind: 'whole', because };
}

/** int-range = first-pos "-" [ last-pos ]  /  suffix-range = "-" suffix-length (RFC 9110 §14.1.1). */
function parseSpec(spec: string, size: number): ByteRange | 'malformed' | 'unsatisfiable' {
  const dash = spec.indexOf('-');
  if (dash === -1) return 'malformed';
  const firstText = spec.slice(0, dash);
  const lastText = spec.slice(dash + 1);
  if (firstText === '') {
    const suffix = parseDigits(lastText, 20);
    if (suffix === undefined) return 'malformed';
    if (suffix === 0) return 'unsatisfiable';
    return { first: Math.max(0, size - suffix), last: size - 1 };
  }
  const first = parseDigits(firstText, 20);
  const last = lastText === '' ? Infinity : parseDigits(lastText, 20);
  if (first === undefined || last === undefined || last < first) return 'malformed';
  if (first >= size) return 'unsatisfiable';
  return { first, last: Math.min(last, size - 1) };
}
