/**
 * Trace mode (--trace): the whole conversation, for a student watching the terminal. Every
 * chunk of bytes as it arrived (CR and LF shown as \r and \n), the request as parsed, how its
 * target mapped to a file, the conditional and range decisions, the response head exactly as
 * sent, and how the connection ended. Colours only when writing to a terminal.
 */
import type { Request } from '../http/message';
import type { Steps } from '../handle-request';
import type { CacheUse } from '../resolve/site';
import type { FileVerdict } from '../decide/file-verdict';
import { reasonPhrase } from '../http/status';
import type { Observer, Peer } from './observer';

const MAX_SHOWN_BYTES = 2048; // of one chunk; a big upload would bury the rest

interface Style {
  readonly dim: (s: string) => string;
  readonly in: (s: string) => string;
  readonly out: (s: string) => string;
  readonly note: (s: string) => string;
  readonly bad: (s: string) => string;
}

const ansi =
  (code: number) =>
  (s: string): string =>
    `\x1b[${code}m${s}\x1b[0m`;
const COLOURS: Style = { dim: ansi(2), in: ansi(36), out: ansi(32), note: ansi(33), bad: ansi(31) };
const PLAIN: Style = { dim: (s) => s, in: (s) => s, out: (s) => s, note: (s) => s, bad: (s) => s };

/** Shows bytes as text with the invisible made visible: \r, \n, \t and \xNN for other control or non-ASCII bytes. */
export function visible(bytes: Buffer, dim: (s: string) => string = (s) => s): string[] {
  const lines: string[] = [];
  let line = '';
  for (const byte of bytes.subarray(0, MAX_SHOWN_BYTES)) {
    if (byte === 0x0a) {
      lines.push(`${line}${dim('\\n')}`);
      line = '';
    } else if (byte === 0x0d) line += dim('\\r');
    else if (byte === 0x09) line += dim('\\t');
    else if (byte < 0x20 || byte >= 0x7f) line += dim(`\\x${byte.toString(16).padStart(2, '0')}`);
    else line += String.fromCharCode(byte);
  }
  if (line !== '') lines.push(line);
  if (bytes.length > MAX_SHOWN_BYTES) lines.push(dim(`… ${bytes.length - MAX_SHOWN_BYTES} more bytes`));
  return lines;
}

export function traceObserver(print: (line: string) => void, colour: boolean): Observer {
  const s = colour ? COLOURS : PLAIN;
  const tag = (peer: Peer): string => s.dim(`#${peer.id}`);
  const block = (peer: Peer, title: string, lines: string[]): void => {
    print(`${tag(peer)} ${title}`);
    for (const line of lines) print(`${tag(peer)}    ${line}`);
  };
  return {
    accepted: (peer) => print(`${tag(peer)} ${s.note(`Connection from ('${peer.address}', ${peer.port})`)}`),
    received: (peer, bytes) =>
      block(peer, s.in(`◀ received ${bytes.length} bytes`), visible(bytes, s.dim).map(s.in)),
    parsed: (peer, request) => block(peer, s.note('✓ parsed request'), describeRequest(request)),
    rejected: (peer, status, reason) =>
      print(`${tag(peer)} ${s.bad(`✗ refused with ${status} ${reasonPhrase(status)}: ${reason}`)}`),
    decided: (peer, _request, steps) => block(peer, s.note('→ decided'), describeSteps(steps)),
    headSent: (peer, wire) => {
      const head = wire.subarray(0, wire.indexOf('\r\n\r\n') + 4);
      block(
        peer,
        s.out(`▶ response head, ${head.length} bytes, exactly as sent`),
        visible(head, s.dim).map(s.out),
      );
    },
    responded: (peer, r) =>
      print(
        `${tag(peer)} ${s.out(`▶ body ${r.bytes} bytes; ${r.method} ${r.target} → ${r.status} in ${r.ms} ms`)}`,
      ),
    closed: (peer, ending) => print(`${tag(peer)} ${s.note(`✕ connection closed: ${ending}`)}`),
    failed: (peer, error) =>
      print(
        `${peer ? tag(peer) : '--'} ${s.bad(`! unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)}`,
      ),
  };
}

function describeRequest(r: Request): string[] {
  const body =
    r.body.kind === 'none'
      ? 'no body'
      : r.body.kind === 'length'
        ? `a ${r.body.length}-byte body (read and discarded)`
        : 'a chunked body (read and discarded)';
  return [
    `method ${r.method}, target ${r.target} (${r.targetForm}-form), HTTP/${r.version}`,
    ...r.fields.map((f) => `${f.name}: ${f.value}`),
    `${body}; connection ${r.keepAlive ? 'may stay open' : 'closes after the reply'}`,
  ];
}

/** Where a file's bytes came from: only a cache hit not yet trusted costs a stat (file-cache.ts). */
function describeCacheUse(cached: CacheUse): string {
  if (cached === 'trusted') return 'from the cache (trusted: watched for changes, no stat)';
  if (cached === 'revalidated') return 'from the cache (revalidated by stat)';
  return 'read from disk';
}

/** The conditional decision, then the range decision if the conditions let the request through. */
function describeVerdict({ preconditions, ...verdict }: FileVerdict): string[] {
  const because = preconditions.kind === 'proceed' ? 'no condition stops it' : preconditions.because;
  const lines = [`conditional: ${because} → ${preconditions.kind}`];
  if (!('range' in verdict)) return lines;
  const { range } = verdict;
  if (range.kind === 'whole') lines.push(`range: whole file (${range.because})`);
  else if (range.kind === 'unsatisfiable') lines.push('range: nothing satisfiable → 416');
  else lines.push(`range: ${range.ranges.map((x) => `${x.first}-${x.last}`).join(', ')}`);
  return lines;
}

function describeSteps(steps: Steps): string[] {
  const lines: string[] = [];
  const { target, found, verdict } = steps;
  if (target?.kind === 'refused') lines.push(`target refused (${target.status}): ${target.reason}`);
  if (target?.kind === 'path')
    lines.push(`target → path "${target.path}"${target.directory ? ' (a directory)' : ''}`);
  if (found?.kind === 'refused') lines.push(`file → ${found.status}: ${found.reason}`);
  if (found?.kind === 'redirect') lines.push(`a directory without its slash → 301 to ${found.location}`);
  if (found?.kind === 'listing')
    lines.push(`a directory without index.html → listing of ${found.entries.length} entries`);
  if (found?.kind === 'file')
    lines.push(`file "${found.name}", ${found.stat.size} bytes, ${describeCacheUse(found.cached)}`);
  if (steps.contentType) lines.push(`Content-Type: ${steps.contentType}`);
  if (verdict) lines.push(...describeVerdict(verdict));
  if (lines.length === 0) lines.push('no file involved');
  if (steps.notes) lines.push(...steps.notes); // what the features did (features/), innermost first
  return lines;
}
