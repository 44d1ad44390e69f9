/**
 * A file's representation: its Content-Type, its validators, and the two replies a plain
 * request gets, the 200 that sends it whole and the 304 that says it has not changed (with
 * Cache-Control: no-cache, every browser reload asks). For a file served from the cache, all
 * of it depends only on that cached copy, so it is worked out once per copy (remembered by the
 * copy's bytes, and forgotten with them) instead of on every request; its replies even keep
 * their field lines serialized. A large file, streamed from its descriptor, is opened anew for
 * each request, so its representation is too, and nothing is prepared for reuse.
 */
import type { Found } from '../resolve/site';
import { contentTypeFor } from '../resolve/media-type';
import { validatorsOf } from '../decide/validators';
import { serializeFields } from './head';
import { type FileContent, notModifiedReply, wholeFileReply } from './replies';
import type { Reply } from '../http/message';

export interface Representation {
  readonly file: FileContent;
  /** The reply for a plain GET or HEAD of the whole file. */
  readonly whole: Reply;
  /** The reply when a condition says the client's copy is current (RFC 9110 §15.4.5). */
  readonly notModified: Reply;
}

type FoundFile = Extract<Found, { kind: 'file' }>;

const remembered = new WeakMap<Buffer, Representation>();

export function representationOf(found: FoundFile): Representation {
  if (found.body.kind === 'fd') return represent(found);
  let representation = remembered.get(found.body.bytes);
  if (representation === undefined) {
    const { file, whole, notModified } = represent(found);
    representation = { file, whole: prepared(whole), notModified: prepared(notModified) };
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
  return { file, whole: wholeFileReply(file), notModified: notModifiedReply(file.validators) };
}

/** A reply to be sent many times keeps its field lines serialized, and wire.ts keeps its last bytes. */
function prepared(reply: Reply): Reply {
  return { ...reply, fieldLines: serializeFields(reply.fields) };
}
