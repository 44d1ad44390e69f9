#!/usr/bin/env node
// An A/B of builds of our server, run alternately, pinned as bench/run pins them (server on
// CPU 0, wrk on CPU 1), so a drift of the machine touches every build alike. For each round,
// scenario and build: a fresh server, 1 s of warm-up, then `wrk -t1` for --duration seconds;
// req/s and MB/s from wrk, the server's CPU from /proc/PID/stat. Prints the medians, the
// spread, each build's ratio to the first (of the medians, and the median of each round's CPU
// ratio), and how busy the rest of the machine was.
//
// --together: in each round every build runs at once, each its own server on CPU 0 and its own
// wrk on CPU 1, for the same seconds. On a VM whose speed changes from one minute to the next,
// taking turns lets the change fall on one build and not the other; at once, it falls on both.
// The servers then share a core, so a request costs more than alone (context switches, caches
// shared): read the ratios, not the figures.
//
//   node bench/ab.mjs --build old=/path/to/old/server/dist/main.js --build new=server/dist/main.js \
//                     [--build plain=server/dist/main.js:--no-cache] [--rounds 3] [--duration 5] \
//                     [--scenarios s1,s2,s3,s4,s6] [--node-flags="--max-semi-space-size=4 ..."] [--together]
//
// s6 is bench/run's scenario 6: s1 beside 1,000 idle keep-alive connections, held for each
// server by its own bench/idle-connections.mjs on CPU 1 from before the warm-up to the end.
//
// A build is NAME=MAIN_JS, optionally followed by :FLAG:FLAG... (extra server flags). Loopback
// only; every process is stopped by its PID, when a build fails to start or on Ctrl-C too;
// every wrk run is bounded by `timeout`.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startBuild } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    build: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    scenarios: { type: 'string', default: 's1,s2,s3' },
    // The Node flags every build runs with (the image's CMD has its own; none by default).
    'node-flags': { type: 'string', default: '' },
    together: { type: 'boolean', default: false },
  },
});
const builds = (values.build ?? []).map((spec) => {
  const [name, rest = ''] = spec.split('=');
  const [main, ...flags] = rest.split(':');
  return { name, main: path.resolve(main), flags };
});
if (builds.length < 2) {
  process.stderr.write('usage: node bench/ab.mjs --build NAME=MAIN_JS[:FLAG...] --build ... [--rounds N]\n');
  process.exit(2);
}
for (const { name, main } of builds) {
  if (!fs.existsSync(main)) {
    process.stderr.write(
      `ab: build ${name}: no such file: ${main} (build it first: npx tsc -p tsconfig.build.json)\n`,
    );
    process.exit(2);
  }
}
const ROUNDS = Number(values.rounds);
const DURATION_S = Number(values.duration);
const SCENARIOS = {
  s1: { what: '1 KiB, keep-alive, 50 conns', file: '1k.bin', conns: 50, close: false },
  s2: { what: '1 KiB, Connection: close, 50 conns', file: '1k.bin', conns: 50, close: true },
  s3: { what: '64 KiB, keep-alive, 20 conns', file: '64k.bin', conns: 20, close: false },
  s4: { what: '10 MiB, keep-alive, 4 conns', file: '10m.bin', conns: 4, close: false },
  s6: {
    what: '1 KiB, keep-alive, 50 conns + 1000 idle',
    file: '1k.bin',
    conns: 50,
    close: false,
    idle: 1000,
  },
};
const NODE_FLAGS = values['node-flags'].split(' ').filter(Boolean);
const chosen = values.scenarios.split(',').filter((s) => s in SCENARIOS);
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** Every server and holder running now: whatever happens (a failure, Ctrl-C), each is stopped by its PID. */
const running = new Set();
function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-site-'));
fs.writeFileSync(path.join(site, '1k.bin'), randomBytes(1024));
fs.writeFileSync(path.join(site, '64k.bin'), randomBytes(64 * 1024));
if (chosen.includes('s4')) fs.writeFileSync(path.join(site, '10m.bin'), randomBytes(10 * 1024 * 1024));

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

/** Busy and total jiffies of the whole machine (all CPUs). */
function machine() {
  const [, ...n] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = n;
  return {
    busy: user + nice + system + irq + softirq + steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

function startServer(build) {
  return startBuild({ ...build, nodeFlags: NODE_FLAGS, root: site, extra: build.flags, onSpawn: track });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

const execFileAsync = promisify(execFile);
const HERE = path.dirname(new URL(import.meta.url).pathname);
/** Where the idle connections' holders say they are ready: beside the site, not in it. */
const readyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-ready-'));

/** Holds the scenario's idle keep-alive connections to `port` (bench/idle-connections.mjs); resolves once they are open. */
async function holdIdle(port, scenario) {
  const ready = path.join(readyDir, `ready.${port}`);
  fs.rmSync(ready, { force: true }); // a port used again in a later round must not find the last one's file
  const holder = track(
    spawn(
      'taskset',
      [
        '-c',
        '1',
        process.execPath,
        path.join(HERE, 'idle-connections.mjs'),
        '--port',
        String(port),
        '--path',
        `/${scenario.file}`,
        '--count',
        String(scenario.idle),
        '--ready-file',
        ready,
        '--max-seconds',
        String(DURATION_S + 60),
      ],
      { stdio: 'ignore' },
    ),
  );
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(ready) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const open = fs.existsSync(ready) ? Number(fs.readFileSync(ready, 'utf8')) : 0;
  if (open < scenario.idle)
    process.stderr.write(`only ${open} of ${scenario.idle} idle connections opened\n`);
  return holder;
}

async function wrk(port, scenario, seconds) {
  const args = [
    '-c',
    '1',
    'timeout',
    String(seconds + 10),
    'wrk',
    '-t1',
    `-c${scenario.conns}`,
    `-d${seconds}s`,
  ];
  if (scenario.close) args.push('-H', 'Connection: close');
  args.push(`http://127.0.0.1:${port}/${scenario.file}`);
  const load = execFileAsync('taskset', args);
  track(load.child);
  const out = (await load).stdout;
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const transfer = /Transfer\/sec:\s+([\d.]+)([KMG]B)/.exec(out);
  const mb = transfer
    ? (Number(transfer[1]) * { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[transfer[2]]) / 1e6
    : NaN;
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out)?.[0];
  return { rate, requests, mb, errors };
}

/** One round of a scenario for `group`: one build alone, or (--together) every build at once. */
async function measure(group, scenario) {
  const starts = await Promise.allSettled(group.map(startServer));
  const servers = starts.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  const failed = starts.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map(({ child }) => stopServer(child)));
    throw failed.reason;
  }
  const holders = scenario.idle ? await Promise.all(servers.map(({ port }) => holdIdle(port, scenario))) : [];
  try {
    for (const { port } of servers) await wrk(port, scenario, 1); // warm-up: JIT, the cache
    const cpuBefore = servers.map(({ child }) => cpuSeconds(child.pid));
    const machineBefore = machine();
    const runs = await Promise.all(servers.map(({ port }) => wrk(port, scenario, DURATION_S)));
    const cpus = servers.map(({ child }, i) => cpuSeconds(child.pid) - cpuBefore[i]);
    const machineAfter = machine();
    const busyCpus = (machineAfter.busy - machineBefore.busy) / TICK / DURATION_S; // in CPUs
    const serversCpus = cpus.reduce((a, b) => a + b, 0) / DURATION_S;
    return runs.map((r, i) => ({
      ...r,
      cpuUsPerRequest: (cpus[i] / r.requests) * 1e6,
      serverCpus: cpus[i] / DURATION_S,
      otherCpus: busyCpus - serversCpus,
    }));
  } finally {
    await Promise.all(holders.map(stopServer));
    await Promise.all(servers.map(({ child }) => stopServer(child)));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Stops every process still running and removes the scratch folders: at the end, on a failure, on Ctrl-C. */
async function cleanUp() {
  await Promise.all([...running].map(stopServer));
  fs.rmSync(site, { recursive: true, force: true });
  fs.rmSync(readyDir, { recursive: true, force: true });
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    process.stderr.write(`ab: ${signal}: stopping the servers\n`);
    void cleanUp().then(() => process.exit(code));
  });
}

const results = {}; // scenario → build → runs
process.stderr.write(`load before: ${fs.readFileSync('/proc/loadavg', 'utf8')}`);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of chosen) await runRound(round, id);
  }
} catch (error) {
  process.stderr.write(`ab: ${error.message}\n`);
  await cleanUp();
  process.exit(1);
}
await cleanUp();
process.stderr.write(`load after: ${fs.readFileSync('/proc/loadavg', 'utf8')}`);

/** One round of one scenario: every build alone in turn, or (--together) all at once. */
async function runRound(round, id) {
  // The order rotates each round, so neither build always runs first (or starts first, together).
  const order = builds.map((_, i) => builds[(i + round) % builds.length]);
  const groups = values.together ? [order] : order.map((build) => [build]);
  for (const group of groups) {
    for (const [i, run] of (await measure(group, SCENARIOS[id])).entries()) {
      const build = group[i];
      ((results[id] ??= {})[build.name] ??= []).push(run);
      process.stderr.write(
        `round ${round + 1} ${id} ${build.name}: ${Math.round(run.rate)} req/s, ${run.cpuUsPerRequest.toFixed(1)} µs/req, other ${(run.otherCpus * 100).toFixed(0)} % of a CPU${run.errors ? `, ${run.errors}` : ''}\n`,
      );
    }
  }
}

const how = values.together ? 'rounds, every build at once,' : 'alternating rounds';
const lines = [
  `A/B, ${ROUNDS} ${how} × ${DURATION_S} s, medians (min–max); node ${process.version}; servers on CPU 0, wrk on CPU 1`,
  '',
  '| scenario | build | req/s | MB/s | CPU µs/req | ÷ first (req/s) | CPU ÷ first, each round (median) | other CPU % |',
  '| --- | --- | --: | --: | --: | --: | --: | --: |',
];
for (const id of chosen) {
  const firstRuns = results[id][builds[0].name];
  const first = median(firstRuns.map((r) => r.rate));
  for (const { name } of builds) {
    const runs = results[id][name];
    const rates = runs.map((r) => r.rate);
    const fmt = (xs, digits = 0) =>
      `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
    lines.push(
      `| ${id}: ${SCENARIOS[id].what} | ${name} | ${fmt(rates)} | ${fmt(runs.map((r) => r.mb))} | ${fmt(
        runs.map((r) => r.cpuUsPerRequest),
        1,
      )} | ${(median(rates) / first).toFixed(3)} | ${median(
        runs.map((r, round) => r.cpuUsPerRequest / firstRuns[round].cpuUsPerRequest),
      ).toFixed(3)} | ${median(runs.map((r) => r.otherCpus * 100)).toFixed(0)} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
