/**
 * Conditional requests, evaluated in the order of RFC 9110 §13.2.2, modelled on Go's
 * net/http checkPreconditions. Each header answers "true", "false" or "not asked" (none):
 *
 *   1. If-Match; when absent, If-Unmodified-Since            false → 412 Precondition Failed
 *   2. If-None-Match; when absent, If-Modified-Since         false → 304 Not Modified (GET/HEAD)
 *   3. If-Range (it matters only when a Range is present)    false → ignore Range, send it all
 */
import { type Field, fieldValue } from '../http/message';
import { parseHttpDate } from '../http/dates';
import { type Validators, parseEntityTags, strongMatch, weakMatch } from './validators';

type Condition = 'true' | 'false' | 'none';

export type PreconditionVerdict =
  | { readonly kind: 'proceed'; readonly honourRange: boolean }
  | { readonly kind: 'not-modified'; readonly because: string }
  | { readonly kind: 'failed'; readonly because: string };

export function evaluatePreconditions(
  method: string,
  fields: readonly Field[],
  v: Validators,
): PreconditionVerdict {
  const ifMatch = checkIfMatch(fieldValue(fields, 'if-match'), v);
  const first =
    ifMatch !== 'none' ? ifMatch : checkIfUnmodifiedSince(fieldValue(fields, 'if-unmodified-since'), v);
  if (first === 'false')
    return {
      kind: 'failed',
      because: ifMatch === 'false' ? 'If-Match did not match' : 'modified since If-Unmodified-Since',
    };

  const isRead = method === 'GET' || method === 'HEAD';
  const ifNoneMatch = checkIfNoneMatch(fieldValue(fields, 'if-none-match'), v);
  if (ifNoneMatch === 'false') {
    return isRead
      ? { kind: 'not-modified', because: 'If-None-Match matched' }
      : { kind: 'failed', because: 'If-None-Match matched' };
  }
  // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present, and on other methods.
  if (
    ifNoneMatch === 'none' &&
    isRead &&
    checkIfModifiedSince(fieldValue(fields, 'if-modified-since'), v) === 'false'
  ) {
    return { kind: 'not-modified', because: 'not modified since If-Modified-Since' };
  }
  // Step 5: If-Range matters only with a Range; whether there is one, and whether the method may use it, the caller knows.
  return checkIfRange(fieldValue(fields, 'if-range'), v) === 'false' ? PROCEED_WITHOUT_RANGE : PROCEED;
}

const PROCEED: PreconditionVerdict = { kind: 'proceed', honourRange: true };
const PROCEED_WITHOUT_RANGE: PreconditionVerdict = { kind: 'proceed', honourRange: false };

/** RFC 9110 §13.1.1: true if "*" or any listed tag matches strongly. */
function checkIfMatch(value: string | undefined, v: Validators): Condition {
  if (value === undefined) return 'none';
  const tags = parseEntityTags(value);
  if (tags === '*') return 'true';
  return tags?.some((tag) => strongMatch(tag, v.etag)) ? 'true' : 'false';
}

/** RFC 9110 §13.1.4: true if not modified after the date; an invalid date is ignored. */
function checkIfUnmodifiedSince(value: string | undefined, v: Validators): Condition {
  const date = value === undefined ? undefined : parseHttpDate(value);
  if (date === undefined) return 'none';
  return v.lastModified <= date ? 'true' : 'false';
}

/** RFC 9110 §13.1.2: false if "*" (the file exists) or any listed tag matches weakly. */
function checkIfNoneMatch(value: string | undefined, v: Validators): Condition {
  if (value === undefined) return 'none';
  const tags = parseEntityTags(value);
  if (tags === '*') return 'false';
  return tags?.some((tag) => weakMatch(tag, v.etag)) ? 'false' : 'true';
}

/** RFC 9110 §13.1.3: false ("not modified") if not modified after the date; an invalid date is ignored. */
function checkIfModifiedSince(value: string | undefined, v: Validators): Condition {
  const date = value === undefined ? undefined : parseHttpDate(value);
  if (date === undefined) return 'none';
  return v.lastModified <= date ? 'false' : 'true';
}

/** RFC 9110 §13.1.5: an entity-tag must match strongly, a date exactly; anything else means "send it all". */
function checkIfRange(value: string | undefined, v: Validators): Condition {
  if (value === undefined) return 'none';
  if (value.startsWith('"') || value.startsWith('W/')) {
    const tags = parseEntityTags(value);
    return Array.isArray(tags) && tags.length === 1 && tags[0] !== undefined && strongMatch(tags[0], v.etag)
      ? 'true'
      : 'false';
  }
  return parseHttpDate(value) === v.lastModified ? 'true' : 'false';
}
