// Scenario 6's background load: hold N keep-alive connections open against a server while
// wrk measures it, and report how many were really open.
//
// "Idle" needs care: our server closes a keep-alive connection after 5 s of silence, and
// nginx and Python have their own timeouts. So each connection sends one small GET every
// --interval-ms (2 s by default, well under every timeout) and reads the whole answer; a
// connection the server closes anyway is opened again. That costs the server about
// N / 2 requests per second, which is small next to what wrk sends.
//
//   node bench/idle-connections.mjs --port N --path /1k.bin --count 1000 \
//        --ready-file F --summary-file G [--interval-ms 2000] [--max-seconds 120]
//
// Signals: SIGUSR1 = "the measured run starts now" (the minimum/maximum open counts are
// reset, so the summary describes the measured run only); SIGTERM = write the summary
// (JSON) to --summary-file and exit. --max-seconds bounds its life if nobody stops it.

import net from 'node:net';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    path: { type: 'string', default: '/' },
    count: { type: 'string', default: '1000' },
    'interval-ms': { type: 'string', default: '2000' },
    'open-batch': { type: 'string', default: '50' },
    'ready-file': { type: 'string' },
    'summary-file': { type: 'string' },
    'max-seconds': { type: 'string', default: '120' },
  },
});

const target = { host: options.host, port: Number(options.port) };
const wanted = Number(options.count);
const intervalMs = Number(options['interval-ms']);
const request = Buffer.from(`GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\n\r\n`);

const stats = {
  wanted,
  openAtReady: 0,
  minOpen: Infinity,
  maxOpen: 0,
  reconnects: 0,
  pings: 0,
  answers: 0,
  errors: 0,
};
let openCount = 0;
let stopping = false;

/**
 * Knows when one HTTP response has been read completely: after the head, it counts the
 * Content-Length bytes of the body. Enough for the plain 200 answers of a static file.
 */
class ResponseReader {
  head = '';
  bodyLeft = -1; // -1 while the head is still arriving

  /** Feeds a chunk; returns true when a whole response has arrived. */
  feed(chunk) {
    if (this.bodyLeft < 0) {
      this.head += chunk.toString('latin1');
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(this.head);
      const afterHead = this.head.length - (end + 4);
      this.bodyLeft = (length ? Number(length[1]) : 0) - afterHead;
    } else {
      this.bodyLeft -= chunk.length;
    }
    if (this.bodyLeft > 0) return false;
    this.head = '';
    this.bodyLeft = -1;
    return true;
  }
}

/** One held connection: connect, ping every interval, reopen if the server closes it. */
function hold(firstPingDelayMs) {
  return new Promise((resolveOpened) => {
    const socket = net.connect(target);
    const reader = new ResponseReader();
    let timer;
    let opened = false;

    const ping = () => {
      stats.pings += 1;
      socket.write(request);
    };
    socket.setNoDelay(true);
    socket.on('connect', () => {
      opened = true;
      openCount += 1;
      resolveOpened();
      timer = setTimeout(ping, firstPingDelayMs);
    });
    socket.on('data', (chunk) => {
      if (!reader.feed(chunk)) return;
      stats.answers += 1;
      timer = setTimeout(ping, intervalMs);
    });
    socket.on('error', () => {
      stats.errors += 1;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (opened) openCount -= 1;
      resolveOpened();
      if (stopping) return;
      stats.reconnects += 1;
      // A short pause so that a server refusing connections is not hammered.
      setTimeout(() => hold(Math.random() * intervalMs), opened ? 0 : 100);
    });
  });
}

/** Opens the connections in batches: Python's http.server listens with a backlog of 5. */
async function openAll() {
  const batch = Number(options['open-batch']);
  for (let started = 0; started < wanted; started += batch) {
    const size = Math.min(batch, wanted - started);
    const opening = Array.from({ length: size }, () => hold(Math.random() * intervalMs));
    await Promise.all(opening);
  }
}

function sampleOpenCount() {
  stats.minOpen = Math.min(stats.minOpen, openCount);
  stats.maxOpen = Math.max(stats.maxOpen, openCount);
}

function writeSummaryAndExit() {
  stopping = true;
  sampleOpenCount();
  const summary = { ...stats, openAtEnd: openCount };
  if (options['summary-file']) fs.writeFileSync(options['summary-file'], JSON.stringify(summary));
  process.exit(0);
}

process.on('SIGUSR1', () => {
  stats.minOpen = openCount;
  stats.maxOpen = openCount;
});
process.on('SIGTERM', writeSummaryAndExit);
setTimeout(writeSummaryAndExit, Number(options['max-seconds']) * 1000);

const openingDeadline = new Promise((resolve) => setTimeout(resolve, 20_000));
await Promise.race([openAll(), openingDeadline]);
stats.openAtReady = openCount;
if (options['ready-file']) fs.writeFileSync(options['ready-file'], String(openCount));
setInterval(sampleOpenCount, 100);
