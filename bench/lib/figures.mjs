// From raw runs (one JSON line per measured wrk run, written by bench/lib/measure.bash) to
// the figures of the table: per-run figures first, then one summary per scenario and
// server (medians of the runs; peaks for memory).

/** wrk above this share of its core is itself (near) the bottleneck: the rate is its ceiling. */
export const WRK_CEILING_PERCENT = 90;

/** True when wrk was (near) the ceiling in a cell: compare CPU per request there. */
export const wrkWasCeiling = (summary) =>
  typeof summary?.clientCpuPercent === 'number' && summary.clientCpuPercent >= WRK_CEILING_PERCENT;

/** The figures of one successful run, in the units the table prints. */
export function runFigures(run) {
  const seconds = run.wrk.durationUs / 1e6;
  const cpuSeconds = run.serverCpuTicks / run.clockTicksPerSecond;
  const errors = Object.values(run.wrk.errors).reduce((sum, count) => sum + count, 0);
  return {
    requestsPerSecond: run.wrk.requests / seconds,
    // MB = 10^6 bytes, of everything wrk read (headers included).
    megabytesPerSecond: run.wrk.bytes / 1e6 / seconds,
    p50Ms: run.wrk.latencyUs.p50 / 1000,
    p99Ms: run.wrk.latencyUs.p99 / 1000,
    cpuSeconds,
    cpuMicrosPerRequest: run.wrk.requests > 0 ? (cpuSeconds * 1e6) / run.wrk.requests : null,
    serverCpuPercent: (100 * cpuSeconds) / seconds,
    clientCpuPercent: (100 * run.clientCpuMs) / 1000 / seconds,
    otherCpuPercent: otherCpuPercent(run, cpuSeconds, seconds),
    idleRssMiB: run.idleRssKiB / 1024,
    peakRssMiB: run.peakRssKiB / 1024,
    // Scenario 6: RSS once the idle connections are open, before any load (older result
    // files lack it).
    heldRssMiB: typeof run.heldRssKiB === 'number' && run.heldRssKiB > 0 ? run.heldRssKiB / 1024 : null,
    errors,
    heldConnections: run.idleHolder ? run.idleHolder.minOpen : null,
  };
}

/**
 * CPU time the rest of the machine used during the run, as a percentage of one CPU: the
 * machine's busy time minus the server's and wrk's. It holds the idle-connection holder
 * (scenario 6), network work done outside the server's and wrk's context, and any other
 * job, so a run with a high figure here was disturbed. Time is counted in clock ticks,
 * so a quiet run can come out a little below zero: it is shown as 0.
 * (Result files from before this column lack the machine's time.)
 */
function otherCpuPercent(run, cpuSeconds, seconds) {
  if (typeof run.machineBusyTicks !== 'number') return null;
  const machineSeconds = run.machineBusyTicks / run.clockTicksPerSecond;
  return Math.max(0, (100 * (machineSeconds - cpuSeconds - run.clientCpuMs / 1000)) / seconds);
}

export function median(values) {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const pick = (figures, name) => figures.map((figure) => figure[name]);
const maxOf = (values) => (values.length ? Math.max(...values) : null);
const minOf = (values) => {
  const present = values.filter((value) => value !== null);
  return present.length ? Math.min(...present) : null;
};

/** How each figure of several runs becomes the one figure of the table. */
const AGGREGATE = {
  requestsPerSecond: median,
  megabytesPerSecond: median,
  p50Ms: median,
  p99Ms: median,
  cpuSeconds: median,
  cpuMicrosPerRequest: median,
  serverCpuPercent: median,
  clientCpuPercent: median,
  otherCpuPercent: median,
  idleRssMiB: median,
  // Memory: the worst run counts, since a peak is what would break a small machine.
  peakRssMiB: maxOf,
  heldRssMiB: (values) => maxOf(values.filter((value) => value !== null)),
  errors: (values) => values.reduce((sum, count) => sum + count, 0),
  // Held connections: the fewest that were open at any moment of any measured run.
  heldConnections: minOf,
};

/** Summarises the runs of one scenario and server; null figures when none succeeded. */
export function summarise(runs) {
  const succeeded = runs.filter((run) => run.ok);
  const figures = succeeded.map(runFigures);
  const summary = { runs: runs.length, failedRuns: runs.length - succeeded.length };
  for (const [name, aggregate] of Object.entries(AGGREGATE)) {
    summary[name] = figures.length ? aggregate(pick(figures, name)) : null;
  }
  // How far the scenario raised memory above the freshly started server (worst run).
  summary.rssRiseMiB = figures.length
    ? maxOf(figures.map((figure) => figure.peakRssMiB - figure.idleRssMiB))
    : null;
  // What the idle connections alone added, before the load (worst run; scenario 6).
  const heldRises = figures
    .filter((figure) => figure.heldRssMiB !== null)
    .map((figure) => figure.heldRssMiB - figure.idleRssMiB);
  summary.heldRssRiseMiB = heldRises.length ? maxOf(heldRises) : null;
  summary.errorsSeen = runs.filter((run) => !run.ok).map((run) => run.error);
  return summary;
}

/** Summaries for every scenario × server: result[scenarioId][server]. */
export function summariseAll(scenarios, servers, runs) {
  const result = {};
  for (const scenario of scenarios) {
    result[scenario.id] = {};
    for (const server of servers) {
      const own = runs.filter((run) => run.scenario === scenario.id && run.server === server);
      if (own.length) result[scenario.id][server] = summarise(own);
    }
  }
  return result;
}

/** ours ÷ other for one figure, or null when either side is missing. */
export function ratio(summaries, figure, other) {
  const ours = summaries.ours?.[figure];
  const theirs = summaries[other]?.[figure];
  return typeof ours === 'number' && typeof theirs === 'number' && theirs > 0 ? ours / theirs : null;
}
