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
  readonly validators: Validators;
  readonly size: number;
  readonly source: FileBody;
}

export function represent(found: FoundFile): Representation {
  return {
    contentType: contentTypeFor(found.name),
    validators: validatorsOf(found.stat),
    // A small file read whole may have shrunk since its stat: its bytes are what will be sent.
    size: found.body.kind === 'bytes' ? found.body.bytes.length : found.stat.size,
    source: found.body,
  };
}
