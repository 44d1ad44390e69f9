// The results table, once as a row model and then as plain text (terminal) or Markdown.
// One row per scenario and server; the last column compares ours with that server on the
// scenario's headline figure (req/s, or MB/s for the large files): above 1 means ours is
// faster.

import { ratio } from './figures.mjs';

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
];

const integer = (value) => Math.round(value).toLocaleString('en-US');
const decimals = (digits) => (value) => value.toFixed(digits);
const format = (value, formatter) => (typeof value === 'number' ? formatter(value) : '–');

function megabytes(value) {
  return value >= 100 ? integer(value) : value.toFixed(1);
}

function rowCells(scenario, server, summaries) {
  const summary = summaries[server];
  if (!summary || summary.failedRuns === summary.runs) {
    return [scenario.title, server, ...HEADERS.slice(2, -1).map(() => '–'), 'failed'];
  }
  const headlineRatio = ratio(summaries, scenario.headline, server);
  return [
    scenario.title,
    server,
    format(summary.requestsPerSecond, integer),
    format(summary.megabytesPerSecond, megabytes),
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
    format(headlineRatio, (value) => `${value.toFixed(2)}×`),
  ];
}

/** The table as rows of cells, grouped by scenario. */
export function tableModel(scenarios, servers, summary) {
  const groups = scenarios.map((scenario) =>
    servers
      .filter((server) => summary[scenario.id]?.[server])
      .map((server) =>
        rowCells({ ...scenario, title: `${scenario.id}. ${scenario.title}` }, server, summary[scenario.id]),
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
  const width = Math.max(...targets.map((target) => target.text.length));
  return targets
    .map(
      (target) =>
        `  ${target.text.padEnd(width)}  ${target.measured.padStart(22)}  ${target.limit.padEnd(10)}  ${verdict(target.holds)}`,
    )
    .join('\n');
}
