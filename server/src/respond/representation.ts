/**
 * A file's representation: what a file reply is built from. Its Content-Type (from its name),
 * its validators (from its stat), its size, and where its bytes come from. Pure: the plain
 * path works it out on every request; the fast path keeps it per cached copy
 * (fast/prepared-replies.ts).
 */
import type { FileBody, FoundFile } from '../resolve/site';
import { contentTypeFor } from '../resolve/media-type';
import { type Validators, validatorsOf } from '../decide/validators';

export interface Representation {
  readonly contentType: string;
  /** Its content coding (RFC 9110 §8.4), when it is not the file's bytes as they are: 'gzip', 'br'... */
  readonly encoding?: string;
  readonly validators: Validators;
  readonly size: number;
  readonly source: FileBody;
  /**
   * The request fields that choose among this file's representations (RFC 9110 §12.5.5): none
   * unless a feature negotiates (compression: Accept-Encoding). Every reply built from it says
   * so in Vary, the 304 too, so that a cache keeps one copy per choice.
   */
  readonly vary: readonly string[];
}

export const NO_VARY: readonly string[] = [];

export function represent(found: FoundFile, vary = NO_VARY): Representation {
  return {
    contentType: contentTypeFor(found.name),
    validators: validatorsOf(found.stat),
    // A small file read whole may have shrunk since its stat: its bytes are what will be sent.
    size: found.body.kind === 'bytes' ? found.body.bytes.length : found.stat.size,
    source: found.body,
    vary,
  };
}
