/**
 * The Content-Type of a file, from its extension (mime-types). Text types get an explicit
 * `charset=utf-8`, so a browser never has to guess (RFC 9110 §8.3.1); what the database does
 * not know is `application/octet-stream`, "bytes of unknown kind" (RFC 9110 §8.3).
 */
import mime from 'mime-types';

const UNKNOWN = 'application/octet-stream';

/** Textual types outside text/* that browsers would otherwise decode with a guessed charset. */
const TEXTUAL = new Set([
  'application/javascript',
  'application/json',
  'application/xml',
  'image/svg+xml',
  'application/manifest+json',
]);

/** The Content-Type for a file name. */
export function contentTypeFor(fileName: string): string {
  // mime-types reads the extension itself; a bare name counts as one (a file called "json").
  const type = mime.lookup(fileName);
  if (type === false) return UNKNOWN;
  return isTextual(type) ? `${type}; charset=utf-8` : type;
}

function isTextual(type: string): boolean {
  return type.startsWith('text/') || TEXTUAL.has(type) || type.endsWith('+json') || type.endsWith('+xml');
}
