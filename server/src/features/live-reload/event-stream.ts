/**
 * The pages listening: one Server-Sent Events stream each (HTML Living Standard §9.2), open for
 * as long as the page is. What goes down a stream:
 *
 *   retry: 1000          on open: reconnect 1 s after the stream drops (a restarted server)
 *   event: hello         on open: the server's run, so a page reconnected to a new run reloads
 *   : keep-alive         every KEEP_ALIVE_MS: proxies and port forwarders keep the connection
 *   event: reload        when a file under the root changed (data: the paths, as JSON)
 *
 * Bounded: at most `max` streams (MAX_STREAMS), and per stream one write in flight and at most
 * one event waiting behind it (a newer one replaces it: a reload is a reload). A client that
 * stops reading is dropped by the server's send timeout, as for any reply.
 */
import type { BodyStream, RunningStream } from '../../http/message';

/** Comments between events, ms: below the 30-60 s after which proxies and NATs drop an idle connection. */
export const KEEP_ALIVE_MS = 15_000;
/** What a browser waits before it reconnects a dropped stream, ms: a restarted server is found within a second. */
export const RETRY_MS = 1_000;

/** One event in the stream's format: `data` has no line break (JSON escapes them), so it is one data line. */
export function sseEvent(event: string, data: string): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${data}\n\n`, 'utf8');
}

export const KEEP_ALIVE = Buffer.from(': keep-alive\n\n', 'latin1');

/** One page's stream: writes one at a time, the latest waiting one kept. */
class Listener implements RunningStream {
  readonly done: Promise<void>;
  private end: () => void = () => undefined;
  private busy = false;
  private waiting: Buffer | undefined;
  private over = false;

  constructor(private readonly send: (bytes: Buffer) => Promise<boolean>) {
    this.done = new Promise((resolve) => (this.end = resolve));
  }

  push(bytes: Buffer): void {
    if (this.over) return;
    if (this.busy) {
      this.waiting = bytes;
      return;
    }
    this.busy = true;
    void this.send(bytes).then((ok) => {
      this.busy = false;
      const next = this.waiting;
      this.waiting = undefined;
      if (!ok) this.stop();
      else if (next !== undefined) this.push(next);
    });
  }

  stop(): void {
    if (this.over) return;
    this.over = true;
    this.end();
  }
}

export class EventStreams {
  private readonly open = new Set<Listener>();
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    /** Most streams open at once; beyond it a page is told 503 and its script tries again. */
    readonly max: number,
    /** Names this run of the server, for the hello event. */
    private readonly run: string,
  ) {}

  get size(): number {
    return this.open.size;
  }

  get full(): boolean {
    return this.open.size >= this.max;
  }

  /** A stream body for a reply: it joins the listeners when the writer starts it, and leaves when it ends. */
  body(): BodyStream {
    return { start: (send) => this.join(send) };
  }

  /** Sends an event to every page listening. */
  broadcast(event: Buffer): void {
    for (const listener of this.open) listener.push(event);
  }

  /** Ends every stream (shutdown). */
  close(): void {
    for (const listener of this.open) listener.stop();
  }

  private join(send: (bytes: Buffer) => Promise<boolean>): RunningStream {
    const listener = new Listener(send);
    if (this.full) {
      listener.stop(); // counted when the reply was made; another page took the last place since
      return listener;
    }
    this.open.add(listener);
    this.keepAlive ??= setInterval(() => this.broadcast(KEEP_ALIVE), KEEP_ALIVE_MS).unref();
    void listener.done.then(() => this.leave(listener));
    listener.push(Buffer.from(`retry: ${RETRY_MS}\nevent: hello\ndata: ${this.run}\n\n`, 'latin1'));
    return listener;
  }

  private leave(listener: Listener): void {
    this.open.delete(listener);
    if (this.open.size === 0 && this.keepAlive !== undefined) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}
