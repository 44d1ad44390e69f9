/**
 * The path of one request, on one screen. The connection has already turned socket bytes into
 * a `Request` (parse/); what is left is:
 *
 *   method → resolve the target to a file (resolve/) → decide: conditional, range (decide/)
 *          → build the reply (respond/)
 *
 * and the connection then writes the reply and logs it (net/, log/). Each step's outcome is
 * kept in `steps`, so the trace can show how the request was understood.
 */
import { type NowOrLater, type Reply, type Request, fieldValue } from './http/message';
import type { Found, ResolvedTarget, Site } from './resolve/site';
import { type TargetVerdict, resolveTarget } from './resolve/target';
import { type PreconditionVerdict, evaluatePreconditions } from './decide/preconditions';
import { type RangeDecision, decideRanges } from './decide/ranges';
import {
  errorReply,
  listingReply,
  methodNotAllowedReply,
  multiRangeReply,
  optionsReply,
  redirectReply,
  singleRangeReply,
  unsatisfiableReply,
} from './respond/replies';
import { type Representation, representationOf } from './respond/representation';

export interface Steps {
  target?: TargetVerdict;
  found?: Found;
  contentType?: string;
  preconditions?: PreconditionVerdict;
  range?: RangeDecision;
}

export interface Exchange {
  readonly reply: Reply;
  readonly steps: Steps;
}

export interface HandlerOptions {
  readonly site: Site;
  readonly maxRanges: number;
  /** A fresh multipart boundary; the caller owns the randomness. */
  readonly boundary: () => string;
}

export function handleRequest(request: Request, options: HandlerOptions): NowOrLater<Exchange> {
  const steps: Steps = {};

  // 1. The method: this server reads files (RFC 9110 §9.3).
  if (request.method === 'OPTIONS') return { reply: optionsReply(), steps };
  if (request.method !== 'GET' && request.method !== 'HEAD') return { reply: methodNotAllowedReply(), steps };

  // 2. Resolve: the target to safe path segments, then to a file under the root (at once if cached).
  const target = (steps.target = resolveTarget(request.pathAndQuery));
  if (target.kind === 'refused') return { reply: errorReply(target.status), steps };
  const found = options.site.find(target);
  return found instanceof Promise
    ? found.then((f) => answer(request, target, f, options, steps))
    : answer(request, target, found, options, steps);
}

/** With the file found (or not): redirect, listing, refusal, or 3. decide and 4. respond. */
function answer(
  request: Request,
  target: ResolvedTarget,
  found: Found,
  options: HandlerOptions,
  steps: Steps,
): Exchange {
  steps.found = found;
  if (found.kind === 'refused') return { reply: errorReply(found.status), steps };
  if (found.kind === 'redirect') return { reply: redirectReply(found.location), steps };
  if (found.kind === 'listing')
    return { reply: listingReply(target.path === '' ? '/' : `/${target.path}/`, found.entries), steps };

  // Conditional request first, then range (RFC 9110 §13.2.2).
  const representation = representationOf(found);
  steps.contentType = representation.file.contentType;
  const reply = serveFile(request, representation, options, steps);
  // A reply that does not stream the open file releases it here.
  if (found.body.kind === 'fd' && reply.body.kind !== 'file') options.site.release(found.body.fd);
  return { reply, steps };
}

function serveFile(
  request: Request,
  { file, whole, notModified }: Representation,
  options: HandlerOptions,
  steps: Steps,
): Reply {
  const verdict = (steps.preconditions = evaluatePreconditions(
    request.method,
    request.fields,
    file.validators,
  ));
  if (verdict.kind === 'failed') return errorReply(412);
  if (verdict.kind === 'not-modified') return notModified;

  const range = (steps.range = chooseRange(request, verdict.honourRange, file.size, options.maxRanges));
  switch (range.kind) {
    case 'whole':
      return whole;
    case 'unsatisfiable':
      return unsatisfiableReply(file.size);
    case 'partial': {
      const only = range.ranges.length === 1 ? range.ranges[0] : undefined;
      return only !== undefined
        ? singleRangeReply(file, only)
        : multiRangeReply(file, range.ranges, options.boundary());
    }
  }
}

/** The Range header, if the request may use it: RFC 9110 §14.2 defines it for GET only, and If-Range may have said to ignore it. */
function chooseRange(request: Request, honourRange: boolean, size: number, maxRanges: number): RangeDecision {
  const header = fieldValue(request.fields, 'range');
  if (header !== undefined && request.method !== 'GET')
    return { kind: 'whole', because: 'Range applies to GET only' };
  if (header !== undefined && !honourRange) return { kind: 'whole', because: 'If-Range did not match' };
  return decideRanges(header, size, maxRanges);
}
