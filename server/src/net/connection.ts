/**
 * One TCP connection, from accept to close: the loop that turns socket bytes into requests and
 * replies into socket bytes. It is a small state machine:
 *
 *   idle ──first byte──▶ receiving ──head (and body) complete──▶ responding ──reply written──▶ idle
 *     │                      │                                                      │
 *     └─ idle timeout        └─ parse error / request timeout → error reply ─────────┴─▶ closing
 *
 * "closing" means our side has ended: we keep reading (and discarding) for a short linger so
 * the client reads our last response instead of a reset, then close. Timeouts are checked by
 * the server's watchdog calling `checkTimers`; the connection only records when things began.
 */
import type { Socket } from 'node:net';
import type { Limits } from '../http/limits';
import type { NowOrLater, Reply, Request } from '../http/message';
import { dateHeader } from '../http/dates';
import { type StatusCode } from '../http/status';
import { type Resume, START, parseRequestHead } from '../parse/request-head';
import { type BodyState, skipBody, startBody } from '../parse/request-body';
import type { Exchange } from '../handle-request';
import type { Framing } from '../respond/head';
import { wireBytes } from '../respond/wire';
import { errorReply } from '../respond/replies';
import type { FileSystem } from '../resolve/file-system';
import type { Ending, Observer, Peer } from '../log/observer';
import { type Outlet, streamFile } from './send-body';

export interface ConnectionContext {
  readonly limits: Limits;
  readonly handle: (request: Request) => NowOrLater<Exchange>;
  readonly fs: FileSystem;
  readonly observer: Observer;
  readonly now: () => number;
}

type Phase = 'idle' | 'receiving' | 'responding' | 'closing';

const EMPTY = Buffer.alloc(0);

/** One reply on its way out, with what the access log needs. */
interface Outgoing {
  readonly method: string;
  readonly target: string;
  readonly version: Request['version'];
  readonly reply: Reply;
  readonly keepAlive: boolean;
  readonly started: number;
  /** How to log the close that follows, when it is not the plain 'server closed'. */
  readonly closeAs?: Ending | undefined;
}

function outgoing(request: Request, reply: Reply, keepAlive: boolean, started: number): Outgoing {
  return {
    method: request.method,
    target: request.target,
    version: request.version,
    reply,
    keepAlive: keepAlive && !reply.close,
    started,
  };
}

/** Up to this size a body is copied after its head (one write); past it, copying costs more than a writev. */
const JOIN_LIMIT_BYTES = 16 * 1024;

/** A reply that will not stream its open file closes it. */
function releaseFile(reply: Reply, fs: FileSystem): void {
  if (reply.body.kind === 'file') fs.close(reply.body.file.fd);
}
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

export class Connection {
  private phase: Phase = 'idle';
  private phaseSince: number;
  private pending: Buffer = EMPTY; // bytes received and not yet consumed
  private resume: Resume = START;
  private request: Request | undefined; // a parsed head whose body is still being read
  private body: BodyState = { kind: 'done' };
  private served = 0;
  private clientEnded = false;
  private stopping = false;
  private ending: Ending = 'client closed';
  private waitingForClientSince: number | undefined; // set while the socket holds bytes the client has not taken
  private processing = false; // processPending's loop is running (further up the stack)
  private finishedAt: number | undefined; // when our FIN went out

  constructor(
    private readonly socket: Socket,
    private readonly peer: Peer,
    private readonly ctx: ConnectionContext,
  ) {
    this.phaseSince = ctx.now();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('finish', () => this.onFinish());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.ending = err.code === 'ECONNRESET' ? 'reset by client' : this.ending;
    });
    socket.on('close', () => ctx.observer.closed(peer, this.ending));
  }

  private enter(phase: Phase, now = this.ctx.now()): void {
    this.phase = phase;
    this.phaseSince = now;
  }

  private onData(chunk: Buffer): void {
    if (this.phase === 'closing') return; // lingering: read and discard
    this.ctx.observer.received(this.peer, chunk);
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.phase === 'idle') this.enter('receiving');
    if (this.phase === 'receiving') this.processPending();
    this.regulateReading();
  }

  /**
   * Backpressure on the way in: while more than maxPipelinedBytes of requests wait unanswered,
   * stop reading from the socket (the kernel then stops the client); read again once the
   * replies have caught up. While lingering, always read: what arrives is discarded.
   */
  private regulateReading(): void {
    const full = this.phase !== 'closing' && this.pending.length > this.ctx.limits.maxPipelinedBytes;
    if (full && !this.socket.isPaused()) this.socket.pause();
    else if (!full && this.socket.isPaused()) this.socket.resume();
  }

  /**
   * Parses and answers requests from `pending` until it needs more bytes or a reply is under way.
   * A reply sent at once (a cached file) comes back here through afterReply; calling the loop
   * again from there would nest a few stack frames per pipelined request, until thousands of
   * them overflow the stack. So a nested call does nothing, and the running loop goes round.
   */
  private processPending(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.phase === 'receiving') {
        if (this.request === undefined && !this.readHead()) return;
        if (!this.readBody()) return;
        const request = this.request;
        this.request = undefined;
        if (request) this.respond(request);
      }
    } finally {
      this.processing = false;
    }
  }

  /** True when a head was parsed into `this.request`; false when more bytes are needed or the request was refused. */
  private readHead(): boolean {
    if (this.pending.length === 0) {
      if (this.clientEnded) this.close('client half-closed, then server closed');
      else this.enter('idle');
      return false;
    }
    const result = parseRequestHead(this.pending, this.resume, this.ctx.limits);
    if (result.kind === 'incomplete') {
      this.resume = result.resume;
      // A client that half-closed mid-request will never finish it.
      if (this.clientEnded) this.refuse(400, 'the client closed before the request was complete');
      return false;
    }
    if (result.kind === 'error') {
      this.refuse(result.status, result.reason);
      return false;
    }
    this.pending = this.pending.subarray(result.headBytes);
    this.resume = START;
    this.request = result.request;
    this.body = startBody(result.request.body);
    this.ctx.observer.parsed(this.peer, result.request);
    // RFC 9110 §10.1.1: answer 100-continue at once, so the client sends the body we must read past.
    if (result.request.expectsContinue && result.request.version === '1.1' && this.body.kind !== 'done')
      this.sendContinue();
    return true;
  }

  private sendContinue(): void {
    this.ctx.observer.headSent(this.peer, CONTINUE);
    this.write(CONTINUE);
  }

  /** Reads past the request body; true once it is all consumed. */
  private readBody(): boolean {
    if (this.body.kind === 'done') return true;
    const step = skipBody(this.body, this.pending, this.ctx.limits);
    if (step.kind === 'error') {
      this.refuse(step.status, step.reason);
      return false;
    }
    this.pending = this.pending.subarray(step.consumed);
    this.body = step.state;
    if (this.body.kind === 'done') return true;
    if (this.clientEnded) this.refuse(400, 'the client closed before the body was complete');
    return false;
  }

  /** Hands the request to the handler and sends its reply: at once for a cached file, when it is ready otherwise. */
  private respond(request: Request): void {
    this.enter('responding');
    this.served++;
    const started = this.phaseSince;
    const keepAlive =
      request.keepAlive && !this.stopping && this.served < this.ctx.limits.maxRequestsPerConnection;
    const reply = this.handleSafely(request);
    if (reply instanceof Promise)
      void reply.then((r) => this.sendSafely(outgoing(request, r, keepAlive, started)));
    else this.sendSafely(outgoing(request, reply, keepAlive, started));
  }

  /** The one top-level catch: anything unexpected in the handler becomes a logged 500, and the connection closes. */
  private handleSafely(request: Request): NowOrLater<Reply> {
    try {
      const exchange = this.ctx.handle(request);
      if (exchange instanceof Promise)
        return exchange.then(
          (e) => this.decided(request, e),
          (error: unknown) => this.failed(error),
        );
      return this.decided(request, exchange);
    } catch (error) {
      return this.failed(error);
    }
  }

  private decided(request: Request, exchange: Exchange): Reply {
    this.ctx.observer.decided(this.peer, request, exchange.steps);
    return exchange.reply;
  }

  private failed(error: unknown): Reply {
    this.ctx.observer.failed(this.peer, error);
    return errorReply(500, [], true);
  }

  /** A failure while writing leaves nothing to tell the client: cut the connection. */
  private sendSafely(out: Outgoing): void {
    try {
      const sent = this.send(out);
      if (sent instanceof Promise) sent.catch((error: unknown) => this.cut(error));
    } catch (error) {
      this.cut(error);
    }
  }

  private cut(error: unknown): void {
    this.ctx.observer.failed(this.peer, error);
    this.ending = 'server error';
    this.socket.destroy();
  }

  /** A request we will not serve: its error reply, then close, since the stream may be out of step (RFC 9112 §9.3). */
  private refuse(status: StatusCode, reason: string): void {
    this.ctx.observer.rejected(this.peer, status, reason);
    this.enter('responding');
    const closeAs = status === 408 ? 'request timeout' : undefined;
    this.sendSafely({
      method: '-',
      target: '-',
      version: '1.1',
      reply: errorReply(status, [], true),
      keepAlive: false,
      started: this.phaseSince,
      closeAs,
    });
  }

  /** Writes the reply, logs the exchange, then carries on with the next request or closes. */
  private send(out: Outgoing): NowOrLater<void> {
    const { reply } = out;
    if (this.socket.destroyed) {
      releaseFile(reply, this.ctx.fs);
      return;
    }
    const connection = !out.keepAlive ? 'close' : out.version === '1.0' ? 'keep-alive' : undefined;
    const now = this.ctx.now();
    const framing: Framing = { date: dateHeader(now), connection };
    const withBody = out.method !== 'HEAD';
    if (reply.body.kind === 'file' && withBody) return this.sendStreamed(out, framing);
    const bytes = this.writeNow(reply, framing, withBody);
    // Most replies leave at once; one that fills the socket's buffer waits for it to drain first.
    if (this.socket.writableNeedDrain) {
      return this.drained().then((ok) => {
        if (ok) this.finish(out, bytes, this.ctx.now());
      });
    }
    this.finish(out, bytes, now);
  }

  private async sendStreamed(out: Outgoing, framing: Framing): Promise<void> {
    const bytes = await this.streamReply(out.reply, framing);
    if (bytes === undefined) return; // cut short: the socket is gone
    if (this.socket.writableNeedDrain && !(await this.drained())) return;
    this.finish(out, bytes, this.ctx.now());
  }

  /** The reply is out: log it, then carry on. */
  private finish(out: Outgoing, bytes: number, now: number): void {
    this.ctx.observer.responded(this.peer, {
      method: out.method,
      target: out.target,
      status: out.reply.status,
      bytes,
      ms: now - out.started,
    });
    this.afterReply(out, now);
  }

  /** A reply with no file to stream leaves at once: one write, or one writev for a larger body; returns the body bytes sent. */
  private writeNow(reply: Reply, framing: Framing, withBody: boolean): number {
    releaseFile(reply, this.ctx.fs); // HEAD of a streamed file: the same head, no body (RFC 9110 §9.3.2)
    const body = withBody && reply.body.kind === 'bytes' ? reply.body.bytes : undefined;
    if (body !== undefined && body.length > JOIN_LIMIT_BYTES) {
      // cork/uncork: the head and the body leave in one writev, and the body is never copied.
      const head = wireBytes(reply, framing, undefined);
      this.ctx.observer.headSent(this.peer, head);
      this.socket.cork();
      this.write(head);
      this.write(body);
      this.socket.uncork();
      return body.length;
    }
    const wire = wireBytes(reply, framing, body);
    this.ctx.observer.headSent(this.peer, wire);
    this.write(wire);
    return body?.length ?? 0;
  }

  /** The head, then the file in chunks; returns the body bytes sent, or undefined if cut short. */
  private async streamReply(reply: Reply, framing: Framing): Promise<number | undefined> {
    if (reply.body.kind !== 'file') return 0;
    const head = this.headOrRelease(reply, framing);
    this.ctx.observer.headSent(this.peer, head);
    this.write(head);
    const outcome = await streamFile(this.outlet, this.ctx.fs, reply.body.file);
    // A file that shrank mid-send cannot meet its Content-Length: cut the connection so the client knows.
    if (outcome === 'truncated') {
      this.ending = 'file changed while sending';
      this.socket.destroy();
    }
    return outcome === 'sent' ? reply.contentLength : undefined;
  }

  /** The head of a reply whose file is not streamed yet: if making it fails, the file is closed here, as nothing else will. */
  private headOrRelease(reply: Reply, framing: Framing): Buffer {
    try {
      return wireBytes(reply, framing, undefined);
    } catch (error) {
      releaseFile(reply, this.ctx.fs);
      throw error;
    }
  }

  private readonly outlet: Outlet = { send: (bytes) => this.sendAndWait(bytes) };

  /** Writes and waits until the socket has taken the bytes; the watchdog drops a client that takes longer than the send timeout. */
  private sendAndWait(bytes: Buffer): Promise<boolean> {
    if (this.socket.destroyed) return Promise.resolve(false);
    this.waitingForClientSince = this.ctx.now();
    return new Promise((resolve) => {
      // Node calls this once the bytes are with the kernel, or with an error if the socket is destroyed first.
      this.socket.write(bytes, (error) => {
        this.waitingForClientSince = undefined;
        resolve(error === undefined || error === null);
      });
    });
  }

  private write(bytes: Buffer): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(bytes);
  }

  /** Waits for the socket's buffer to drain; the watchdog drops the client if that takes longer than the send timeout. */
  private drained(): Promise<boolean> {
    if (this.socket.destroyed) return Promise.resolve(false);
    if (!this.socket.writableNeedDrain) return Promise.resolve(true);
    this.waitingForClientSince = this.ctx.now();
    return new Promise((resolve) => {
      const settle = (ok: boolean): void => {
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        this.waitingForClientSince = undefined;
        resolve(ok);
      };
      const onDrain = (): void => settle(true);
      const onClose = (): void => settle(false);
      this.socket.on('drain', onDrain);
      this.socket.on('close', onClose);
    });
  }

  /** Next: close, wait idle, or read the next request (processPending does nothing if its loop is already running, below us on the stack). */
  private afterReply(out: Outgoing, now: number): void {
    if (!out.keepAlive || this.stopping) {
      this.close(this.stopping ? 'shutdown' : (out.closeAs ?? 'server closed'));
      return;
    }
    if (this.pending.length === 0 && !this.clientEnded) {
      this.enter('idle', now);
    } else {
      this.enter('receiving', now);
      this.processPending();
    }
    this.regulateReading();
  }

  /**
   * Ends our side and lingers: reading continues (discarded) until the client closes or the linger ends.
   * The linger starts once our last bytes and FIN have left ('finish'). Until then the socket may hold
   * bytes a client is not reading: the send timeout applies to them, or the connection would stay open,
   * and hold a place under maxConnections, for as long as the client likes.
   */
  private close(ending: Ending): void {
    if (this.phase === 'closing') return;
    this.ending = ending;
    this.enter('closing');
    this.pending = EMPTY;
    this.regulateReading();
    this.socket.end();
    if (this.socket.writableLength > 0) this.waitingForClientSince ??= this.ctx.now();
    if (this.clientEnded) this.destroyWhenFlushed();
  }

  /** Our last bytes and FIN have left: the client is no longer holding anything up, and the linger starts. */
  private onFinish(): void {
    this.finishedAt = this.ctx.now();
    this.waitingForClientSince = undefined;
  }

  private onEnd(): void {
    this.clientEnded = true;
    if (this.phase === 'closing') this.destroyWhenFlushed();
    else if (this.phase === 'idle') this.close('client half-closed, then server closed');
    else if (this.phase === 'receiving') this.processPending();
    // responding: the reply finishes first; processPending then sees clientEnded.
  }

  /** Both sides have ended: close once our bytes are out (if they never leave, close's send timeout applies). */
  private destroyWhenFlushed(): void {
    if (this.socket.writableFinished) this.socket.destroy();
    else this.socket.once('finish', () => this.socket.destroy());
  }

  /** Called by the server's watchdog: applies whichever timeout the current phase is under. */
  checkTimers(now: number): void {
    const { limits } = this.ctx;
    const elapsed = now - this.phaseSince;
    if (this.waitingForClientSince !== undefined && now - this.waitingForClientSince > limits.sendTimeoutMs) {
      this.ending = 'send timeout (client stopped reading)';
      this.socket.destroy();
    } else if (this.phase === 'idle' && elapsed > limits.idleTimeoutMs) {
      this.close('idle timeout');
    } else if (this.phase === 'receiving' && elapsed > limits.requestTimeoutMs) {
      this.refuse(408, 'request not complete in time');
    } else if (
      this.phase === 'closing' &&
      this.finishedAt !== undefined &&
      now - this.finishedAt > limits.lingerMs
    ) {
      this.socket.destroy();
    }
  }

  /** Graceful shutdown: idle connections close now; busy ones close after their current reply. */
  stop(): void {
    this.stopping = true;
    if (this.phase === 'idle') this.close('shutdown');
  }

  /** End of the grace period: whatever is still open is cut. */
  destroy(): void {
    this.ending = 'shutdown';
    this.socket.destroy();
  }
}
