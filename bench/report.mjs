// Turns the raw runs of bench/run into the results: prints the table and the targets, and
// writes NAME.json (every figure and every raw run), NAME.md and NAME.svg.
//
//   node bench/report.mjs --work WORK_DIR --out bench/results/latest
//
// WORK_DIR holds scenarios.jsonl and runs.jsonl (one JSON object a line). The settings of
// the run come in BENCH_* environment variables (see write_report in bench/run).

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { summariseAll } from './lib/figures.mjs';
import { checkTargets } from './lib/targets.mjs';
import { tableModel, renderText, renderMarkdown, renderTargets, TABLE_LEGEND } from './lib/render-table.mjs';
import { renderSvg } from './lib/render-svg.mjs';
import { describeEnvironment } from './lib/environment.mjs';
import { collectNotes } from './lib/notes.mjs';

const repoDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function readJsonLines(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function settingsFromEnvironment(env) {
  return {
    mode: env.BENCH_MODE ?? 'unknown',
    repeats: Number(env.BENCH_REPEATS),
    durationSeconds: Number(env.BENCH_DURATION_S),
    warmupSeconds: Number(env.BENCH_WARMUP_S),
    pinning: env.BENCH_PINNING ?? 'unknown',
    wallSeconds: Number(env.BENCH_WALL_S),
    nginxSendfile: env.BENCH_NGINX_SENDFILE ?? 'on',
    // How busy the machine was (percent of one CPU) in the second before the first run.
    busyBeforePercent: Number(env.BENCH_BUSY_BEFORE_PERCENT),
    servers: (env.BENCH_SERVERS ?? 'ours nginx node-http python').trim().split(/\s+/),
    // The Node flags ours ran with, and where they came from (the image's CMD, normally).
    ourNodeFlags: env.BENCH_OUR_NODE_FLAGS ?? '',
    ourNodeFlagsFrom: env.BENCH_OUR_NODE_FLAGS_FROM ?? 'unknown',
    memoryMethod: 'server restarted for every run; peak = VmHWM summed over its processes',
  };
}

/** What ran each server: { ours: { runtime: 'Node v24.1.0', command: 'env ... main.js ...' } }. */
function serverDescriptions(workDir) {
  const lines = readJsonLines(path.join(workDir, 'servers.jsonl'));
  return Object.fromEntries(lines.map(({ server, runtime, command }) => [server, { runtime, command }]));
}

/** The Markdown list of what ran each server. */
function serverList(descriptions) {
  return Object.entries(descriptions)
    .map(([server, { runtime, command }]) => `- ${server}${runtime ? ` (${runtime})` : ''}: \`${command}\``)
    .join('\n');
}

function caption(settings, finishedAt) {
  const minutes = (settings.wallSeconds / 60).toFixed(1);
  return (
    `${settings.mode} run, ${finishedAt}: median of ${settings.repeats} × ${settings.durationSeconds} s per cell ` +
    `after ${settings.warmupSeconds} s warm-up; ${settings.pinning}; machine ${settings.busyBeforePercent}% busy ` +
    `before the start; ${minutes} min in all.`
  );
}

function versionsLine(settings, environment) {
  const flags = settings.ourNodeFlags || 'none';
  return (
    `ours on Node ${environment.shippedNode} (the image's major) with the Node flags ${settings.ourNodeFlagsFrom} ` +
    `(${flags}); the host's Node ${environment.hostNode}; ${environment.nginx}; ${environment.wrk}; ${environment.python}`
  );
}

function markdownReport({ settings, environment, descriptions, table, targets, notes, finishedAt }) {
  return `# Benchmark results (${settings.mode} run)

${caption(settings, finishedAt)}

Machine: ${environment.cpu}, ${environment.cpus} CPUs, ${environment.memoryGiB} GiB, ${environment.kernel}.
Versions: ${versionsLine(settings, environment)}; our server at ${environment.ourRevision}.

The servers (WORK: the benchmark's temporary directory):

${serverList(descriptions)}

Each cell is the median of the runs (peak RSS: the highest of them). "ours ÷ this" compares
the scenario's headline figure (req/s; MB/s for scenarios 4 and 5): above 1, ours is faster;
"CPU/req ours ÷ this" compares CPU time per request: below 1, ours spends less. See
bench/README.md for how to read every column.

${renderMarkdown(table)}

${TABLE_LEGEND}

${notes.map((note) => `- ${note}`).join('\n')}

## Our server against the targets of issues 4 and 13

${renderTargets(targets, { markdown: true })}

![ratios](${path.basename(settings.outPrefix)}.svg)
`;
}

function main() {
  const { values: options } = parseArgs({ options: { work: { type: 'string' }, out: { type: 'string' } } });
  if (!options.work || !options.out) throw new Error('usage: report.mjs --work DIR --out PREFIX');

  const settings = { ...settingsFromEnvironment(process.env), outPrefix: options.out };
  const scenarios = readJsonLines(path.join(options.work, 'scenarios.jsonl'));
  const runs = readJsonLines(path.join(options.work, 'runs.jsonl'));
  const summary = summariseAll(scenarios, settings.servers, runs);
  const targets = checkTargets(summary);
  const descriptions = serverDescriptions(options.work);
  const runtimes = Object.fromEntries(
    Object.entries(descriptions).map(([server, { runtime }]) => [server, runtime]),
  );
  const table = tableModel(scenarios, settings.servers, summary, runtimes);
  const notes = collectNotes(scenarios, summary, runs);
  const environment = describeEnvironment({
    repoDir,
    nginx: process.env.BENCH_NGINX ?? 'nginx',
    python: process.env.BENCH_PYTHON ?? 'python3',
    shippedNode: process.env.BENCH_SHIPPED_NODE,
    hostNode: process.env.BENCH_HOST_NODE,
  });
  const finishedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  console.log(`\n${caption(settings, finishedAt)}`);
  console.log(`${versionsLine(settings, environment)}.\n`);
  console.log(renderText(table));
  console.log(TABLE_LEGEND);
  for (const note of notes) console.log(`- ${note}`);
  console.log('\nOur server against the targets of issues 4 and 13 (figures, not assertions):');
  console.log(renderTargets(targets, { markdown: false }));

  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  const json = {
    finishedAt,
    settings,
    environment,
    servers: descriptions,
    scenarios,
    summary,
    targets,
    notes,
    runs,
  };
  fs.writeFileSync(`${options.out}.json`, `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(
    `${options.out}.md`,
    markdownReport({ settings, environment, descriptions, table, targets, notes, finishedAt }),
  );
  fs.writeFileSync(`${options.out}.svg`, renderSvg(scenarios, summary, caption(settings, finishedAt)));
  console.log(`\nwrote ${options.out}.json, .md and .svg`);
}

main();
