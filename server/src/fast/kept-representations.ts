/**
 * The fast path's `Representations` (features/representations.ts): what a feature makes of a
 * cached file (its bytes compressed) is kept as long as the
 * cached copy is, with its 200 and 304 prepared once (prepared-replies.ts), so a hot file is not
 * compressed again for every request, and its reply's bytes are kept by wire-memo.ts.
 *
 * Measured (bench/compression-cost.mjs, bench/README.md "Issue 14"): a client asking for gzip,
 * 64 KiB of HTML, on the fast path with the compressed bytes kept against the plain path,
 * which compresses them for every request.
 *
 * What is kept, and for how long:
 *   - made representations, per cached copy's bytes (a WeakMap: they go when the copy goes);
 *     a representation of a file not cached (over 128 KiB, or reached by a symlink) is made
 *     anew each time, as on the plain path;
 *   - the answer that a sibling (app.js.br) does not exist, for TRUST_MS: a sibling made later
 *     is served within a second (until then the file is compressed now, or sent as it is: the
 *     same content either way, never a stale one). A sibling that exists is the cache's to keep.
 */
import type { Request } from '../http/message';
import type { Exchange, HandlerOptions, Steps } from '../handle-request';
import { PLAIN_GET } from '../decide/file-verdict';
import type { Found, ResolvedTarget } from '../resolve/site';
import type { OpenFiles } from '../resolve/open-files';
import type { Representation } from '../respond/representation';
import { fileReply } from '../respond/replies';
import {
  type Made,
  type Representations,
  answerWith,
  decideFor,
  withNote,
} from '../features/representations';
import type { CachedSite } from './cached-site';
import { TRUST_MS } from './file-cache';
import type { PreparedReplies } from './prepared-replies';

/** Sibling paths remembered as absent, at most (each a path below the root): a bound, cleared when full. */
const REMEMBERED_ABSENT = 4096;
/** Trace lines remembered per kept exchange, at most: they vary with the client's Accept-Encoding. */
const REMEMBERED_NOTES = 8;

const ABSENT: Found = { kind: 'refused', status: 404, reason: 'no such file (remembered for a second)' };

export class KeptRepresentations implements Representations {
  private readonly made = new WeakMap<Buffer, Map<string, Made | Promise<Made>>>();
  private readonly kept = new WeakSet<Representation>();
  private readonly absent = new Map<string, number>();
  private readonly notes = new WeakMap<Exchange, Map<string, Exchange>>();

  constructor(
    private readonly site: CachedSite,
    private readonly prepared: PreparedReplies,
    private readonly options: HandlerOptions & { readonly now: () => number },
  ) {}

  /** A kept representation's replies are prepared once; another is decided and built as on the plain path. */
  answer(request: Request, file: Representation, steps: Steps): Exchange {
    if (!this.kept.has(file)) return answerWith(request, file, steps, this.options);
    const prepared = this.prepared.ofFile(file);
    const verdict = decideFor(request, file, this.options.maxRanges);
    if (verdict === PLAIN_GET) {
      let exchange = prepared.madeGets.get(steps);
      if (exchange === undefined) {
        exchange = {
          reply: prepared.whole,
          steps: { ...steps, contentType: file.contentType, verdict },
          file,
        };
        prepared.madeGets.set(steps, exchange);
        this.prepared.keepExchange(exchange);
      }
      return exchange;
    }
    const reply =
      verdict.status === 200
        ? prepared.whole
        : verdict.status === 304
          ? prepared.notModified
          : fileReply(verdict, file, this.options.boundary);
    return { reply, steps: { ...steps, contentType: file.contentType, verdict }, file };
  }

  /** Made once per cached copy and key; a promise is kept too, so two requests at once make it once. */
  derive(base: Representation, key: string, make: () => Made | Promise<Made>): Made | Promise<Made> {
    if (base.source.kind !== 'bytes') return make();
    let byKey = this.made.get(base.source.bytes);
    if (byKey === undefined) this.made.set(base.source.bytes, (byKey = new Map()));
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const made = make();
    const keep = (m: Made): Made => {
      if ('not' in m) {
        byKey.delete(key); // a reason (busy, too big) may not hold next time
        return m;
      }
      byKey.set(key, m);
      this.kept.add(m);
      return m;
    };
    if (!(made instanceof Promise)) return keep(made);
    byKey.set(key, made);
    return made.then(keep, (error: unknown) => {
      byKey.delete(key);
      throw error;
    });
  }

  /** A trusted cached file at once; a sibling known absent at once (for TRUST_MS); else the cached site. One reading of the clock for both. */
  find(target: ResolvedTarget, files: OpenFiles): Found | Promise<Found> {
    const now = this.options.now();
    const trusted = this.site.findNow(target, now);
    if (trusted !== undefined) return trusted;
    const absentSince = this.absent.get(target.path);
    if (absentSince !== undefined && now - absentSince < TRUST_MS) return ABSENT;
    return this.site.find(target, files).then((found) => {
      if (found.kind === 'refused' && found.status === 404) this.rememberAbsent(target.path);
      else this.absent.delete(target.path);
      return found;
    });
  }

  /** A kept exchange with a note is kept too (the same note, the same object); any other gets its note anew. */
  noted(exchange: Exchange, note: string): Exchange {
    // Only a kept exchange has notes kept, so one found here needs no look at whether it is kept:
    // 3 % of our JavaScript a cached GET (bench/README.md, "Two lookups and two clock reads fewer").
    let byNote = this.notes.get(exchange);
    const known = byNote?.get(note);
    if (known !== undefined) return known;
    if (!this.prepared.isKept(exchange)) return withNote(exchange, note);
    if (byNote === undefined) this.notes.set(exchange, (byNote = new Map()));
    const noted = withNote(exchange, note);
    if (byNote.size < REMEMBERED_NOTES) byNote.set(note, noted);
    this.prepared.keepExchange(noted);
    return noted;
  }

  private rememberAbsent(path: string): void {
    if (this.absent.size >= REMEMBERED_ABSENT) this.absent.clear(); // a bound, not an LRU: a lookup is cheap to redo
    this.absent.set(path, this.options.now());
  }
}
