/**
 * The fast path's answer. A request for a file the cache can vouch for at once (cached-site.ts)
 * goes through the steps of handle-request.ts (resolve, decide, build) without waiting for
 * anything, so its reply is written in the same turn of the event loop; every other request
 * takes the plain path, handleRequest, over the cached site.
 *
 * Measured (bench/README.md, "What we learned from profiling", step 4): a cache hit that went
 * through four nested async layers paid a trip through the microtask queue at each; returning
 * the value itself took an A/B median from 30.2 k to 36.1 k req/s for a 1 KiB file. The
 * target's resolution is remembered too (step 2, with prepared-replies.ts: 25 k → 34 k req/s).
 */
import type { Request } from '../http/message';
import {
  type Answer,
  type Exchange,
  type HandlerOptions,
  handleRequest,
  readsAFile,
} from '../handle-request';
import { type TargetVerdict, resolveTarget } from '../resolve/target';
import type { ResolvedTarget } from '../resolve/site';
import { PLAIN_GET, decideFile } from '../decide/file-verdict';
import { fileReply } from '../respond/replies';
import type { CachedCopy, CachedSite } from './cached-site';
import type { PreparedReplies } from './prepared-replies';

/** Targets remembered, at most, each of up to 256 characters: about 1 MiB at worst. */
const REMEMBERED_TARGETS = 4096;

export class AnswerAtOnce {
  private readonly targets = new Map<string, TargetVerdict>();

  constructor(
    private readonly site: CachedSite,
    private readonly options: HandlerOptions,
    private readonly prepared: PreparedReplies,
  ) {}

  readonly answer: Answer = (request, files, now) => {
    const target = readsAFile(request.method) ? this.resolve(request.pathAndQuery) : undefined;
    const copy = target?.kind === 'path' ? this.site.findNow(target, now) : undefined;
    if (target?.kind !== 'path' || copy === undefined) return handleRequest(request, this.options, files);
    return this.fromCache(request, target, copy);
  };

  /** Steps 3 and 4 of handle-request.ts for a cached copy: decide, then its prepared reply (or one built now). */
  private fromCache(request: Request, target: ResolvedTarget, copy: CachedCopy): Exchange {
    const prepared = this.prepared.of(copy);
    const { file, whole, notModified } = prepared;
    const verdict = decideFile(request, file, this.options.maxRanges);
    if (verdict === PLAIN_GET) return this.prepared.plainGet(prepared, copy, target);
    const reply =
      verdict.status === 200
        ? whole
        : verdict.status === 304
          ? notModified
          : fileReply(verdict, file, this.options.boundary);
    return { reply, steps: { target, found: copy, contentType: file.contentType, verdict }, file };
  }

  /** resolveTarget, remembered: a verdict depends on the string alone. */
  private resolve(pathAndQuery: string): TargetVerdict {
    if (pathAndQuery.length > 256) return resolveTarget(pathAndQuery);
    let verdict = this.targets.get(pathAndQuery);
    if (verdict === undefined) {
      if (this.targets.size >= REMEMBERED_TARGETS) this.targets.clear(); // a bound, not an LRU: a verdict is cheap to redo
      verdict = resolveTarget(pathAndQuery);
      this.targets.set(pathAndQuery, verdict);
    }
    return verdict;
  }
}
