// The targets of issue 4 for our server, checked against one run's summaries. They are
// reported (holds / does not hold), never asserted: the benchmark's job is to tell.

import { ratio } from './figures.mjs';

const RSS_LIMIT_MIB = 90;
const RSS_RISE_LIMIT_MIB = 20;

const times = (value) => `${value.toFixed(2)}×`;
const mib = (value) => `${value.toFixed(1)} MiB`;

/** A target whose measure is ours ÷ another server's figure in one scenario. */
function ratioTarget(summary, { scenario, figure, other, atLeast, atMost, text }) {
  const value = summary[scenario] ? ratio(summary[scenario], figure, other) : null;
  const limit = atLeast ?? atMost;
  return {
    text,
    measured: value === null ? 'n/a' : times(value),
    limit: `${atLeast !== undefined ? '≥' : '≤'} ${times(limit)}`,
    holds: value === null ? null : atLeast !== undefined ? value >= atLeast : value <= atMost,
  };
}

/** Our peak RSS over every scenario. */
function peakRssTarget(summary) {
  const peaks = Object.entries(summary)
    .map(([scenario, servers]) => [scenario, servers.ours?.peakRssMiB])
    .filter(([, peak]) => typeof peak === 'number');
  if (peaks.length === 0) {
    return { text: 'peak RSS in every scenario', measured: 'n/a', limit: '', holds: null };
  }
  const [worstScenario, worst] = peaks.reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    text: 'peak RSS in every scenario',
    measured: `${mib(worst)} (scenario ${worstScenario})`,
    limit: `≤ ${RSS_LIMIT_MIB} MiB`,
    holds: worst <= RSS_LIMIT_MIB,
  };
}

/** How much a scenario raised our RSS above the idle, freshly started server. */
function rssRiseTarget(summary, scenario, text) {
  const rise = summary[scenario]?.ours?.rssRiseMiB;
  return {
    text,
    measured: typeof rise === 'number' ? `+${mib(rise)}` : 'n/a',
    limit: `≤ +${RSS_RISE_LIMIT_MIB} MiB`,
    holds: typeof rise === 'number' ? rise <= RSS_RISE_LIMIT_MIB : null,
  };
}

export function checkTargets(summary) {
  const rps = 'requestsPerSecond';
  return [
    ratioTarget(summary, {
      scenario: 1,
      figure: rps,
      other: 'nginx',
      atLeast: 0.9,
      text: 'scenario 1 req/s vs nginx',
    }),
    ratioTarget(summary, {
      scenario: 2,
      figure: rps,
      other: 'nginx',
      atLeast: 0.9,
      text: 'scenario 2 req/s vs nginx',
    }),
    ratioTarget(summary, {
      scenario: 3,
      figure: rps,
      other: 'nginx',
      atLeast: 0.9,
      text: 'scenario 3 req/s vs nginx',
    }),
    ratioTarget(summary, {
      scenario: 4,
      figure: 'megabytesPerSecond',
      other: 'nginx',
      atLeast: 0.8,
      text: 'scenario 4 MB/s vs nginx',
    }),
    ratioTarget(summary, {
      scenario: 1,
      figure: rps,
      other: 'node-http',
      atLeast: 5,
      text: 'scenario 1 req/s vs node-http',
    }),
    ratioTarget(summary, {
      scenario: 1,
      figure: 'cpuMicrosPerRequest',
      other: 'nginx',
      atMost: 1.3,
      text: 'scenario 1 CPU µs/request vs nginx',
    }),
    peakRssTarget(summary),
    rssRiseTarget(summary, 5, 'scenario 5 (200 MiB file) RSS rise over idle'),
    rssRiseTarget(summary, 6, 'scenario 6 (1,000 idle conns) RSS rise over idle'),
  ];
}
