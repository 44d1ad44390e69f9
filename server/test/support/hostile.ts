/**
 * Helpers for the hostile-client tests: sites with huge (sparse) files, a file system that
 * counts what the server holds, crowds of sockets, a kept-alive client, a download that can
 * be paused, and a peak sampler. Each one exists so that a test can *measure* a promise of
 * the server (flat memory, no leaked descriptor, no client able to starve another) instead of
 * only watching it not crash.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type FileSystem, isFailure, nodeFileSystem } from '../../src/resolve/file-system';
import { type ParsedResponse, parseResponses } from './raw-client';
import { MAIN, type RunAs } from './spawn-server';
import { type TestServer, type TestServerOptions, startTestServer } from './test-server';

/** Runs `test` against a fresh in-process server, and stops the server whatever happens. */
export async function withServer(
  options: TestServerOptions,
  test: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(options);
  try {
    await test(server);
  } finally {
    await server.stop();
  }
}

export interface HostileSite {
  /** The root, through realpath (as main passes it to the server). */
  readonly root: string;
  at(relative: string): string;
  remove(): void;
}

/**
 * A temporary site. A file given as a number is that many bytes of zeros, made with truncate:
 * sparse, so a 200 MiB file costs no disk and no time to create.
 */
export function makeSite(files: Readonly<Record<string, string | number>>): HostileSite {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-site-')));
  writeFiles(root, files);
  return {
    root,
    at: (relative) => path.join(root, relative),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** Writes `files` under `root` (made if missing), as makeSite does. */
export function writeFiles(root: string, files: Readonly<Record<string, string | number>>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'number' ? '' : content);
    if (typeof content === 'number') fs.truncateSync(file, content);
  }
}

export const MiB = 1024 * 1024;

/** What the server did with files, seen through the one door it uses to touch the disk. */
export interface CountingFileSystem {
  readonly fs: FileSystem;
  /** Descriptors the server opened and has not closed yet. */
  openFiles(): number;
  /** Bytes the server has read from files so far. */
  bytesRead(): number;
  /** Files the server has opened so far, closed or not. */
  opened(): number;
}

/**
 * Wraps the real file system and counts opens, closes and bytes read. Bytes read from disk
 * minus bytes the client received is what sits in buffers between the two: the honest
 * measure of "the server never buffers a whole file".
 */
export function countingFileSystem(base: FileSystem = nodeFileSystem): CountingFileSystem {
  const open = new Set<number>();
  let read = 0;
  let opened = 0;
  const fs: FileSystem = {
    ...base,
    open: async (file) => {
      const result = await base.open(file);
      if (!isFailure(result)) {
        open.add(result.fd);
        opened++;
      }
      return result;
    },
    readInto: async (fd, buffer, position) => {
      const n = await base.readInto(fd, buffer, position);
      if (!isFailure(n)) read += n;
      return n;
    },
    close: (fd) => {
      open.delete(fd);
      base.close(fd);
    },
  };
  return { fs, openFiles: () => open.size, bytesRead: () => read, opened: () => opened };
}

/**
 * Opens `count` connections to the server, `batch` at a time (a burst of thousands of SYNs
 * would only test the kernel's backlog), writes `firstBytes` on each, and resolves once all are
 * connected.
 */
export async function openCrowd(
  port: number,
  count: number,
  firstBytes = '',
  batch = 100,
): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let opened = 0; opened < count; opened += batch) {
    const size = Math.min(batch, count - opened);
    sockets.push(...(await Promise.all(Array.from({ length: size }, () => connectOne(port, firstBytes)))));
  }
  return sockets;
}

function connectOne(port: number, firstBytes: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // the server may close it later; that is not this helper's business
      if (firstBytes !== '') socket.write(firstBytes);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export function destroyAll(sockets: readonly net.Socket[]): void {
  for (const socket of sockets) socket.destroy();
}

/** Where one response ends in `bytes`, framed by its Content-Length; undefined while incomplete. */
function responseEnd(bytes: Buffer): number | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const length = /\r\ncontent-length: *(\d+)/i.exec(bytes.toString('latin1', 0, headEnd + 2));
  const end = headEnd + 4 + Number(length?.[1] ?? 0);
  return bytes.length >= end ? end : undefined;
}

/** One kept-alive connection: send a request, read exactly its response (framed by Content-Length). */
export class KeptAliveClient {
  private received = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static async open(port: number): Promise<KeptAliveClient> {
    return new KeptAliveClient(await connectOne(port, ''));
  }

  /** Sends `request` and resolves with its response; rejects if the server closes or `ms` pass first. */
  exchange(request: string, ms = 3000): Promise<ParsedResponse> {
    this.socket.write(request);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete response within ${ms} ms`)), ms);
      this.waiting = () => {
        const end = responseEnd(this.received);
        if (end === undefined && !this.closed) return;
        clearTimeout(timer);
        this.waiting = undefined;
        if (end === undefined) return reject(new Error('the server closed the connection'));
        const [response] = parseResponses(this.received.subarray(0, end));
        this.received = this.received.subarray(end);
        resolve(response as ParsedResponse);
      };
      this.waiting();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface DownloadResult {
  readonly status: number;
  readonly contentLength: number;
  /** Body bytes received (counted, not kept: the files are big). */
  readonly bodyBytes: number;
  readonly ending: 'server closed' | 'reset';
  /** The body itself, only when the download was made with `keepBody` (the files are usually too big to keep). */
  readonly body?: Buffer;
}

/**
 * A GET of a big file by a client that stops reading as soon as the first bytes arrive, until
 * told to `resume`: the test can change the file (or wait, or stop the server) while the
 * response is in flight. With `keepBody`, the result carries the body, to compare byte by byte.
 */
export class Download {
  /** Resolves when the first bytes have arrived (the client is paused from then on). */
  readonly started: Promise<void>;
  readonly finished: Promise<DownloadResult>;
  private readonly socket: net.Socket;

  constructor(port: number, target: string, { keepBody = false } = {}) {
    this.socket = net.connect(port, '127.0.0.1', () =>
      this.socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    let head = Buffer.alloc(0);
    let headLength: number | undefined;
    let total = 0;
    const kept: Buffer[] = [];
    this.started = new Promise((resolve) =>
      this.socket.once('data', () => {
        this.socket.pause();
        resolve();
      }),
    );
    this.finished = new Promise((resolve) => {
      const finish = (ending: DownloadResult['ending']): void => {
        const text = head.toString('latin1');
        resolve({
          status: Number(text.split(' ')[1]),
          contentLength: Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? NaN),
          bodyBytes: total - (headLength ?? total),
          ending,
          ...(keepBody ? { body: Buffer.concat(kept) } : {}),
        });
      };
      this.socket.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (headLength !== undefined) {
          if (keepBody) kept.push(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        headLength = end + 4;
        if (keepBody) kept.push(head.subarray(headLength)); // the first body bytes came with the head
      });
      this.socket.on('end', () => finish('server closed'));
      this.socket.on('error', () => finish('reset'));
    });
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Samples `measure` every `everyMs` until `stop`, which returns the highest value seen. */
export function samplePeak(measure: () => number, everyMs = 10): { stop(): number } {
  let peak = measure();
  const timer = setInterval(() => {
    peak = Math.max(peak, measure());
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, measure());
    },
  };
}

/** This process's resident memory, bytes (server and clients share it in the in-process tests). */
export function residentBytes(): number {
  return process.memoryUsage.rss();
}

/**
 * How to run the compiled server so that file permissions bind it. Root reads whatever chmod
 * says (and tests run as root in CI), so as root: as user nobody when nobody can reach the
 * compiled server; otherwise (a checkout under a private directory such as /root) as root
 * without the two capabilities that bypass permissions. Anyone else: as themselves.
 */
export function unprivileged(): RunAs {
  if (process.getuid?.() !== 0) return {};
  if (othersCanRead(MAIN)) return { uid: 65534, gid: 65534 };
  return { prefix: ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] };
}

/** Whether a user with no rights but "others" can read `file`: every directory above it searchable, the file readable. */
function othersCanRead(file: string): boolean {
  const OTHERS_READ = 0o004;
  const OTHERS_SEARCH = 0o001;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & OTHERS_SEARCH) === 0) return false;
    if (dir === path.dirname(dir)) break;
  }
  return (fs.statSync(file).mode & OTHERS_READ) !== 0;
}
