/**
 * Path safety, in one function: from the path of a request-target to the list of names to
 * look up under the site root, or a refusal. Every rule is here, in the order applied:
 *
 *   1. Cut the query (kept for redirects) and any fragment.
 *   2. Split on "/" and percent-decode each segment exactly once (RFC 3986 §2.1). A bad
 *      escape, an encoded "/" or "\", a raw "\", NUL or another control byte, or bytes that
 *      are not UTF-8 → 400.
 *   3. Resolve "." and ".." (RFC 3986 §5.2.4), decoded ones included, never rising above the
 *      root: a ".." with nothing left to remove → 400.
 *   4. A segment starting with "." (a dotfile or dot-directory) → 404, except /.well-known/
 *      (RFC 8615).
 *
 * The names returned are then looked up under the root, and the real path checked again
 * after symlinks are followed (see site.ts): this function alone cannot see symlinks.
 */
import { VCHAR, allOf } from '../http/syntax';

/** A target that resolved: its names below the root, and the same joined with "/" (the file's path below the root). */
export type TargetVerdict =
  | {
      readonly kind: 'path';
      readonly segments: readonly string[];
      readonly path: string;
      readonly directory: boolean;
      readonly query: string;
    }
  | { readonly kind: 'refused'; readonly status: 400 | 404; readonly reason: string };

/** The verdict for a request's path and query: the rules above, in order. */
export function resolveTarget(pathAndQuery: string): TargetVerdict {
  const hash = pathAndQuery.indexOf('#');
  const withoutFragment = hash === -1 ? pathAndQuery : pathAndQuery.slice(0, hash);
  const question = withoutFragment.indexOf('?');
  const rawPath = question === -1 ? withoutFragment : withoutFragment.slice(0, question);
  const query = question === -1 ? '' : withoutFragment.slice(question + 1);
  if (!rawPath.startsWith('/')) return refuse(400, 'path does not start with "/"');

  const segments: string[] = [];
  const rawSegments = rawPath.split('/');
  let directory = false;
  for (let i = 1; i < rawSegments.length; i++) {
    const name = decodeSegment(rawSegments[i] ?? '');
    if (typeof name !== 'string') return name;
    directory = name === '' || name === '.' || name === '..';
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (segments.pop() === undefined) return refuse(400, '".." rises above the site root');
      continue;
    }
    segments.push(name);
  }
  const hidden = segments.findIndex(isHiddenSegment);
  if (hidden !== -1) return refuse(404, `"${segments[hidden]}" is a dotfile`);
  return { kind: 'path', segments, path: segments.join('/'), directory, query };
}

/** Rule 4, for one name at `index` below the root: a dotfile or dot-directory, except a leading .well-known (RFC 8615). */
export function isHiddenSegment(segment: string, index: number): boolean {
  return segment.startsWith('.') && !(index === 0 && segment === '.well-known');
}

function refuse(status: 400 | 404, reason: string): TargetVerdict {
  return { kind: 'refused', status, reason };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const HEX = /^[0-9A-Fa-f]{2}$/;

/** Decodes one segment; its raw bytes are visible ASCII (the parser checked), so only escapes can smuggle anything in. */
function decodeSegment(raw: string): string | TargetVerdict {
  // The parser lets only visible ASCII through; checked again here so this function is safe on its own.
  if (!allOf(raw, VCHAR)) return refuse(400, 'a byte in the path that is not visible ASCII');
  if (raw.includes('\\')) return refuse(400, 'backslash in path');
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '%') {
      bytes.push(raw.charCodeAt(i));
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return refuse(400, `bad percent-escape "%${hex}"`);
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  if (bytes.includes(0x2f) || bytes.includes(0x5c)) return refuse(400, 'encoded slash or backslash in path');
  if (bytes.some((b) => b < 0x20 || b === 0x7f)) return refuse(400, 'NUL or control byte in path');
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return refuse(400, 'path is not valid UTF-8');
  }
}

/** The path of a directory with its trailing slash, percent-encoded again: a Location value that can never start with "//". */
export function directoryLocation(segments: readonly string[], query: string): string {
  const names = segments.filter((s) => s !== '');
  const path = names.length === 0 ? '/' : `/${names.map(encodeURIComponent).join('/')}/`;
  return query === '' ? path : `${path}?${query}`;
}
