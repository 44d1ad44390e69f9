#!/usr/bin/env node
// What our JavaScript costs per request, with no kernel and no load generator in the picture:
// two builds of the server, each driving its `Connection` through stand-in sockets in this one
// process, in alternating batches, so that whatever else runs on the machine falls on both alike.
//
//   node bench/inprocess-ab.mjs A_DIST B_DIST [keep-alive|churn|alloc]
//
// keep-alive: one connection, 20,000 cached 1 KiB GETs a batch, 60 batches; ns a request.
// churn:      a connection per request (Connection: close), 20,000 a batch, 40 batches; ns a connection.
// alloc:      bytes allocated per keep-alive request (the young generation's growth between reads,
//             batches a collection interrupted left out): deterministic, unlike time.
// A_DIST, B_DIST: server/dist directories (of this tree, or of a checkout before issue 12, whose
// connection took a `handle` function instead of a strategy), both on the fast path: the loop
// needs an answer that is ready at once (the plain path's waits for the disk).
// The site is a temporary folder with one 1 KiB file; the clock stands still, so a cached file
// stays trusted. Prints medians and the median of the pairwise ratios B/A.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { createRequire } from 'node:module';

const [aDist, bDist, mode = 'keep-alive'] = process.argv.slice(2);
if (!aDist || !bDist) {
  process.stderr.write('usage: node bench/inprocess-ab.mjs A_DIST B_DIST [keep-alive|churn|alloc]\n');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'inprocess-ab-'));
fs.writeFileSync(path.join(ROOT, '1k.bin'), randomBytes(1024));
const CLOCK = () => 1_000_000;
const KEEP_ALIVE = Buffer.from('GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
const CLOSE = Buffer.from('GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');

/** What a Connection of this build needs: a strategy's pieces, or (before issue 12) a handle function. */
function contextOf(dist) {
  const { DEFAULT_LIMITS } = require(path.resolve(dist, 'http/limits.js'));
  const { quietObserver } = require(path.resolve(dist, 'log/observer.js'));
  const { nodeFileSystem: fsAdapter } = require(path.resolve(dist, 'resolve/file-system.js'));
  const base = {
    limits: { ...DEFAULT_LIMITS, maxRequestsPerConnection: 1e9 },
    observer: quietObserver,
    fs: fsAdapter,
    now: CLOCK,
  };
  if (fs.existsSync(path.resolve(dist, 'strategy.js'))) {
    const { createStrategy } = require(path.resolve(dist, 'strategy.js'));
    const options = {
      root: ROOT,
      listing: false,
      fs: fsAdapter,
      maxRanges: 16,
      now: CLOCK,
      boundary: () => 'b',
    };
    const { answer, wire, chunks } = createStrategy(true, options, defaultFeatures(dist));
    return { ...base, answer, wire, chunks };
  }
  const { handleRequest } = require(path.resolve(dist, 'handle-request.js'));
  const { Site } = require(path.resolve(dist, 'resolve/site.js'));
  const site = new Site({ root: ROOT, listing: false, fs: fsAdapter, now: CLOCK });
  return {
    ...base,
    handle: (request) => handleRequest(request, { site, maxRanges: 16, boundary: () => 'b' }),
  };
}

/** Enough of a net.Socket for a Connection: events, writes counted, nothing sent anywhere. */
class StandInSocket extends EventEmitter {
  destroyed = false;
  writableNeedDrain = false;
  writableLength = 0;
  writableFinished = false;
  paused = false;
  writes = 0;
  write() {
    this.writes++;
    return true;
  }
  setNoDelay() {}
  cork() {}
  uncork() {}
  isPaused() {
    return this.paused;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  end() {
    this.writableFinished = true;
  }
  destroy() {
    this.destroyed = true;
  }
}

function build(dist) {
  const { Connection } = require(path.resolve(dist, 'net/connection.js'));
  const context = contextOf(dist);
  const kept = new StandInSocket();
  new Connection(kept, { id: 0, address: 'x', port: 0 }, context);
  return {
    request: () => kept.emit('data', KEEP_ALIVE),
    connection: () => {
      const socket = new StandInSocket();
      new Connection(socket, { id: 1, address: 'x', port: 1 }, context);
      socket.emit('data', CLOSE);
      socket.emit('finish');
      socket.emit('end');
      socket.emit('close', false);
    },
  };
}

const builds = { A: build(aDist), B: build(bDist) };
const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
// The file read, then confirmed by a stat: from then on the cache (if any) vouches for it.
for (const b of Object.values(builds)) {
  for (let i = 0; i < 3; i++) {
    b.request();
    await pause();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (mode === 'alloc') {
  const newSpace = () =>
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;
  for (const [name, b] of Object.entries(builds)) {
    for (let i = 0; i < 20000; i++) b.request(); // warm
    let bytes = 0;
    let counted = 0;
    for (let batch = 0; batch < 1000; batch++) {
      const before = newSpace();
      for (let i = 0; i < 100; i++) b.request();
      const grew = newSpace() - before;
      if (grew <= 0) continue;
      bytes += grew;
      counted += 100;
    }
    console.log(`${name}: ${Math.round(bytes / counted)} bytes allocated per keep-alive request`);
  }
} else {
  const run = mode === 'churn' ? 'connection' : 'request';
  const per = 20000;
  const ns = { A: [], B: [] };
  const ratios = [];
  for (let round = 0; round < (mode === 'churn' ? 41 : 61); round++) {
    const pair = {};
    for (const name of round % 2 ? ['B', 'A'] : ['A', 'B']) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < per; i++) builds[name][run]();
      pair[name] = Number(process.hrtime.bigint() - started) / per;
    }
    if (round === 0) continue; // warm-up
    ns.A.push(pair.A);
    ns.B.push(pair.B);
    ratios.push(pair.B / pair.A);
  }
  const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * f)];
  console.log(
    `${mode}: A ${median(ns.A).toFixed(0)} ns, B ${median(ns.B).toFixed(0)} ns a ${run}; ` +
      `B/A pairwise median ${median(ratios).toFixed(3)} (quartiles ${q(ratios, 0.25).toFixed(3)}–${q(ratios, 0.75).toFixed(3)})`,
  );
}
fs.rmSync(ROOT, { recursive: true, force: true });
process.exit(0);

/** The features as the real server has them by default (issue 14: compression on); none in a build before them. */
function defaultFeatures(dist) {
  const layers = path.resolve(dist, 'features/layers.js');
  if (!fs.existsSync(layers)) return undefined;
  const { chooseFeatures } = require(layers);
  const off = { listing: false, headers: [], cors: false, spa: false, liveReload: false };
  return chooseFeatures({ ...off, compress: true, maxConnections: 2048 });
}
