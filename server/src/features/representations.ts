/**
 * The seam between the features that make a representation of their own (compression, live
 * reload's page, listings as data) and the strategy chosen at start-up (strategy.ts).
 *
 * A feature is a layer around the answer inside it: it gets the exchange back, with the
 * representation its reply was built from (`Exchange.file`), makes another (the same bytes
 * compressed, the page with a script), and answers with that: steps 3 and 4 of
 * handle-request.ts, decide then build, over the new representation. The answer inside decided
 * for its own representation; conditions and ranges are decided again for the new one, whose
 * ETag and size are its own.
 *
 * The plain path (below) makes everything anew for every request. The fast path keeps what it
 * made for a cached file, and its replies (fast/kept-representations.ts).
 */
import type { Request } from '../http/message';
import type { Exchange, HandlerOptions, Steps } from '../handle-request';
import { type FileVerdict, decideFile } from '../decide/file-verdict';
import type { Found, ResolvedTarget } from '../resolve/site';
import type { OpenFiles } from '../resolve/open-files';
import { type FileSystem, type FsFailure, readWhole } from '../resolve/file-system';
import type { Representation } from '../respond/representation';
import { fileReply } from '../respond/replies';

/** A representation made, or why it could not be (the trace says it). */
export type Made = Representation | { readonly not: string };

export interface Representations {
  /** Steps 3 and 4 of handle-request.ts over a representation a feature made: the verdict, then the reply. */
  answer(request: Request, file: Representation, steps: Steps): Exchange;
  /** What `make` makes of `base` (`key` names the kind: "gzip", "live reload"): anew each time, or kept with base's bytes. */
  derive(base: Representation, key: string, make: () => Made | Promise<Made>): Made | Promise<Made>;
  /** Another file of the site (a precompressed sibling), found as any request's file is. */
  find(target: ResolvedTarget, files: OpenFiles): Found | Promise<Found>;
  /** The exchange with a line for the trace: what a feature decided, and why. */
  noted(exchange: Exchange, note: string): Exchange;
}

export function plainRepresentations(options: HandlerOptions): Representations {
  return {
    answer: (request, file, steps) => answerWith(request, file, steps, options),
    derive: (_base, _key, make) => make(),
    find: (target, files) => options.site.find(target, files),
    noted: withNote,
  };
}

/** Decide, then build: handle-request.ts's steps 3 and 4, for any representation. */
export function answerWith(
  request: Request,
  file: Representation,
  steps: Steps,
  options: Pick<HandlerOptions, 'maxRanges' | 'boundary'>,
): Exchange {
  const verdict = decideFor(request, file, options.maxRanges);
  return {
    reply: fileReply(verdict, file, options.boundary),
    steps: { ...steps, contentType: file.contentType, verdict },
    file,
  };
}

/**
 * decideFile, with one rule more: of an encoded representation, one range at most. Several
 * would be sent as multipart/byteranges, whose parts have no place to say that their bytes are
 * gzip's; past one range the whole is sent (RFC 9110 §14.2 lets a server ignore Range).
 */
export function decideFor(request: Request, file: Representation, maxRanges: number): FileVerdict {
  return decideFile(request, file, file.encoding === undefined ? maxRanges : 1);
}

export function withNote(exchange: Exchange, note: string): Exchange {
  const notes = [...(exchange.steps.notes ?? []), note];
  return { ...exchange, steps: { ...exchange.steps, notes } };
}

/** `f` of a value now, or of a promise's value later: a fast answer, which comes at once, stays synchronous. */
export function after<T, U>(value: T | Promise<T>, f: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** A representation's bytes, whole: in memory already (a cached file), or read from its open file. */
export function bytesOf(file: Representation, fs: FileSystem): Buffer | Promise<Buffer | FsFailure> {
  return file.source.kind === 'bytes' ? file.source.bytes : readWhole(fs, file.source.fd, file.size);
}

/** An ETag for a representation made from another: the same opaque tag with `suffix` inside the quotes. */
export function derivedTag(etag: string, suffix: string): string {
  return `${etag.slice(0, -1)}-${suffix}"`;
}
