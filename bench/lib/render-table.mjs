// The results table, once as a row model and then as plain text (terminal) or Markdown.
// One row per scenario and server; the last two columns compare ours with that server: on
// the scenario's headline figure (req/s, or MB/s for the large files; above 1, ours is
// faster) and on CPU time per request (below 1, ours spends less). A * marks the headline
// figure of a cell where wrk was the ceiling, where CPU per request is the fair comparison.

import { ratio, wrkWasCeiling } from './figures.mjs';

const HEADERS = [
  'scenario',
  'server',
  'req/s',
  'MB/s',
  'p50 ms',
  'p99 ms',
  'CPU s',
  'CPU µs/req',
  'server CPU %',
  'wrk CPU %',
  'other CPU %',
  'RSS idle→peak MiB',
  'held conns',
  'errors',
  'ours ÷ this',
  'CPU/req ours ÷ this',
];

/** The line under the table that explains its marks. */
export const TABLE_LEGEND =
  '* wrk used 90% or more of its core in that cell: the load generator may have set the rate, so compare CPU µs/req there.';

const integer = (value) => Math.round(value).toLocaleString('en-US');
const decimals = (digits) => (value) => value.toFixed(digits);
const format = (value, formatter) => (typeof value === 'number' ? formatter(value) : '–');

function megabytes(value) {
  return value >= 100 ? integer(value) : value.toFixed(1);
}

const timesFormat = (value) => `${value.toFixed(2)}×`;

/** The server's name and, for those Node runs, which release: "ours (Node 24.1.0)". */
function serverLabel(server, runtimes) {
  const runtime = runtimes[server];
  return runtime ? `${server} (${runtime.replace(/^Node v/, 'Node ')})` : server;
}

function rowCells(scenario, server, summaries, runtimes) {
  const summary = summaries[server];
  const label = serverLabel(server, runtimes);
  if (!summary || summary.failedRuns === summary.runs) {
    return [scenario.title, label, ...HEADERS.slice(2, -2).map(() => '–'), 'failed', '–'];
  }
  const headlineRatio = ratio(summaries, scenario.headline, server);
  const cpuRatio = ratio(summaries, 'cpuMicrosPerRequest', server);
  const mark = wrkWasCeiling(summary) ? '*' : '';
  const headlineMark = (figure) => (figure === scenario.headline ? mark : '');
  return [
    scenario.title,
    label,
    format(summary.requestsPerSecond, integer) + headlineMark('requestsPerSecond'),
    format(summary.megabytesPerSecond, megabytes) + headlineMark('megabytesPerSecond'),
    format(summary.p50Ms, decimals(2)),
    format(summary.p99Ms, decimals(2)),
    format(summary.cpuSeconds, decimals(2)),
    format(summary.cpuMicrosPerRequest, (value) => (value >= 1000 ? integer(value) : value.toFixed(1))),
    format(summary.serverCpuPercent, integer),
    format(summary.clientCpuPercent, integer),
    format(summary.otherCpuPercent, integer),
    `${format(summary.idleRssMiB, integer)}→${format(summary.peakRssMiB, integer)}`,
    scenario.idleConnections ? format(summary.heldConnections, integer) : '',
    `${summary.errors}${summary.failedRuns ? ` (+${summary.failedRuns} failed runs)` : ''}`,
    format(headlineRatio, timesFormat),
    format(cpuRatio, timesFormat),
  ];
}

/**
 * The table as rows of cells, grouped by scenario. `runtimes` names the Node release that
 * ran each Node server ({ ours: 'Node v24.1.0', ... }).
 */
export function tableModel(scenarios, servers, summary, runtimes = {}) {
  const groups = scenarios.map((scenario) =>
    servers
      .filter((server) => summary[scenario.id]?.[server])
      .map((server) =>
        rowCells(
          { ...scenario, title: `${scenario.id}. ${scenario.title}` },
          server,
          summary[scenario.id],
          runtimes,
        ),
      ),
  );
  return { headers: HEADERS, groups };
}

/** Names the scenario on the first row of its group only, as a reader scans a table. */
function titleOnce(group) {
  return group.map((cells, index) => (index === 0 ? cells : ['', ...cells.slice(1)]));
}

/** Plain text for the terminal: aligned columns, a rule between scenarios. */
export function renderText({ headers, groups }) {
  const shown = groups.map(titleOnce);
  const rows = shown.flat();
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  const rule = '-'.repeat(line(headers).length);
  const lines = [line(headers)];
  for (const group of shown) lines.push(rule, ...group.map(line));
  lines.push(rule);
  return lines.join('\n');
}

/** A Markdown table (numbers right-aligned). */
export function renderMarkdown({ headers, groups }) {
  const escape = (cell) => cell.replaceAll('|', '\\|');
  const align = headers.map((_, column) => (column < 2 ? ':--' : '--:'));
  const rows = groups.map(titleOnce).flat();
  return [headers, align, ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

/** The targets as plain text lines or Markdown rows. */
export function renderTargets(targets, { markdown }) {
  const verdict = (holds) => (holds === null ? 'n/a' : holds ? 'holds' : 'MISSED');
  if (markdown) {
    const rows = targets.map(
      (target) => `| ${target.text} | ${target.measured} | ${target.limit} | ${verdict(target.holds)} |`,
    );
    return ['| target | measured | limit | verdict |', '| :-- | --: | --: | :-- |', ...rows].join('\n');
  }
  const widest = (field) => Math.max(...targets.map((target) => target[field].length));
  const [text, measured, limit] = [widest('text'), widest('measured'), widest('limit')];
  return targets
    .map(
      (target) =>
        `  ${target.text.padEnd(text)}  ${target.measured.padStart(measured)}  ${target.limit.padEnd(limit)}  ${verdict(target.holds)}`,
    )
    .join('\n');
}
