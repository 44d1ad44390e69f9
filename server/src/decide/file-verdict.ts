/**
 * The verdict for a file, in the order of RFC 9110 §13.2.2 (as Go's ServeContent: first
 * checkPreconditions, then the range): a pure function of the request's method and fields and
 * the file's validators and size. It names the one reply to build, and keeps each decision's
 * reason for the trace.
 *
 *   preconditions failed → 412      not modified → 304
 *   otherwise the range:  whole → 200, partial → 206, nothing satisfiable → 416
 */
import { type Field, fieldValue } from '../http/message';
import { type PreconditionVerdict, evaluatePreconditions } from './preconditions';
import { type RangeDecision, decideRanges } from './ranges';
import type { Validators } from './validators';

type Proceed = Extract<PreconditionVerdict, { kind: 'proceed' }>;

export type FileVerdict =
  | { readonly status: 412 | 304; readonly preconditions: PreconditionVerdict }
  | {
      readonly status: 200;
      readonly preconditions: Proceed;
      readonly range: Extract<RangeDecision, { kind: 'whole' }>;
    }
  | {
      readonly status: 206;
      readonly preconditions: Proceed;
      readonly range: Extract<RangeDecision, { kind: 'partial' }>;
    }
  | {
      readonly status: 416;
      readonly preconditions: Proceed;
      readonly range: Extract<RangeDecision, { kind: 'unsatisfiable' }>;
    };

/** The verdict for a request with no condition and no Range: the whole file. */
export const PLAIN_GET = {
  status: 200,
  preconditions: { kind: 'proceed', honourRange: true },
  range: { kind: 'whole', because: 'no Range' },
} as const satisfies FileVerdict;

/** What of the request the decision reads. */
export interface Asked {
  readonly method: string;
  readonly fields: readonly Field[];
}

/** What of the file the decision reads. */
export interface FileFacts {
  readonly validators: Validators;
  readonly size: number;
}

export function decideFile(request: Asked, file: FileFacts, maxRanges: number): FileVerdict {
  const preconditions = evaluatePreconditions(request.method, request.fields, file.validators);
  if (preconditions.kind === 'failed') return { status: 412, preconditions };
  if (preconditions.kind === 'not-modified') return { status: 304, preconditions };
  const range = chooseRange(request, preconditions.honourRange, file.size, maxRanges);
  switch (range.kind) {
    case 'whole': // the everyday verdict, a plain GET, is one shared value
      return preconditions.honourRange && range.because === PLAIN_GET.range.because
        ? PLAIN_GET
        : { status: 200, preconditions, range };
    case 'partial':
      return { status: 206, preconditions, range };
    case 'unsatisfiable':
      return { status: 416, preconditions, range };
  }
}

/** The Range header, if the request may use it: RFC 9110 §14.2 defines it for GET only, and If-Range may have said to ignore it. */
function chooseRange(request: Asked, honourRange: boolean, size: number, maxRanges: number): RangeDecision {
  const header = fieldValue(request.fields, 'range');
  if (header !== undefined && request.method !== 'GET')
    return { kind: 'whole', because: 'Range applies to GET only' };
  if (header !== undefined && !honourRange) return { kind: 'whole', because: 'If-Range did not match' };
  return decideRanges(header, size, maxRanges);
}
