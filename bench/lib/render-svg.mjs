// The ratios as a hand-written SVG bar chart: for each scenario, ours ÷ nginx and
// ours ÷ node-http on the scenario's headline figure. The axis is logarithmic (0.5× and 2×
// are equally far from 1×) and bars grow from 1×: right of it ours is faster, left slower.
// Thin black marks show the issue's targets.

import { ratio } from './figures.mjs';

const SERIES = [
  { other: 'nginx', label: 'ours ÷ nginx', colour: '#2b6cb0' },
  { other: 'node-http', label: 'ours ÷ Node http', colour: '#dd6b20' },
];
/** Target ratios drawn on the chart, by scenario and other server (issues 13 and 4). */
const TARGET_MARKS = {
  1: { nginx: 1, 'node-http': 5 },
  2: { nginx: 1 },
  3: { nginx: 1 },
  4: { nginx: 1 },
};

const TARGET_COLOUR = '#c53030';

const WIDTH = 820;
const LEFT = 270;
const RIGHT = 70;
const TOP = 70;
const BAR = 14;
const GROUP = SERIES.length * (BAR + 3) + 14;

const escapeXml = (text) =>
  String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** A log-2 axis wide enough for every ratio and at least 0.5× to 2×. */
function logAxis(ratios) {
  const low = 2 ** Math.floor(Math.log2(Math.min(0.5, ...ratios)));
  const high = 2 ** Math.ceil(Math.log2(Math.max(2, ...ratios)));
  const span = Math.log2(high) - Math.log2(low);
  const x = (value) => LEFT + ((Math.log2(value) - Math.log2(low)) / span) * (WIDTH - LEFT - RIGHT);
  const ticks = [];
  for (let value = low; value <= high; value *= 2) ticks.push(value);
  return { x, ticks };
}

const tickLabel = (value) => (value >= 1 ? `${value}×` : `1/${1 / value}×`);

function gridAndAxis(axis, axisBottom) {
  return axis.ticks
    .map((value) => {
      const x = axis.x(value).toFixed(1);
      const strong = value === 1;
      return (
        `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${axisBottom}" stroke="${strong ? '#333' : '#ddd'}" stroke-width="${strong ? 1.5 : 1}"/>` +
        `<text x="${x}" y="${axisBottom + 14}" text-anchor="middle" class="tick">${tickLabel(value)}</text>`
      );
    })
    .join('\n');
}

function bar(axis, y, value, colour, label) {
  const from = axis.x(1);
  const to = axis.x(value);
  const left = Math.min(from, to).toFixed(1);
  const width = Math.max(1, Math.abs(to - from)).toFixed(1);
  const textX = value >= 1 ? to + 4 : to - 4;
  const anchor = value >= 1 ? 'start' : 'end';
  return (
    `<rect x="${left}" y="${y}" width="${width}" height="${BAR}" fill="${colour}"><title>${escapeXml(label)}</title></rect>` +
    `<text x="${textX.toFixed(1)}" y="${y + BAR - 3}" text-anchor="${anchor}" class="value">${value.toFixed(2)}×</text>`
  );
}

function targetMark(axis, y, target) {
  const x = (axis.x(target) - 1.5).toFixed(1);
  return `<rect x="${x}" y="${y - 4}" width="3" height="${BAR + 8}" fill="${TARGET_COLOUR}"><title>target ${target}×</title></rect>`;
}

function scenarioGroup(axis, scenario, summaries, top) {
  const parts = [
    `<text x="${LEFT - 10}" y="${top + GROUP / 2 - 4}" text-anchor="end" class="label">${escapeXml(`${scenario.id}. ${scenario.title}`)}</text>`,
  ];
  SERIES.forEach((series, index) => {
    const y = top + index * (BAR + 3);
    const value = ratio(summaries, scenario.headline, series.other);
    if (value === null) {
      parts.push(`<text x="${axis.x(1) + 4}" y="${y + BAR - 3}" class="value">no data</text>`);
      return;
    }
    const figure = scenario.headline === 'megabytesPerSecond' ? 'MB/s' : 'req/s';
    parts.push(bar(axis, y, value, series.colour, `${series.label}, ${figure}: ${value.toFixed(2)}×`));
    const target = TARGET_MARKS[scenario.id]?.[series.other];
    if (target) parts.push(targetMark(axis, y, target));
  });
  return parts.join('\n');
}

function legend() {
  const entries = SERIES.map((series, index) => {
    const x = LEFT + index * 170;
    return `<rect x="${x}" y="38" width="12" height="12" fill="${series.colour}"/><text x="${x + 18}" y="49" class="label">${escapeXml(series.label)}</text>`;
  });
  const x = LEFT + SERIES.length * 170;
  entries.push(
    `<line x1="${x + 6}" y1="36" x2="${x + 6}" y2="52" stroke="${TARGET_COLOUR}" stroke-width="3"/><text x="${x + 14}" y="49" class="label">target</text>`,
  );
  return entries.join('\n');
}

/** Splits a caption into lines of at most `width` characters, at spaces. */
function wrap(text, width) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + word.length + 1 > width) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines;
}

/** The whole chart as an SVG document. */
export function renderSvg(scenarios, summary, caption) {
  const ratios = scenarios
    .flatMap((scenario) =>
      SERIES.map((series) => ratio(summary[scenario.id] ?? {}, scenario.headline, series.other)),
    )
    .filter((value) => value !== null);
  const targets = Object.values(TARGET_MARKS).flatMap((marks) => Object.values(marks));
  const axis = logAxis([...ratios, ...targets]);
  const captionLines = wrap(caption, 125);
  const height = TOP + scenarios.length * GROUP + 46 + 14 * captionLines.length;
  const groups = scenarios.map((scenario, index) =>
    scenarioGroup(axis, scenario, summary[scenario.id] ?? {}, TOP + index * GROUP),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">
<style>
  .title { font-size: 15px; font-weight: bold; }
  .label { font-size: 12px; }
  .value { font-size: 11px; fill: #222; }
  .tick { font-size: 11px; fill: #555; }
  .caption { font-size: 11px; fill: #555; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="22" class="title">Our server ÷ nginx and ÷ Node http, headline figure per scenario (log scale; right of 1× = ours faster)</text>
${legend()}
${gridAndAxis(axis, TOP + scenarios.length * GROUP)}
${groups.join('\n')}
${captionLines.map((line, index) => `<text x="12" y="${height - 8 - 14 * (captionLines.length - 1 - index)}" class="caption">${escapeXml(line)}</text>`).join('\n')}
</svg>
`;
}
