/**
 * Rules of the source that no compiler checks: no module-level mutable state anywhere in
 * server/src (caches and memos live in instances the fast path makes at start-up), measured by
 * the same tool as issue 12's note (tools/code-metrics.mjs).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('server/src', () => {
  it('keeps no mutable state at module level, in any folder', () => {
    const report = execFileSync(
      process.execPath,
      [path.join(ROOT, 'tools', 'code-metrics.mjs'), 'mutable', ROOT],
      {
        encoding: 'utf8',
      },
    );
    const rows = report.split('\n').filter((line) => /^\| \S+\/ \| \d+ \|/.test(line));
    expect(rows.length).toBeGreaterThan(5); // the report was read: one row per folder
    expect(rows.filter((row) => !row.includes(' | 0 | '))).toEqual([]);
  });
});
