// The remarks a reader needs beside the table: how the idle connections really fared,
// which runs failed, and where the load generator rather than the server set the pace.

import { WRK_CEILING_PERCENT, wrkWasCeiling } from './figures.mjs';

// The rest of the machine above this share of a CPU means another job disturbed the runs.
const DISTURBED_OTHER_PERCENT = 30;

function idleConnectionNotes(scenario, runs) {
  const byServer = new Map();
  for (const run of runs) {
    if (run.scenario !== scenario.id || !run.ok || !run.idleHolder) continue;
    const list = byServer.get(run.server) ?? [];
    list.push(run.idleHolder);
    byServer.set(run.server, list);
  }
  return [...byServer].map(([server, holders]) => {
    const fewest = Math.min(...holders.map((holder) => holder.minOpen));
    const most = Math.max(...holders.map((holder) => holder.maxOpen));
    const reconnects = holders.reduce((sum, holder) => sum + holder.reconnects, 0);
    const reopened = reconnects
      ? `reopened ${reconnects} times after the server closed them`
      : 'none had to be reopened';
    return (
      `scenario ${scenario.id}, ${server}: ${fewest}–${most} of ${scenario.idleConnections} idle connections ` +
      `open during the measured runs; ${reopened}.`
    );
  });
}

/** One line for all the cells where the rest of the machine was busy. */
function disturbedRunNotes(scenarios, summary) {
  const cells = scenarios
    .flatMap((scenario) =>
      Object.entries(summary[scenario.id] ?? {}).map(([server, figures]) => ({
        where: `${scenario.id}/${server}`,
        other: figures.otherCpuPercent,
      })),
    )
    .filter((cell) => typeof cell.other === 'number');
  const disturbed = cells.filter((cell) => cell.other >= DISTURBED_OTHER_PERCENT);
  if (disturbed.length === 0) return [];
  const worst = disturbed.reduce((a, b) => (b.other > a.other ? b : a));
  return [
    `the rest of the machine used ${DISTURBED_OTHER_PERCENT}% of a CPU or more in ${disturbed.length} of ` +
      `${cells.length} cells (up to ${Math.round(worst.other)}%, in ${worst.where}): something else on the machine ` +
      '(another job, or network work outside the server and wrk) competed there, so those figures are disturbed (see the other CPU % column).',
  ];
}

function failedRunNotes(runs) {
  return runs
    .filter((run) => !run.ok)
    .map((run) => `scenario ${run.scenario}, ${run.server}, run ${run.rep} failed: ${run.error}`);
}

function saturatedClientNotes(scenarios, summary) {
  const notes = [];
  for (const scenario of scenarios) {
    for (const [server, figures] of Object.entries(summary[scenario.id] ?? {})) {
      if (wrkWasCeiling(figures)) {
        notes.push(
          `scenario ${scenario.id}, ${server}: wrk used ${Math.round(figures.clientCpuPercent)}% of its core ` +
            `(≥ ${WRK_CEILING_PERCENT}%, marked *), so the load generator, not the server, may have set this rate: ` +
            'compare CPU µs per request there.',
        );
      }
    }
  }
  return notes;
}

/** Every note, as plain sentences. */
export function collectNotes(scenarios, summary, runs) {
  return [
    ...scenarios
      .filter((scenario) => scenario.idleConnections > 0)
      .flatMap((scenario) => idleConnectionNotes(scenario, runs)),
    ...saturatedClientNotes(scenarios, summary),
    ...disturbedRunNotes(scenarios, summary),
    ...failedRunNotes(runs),
  ];
}
