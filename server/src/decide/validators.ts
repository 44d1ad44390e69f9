/**
 * Validators (RFC 9110 §8.8): what lets a client ask "has this changed?". Last-Modified is the
 * file's mtime at one-second resolution (all an HTTP date can say); the ETag is built from the
 * size and the mtime in milliseconds, as nginx does, and is sent as a strong validator so that
 * If-Range and If-Match can use it.
 */
import { ETAGC, allOf, trimOws } from '../http/syntax';

export interface Validators {
  /** The quoted entity-tag, e.g. "a-18c5f3a2b10". */
  readonly etag: string;
  /** Last-Modified as ms since the epoch, truncated to whole seconds. */
  readonly lastModified: number;
}

export function validatorsOf(file: { readonly size: number; readonly mtimeMs: number }): Validators {
  const mtime = Math.floor(file.mtimeMs);
  return {
    etag: `"${file.size.toString(16)}-${mtime.toString(16)}"`,
    lastModified: Math.floor(mtime / 1000) * 1000,
  };
}

/** One entity-tag of a list: `[W/] DQUOTE *etagc DQUOTE` (RFC 9110 §8.8.3). */
interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string; // with its quotes
}

/**
 * Scans an If-Match / If-None-Match value: "*" or a list of entity-tags. Returns undefined for
 * a malformed value. Entity-tags may contain commas, so this is a scanner, not a split.
 */
export function parseEntityTags(value: string): '*' | EntityTag[] | undefined {
  if (trimOws(value) === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  for (;;) {
    while (value[i] === ' ' || value[i] === '\t' || value[i] === ',') i++;
    if (i >= value.length) return tags.length > 0 ? tags : undefined;
    const weak = value.startsWith('W/', i);
    if (weak) i += 2;
    if (value[i] !== '"') return undefined;
    const close = value.indexOf('"', i + 1);
    if (close === -1) return undefined;
    const opaque = value.slice(i, close + 1);
    if (!allOf(opaque.slice(1, -1), ETAGC)) return undefined;
    tags.push({ weak, opaque });
    i = close + 1;
    while (value[i] === ' ' || value[i] === '\t') i++;
    if (i < value.length && value[i] !== ',') return undefined; // tags are separated by commas
  }
}

/** Strong comparison: both strong and the same opaque tag (RFC 9110 §8.8.3.2). */
export function strongMatch(tag: EntityTag, etag: string): boolean {
  return !tag.weak && tag.opaque === etag;
}

/** Weak comparison: the same opaque tag, weakness ignored. */
export function weakMatch(tag: EntityTag, etag: string): boolean {
  return tag.opaque === etag;
}
