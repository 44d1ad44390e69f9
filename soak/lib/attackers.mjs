// The hostile half of the soak. Each attacker loops until `until` (a time in ms), keeps a
// bounded number of connections, and reports every outcome by name through `tally`: what the
// server is expected to do shows up as the usual outcome, anything else stands out in the summary.
import net from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { HOST, exchange, statusOf } from './clients.mjs';

/** The size of big.bin in the soak's site (sparse: it costs no disk). */
export const BIG_FILE_BYTES = 256 * 1024 * 1024;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attack` every `everyMs` until `until`, at most `concurrent` at a time; waits for the last. */
async function repeat(until, everyMs, concurrent, attack) {
  const running = new Set();
  while (Date.now() < until) {
    if (running.size < concurrent) {
      const one = attack().finally(() => running.delete(one));
      running.add(one);
    }
    await sleep(everyMs);
  }
  await Promise.all(running);
}

function connect(port) {
  const socket = net.connect(port, HOST);
  socket.on('error', () => undefined); // outcomes are read from 'close' and the bytes received
  return socket;
}

/**
 * Slowloris: `senders` connections that each send one header byte a second and never finish.
 * Expected: 408 and a close once the request timeout (10 s) is up; the sender then starts over.
 */
export function slowloris({ port, until, tally, senders = 20, byteEveryMs = 1000 }) {
  const one = () =>
    new Promise((resolve) => {
      const socket = connect(port);
      const received = [];
      const drip = setInterval(() => {
        if (Date.now() >= until) return socket.destroy();
        if (socket.writable) socket.write('X');
      }, byteEveryMs);
      socket.on('connect', () => socket.write('GET /tiny.txt HTTP/1.1\r\nHost: soak\r\nX-Slow: '));
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('close', () => {
        clearInterval(drip);
        const status = statusOf(Buffer.concat(received));
        tally(
          'slowloris',
          status === 408
            ? '408 then closed'
            : Date.now() >= until
              ? 'stopped at the end'
              : `other: ${status ?? 'no response'}`,
        );
        resolve();
      });
    });
  return repeat(until, 50, senders, one);
}

/** Mid-transfer aborts: a download of the big file, cut after its first bytes by a reset or a close. */
export function aborts({ port, until, tally, everyMs = 100 }) {
  let count = 0;
  const one = () =>
    new Promise((resolve) => {
      const quit = count++ % 2 === 0 ? 'reset' : 'close';
      const socket = connect(port);
      const timer = setTimeout(() => socket.destroy(), 5000);
      socket.on('connect', () => socket.write('GET /big.bin HTTP/1.1\r\nHost: soak\r\n\r\n'));
      socket.once('data', () => (quit === 'reset' ? socket.resetAndDestroy() : socket.destroy()));
      socket.on('close', () => {
        clearTimeout(timer);
        tally('abort', `${quit} after the first bytes`);
        resolve();
      });
    });
  return repeat(until, everyMs, 20, one);
}

/** Garbage: 1 to 2000 random bytes on a fresh connection. Expected: 400 (or 408), then a close; never a 500. */
export function garbage({ port, until, tally, everyMs = 50 }) {
  const one = async () => {
    const result = await exchange(port, randomBytes(randomInt(1, 2001)), { timeoutMs: 15_000 });
    const status = statusOf(result.bytes);
    tally('garbage', status !== undefined ? `${status}, ${result.ending}` : `no response, ${result.ending}`);
  };
  return repeat(until, everyMs, 20, one);
}

/**
 * Pipelined floods: 1000 requests in big writes on one connection, from a client that reads
 * nothing for half a second. Expected: 1000 answers in order (alternating file sizes show any
 * mix-up), then a close: 1000 is the most one connection may carry.
 */
export function floods({ port, until, tally, everyMs = 2000, requests = 1000 }) {
  const target = (i) => (i % 2 === 0 ? '/1k.bin' : '/tiny.txt');
  const flood = Buffer.from(
    Array.from({ length: requests }, (_, i) => `GET ${target(i)} HTTP/1.1\r\nHost: soak\r\n\r\n`).join(''),
  );
  const one = () =>
    new Promise((resolve) => {
      const socket = connect(port);
      const received = [];
      const timer = setTimeout(() => socket.destroy(), 20_000);
      socket.on('connect', () => {
        socket.pause();
        for (let i = 0; i < flood.length; i += 16 * 1024) socket.write(flood.subarray(i, i + 16 * 1024));
        setTimeout(() => socket.resume(), 500);
      });
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('close', () => {
        clearTimeout(timer);
        const lengths = [
          ...Buffer.concat(received)
            .toString('latin1')
            .matchAll(/\r\nContent-Length: (\d+)\r\n/g),
        ].map((m) => Number(m[1]));
        const inOrder =
          lengths.length === requests && lengths.every((n, i) => n === (i % 2 === 0 ? 1024 : 5));
        tally(
          'flood',
          inOrder
            ? `${requests} answers in order`
            : `${lengths.length} answers${lengths.length === requests ? ', out of order' : ''}`,
        );
        resolve();
      });
    });
  return repeat(until, everyMs, 2, one);
}

/**
 * Clients that never read: a GET of the big file, then silence for 35 s. Expected: the server
 * gives up after its send timeout (30 s), so when the client finally reads, the body ends short.
 */
export function nonReaders({ port, until, tally, everyMs = 10_000, silentMs = 35_000 }) {
  const one = () =>
    new Promise((resolve) => {
      const socket = connect(port);
      let bytes = 0;
      let resumed = false;
      socket.on('connect', () => {
        socket.write('GET /big.bin HTTP/1.1\r\nHost: soak\r\n\r\n');
        socket.pause();
      });
      const wake = setTimeout(() => {
        resumed = true;
        socket.resume();
      }, silentMs);
      const stop = setInterval(() => {
        if (Date.now() >= until + 5000) socket.destroy();
      }, 1000);
      socket.on('data', (chunk) => {
        bytes += chunk.length;
      });
      socket.on('close', () => {
        clearTimeout(wake);
        clearInterval(stop);
        tally(
          'non-reader',
          !resumed
            ? 'stopped at the end'
            : bytes < BIG_FILE_BYTES
              ? 'dropped by the send timeout'
              : 'sent whole (not dropped)',
        );
        resolve();
      });
    });
  return repeat(until, everyMs, 10, one);
}
