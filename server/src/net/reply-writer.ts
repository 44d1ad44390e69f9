/**
 * Writing to the socket, and only that: a reply's head and small body at once, a file in chunks
 * with backpressure (send-body.ts), a stream body as it comes, the interim 100 Continue, and the
 * end of our side. It keeps
 * one fact for the watchdog: since when our bytes have waited for a client that takes none
 * (the send timeout). The bytes themselves come from a `Wire` (respond/wire.ts), whose heads
 * respond/head.ts writes.
 */
import type { Socket } from 'node:net';
import type { BodyStream, FileToSend, Reply, RunningStream } from '../http/message';
import type { FileSystem } from '../resolve/file-system';
import { type Framing, interimHead } from '../respond/head';
import type { Wire, WireFraming } from '../respond/wire';
import type { Observer, Peer } from '../log/observer';
import { type ChunkSource, type Outlet, streamFile } from './send-body';

/**
 * How a reply went: 'sent' whole; 'gone', the socket closed before it was out; 'truncated', the
 * file shrank under us, so the promised length cannot be met.
 */
export type Sent = 'sent' | 'gone' | 'truncated';

type Connection = Framing['connection'];

export interface WriterContext {
  readonly wire: Wire;
  readonly chunks: ChunkSource;
  readonly fs: FileSystem;
  readonly observer: Observer;
  readonly now: () => number;
  /** What a reply that keeps the connection says in Keep-Alive: timeout=N, seconds (http/limits.ts). */
  readonly idleTimeout: number | undefined;
}

export class ReplyWriter {
  /** Since when the socket has held bytes the client is not taking, ms; undefined while it takes them. */
  stalledSince: number | undefined;
  /** The stream body being written, if any. */
  private running: RunningStream | undefined;
  /** The server is stopping: a stream body that starts now ends at once. */
  private streamsEnded = false;
  /** Nagle's algorithm is off (TCP_NODELAY): our small writes leave at once, not after an ACK. */
  private nagleOff = false;

  constructor(
    private readonly socket: Socket,
    private readonly peer: Peer,
    private readonly ctx: WriterContext,
  ) {}

  /**
   * The reply's head, then its body unless `withBody` is false (HEAD: the same head, no body,
   * RFC 9110 §9.3.2). A reply the socket takes at once is done at once; one that streams a file,
   * or fills the socket's buffer, is done when the client has taken it (or is gone). `now`: the
   * clock for its Date, read by the connection, which logs the reply at the same time.
   */
  send(reply: Reply, connection: Connection, withBody: boolean, now: number): Sent | Promise<Sent> {
    if (this.socket.destroyed) return 'gone';
    const framing = { now, connection, idleTimeout: this.ctx.idleTimeout };
    const body = withBody ? reply.body : undefined;
    const lastInOneWrite = connection === 'close' && (body === undefined || body.kind === 'bytes');
    if (!lastInOneWrite) this.turnNagleOff();
    if (body?.kind === 'file') return this.stream(reply, framing, body.file);
    if (body?.kind === 'stream') return this.run(reply, framing, body.stream);
    this.write(this.ctx.wire.encode(reply, framing, body?.bytes));
    // Most replies leave at once; one that fills the socket's buffer waits for it to drain first.
    return this.socket.writableNeedDrain ? this.drained() : 'sent';
  }

  /** Every byte written so far is with the kernel: none waits in the socket's queue in this process. */
  get handedOver(): boolean {
    return this.socket.writableLength === 0;
  }

  /** Ends a stream body being written (at shutdown): its reply is then complete, and the connection closes after it. */
  endStream(): void {
    this.streamsEnded = true;
    this.running?.stop();
  }

  /** 100 Continue (RFC 9110 §15.2.1): the client may send the body it holds back. */
  interim(status: 100): void {
    if (this.socket.destroyed) return;
    this.turnNagleOff();
    this.write([Buffer.from(interimHead(status), 'latin1')]);
  }

  /** Ends our side: the FIN leaves after what is queued. If the client is not reading, the send timeout applies to that. */
  end(): void {
    this.socket.end();
    if (this.socket.writableLength > 0) this.stalledSince ??= this.ctx.now();
  }

  /** Our last bytes and FIN have left ('finish'): nothing waits for the client any more. */
  flushed(): void {
    this.stalledSince = undefined;
  }

  /** The head, then the file's pieces in chunks. */
  private async stream(reply: Reply, framing: WireFraming, file: FileToSend): Promise<Sent> {
    this.write(this.ctx.wire.encode(reply, framing, undefined));
    const outcome = await streamFile(this.outlet, this.ctx.fs, file, this.ctx.chunks);
    if (outcome !== 'sent') return outcome === 'truncated' ? 'truncated' : 'gone';
    if (this.socket.writableNeedDrain) return this.drained();
    return 'sent';
  }

  /**
   * The head, then a stream body for as long as it runs: until its source ends it, the client
   * leaves (the socket closes, or the client ends its side: a reader of a stream sends nothing,
   * so its FIN means it has gone) or the server stops (`endStream`). A client that stops reading
   * is dropped by the send timeout, as for any reply (each write waits for the socket: sendAndWait).
   */
  private async run(reply: Reply, framing: WireFraming, stream: BodyStream): Promise<Sent> {
    this.write(this.ctx.wire.encode(reply, framing, undefined));
    const running = (this.running = stream.start((bytes) => this.sendAndWait(bytes)));
    const stop = (): void => running.stop();
    if (this.streamsEnded) stop();
    this.socket.once('close', stop).once('end', stop);
    await running.done;
    this.socket.off('close', stop).off('end', stop);
    this.running = undefined;
    return this.socket.destroyed ? 'gone' : 'sent';
  }

  /**
   * Nagle's algorithm holds a small segment back while earlier bytes wait for their ACK: a reply
   * after a reply, a file's chunks, a reply after 100 Continue would wait for the client's
   * delayed ACK (up to 40 ms on Linux). Turned off (a setsockopt) before the first of those; a
   * connection's last reply in one write needs no such call: close(2) sends it, then the FIN.
   * Measured: 1-4 µs of CPU less a `Connection: close` request (bench/README.md, "TCP_NODELAY").
   */
  private turnNagleOff(): void {
    if (this.nagleOff) return;
    this.nagleOff = true;
    this.socket.setNoDelay(true);
  }

  /**
   * The head first, as the trace shows it; several buffers leave in one writev. Its callers have
   * seen the socket open in the same turn (send, interim), so it is not asked again.
   */
  private write(buffers: readonly Buffer[]): void {
    const head = buffers[0];
    if (head !== undefined) this.ctx.observer.headSent(this.peer, head);
    if (buffers.length === 1 && head !== undefined) {
      this.socket.write(head);
      return;
    }
    this.socket.cork();
    for (const buffer of buffers) this.socket.write(buffer);
    this.socket.uncork();
  }

  private readonly outlet: Outlet = { send: (bytes) => this.sendAndWait(bytes) };

  /** Writes and waits until the socket has taken the bytes; the watchdog drops a client that takes longer than the send timeout. */
  private sendAndWait(bytes: Buffer): Promise<boolean> {
    if (this.socket.destroyed) return Promise.resolve(false);
    this.stalledSince = this.ctx.now();
    return new Promise((resolve) => {
      // Node calls this once the bytes are with the kernel, or with an error if the socket is destroyed first.
      this.socket.write(bytes, (error) => {
        this.stalledSince = undefined;
        resolve(error === undefined || error === null);
      });
    });
  }

  /** Waits for the socket's buffer to drain ('sent'), or for the socket to close first ('gone'); the watchdog drops the client if that takes longer than the send timeout. */
  private drained(): Promise<Sent> {
    if (this.socket.destroyed) return Promise.resolve('gone');
    if (!this.socket.writableNeedDrain) return Promise.resolve('sent');
    this.stalledSince = this.ctx.now();
    return new Promise((resolve) => {
      const settle = (sent: Sent): void => {
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        this.stalledSince = undefined;
        resolve(sent);
      };
      const onDrain = (): void => settle('sent');
      const onClose = (): void => settle('gone');
      this.socket.on('drain', onDrain);
      this.socket.on('close', onClose);
    });
  }
}
