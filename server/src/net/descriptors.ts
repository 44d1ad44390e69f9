/**
 * Running out of file descriptors (EMFILE: the process's limit, ulimit -n; ENFILE: the
 * system's), noticed and said once, at its start and at its end.
 *
 * Accepting a connection takes a descriptor. When none is left, Node's libuv tells the program
 * nothing: it closes a spare descriptor it keeps for the purpose, accepts every waiting
 * connection and closes it at once (each client sees its connection closed without a reply),
 * then takes the spare back. The connections already accepted are served all along, and as they
 * close, descriptors come back and accepting works again: the server recovers by itself, but
 * silently, and a user sees clients cut off with nothing in the log. (Only when libuv cannot
 * take its spare back does accept report the error, on the server's 'error' event.)
 *
 * So the server asks for itself, at every watchdog tick: it opens the null device and closes it.
 * The first failure for want of a descriptor (or an accept that reports one) begins a shortage,
 * said once however many connections are cut off meanwhile; it ends, said once too, when a
 * descriptor has been free for SETTLE_MS in a row. A real run under `ulimit -n 60` tried first
 * to stop accepting by closing the listening socket, as nginx stops polling it: closing it frees
 * a descriptor, so the watch saw the shortage end and begin again every tick (twice a second in
 * the log), and a closed socket also refuses the connections that would have fitted.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { DescriptorEvent, Observer } from '../log/observer';

/** A shortage is over once a descriptor has been free this long without a failure between. */
export const SETTLE_MS = 2_000;

/** Whether one more descriptor can be had now: undefined if so, else the errno code. */
export type DescriptorProbe = () => string | undefined;

/** Opens the null device and closes it at once: a few microseconds, nothing read, nothing kept. */
export const nullDeviceProbe: DescriptorProbe = () => {
  try {
    fs.closeSync(fs.openSync(os.devNull, 'r'));
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EIO';
  }
};

export type Shortage = Extract<DescriptorEvent, { kind: 'exhausted' }>['code'];

export const isShortage = (code: string | undefined): code is Shortage =>
  code === 'EMFILE' || code === 'ENFILE';

export interface WatchContext {
  readonly probe: DescriptorProbe;
  readonly observer: Pick<Observer, 'descriptors'>;
  readonly now: () => number;
  /** Connections open now, for the log line. */
  readonly connections: () => number;
}

export class DescriptorWatch {
  /** When the current shortage began; undefined while descriptors are to be had. */
  private shortSince: number | undefined;
  /** During a shortage, since when the probe has found a descriptor free without a failure. */
  private freeSince: number | undefined;

  constructor(private readonly ctx: WatchContext) {}

  /** Whether a shortage is going on (begun, not yet settled). */
  get short(): boolean {
    return this.shortSince !== undefined;
  }

  /** The watchdog's tick: is a descriptor to be had? A shortage begins, goes on, or ends here. */
  tick(): void {
    const code = this.ctx.probe();
    if (isShortage(code)) return this.noticed(code);
    // Any other failure (no null device?) says nothing about descriptors: carry on as we are.
    if (code === undefined) this.free();
  }

  /** A descriptor was wanted and there was none (the probe, or accept reporting it). */
  noticed(code: Shortage): void {
    this.freeSince = undefined;
    if (this.shortSince !== undefined) return; // said once per shortage
    this.shortSince = this.ctx.now();
    this.ctx.observer.descriptors({ kind: 'exhausted', code, connections: this.ctx.connections() });
  }

  private free(): void {
    if (this.shortSince === undefined) return;
    const now = this.ctx.now();
    this.freeSince ??= now;
    if (now - this.freeSince < SETTLE_MS) return;
    const ms = this.freeSince - this.shortSince;
    this.shortSince = undefined;
    this.freeSince = undefined;
    this.ctx.observer.descriptors({ kind: 'available', connections: this.ctx.connections(), ms });
  }
}
