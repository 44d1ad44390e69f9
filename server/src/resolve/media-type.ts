/**
 * The Content-Type of a file, from its extension (mime-types). Text types get an explicit
 * `charset=utf-8`, so a browser never has to guess (RFC 9110 §8.3.1); what the database does
 * not know is `application/octet-stream`, "bytes of unknown kind" (RFC 9110 §8.3).
 */
import path from 'node:path';
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

const byExtension = new Map<string, string>();

/** The Content-Type for a file name, looked up once per extension. */
export function contentTypeFor(fileName: string): string {
  // The key mime-types itself uses: a bare name counts as an extension (a file called "json").
  const extension = path.extname(`x.${fileName}`).toLowerCase();
  let type = byExtension.get(extension);
  if (type === undefined) {
    type = lookUp(extension);
    if (byExtension.size < 1024) byExtension.set(extension, type); // a bound against odd names
  }
  return type;
}

function lookUp(fileName: string): string {
  const type = mime.lookup(fileName);
  if (type === false) return UNKNOWN;
  return isTextual(type) ? `${type}; charset=utf-8` : type;
}

function isTextual(type: string): boolean {
  return type.startsWith('text/') || TEXTUAL.has(type) || type.endsWith('+json') || type.endsWith('+xml');
}
