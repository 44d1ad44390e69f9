/**
 * The benchmark's verdicts on issue 13's nginx targets (bench/lib/targets.mjs): by the rate
 * where the load generator had room, by CPU per request where wrk was the ceiling. The module
 * is ES, so each row runs it in a child Node.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const TARGETS = path.resolve(__dirname, '../../../bench/lib/targets.mjs');

interface Cell {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
  readonly clientCpuPercent: number;
}

/** Whether "scenario 2 vs nginx" holds for these two cells (null: no figure to judge). */
function holds(ours: Cell, nginx: Cell): boolean | null {
  const script = `
    const { checkTargets } = await import(${JSON.stringify(TARGETS)});
    const target = checkTargets(JSON.parse(process.argv[1])).find((t) => t.text.startsWith('scenario 2 vs nginx'));
    process.stdout.write(JSON.stringify(target.holds));`;
  const summary = { 2: { ours, nginx } };
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(summary)]);
  return JSON.parse(out.toString()) as boolean | null;
}

const cell = (requestsPerSecond: number, cpuMicrosPerRequest: number, clientCpuPercent: number): Cell => ({
  requestsPerSecond,
  cpuMicrosPerRequest,
  clientCpuPercent,
});

describe('issue 13: ours against nginx, by rate, or by CPU a request where wrk was the ceiling', () => {
  it.each([
    ['wrk had room: a higher rate holds', true, cell(11_000, 50, 60), cell(10_000, 40, 60)],
    ['wrk had room: a lower rate misses', false, cell(9_000, 30, 60), cell(10_000, 40, 60)],
    [
      'wrk the ceiling in nginx’s cell: the same rate at more CPU misses',
      false,
      cell(17_368, 51.6, 92),
      cell(17_239, 33.7, 99),
    ],
    [
      'wrk the ceiling in ours: a lower rate at less CPU holds',
      true,
      cell(9_000, 30, 95),
      cell(10_000, 40, 60),
    ],
  ])('%s → holds: %s', (_name, expected, ours, nginx) => {
    expect(holds(ours, nginx)).toBe(expected);
  });
});
