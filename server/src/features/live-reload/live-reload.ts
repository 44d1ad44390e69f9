/**
 * Live reload (--live-reload, LIVE_RELOAD=1), a `Layer` (strategy.ts) wired in at start-up:
 *
 *   GET /__lab/live-reload   answered here: a Server-Sent Events stream (event-stream.ts) that
 *                            says "reload" when a file under the root changes (watcher.ts)
 *   an HTML page             the answer inside's reply, with the script in the page (inject.ts):
 *                            another representation, so its conditions and range are decided
 *                            again, for its own bytes and ETag (decide/file-verdict.ts)
 *
 * Everything it starts (watches, the poll, the streams) stops with `close`, at shutdown.
 */
import { randomBytes } from 'node:crypto';
import type { Exchange } from '../../handle-request';
import type { Reply, Request } from '../../http/message';
import { decideFile } from '../../decide/file-verdict';
import { type FileSystem, isFailure, readWhole } from '../../resolve/file-system';
import type { OpenFiles } from '../../resolve/open-files';
import { resolveTarget } from '../../resolve/target';
import type { Representation } from '../../respond/representation';
import { errorReply, fileReply } from '../../respond/replies';
import type { Layer } from '../../strategy';
import { TRUST_MS } from '../../fast/file-cache';
import { after, noted } from '../exchange';
import { EventStreams, sseEvent } from './event-stream';
import { ENDPOINT, isHtml, isUtf16, scripted, scriptedTag, withScript } from './inject';
import { ChangeWatcher } from './watcher';

/**
 * Event streams open at once. A stream holds a connection for as long as its page is open (a
 * browser tab each); 64 tabs is more than anyone edits at once, and keeps the other slots of
 * --max-connections (2,048) for requests. Never more than half of them: net/server.ts. → 503.
 */
export const MAX_STREAMS = 64;
/**
 * Polling: every second, 500 operations (a stat each, a listing more per folder), so a page
 * edited on a mount without events reloads within about a second in a site of a few hundred
 * files. Measured (README, "Live reload"; tools/live-reload-poll-cost.mjs, Node 20): a pass over
 * site/ costs 2-7 ms of CPU; a tree of 20,000 entries is walked whole in 41 s at 2-4 % of a core.
 */
export const POLL_INTERVAL_MS = 1_000;
export const POLL_BUDGET = 500;
/** Entries polling tracks: about 100 bytes each, 2 MiB at most; a tree larger than a site is someone's home folder. */
export const MAX_SCANNED_ENTRIES = 20_000;
/** Folders watched for events (an inotify watch each, shared with the fast path's cache and every other program). */
export const MAX_WATCHED_DIRECTORIES = 1_000;
/** Pages read whole to put the script in; a larger one (not a page anyone edits by hand) is sent as it is. */
export const MAX_SCRIPTED_PAGE_BYTES = 8 * 1024 * 1024;

export interface LiveReloadOptions {
  readonly root: string; // a real path
  readonly fs: FileSystem;
  readonly maxRanges: number;
  readonly boundary: () => string;
  readonly maxStreams: number;
  /** Where a line worth logging goes (a reload sent, polling's findings). */
  readonly notice: (line: string) => void;
  /** False: polling only (tests; where events never arrive). Default true. */
  readonly events?: boolean;
  readonly pollMs?: number;
  readonly maxPageBytes?: number;
}

/** What live reload takes from the caller; the rest comes from the server's own options. */
export type LiveReloadSettings = Partial<
  Pick<LiveReloadOptions, 'notice' | 'events' | 'pollMs' | 'maxStreams' | 'maxPageBytes'>
>;

/**
 * Live reload's options from the strategy's and the caller's. Event streams never take more than
 * half the connections (--max-connections): the pages' own requests need the rest.
 */
export function liveReloadOptions(
  strategy: Pick<LiveReloadOptions, 'root' | 'fs' | 'maxRanges' | 'boundary'>,
  maxConnections: number,
  settings: LiveReloadSettings = {},
): LiveReloadOptions {
  const maxStreams = Math.max(1, Math.min(MAX_STREAMS, Math.floor(maxConnections / 2)));
  const { root, fs, maxRanges, boundary } = strategy;
  return { root, fs, maxRanges, boundary, maxStreams, notice: () => undefined, ...settings };
}

export class LiveReload {
  private readonly streams: EventStreams;
  private readonly watcher: ChangeWatcher;

  constructor(private readonly options: LiveReloadOptions) {
    this.streams = new EventStreams(options.maxStreams, randomBytes(6).toString('hex'));
    this.watcher = new ChangeWatcher({
      root: options.root,
      fs: options.fs,
      events: options.events ?? true,
      pollMs: options.pollMs ?? POLL_INTERVAL_MS,
      budget: POLL_BUDGET,
      maxEntries: MAX_SCANNED_ENTRIES,
      maxWatches: MAX_WATCHED_DIRECTORIES,
      settleMs: TRUST_MS, // the fast path's cache may trust a copy this long without a stat (watcher.ts)
      onChange: (paths, byPolling) => this.reload(paths, byPolling),
      notice: options.notice,
    });
    this.watcher.start();
  }

  readonly layer: Layer = (inner) => (request: Request, files: OpenFiles, now: number) => {
    if (isEndpoint(request.pathAndQuery)) return this.endpoint(request);
    return after(inner(request, files, now), (exchange) => this.inPage(request, exchange));
  };

  /** Open streams, watched folders: for tests and the trace. */
  get state(): { readonly streams: number; readonly watched: number } {
    return { streams: this.streams.size, watched: this.watcher.watched };
  }

  close(): void {
    this.watcher.close();
    this.streams.close();
  }

  private reload(paths: readonly string[], byPolling: boolean): void {
    const pages = this.streams.size;
    this.streams.broadcast(sseEvent('reload', JSON.stringify(paths)));
    const how = byPolling ? 'found by polling' : 'file-change event';
    this.options.notice(
      `live reload: ${paths.join(', ')} changed (${how}) → reload sent to ${pages} page(s)`,
    );
  }

  /** GET: the stream (or 503 when full); HEAD: its head; anything else 405. */
  private endpoint(request: Request): Exchange {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return note(
        errorReply(405, [['Allow', 'GET, HEAD']]),
        'live reload: the event stream is read with GET',
      );
    if (this.streams.full)
      return note(
        errorReply(503, [['Retry-After', '2']]),
        `live reload: ${this.streams.size} event streams open already (the most: ${this.streams.max}) → 503`,
      );
    const reply: Reply = {
      status: 200,
      fields: [
        ['Content-Type', 'text/event-stream'],
        ['Cache-Control', 'no-store'],
        ['X-Content-Type-Options', 'nosniff'],
      ],
      body: { kind: 'stream', stream: this.streams.body() },
      close: true, // the stream's end is the connection's (RFC 9112 §6.3)
    };
    const open = `${this.streams.size + 1} of at most ${this.streams.max}`;
    return note(reply, `live reload: event stream (${open}); "reload" when a file under the root changes`);
  }

  /** The script into an HTML reply: a file's (a representation of its own), or a listing's. */
  private inPage(request: Request, exchange: Exchange): Exchange | Promise<Exchange> {
    const { file, reply } = exchange;
    const max = this.options.maxPageBytes ?? MAX_SCRIPTED_PAGE_BYTES;
    if (file !== undefined)
      return isHtml(file.contentType) && file.size <= max ? this.inFile(request, exchange, file) : exchange;
    if (exchange.steps.found?.kind !== 'listing' || reply.status !== 200 || reply.body.kind !== 'bytes')
      return exchange;
    const fields = reply.fields.map(([name, value]) =>
      name.toLowerCase() === 'etag' ? ([name, scriptedTag(value)] as const) : ([name, value] as const),
    );
    const body = { kind: 'bytes' as const, bytes: withScript(reply.body.bytes) };
    return noted(
      { ...exchange, reply: { ...reply, fields, body } },
      'live reload: script put into the listing',
    );
  }

  private inFile(request: Request, exchange: Exchange, file: Representation): Exchange | Promise<Exchange> {
    const { source } = file;
    if (source.kind === 'bytes') return this.decideAgain(request, exchange, file, source.bytes);
    return readWhole(this.options.fs, source.fd, file.size).then((page) =>
      isFailure(page) ? exchange : this.decideAgain(request, exchange, file, page),
    );
  }

  /** handle-request.ts's steps 3 and 4 again, for the page with the script. */
  private decideAgain(request: Request, exchange: Exchange, file: Representation, page: Buffer): Exchange {
    if (isUtf16(page)) return noted(exchange, 'live reload: a UTF-16 page, left as it is');
    const withIt = scripted(file, page);
    const verdict = decideFile(request, withIt, this.options.maxRanges);
    const reply = fileReply(verdict, withIt, this.options.boundary);
    const line = `live reload: script put into the page (${page.length} → ${withIt.size} bytes, ETag ${withIt.validators.etag}); conditions and range decided again for it`;
    return noted({ reply, steps: { ...exchange.steps, verdict }, file: withIt }, line);
  }
}

/** Whether a target is the stream's: decided on the resolved path, so /__lab/%6Cive-reload is it too. */
export function isEndpoint(pathAndQuery: string): boolean {
  if (!pathAndQuery.includes('__lab') && !pathAndQuery.includes('%')) return false;
  const target = resolveTarget(pathAndQuery);
  return target.kind === 'path' && !target.directory && `/${target.path}` === ENDPOINT;
}

function note(reply: Reply, line: string): Exchange {
  return { reply, steps: { notes: [line] } };
}
