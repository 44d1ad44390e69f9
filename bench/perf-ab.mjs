#!/usr/bin/env node
// Where two builds of our server spend a request's CPU, side by side. Both serve the same
// 1 KiB file on CPU 0 at the same time, each loaded by its own `wrk -t1 -c50` on CPU 1 (as
// `bench/ab.mjs --together` runs them: a VM whose speed drifts from minute to minute then
// slows both alike), while `perf record -g` samples CPU 0 (cpu-clock, 4 kHz). Node runs with
// --perf-basic-prof, so JavaScript frames have names. Each sample goes to one category, by
// its leaf frame and the frames above it, and the table gives µs of CPU a request in each:
//
//   k write / k read / k epoll / k other   the kernel, under write(2), read(2), epoll, else
//   js ours / builtins (ours)              our JavaScript (server/dist), and V8's builtins it called
//   js node / builtins (node)              Node's own JavaScript (streams, net), and its builtins
//   native, libc, gc                       Node's C++ and libuv, the C library, the collector
//
// With --functions, the JavaScript functions of ours (and the builtins charged to them) too.
// Sampling costs CPU itself and the two servers share a core: read the differences and the
// ratios, not the absolute figures.
//
//   node bench/perf-ab.mjs --old PATH/main.js --new server/dist/main.js [--seconds 6]
//                          [--node-flags="--max-semi-space-size=4 ..."] [--functions]
//
// Needs Linux, `perf` (Debian: linux-perf) allowed to sample a CPU (root, or
// kernel.perf_event_paranoid ≤ 0), `wrk` and `taskset`. Loopback only; every process is
// stopped by its PID, wrk and perf are bounded by `timeout`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { startBuild } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string' },
    seconds: { type: 'string', default: '6' },
    'node-flags': { type: 'string', default: '' },
    functions: { type: 'boolean', default: false },
  },
});
if (!values.old || !values.new) {
  process.stderr.write('usage: node bench/perf-ab.mjs --old OLD/main.js --new NEW/main.js [--seconds N]\n');
  process.exit(2);
}
for (const tool of ['perf', 'wrk', 'taskset']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    process.stderr.write(
      `perf-ab: ${tool} is not installed (Debian: apt-get install linux-perf wrk util-linux)\n`,
    );
    process.exit(2);
  }
}
const SECONDS = Number(values.seconds);
const SAMPLE_HZ = 4000;
const SAMPLE_US = 1e6 / SAMPLE_HZ;
const NODE_FLAGS = [...values['node-flags'].split(' ').filter(Boolean), '--perf-basic-prof'];
const builds = [
  { name: 'old', main: path.resolve(values.old) },
  { name: 'new', main: path.resolve(values.new) },
];

for (const { name, main } of builds) {
  if (!fs.existsSync(main)) {
    process.stderr.write(
      `perf-ab: --${name}: no such file: ${main} (build it first: npx tsc -p tsconfig.build.json)\n`,
    );
    process.exit(2);
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'perf-ab-'));
fs.mkdirSync(path.join(work, 'site'));
fs.writeFileSync(path.join(work, 'site', '1k.bin'), randomBytes(1024));

/** Every process started (the servers, each wrk, perf), stopped by its PID at the end whatever happened (Ctrl-C too). */
const started = [];

/** Starts a build on CPU 0 on a free port; resolves once its banner names the port. */
async function startServer(build) {
  // In the scratch directory: --perf-basic-prof has V8 write a log there (isolate-*-v8.log).
  const { child, port } = await startBuild({
    ...build,
    nodeFlags: NODE_FLAGS,
    root: path.join(work, 'site'),
    cwd: work,
    onSpawn: (c) => started.push(c),
  });
  return { ...build, child, pid: String(child.pid), port };
}

/** Runs wrk on CPU 1 for `seconds` against a server; resolves with the requests it completed. */
function wrk(port, seconds) {
  const args = ['-c', '1', 'timeout', String(seconds + 10), 'wrk', '-t1', '-c50', `-d${seconds}s`];
  const child = spawn('taskset', [...args, `http://127.0.0.1:${port}/1k.bin`], { stdio: 'pipe' });
  started.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve) =>
    child.on('exit', () => resolve(Number(/(\d+) requests in/.exec(out)?.[1]))),
  );
}

/** Records CPU 0 until stopped (SIGINT), at most `seconds` + 10. */
function startPerf(file, seconds) {
  const args = [String(seconds + 10), 'perf', 'record', '-g', '-e', 'cpu-clock', '-F', String(SAMPLE_HZ)];
  const child = spawn('timeout', [...args, '-C', '0', '-o', file, '--', 'sleep', String(seconds + 5)], {
    stdio: 'ignore',
  });
  started.push(child);
  return { stop: () => new Promise((resolve) => child.once('exit', resolve).kill('SIGINT')) };
}

/** One sample's frames, leaf first: address, symbol, object. */
function frameOf(line) {
  const m = /^\s*([0-9a-f]+) (.*?)(?:\+0x[0-9a-f]+)? \((.*)\)$/.exec(line);
  return m ? { kernel: m[1].startsWith('ffffffff'), sym: m[2], dso: m[3] } : undefined;
}

const OURS = /server\/dist\//;

/** The category of a sample, and our function it is charged to (if any). */
function classify(frames) {
  const [leaf] = frames;
  const under = (re) => frames.some((f) => re.test(f.sym));
  if (leaf.kernel) {
    if (under(/ksys_write|__x64_sys_write|__GI___libc_write/)) return { category: 'k write' };
    if (under(/ksys_read|__x64_sys_read|tcp_recvmsg/)) return { category: 'k read' };
    return { category: under(/epoll/) ? 'k epoll' : 'k other' };
  }
  if (/Scaveng|Heap::|MarkCompact|Sweeper|Evacuat|Marking/.test(leaf.sym)) return { category: 'gc' };
  const js = frames.find((f) => f.sym.startsWith('JS:'));
  const ours = js !== undefined && OURS.test(js.sym);
  const fn = js?.sym.replace(/^JS:[*^+~]?'?/, '').replace(/\S*server\/dist\//, '');
  const side = ours ? 'ours' : 'node';
  if (leaf.sym.startsWith('JS:')) return { category: `js ${side}`, fn: ours ? fn : undefined };
  if (leaf.sym.startsWith('Builtins_'))
    return { category: `builtins (${side})`, fn: ours ? `${fn} [${leaf.sym}]` : undefined };
  return { category: /libc/.test(leaf.dso) ? 'libc' : 'native' };
}

/** Reads `perf script` and counts samples by process, category and (ours) function. */
async function countSamples(file, servers) {
  const counts = Object.fromEntries(
    servers.map((s) => [s.pid, { categories: new Map(), functions: new Map() }]),
  );
  const script = spawn('perf', ['script', '-i', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  let pid;
  let frames = [];
  const flush = () => {
    const tally = counts[pid];
    if (tally && frames.length > 0) {
      const { category, fn } = classify(frames);
      tally.categories.set(category, (tally.categories.get(category) ?? 0) + 1);
      if (fn) tally.functions.set(fn, (tally.functions.get(fn) ?? 0) + 1);
    }
    frames = [];
  };
  for await (const line of readline.createInterface({ input: script.stdout })) {
    if (/^\S/.test(line)) {
      flush();
      pid = line.trim().split(/\s+/)[1];
    } else {
      const frame = frameOf(line);
      if (frame) frames.push(frame);
    }
  }
  flush();
  return counts;
}

const us = (samples, requests) => (samples * SAMPLE_US) / requests;

function report(servers, counts) {
  const [a, b] = servers;
  const categories = [...new Set(servers.flatMap((s) => [...counts[s.pid].categories.keys()]))].sort();
  const lines = [
    `perf-ab: both at once on CPU 0, ${SECONDS} s; node ${process.version}; µs of CPU a request (perf's own cost included)`,
    `requests: old ${a.requests}, new ${b.requests}`,
    '',
    '| category | old | new | new − old |',
    '| --- | --: | --: | --: |',
  ];
  const row = (label, x, y) => `| ${label} | ${x.toFixed(3)} | ${y.toFixed(3)} | ${(y - x).toFixed(3)} |`;
  const of = (s, key) => us(counts[s.pid].categories.get(key) ?? 0, s.requests);
  for (const key of categories) lines.push(row(key, of(a, key), of(b, key)));
  const total = (s) =>
    us(
      [...counts[s.pid].categories.values()].reduce((x, y) => x + y, 0),
      s.requests,
    );
  lines.push(row('**all**', total(a), total(b)));
  if (values.functions) for (const s of servers) lines.push('', ...functionLines(s, counts[s.pid].functions));
  return lines.join('\n');
}

function functionLines(server, functions) {
  const top = [...functions].sort((x, y) => y[1] - x[1]).slice(0, 30);
  return [
    `${server.name}, our functions (self, µs a request):`,
    ...top.map(([fn, n]) => `  ${us(n, server.requests).toFixed(3)} ${fn}`),
  ];
}

/** Stops every process started and removes the scratch files: at the end, on a failure, on Ctrl-C. */
function cleanUp() {
  for (const child of started) child.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
  for (const { pid } of started) fs.rmSync(`/tmp/perf-${pid}.map`, { force: true });
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    process.stderr.write(`perf-ab: ${signal}: stopping the servers\n`);
    cleanUp();
    process.exit(code);
  });
}

try {
  const servers = await Promise.all(builds.map(startServer));
  await Promise.all(servers.map((s) => wrk(s.port, 2))); // warm-up: the JIT, the cache
  const file = path.join(work, 'perf.data');
  const perf = startPerf(file, SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 500)); // perf is sampling before the load starts
  const requests = await Promise.all(servers.map((s) => wrk(s.port, SECONDS)));
  await perf.stop();
  if (!requests.every((n) => n > 0)) throw new Error(`wrk completed no request (${requests.join(', ')})`);
  if (!fs.existsSync(file)) {
    process.stderr.write(
      'perf-ab: perf recorded nothing: run as root, or set kernel.perf_event_paranoid to 0 or less\n',
    );
    process.exitCode = 1;
  } else {
    servers.forEach((s, i) => (s.requests = requests[i]));
    process.stdout.write(`${report(servers, await countSamples(file, servers))}\n`);
  }
} catch (error) {
  process.stderr.write(`perf-ab: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
