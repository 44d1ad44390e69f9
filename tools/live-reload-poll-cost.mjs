#!/usr/bin/env node
/**
 * What live reload's polling costs (features/live-reload/tree-scan.ts): three passes over a
 * folder (default site/), then over a generated tree of 20,000 entries, at POLL_BUDGET
 * operations a step, with the wall time and the CPU time of each. Needs the build (npm run build).
 *
 *   node tools/live-reload-poll-cost.mjs [FOLDER]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = path.join(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  '..',
  'server',
  'dist',
);
const { TreeScan } = require(path.join(dist, 'features/live-reload/tree-scan.js'));
const { POLL_BUDGET, MAX_SCANNED_ENTRIES } = require(path.join(dist, 'features/live-reload/live-reload.js'));
const { nodeFileSystem } = require(path.join(dist, 'resolve/file-system.js'));

async function measure(folder, label) {
  const scan = new TreeScan(fs.realpathSync(folder), nodeFileSystem, MAX_SCANNED_ENTRIES);
  for (let pass = 1; pass <= 3; pass++) {
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let steps = 0;
    for (let ended = false; !ended; steps++) ended = (await scan.step(POLL_BUDGET)).passEnded;
    const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    console.log(
      `${label}: pass ${pass}: ${steps} step(s) of ${POLL_BUDGET} operations, ${wallMs.toFixed(1)} ms wall, ` +
        `${cpuMs.toFixed(1)} ms CPU (${(cpuMs / steps).toFixed(2)} ms a step)`,
    );
  }
}

console.log(`Node ${process.version}`);
await measure(process.argv[2] ?? 'site', process.argv[2] ?? 'site/');
const big = fs.mkdtempSync(path.join(os.tmpdir(), 'live-reload-poll-'));
try {
  for (let d = 0; d < 100; d++) {
    fs.mkdirSync(path.join(big, `d${d}`));
    for (let f = 0; f < 199; f++) fs.writeFileSync(path.join(big, `d${d}`, `f${f}.html`), 'x');
  }
  await measure(big, '20,000 entries (100 folders of 199 files)');
} finally {
  fs.rmSync(big, { recursive: true, force: true });
}
