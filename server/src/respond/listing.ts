/**
 * A directory listing (--listing) as a representation of its own: an HTML page (the default),
 * or the same entries as JSON (features/listings/ chooses it by Accept). Pure. Like a file, it
 * carries validators, so that a client revalidates it (304) instead of fetching it again:
 *
 *   ETag            a hash of the bytes sent: it changes exactly when they do, and differs
 *                   between the HTML and the JSON of one directory (RFC 9110 §8.8.3);
 *   Last-Modified   the newest mtime of the directory and its entries: an entry added or
 *                   removed changes the directory's, an edit the entry's (RFC 9110 §8.8.2).
 *
 * JSON: { "path": "/docs/", "entries": [ { "name", "type": "file" | "directory", "size"
 * (bytes; null for a directory), "modified" (ISO 8601, UTC) } ] }, in the HTML's order.
 */
import { createHash } from 'node:crypto';
import type { FieldList, Request } from '../http/message';
import { formatHttpDate } from '../http/dates';
import { evaluatePreconditions } from '../decide/preconditions';
import type { Validators } from '../decide/validators';
import type { Listing, ListingEntry, ResolvedTarget } from '../resolve/site';
import { listingPage, sortedEntries } from './pages';
import { NO_VARY } from './representation';
import { errorReply } from './replies';
import type { Reply } from '../http/message';

export type ListingFormat = 'html' | 'json';

/** What a listing reply shows: which directory, its entries, in which format, and what the choice varied on. */
export interface ListingView {
  readonly urlPath: string;
  readonly listing: Pick<Listing, 'entries' | 'modified'>;
  readonly format: ListingFormat;
  /** The request fields the format was chosen by (Accept), for Vary; none when there was no choice. */
  readonly vary?: readonly string[];
}

const CONTENT_TYPE: Record<ListingFormat, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The URL path of a listed directory, as its page shows it: "/" or "/docs/". */
export function listingPath(target: ResolvedTarget): string {
  return target.path === '' ? '/' : `/${target.path}/`;
}

export function listingJson(urlPath: string, entries: readonly ListingEntry[]): Buffer {
  const rows = sortedEntries(entries).map((e) => ({
    name: e.name,
    type: e.isDirectory ? 'directory' : 'file',
    size: e.isDirectory ? null : e.size,
    modified: new Date(e.modified).toISOString(),
  }));
  return Buffer.from(`${JSON.stringify({ path: urlPath, entries: rows }, null, 2)}\n`);
}

function listingValidators(bytes: Buffer, modified: number): Validators {
  const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
  return { etag: `"${hash}"`, lastModified: Math.floor(modified / 1000) * 1000 };
}

/** 200 with the listing, or 304 / 412 by the request's conditions (RFC 9110 §13.2.2), as for a file. */
export function listingReply(request: Pick<Request, 'method' | 'fields'>, view: ListingView): Reply {
  const { urlPath, listing, format } = view;
  const bytes =
    format === 'json' ? listingJson(urlPath, listing.entries) : listingPage(urlPath, listing.entries);
  const validators = listingValidators(bytes, listing.modified);
  const vary = view.vary ?? NO_VARY;
  const meta: FieldList = [
    ['Last-Modified', formatHttpDate(validators.lastModified)],
    ['ETag', validators.etag],
    ['Cache-Control', 'no-cache'],
    ...(vary.length === 0 ? [] : ([['Vary', vary.join(', ')]] as const)),
  ];
  const verdict = evaluatePreconditions(request.method, request.fields, validators);
  if (verdict.kind === 'failed') return errorReply(412, meta.slice(3));
  if (verdict.kind === 'not-modified') return { status: 304, fields: meta, close: false };
  const fields: FieldList = [
    ['Content-Type', CONTENT_TYPE[format]],
    ...meta,
    ['X-Content-Type-Options', 'nosniff'],
  ];
  return { status: 200, fields, body: { kind: 'bytes', bytes }, close: false };
}
