// The soak of issue 5: minutes of mixed load against the compiled server on 127.0.0.1 — wrk on
// keep-alive and on "Connection: close", slowloris senders, mid-transfer aborts, garbage,
// pipelined floods and clients that never read — while sampling, every second, the server's
// open descriptors and resident memory (from /proc) and the latency of a normal GET.
//
// Exit status: 0 when every normal GET was answered (200, within 1 s) and neither descriptors
// nor memory kept growing (see lib/verdict.mjs); 1 otherwise; 2 when it could not run.
// Run it through soak/run (make soak, npm run soak), which builds the server first.
//
// Knobs (environment): SOAK_MINUTES (default 3; fractions allowed: 0.5 is a quick check).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, sampleProcess } from './lib/server.mjs';
import { HOST, probe } from './lib/clients.mjs';
import { BIG_FILE_BYTES, aborts, floods, garbage, nonReaders, slowloris } from './lib/attackers.mjs';
import { runWrk } from './lib/wrk.mjs';
import { FD_SLACK, RSS_SLACK_MIB, growth, median, percentile } from './lib/verdict.mjs';

const REPO = path.join(import.meta.dirname, '..');
const MAIN = path.join(REPO, 'server', 'dist', 'main.js');
const PROBE_LIMIT_MS = 1000;
const SAMPLE_EVERY_MS = 1000;

const minutes = Number(process.env.SOAK_MINUTES ?? '3');
if (!(minutes > 0 && minutes <= 120)) {
  console.error(
    `soak: SOAK_MINUTES must be a number of minutes in (0, 120], got "${process.env.SOAK_MINUTES}"`,
  );
  process.exit(2);
}
const durationMs = Math.round(minutes * 60_000);

// --- everything this process starts, so that any exit stops it (by PID) ----------------------
const children = new Set(); // wrk processes
let server;
let siteRoot;
function cleanup() {
  for (const child of children) if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  if (server?.isRunning()) process.kill(server.pid, 'SIGKILL');
  if (siteRoot) fs.rmSync(siteRoot, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => {
  console.error('soak: interrupted');
  process.exit(130);
});
process.on('SIGTERM', () => process.exit(143));

/** The site: a tiny file for the probe, small files for wrk and floods, a big sparse file for aborts. */
function makeSite() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-site-'));
  fs.writeFileSync(path.join(root, 'tiny.txt'), 'tiny\n');
  fs.writeFileSync(path.join(root, '1k.bin'), Buffer.alloc(1024, 'k'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>soak</title><p>soak\n');
  fs.writeFileSync(path.join(root, 'big.bin'), '');
  fs.truncateSync(path.join(root, 'big.bin'), BIG_FILE_BYTES);
  return root;
}

/** Outcomes by attacker and kind: { slowloris: { '408 then closed': 12 }, ... }. */
const outcomes = {};
function tally(attacker, outcome) {
  outcomes[attacker] ??= {};
  outcomes[attacker][outcome] = (outcomes[attacker][outcome] ?? 0) + 1;
}

/** Every second: the server's descriptors and memory, and one normal GET. */
function startSampling(pid, port, started) {
  const samples = [];
  const probes = [];
  const inFlight = new Set();
  const timer = setInterval(() => {
    try {
      samples.push({ t: Date.now() - started, ...sampleProcess(pid) });
    } catch {
      samples.push({ t: Date.now() - started, fds: NaN, rssMiB: NaN }); // the process is gone: the probe will say so
    }
    const one = probe(port, PROBE_LIMIT_MS).then((p) => {
      probes.push({ t: Date.now() - started, ...p });
      inFlight.delete(one);
    });
    inFlight.add(one);
  }, SAMPLE_EVERY_MS);
  return {
    samples,
    probes,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

function progress(sampling, started) {
  const last = sampling.samples.at(-1);
  const worst = Math.max(0, ...sampling.probes.map((p) => p.ms));
  if (last)
    console.log(
      `  t=${Math.round((Date.now() - started) / 1000)}s  fds=${last.fds}  rss=${last.rssMiB.toFixed(1)} MiB  worst GET so far ${worst.toFixed(1)} ms`,
    );
}

async function main() {
  const started = Date.now();
  siteRoot = makeSite();
  server = await startServer({ main: MAIN, root: siteRoot });
  const { port, pid } = server;
  const seconds = Math.max(1, Math.round(durationMs / 1000));
  console.log(
    `soak: ${minutes} min of mixed load against ${path.relative(REPO, MAIN)} (pid ${pid}) on ${HOST}:${port}`,
  );
  const rest = sampleProcess(pid);

  const loadStarted = Date.now();
  const until = loadStarted + durationMs;
  const sampling = startSampling(pid, port, loadStarted);
  const ticker = setInterval(() => progress(sampling, loadStarted), 15_000);
  const url = `http://${HOST}:${port}/1k.bin`;
  const context = { port, until, tally };
  const [keepAlive, close] = await Promise.all([
    runWrk({ url, seconds, connections: 8, close: false, paceMs: 2, children }),
    runWrk({ url, seconds, connections: 4, close: true, paceMs: 5, children }),
    slowloris(context),
    aborts(context),
    garbage(context),
    floods(context),
    nonReaders(context),
  ]);
  clearInterval(ticker);
  await sampling.stop();

  // At rest: every attacker has stopped; what the server still holds now, it keeps.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = server.isRunning() ? sampleProcess(pid) : { fds: NaN, rssMiB: NaN };
  const stillRunning = server.isRunning();
  const stopped = await server.stop();

  report({ keepAlive, close, sampling, rest, after, stillRunning, stopped, wallMs: Date.now() - started });
}

function report({ keepAlive, close, sampling, rest, after, stillRunning, stopped, wallMs }) {
  const { samples, probes } = sampling;
  // Growth is judged on the load window only: the attackers' last minutes after it are quieter.
  const underLoad = samples.filter((s) => s.t <= durationMs);
  const fds = underLoad.map((s) => s.fds).filter(Number.isFinite);
  const rss = underLoad.map((s) => s.rssMiB).filter(Number.isFinite);
  const latencies = probes.map((p) => p.ms);
  const failedProbes = probes.filter((p) => !p.ok);
  const fdGrowth = growth(fds, FD_SLACK);
  const rssGrowth = growth(rss, RSS_SLACK_MIB);
  const mib = (n) => `${n.toFixed(1)} MiB`;
  const errors = (wrk) =>
    Object.entries(wrk.errors)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');

  console.log('\nrequests');
  console.log(
    `  wrk, keep-alive        ${String(keepAlive.requests).padStart(9)}   errors: ${errors(keepAlive)}`,
  );
  console.log(`  wrk, Connection: close ${String(close.requests).padStart(9)}   errors: ${errors(close)}`);
  console.log(
    `  normal GETs (probes)   ${String(probes.length).padStart(9)}   failed: ${failedProbes.length}${failedProbes.length ? ` (${[...new Set(failedProbes.map((p) => p.why))].join('; ')})` : ''}`,
  );
  for (const [attacker, kinds] of Object.entries(outcomes)) {
    const total = Object.values(kinds).reduce((a, b) => a + b, 0);
    const detail = Object.entries(kinds)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind}: ${n}`)
      .join('; ');
    console.log(`  ${attacker.padEnd(22)} ${String(total).padStart(9)}   ${detail}`);
  }
  console.log('\nserver');
  console.log(
    `  open descriptors   min ${Math.min(...fds)}, max ${Math.max(...fds)}; at rest before ${rest.fds}, after ${after.fds}; median first third ${fdGrowth.first}, last third ${fdGrowth.last} (allowed rise ${fdGrowth.allowed})`,
  );
  console.log(
    `  resident memory    min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}; at rest before ${mib(rest.rssMiB)}, after ${mib(after.rssMiB)}; median first third ${mib(rssGrowth.first)}, last third ${mib(rssGrowth.last)} (allowed rise ${mib(rssGrowth.allowed)})`,
  );
  console.log(
    `  GET latency        median ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, worst ${Math.max(...latencies).toFixed(1)} ms (limit ${PROBE_LIMIT_MS} ms; also the event-loop delay seen from outside)`,
  );
  console.log(
    `  error lines logged ${server.errorLines()}; stopped by SIGTERM with ${stopped.signal ?? `exit code ${stopped.code}`}`,
  );
  console.log(`\nwall time ${(wallMs / 1000).toFixed(0)} s`);

  const failures = [
    ...(!stillRunning ? ['the server died during the soak'] : []),
    ...(failedProbes.length > 0
      ? [`${failedProbes.length} normal GET(s) failed or took over ${PROBE_LIMIT_MS} ms`]
      : []),
    ...(probes.length === 0 ? ['no normal GET was made'] : []),
    ...(fdGrowth.grew ? [`open descriptors grew: median ${fdGrowth.first} → ${fdGrowth.last}`] : []),
    ...(rssGrowth.grew
      ? [`resident memory grew: median ${mib(rssGrowth.first)} → ${mib(rssGrowth.last)}`]
      : []),
    ...(fdGrowth.tooShort ? ['too short to judge growth (run at least 0.2 min)'] : []),
  ];
  if (failures.length === 0) {
    console.log('verdict: PASS (every normal GET answered within 1 s; descriptors and memory flat)');
  } else {
    console.log(`verdict: FAIL\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    if (!stillRunning) console.log(`server output:\n${server.tail()}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`soak: ${error.stack ?? error}`);
  process.exitCode = 2;
});
