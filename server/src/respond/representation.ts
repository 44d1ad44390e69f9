/**
 * A file's representation: its Content-Type, its validators, and the 200 reply that sends it
 * whole. For a file served from the cache, all of it depends only on that cached copy, so it is
 * worked out once per copy (remembered by the copy's bytes, and forgotten with them) instead of
 * on every request; the reply even keeps its field lines serialized.
 */
import type { Found } from '../resolve/site';
import { contentTypeFor } from '../resolve/media-type';
import { validatorsOf } from '../decide/validators';
import { serializeFields } from './head';
import { type FileContent, wholeFileReply } from './replies';
import type { Reply } from '../http/message';

export interface Representation {
  readonly file: FileContent;
  /** The reply for a plain GET or HEAD of the whole file. */
  readonly whole: Reply;
}

type FoundFile = Extract<Found, { kind: 'file' }>;

const remembered = new WeakMap<Buffer, Representation>();

export function representationOf(found: FoundFile): Representation {
  if (found.body.kind === 'fd') return represent(found);
  let representation = remembered.get(found.body.bytes);
  if (representation === undefined) {
    representation = represent(found);
    remembered.set(found.body.bytes, representation);
  }
  return representation;
}

function represent(found: FoundFile): Representation {
  const file: FileContent = {
    contentType: contentTypeFor(found.name),
    validators: validatorsOf(found.stat),
    size: found.body.kind === 'bytes' ? found.body.bytes.length : found.stat.size,
    source: found.body,
  };
  const whole = wholeFileReply(file);
  return { file, whole: { ...whole, fieldLines: serializeFields(whole.fields) } };
}
