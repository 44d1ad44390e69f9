/**
 * The path of one request, on one screen, in the order it happens:
 *
 *   0. socket bytes → parse   net/connection.ts reads the bytes; parse/ turns them into a Request.
 *                             A request the parser refuses (400, 413, 414, 417, 431, 501, 505; 408
 *                             when it is too slow) goes no further: the connection answers it with
 *                             `refusal` (below) and closes.
 *   1. the method             GET and HEAD read a file; OPTIONS is answered here; anything else, 405.
 *   2. resolve                the target to safe names (resolve/target.ts), then to a file under the
 *                             root (resolve/site.ts), opened for this exchange (resolve/open-files.ts).
 *   3. decide                 the conditions, then the range: a pure verdict (decide/file-verdict.ts).
 *   4. build                  only the reply that verdict chose (respond/replies.ts).
 *   5. write, then log        back in net/connection.ts: net/reply-writer.ts writes the reply
 *                             (respond/head.ts writes its head), log/ records it, and the files
 *                             the exchange opened are closed.
 *
 * This is the plain path. The fast path (fast/, chosen at start-up: strategy.ts) runs these same
 * steps, with a cache and prepared replies, and answers a cached file without waiting.
 */
import type { Reply, Request } from './http/message';
import type { StatusCode } from './http/status';
import { type TargetVerdict, resolveTarget } from './resolve/target';
import type { Found, NotAFile, ResolvedTarget, Site } from './resolve/site';
import type { OpenFiles } from './resolve/open-files';
import { type FileVerdict, decideFile } from './decide/file-verdict';
import { type Representation, represent } from './respond/representation';
import { errorReply, fileReply, methodNotAllowedReply, optionsReply, redirectReply } from './respond/replies';
import { listingPath, listingReply } from './respond/listing';

/** What happened at each step, kept for the trace (log/trace.ts). */
export interface Steps {
  target?: TargetVerdict;
  found?: Found;
  contentType?: string;
  verdict?: FileVerdict;
  /** What the feature layers around the answer did (strategy.ts), one line each, for the trace. */
  notes?: readonly string[];
  /** The server's own probe (a health check): written to the log at debug level, not to the access log. */
  quiet?: boolean;
}

export interface Exchange {
  readonly reply: Reply;
  readonly steps: Steps;
  /** The representation the reply was built from, when it was a file's: what a feature may make another of (features/). */
  readonly file?: Representation;
}

/**
 * What answers a request: `handleRequest` on the plain path, always later (it waits for the disk);
 * the fast path's answer may come at once. `now`: the time the connection read when the request's
 * bytes arrived, ms; the fast path's cache compares it with a copy's age instead of reading the
 * clock again (fast/cached-site.ts). The plain path, which asks the disk, has no use for it.
 */
export type Answer = (request: Request, files: OpenFiles, now: number) => Exchange | Promise<Exchange>;

export interface HandlerOptions {
  readonly site: Site;
  readonly maxRanges: number;
  /** A fresh multipart boundary; the caller owns the randomness. */
  readonly boundary: () => string;
  /** The request fields the features chosen at start-up negotiate on (Vary): none, or Accept-Encoding. */
  readonly vary?: readonly string[];
}

export async function handleRequest(
  request: Request,
  options: HandlerOptions,
  files: OpenFiles,
): Promise<Exchange> {
  const steps: Steps = {};

  // 1. The method: this server reads files (RFC 9110 §9.3).
  if (request.method === 'OPTIONS') return { reply: optionsReply(), steps };
  if (!readsAFile(request.method)) return { reply: methodNotAllowedReply(), steps };

  // 2. Resolve: the target to safe path segments, then to a file under the root.
  const target = (steps.target = resolveTarget(request.pathAndQuery));
  if (target.kind === 'refused') return { reply: errorReply(target.status), steps };
  const found = (steps.found = await options.site.find(target, files));
  if (found.kind !== 'file') return { reply: notAFileReply(request, target, found), steps };

  // 3. Decide: the conditional request first, then the range (RFC 9110 §13.2.2), over the file's validators.
  const file = represent(found, options.vary);
  steps.contentType = file.contentType;
  const verdict = (steps.verdict = decideFile(request, file, options.maxRanges));

  // 4. Build only the reply the verdict chose.
  return { reply: fileReply(verdict, file, options.boundary), steps, file };
}

export function readsAFile(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** A target that is not a file: the lookup's refusal, a redirect to the directory's slash, or a listing (HTML; its validators decide 304). */
function notAFileReply(request: Request, target: ResolvedTarget, found: NotAFile): Reply {
  switch (found.kind) {
    case 'refused':
      return errorReply(found.status);
    case 'redirect':
      return redirectReply(found.location);
    case 'listing':
      return listingReply(request, { urlPath: listingPath(target), listing: found, format: 'html' });
  }
}

/**
 * 0. The answer to a request the parser refused, or one too slow to arrive (408): its error
 * page, and the connection closes after it, since the byte stream may be out of step
 * (RFC 9112 §9.3). net/connection.ts sends it in place of handleRequest's reply.
 */
export function refusal(status: Exclude<StatusCode, 100 | 200 | 204 | 206 | 304>): Reply {
  return errorReply(status, [], true);
}
