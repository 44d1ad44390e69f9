/**
 * One TCP connection, from accept to close: the thin shell around a state machine. Whatever
 * happens (the socket's events, the parser's outcomes, the writer's results, the watchdog's
 * ticks, the server's shutdown) becomes an event; `transition` (connection-state.ts) decides;
 * this file does what it says: answer a request, refuse one, end our side, or close.
 *
 * Requests are read and answered in one loop (`answerBuffered`) for as long as the state is idle
 * or receiving. A reply that leaves at once (a small one, or the fast path's cached file) is
 * written at once and the loop goes round to the next buffered request; a reply that comes
 * later (the disk, a file streamed) ends the loop, and the loop starts again once it is out.
 */
import type { Socket } from 'node:net';
import type { Limits } from '../http/limits';
import type { Reply, Request } from '../http/message';
import { type Answer, type Exchange, refusal } from '../handle-request';
import { OpenFiles } from '../resolve/open-files';
import { contentLength } from '../respond/head';
import { errorReply } from '../respond/replies';
import type { Peer } from '../log/observer';
import {
  type ConnectionEvent,
  type ConnectionState,
  type RefusalStatus,
  opened,
  shouldPause,
  transition,
} from './connection-state';
import { RequestReader } from './request-reader';
import { ReplyWriter, type Sent, type WriterContext } from './reply-writer';

export interface ConnectionContext extends WriterContext {
  readonly limits: Limits;
  /** How requests are answered: the strategy chosen at start-up (strategy.ts). */
  readonly answer: Answer;
}

/** One reply on its way out, with what its head and the access log need. */
interface Outgoing {
  readonly method: string;
  readonly target: string;
  readonly version: Request['version'];
  readonly keepAlive: boolean;
  readonly started: number;
}

/** How an exchange's reply went: the writer's word, or 'failed' when writing threw. */
type Outcome = Sent | 'failed';
// Events that come with every request or connection, made once.
const BEGUN: ConnectionEvent = { kind: 'begun' };
const CLIENT_ENDED: ConnectionEvent = { kind: 'client-ended' };
const FLUSHED: ConnectionEvent = { kind: 'flushed' };
const STOP: ConnectionEvent = { kind: 'stop' };
/** A reply is out: did it keep the connection, are more request bytes buffered behind it, is it all with the kernel? */
function replied(keptAlive: boolean, more: boolean, handedOver: boolean): ConnectionEvent {
  return { kind: 'replied', keptAlive, more, handedOver };
}

export class Connection {
  private state: ConnectionState;
  private readonly reader: RequestReader;
  private readonly writer: ReplyWriter;
  /** The files the exchange in flight opened (a connection answers one request at a time): closed when it ends. */
  private readonly files: OpenFiles;
  /** Reading from the socket is paused (regulateReading, the only one that pauses it): kept here, not asked of the socket every request. */
  private readingPaused = false;

  constructor(
    private readonly socket: Socket,
    private readonly peer: Peer,
    private readonly ctx: ConnectionContext,
  ) {
    this.state = opened(ctx.now());
    this.writer = new ReplyWriter(socket, peer, ctx);
    this.files = new OpenFiles(ctx.fs);
    this.reader = new RequestReader(ctx.limits, (request, expectsContinue) => {
      ctx.observer.parsed(peer, request);
      if (expectsContinue) this.writer.interim(100);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEvent(CLIENT_ENDED));
    socket.on('finish', () => {
      this.writer.flushed();
      this.onEvent(FLUSHED);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.handle({ kind: 'socket-error', reset: error.code === 'ECONNRESET' }, ctx.now()),
    );
    socket.on('close', () => ctx.observer.closed(peer, this.state.ending));
  }

  /** Called by the server's watchdog: applies whichever timeout the state is under. */
  checkTimers(now: number): void {
    this.onEvent({ kind: 'tick', stalledSince: this.writer.stalledSince }, now);
  }

  /** Graceful shutdown: an idle connection closes now; a busy one after its current reply (a stream body ends now). */
  stop(): void {
    this.onEvent(STOP);
    this.writer.endStream();
  }

  /** End of the grace period: whatever is still open is cut. */
  destroy(): void {
    this.handle({ kind: 'cut', ending: 'shutdown' }, this.ctx.now());
  }

  private onData(chunk: Buffer): void {
    if (this.state.phase === 'closing' || this.state.phase === 'closed') return; // lingering: read and discard
    this.ctx.observer.received(this.peer, chunk);
    this.reader.append(chunk);
    this.readRequests(this.ctx.now());
  }

  /** An event from outside the reading loop: apply it, then read the requests it may have made ready. */
  private onEvent(event: ConnectionEvent, now = this.ctx.now()): void {
    this.handle(event, now);
    this.readRequests(now);
  }

  /** Every event passes here: the pure transition, then what it asks for. */
  private handle(event: ConnectionEvent, now: number): void {
    const { state, action } = transition(this.state, event, now, this.ctx.limits);
    this.state = state;
    switch (action.kind) {
      case 'answer':
        this.answer(action.request, action.keepAlive, now);
        break;
      case 'refuse':
        this.refuse(action.status, action.reason, now);
        break;
      case 'end':
        this.reader.discard();
        this.writer.end();
        break;
      case 'destroy':
        this.socket.destroy();
        break;
      case 'none':
        break;
    }
  }

  /**
   * What an event ends with (all but a cut and a socket error, after which nothing is read): the
   * requests it made ready are answered, then reading from the socket is paused or resumed to
   * suit what is left in the buffer.
   */
  private readRequests(now: number): void {
    this.answerBuffered(now);
    this.regulateReading();
  }

  /**
   * While idle or receiving: the next request from the buffer, answered; again, until more bytes
   * are needed (a request has begun: the request timeout runs) or a reply is pending.
   */
  private answerBuffered(now: number): void {
    for (;;) {
      const { phase, clientEnded } = this.state;
      if (phase !== 'idle' && phase !== 'receiving') return;
      const read = this.reader.next(clientEnded);
      if (read.kind === 'need-more') return phase === 'idle' ? this.handle(BEGUN, now) : undefined;
      if (read.kind === 'empty' && phase === 'idle') return;
      this.handle(read, now); // a whole request, a refusal, or nothing more buffered
    }
  }

  /** One exchange: the strategy answers, the writer sends, the log records; the files it opened are closed when it ends. */
  private answer(request: Request, keepAlive: boolean, started: number): void {
    const { method, target, version } = request;
    const out = { method, target, version, keepAlive, started };
    this.deliver(out, this.answerSafely(request, started));
  }

  /** A request we will not serve (parse/ refused it, or it was too slow): its error page, then close. */
  private refuse(status: RefusalStatus, reason: string, started: number): void {
    this.ctx.observer.rejected(this.peer, status, reason);
    const out = { method: '-', target: '-', version: '1.1' as const, keepAlive: false, started };
    this.deliver(out, refusal(status));
  }

  /**
   * Writes the reply once it is ready. A reply ready at once leaves in the same turn as the bytes
   * that asked for it, so it keeps the clock read when they arrived: its Date and its log line say
   * that time (one reading of the clock a request, 48 ns saved: bench/README.md, "Two lookups
   * and two clock reads fewer"). What is done later reads the clock again, and ends with
   * `readRequests`: the loop stopped while the state was responding, and must start again (each
   * step here is one trip through the microtask queue at most: a 64 KiB reply waits for the
   * socket to drain).
   */
  private deliver(out: Outgoing, reply: Reply | Promise<Reply>): void {
    if (reply instanceof Promise) {
      void reply.then((ready) => {
        const now = this.ctx.now();
        if (this.send(out, ready, now) === 'now') this.readRequests(now);
      });
    } else this.send(out, reply, out.started);
  }

  /** The reply, written at `now`; then the exchange's files closed, the log told, and the state moved on. */
  private send(out: Outgoing, reply: Reply, now: number): 'now' | 'later' {
    const sending = reply.close ? { ...out, keepAlive: false } : out;
    const outcome = this.writeSafely(reply, sending, now);
    if (!(outcome instanceof Promise)) {
      this.finish(outcome, sending, reply, now);
      return 'now';
    }
    const done = (o: Outcome): void => {
      const later = this.ctx.now();
      this.finish(o, sending, reply, later);
      this.readRequests(later);
    };
    void outcome.then(done, (error: unknown) => done(this.writeFailed(error)));
    return 'later';
  }

  /** The one top-level catch: anything unexpected while answering becomes a logged 500, and the connection closes after it. */
  private answerSafely(request: Request, now: number): Reply | Promise<Reply> {
    try {
      const answered = this.ctx.answer(request, this.files, now);
      if (answered instanceof Promise)
        return answered.then(
          (exchange) => this.decided(request, exchange),
          (error: unknown) => this.failed(error),
        );
      return this.decided(request, answered);
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

  /** A failure while writing leaves nothing to tell the client: the connection is cut. */
  private writeSafely(reply: Reply, out: Outgoing, now: number): Outcome | Promise<Outcome> {
    const connection = !out.keepAlive ? 'close' : out.version === '1.0' ? 'keep-alive' : undefined;
    try {
      return this.writer.send(reply, connection, out.method !== 'HEAD', now); // a promise that fails is send's to catch
    } catch (error) {
      return this.writeFailed(error);
    }
  }

  private writeFailed(error: unknown): Outcome {
    this.ctx.observer.failed(this.peer, error);
    return 'failed';
  }

  /** The reply is out: log it, then on to the next request, or close. Or it is not: cut. Either way, the exchange is over. */
  private finish(outcome: Outcome, out: Outgoing, reply: Reply, now: number): void {
    this.files.closeAll();
    switch (outcome) {
      case 'sent': {
        const { method, target, started } = out;
        // Body bytes sent, as access logs count them: none for HEAD, whatever the head said.
        const bytes = reply.body === undefined || method === 'HEAD' ? 0 : contentLength(reply.body);
        this.ctx.observer.responded(this.peer, {
          method,
          target,
          status: reply.status,
          bytes,
          ms: now - started,
        });
        return this.handle(replied(out.keepAlive, this.reader.buffered > 0, this.writer.handedOver), now);
      }
      case 'truncated': // a file that shrank cannot meet its Content-Length: cutting tells the client
        return this.handle({ kind: 'cut', ending: 'file changed while sending' }, now);
      case 'failed':
        return this.handle({ kind: 'cut', ending: 'server error' }, now);
      case 'gone':
        return this.handle({ kind: 'cut', ending: undefined }, now);
    }
  }

  /**
   * Backpressure on the way in: while more than maxPipelinedBytes of requests wait unanswered,
   * stop reading from the socket (the kernel then stops the client); read again once the
   * replies have caught up. While lingering, always read: what arrives is discarded.
   */
  private regulateReading(): void {
    const pause = shouldPause(this.state, this.reader.buffered, this.ctx.limits);
    if (pause === this.readingPaused) return;
    this.readingPaused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }
}
