/**
 * One TCP connection, from accept to close: the thin shell around a state machine. Whatever
 * happens (the socket's events, the parser's outcomes, the writer's results, the watchdog's
 * ticks, the server's shutdown) becomes an event; `transition` (connection-state.ts) decides;
 * this file does what it says: answer a request, refuse one, end our side, or close.
 *
 * Requests are read and answered in one loop (`readRequests`) for as long as the state is
 * `receiving`. A reply that leaves at once (a small one, or the fast path's cached file) is
 * written at once and the loop goes round to the next buffered request; a reply that comes
 * later (the disk, a file streamed) ends the loop, and the loop starts again once it is out.
 */
import type { Socket } from 'node:net';
import type { Limits } from '../http/limits';
import type { Reply, Request } from '../http/message';
import { type Answer, type Exchange, refusal } from '../handle-request';
import { OpenFiles } from '../resolve/open-files';
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

type Outcome = Sent | { readonly kind: 'failed' };
const FAILED: Outcome = { kind: 'failed' };

export class Connection {
  private state: ConnectionState;
  private readonly reader: RequestReader;
  private readonly writer: ReplyWriter;

  constructor(
    private readonly socket: Socket,
    private readonly peer: Peer,
    private readonly ctx: ConnectionContext,
  ) {
    this.state = opened(ctx.now());
    this.reader = new RequestReader(ctx.limits);
    this.writer = new ReplyWriter(socket, peer, ctx);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEvent({ kind: 'client-ended' }));
    socket.on('finish', () => {
      this.writer.flushed();
      this.onEvent({ kind: 'flushed' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.handle({ kind: 'socket-error', reset: error.code === 'ECONNRESET' }),
    );
    socket.on('close', () => ctx.observer.closed(peer, this.state.ending));
  }

  /** Called by the server's watchdog: applies whichever timeout the state is under. */
  checkTimers(now: number): void {
    this.onEvent({ kind: 'tick', stalledSince: this.writer.stalledSince }, now);
  }

  /** Graceful shutdown: an idle connection closes now; a busy one after its current reply. */
  stop(): void {
    this.onEvent({ kind: 'stop' });
  }

  /** End of the grace period: whatever is still open is cut. */
  destroy(): void {
    this.handle({ kind: 'cut', ending: 'shutdown' });
  }

  private onData(chunk: Buffer): void {
    if (this.state.phase === 'closing' || this.state.phase === 'closed') return; // lingering: read and discard
    this.ctx.observer.received(this.peer, chunk);
    this.reader.append(chunk);
    this.onEvent({ kind: 'bytes' });
  }

  /** An event from outside the reading loop: apply it, then read the requests it may have made ready. */
  private onEvent(event: ConnectionEvent, now?: number): void {
    this.handle(event, now);
    this.readRequests();
  }

  /** Every event passes here: the pure transition, then what it asks for. */
  private handle(event: ConnectionEvent, now = this.ctx.now()): void {
    const { state, action } = transition(this.state, event, now, this.ctx.limits);
    this.state = state;
    switch (action.kind) {
      case 'answer':
        this.answer(action.request, action.keepAlive);
        break;
      case 'refuse':
        this.refuse(action.status, action.reason);
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
    this.regulateReading();
  }

  /** While receiving: the next request from the buffer, answered; again, until more bytes are needed or a reply is pending. */
  private readRequests(): void {
    while (this.state.phase === 'receiving') {
      const read = this.reader.next(this.state.clientEnded);
      if (read.kind === 'need-more') return;
      if (read.kind === 'head') {
        this.ctx.observer.parsed(this.peer, read.request);
        if (read.expectsContinue) this.writer.interim(100);
      } else this.handle(read); // a whole request, a refusal, or nothing buffered
    }
  }

  /** One exchange: the strategy answers, the writer sends, the log records; the files it opened are closed when it ends. */
  private answer(request: Request, keepAlive: boolean): void {
    const files = new OpenFiles(this.ctx.fs);
    const { method, target, version } = request;
    const out = { method, target, version, keepAlive, started: this.ctx.now() };
    this.deliver(out, this.answerSafely(request, files), files);
  }

  /** A request we will not serve (parse/ refused it, or it was too slow): its error page, then close. */
  private refuse(status: RefusalStatus, reason: string): void {
    this.ctx.observer.rejected(this.peer, status, reason);
    const out = {
      method: '-',
      target: '-',
      version: '1.1' as const,
      keepAlive: false,
      started: this.ctx.now(),
    };
    this.deliver(out, refusal(status), undefined);
  }

  /** Writes the reply once it is ready, closes the exchange's files, logs it, and moves the state on. */
  private deliver(out: Outgoing, reply: Reply | Promise<Reply>, files: OpenFiles | undefined): void {
    const done = andThen(reply, (ready) => {
      const sending = { ...out, keepAlive: out.keepAlive && !ready.close };
      return andThen(this.writeSafely(ready, sending), (outcome) => {
        files?.closeAll();
        this.finish(outcome, sending, ready);
      });
    });
    // Done later: the loop has stopped (the state was responding); start it again.
    if (done instanceof Promise) void done.then(() => this.readRequests());
  }

  /** The one top-level catch: anything unexpected while answering becomes a logged 500, and the connection closes after it. */
  private answerSafely(request: Request, files: OpenFiles): Reply | Promise<Reply> {
    const decided = (exchange: Exchange): Reply => {
      this.ctx.observer.decided(this.peer, request, exchange.steps);
      return exchange.reply;
    };
    try {
      const answered = this.ctx.answer(request, files);
      if (answered instanceof Promise) return answered.then(decided, (error: unknown) => this.failed(error));
      return decided(answered);
    } catch (error) {
      return this.failed(error);
    }
  }

  private failed(error: unknown): Reply {
    this.ctx.observer.failed(this.peer, error);
    return errorReply(500, [], true);
  }

  /** A failure while writing leaves nothing to tell the client: the connection is cut. */
  private writeSafely(reply: Reply, out: Outgoing): Outcome | Promise<Outcome> {
    const connection = !out.keepAlive ? 'close' : out.version === '1.0' ? 'keep-alive' : undefined;
    const failed = (error: unknown): Outcome => {
      this.ctx.observer.failed(this.peer, error);
      return FAILED;
    };
    try {
      const sent = this.writer.send(reply, { now: this.ctx.now(), connection }, out.method !== 'HEAD');
      return sent instanceof Promise ? sent.catch(failed) : sent;
    } catch (error) {
      return failed(error);
    }
  }

  /** The reply is out: log it, then on to the next request, or close. Or it is not: cut. */
  private finish(outcome: Outcome, out: Outgoing, reply: Reply): void {
    switch (outcome.kind) {
      case 'sent': {
        const { method, target, started } = out;
        const record = {
          method,
          target,
          status: reply.status,
          bytes: outcome.bodyBytes,
          ms: this.ctx.now() - started,
        };
        this.ctx.observer.responded(this.peer, record);
        return this.handle({ kind: 'replied', keptAlive: out.keepAlive });
      }
      case 'truncated': // a file that shrank cannot meet its Content-Length: cutting tells the client
        return this.handle({ kind: 'cut', ending: 'file changed while sending' });
      case 'failed':
        return this.handle({ kind: 'cut', ending: 'server error' });
      case 'gone':
        return this.handle({ kind: 'cut', ending: undefined });
    }
  }

  /**
   * Backpressure on the way in: while more than maxPipelinedBytes of requests wait unanswered,
   * stop reading from the socket (the kernel then stops the client); read again once the
   * replies have caught up. While lingering, always read: what arrives is discarded.
   */
  private regulateReading(): void {
    const pause = shouldPause(this.state, this.reader.buffered, this.ctx.limits);
    if (pause && !this.socket.isPaused()) this.socket.pause();
    else if (!pause && this.socket.isPaused()) this.socket.resume();
  }
}

/** `then` for a value that may be here already: a reply ready at once is written at once, with no trip through the microtask queue. */
function andThen<T, U>(value: T | Promise<T>, next: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
