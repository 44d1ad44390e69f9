/** Running scripts/grade and reading what it wrote, for the tests of its reports. */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const GRADE = path.join(ROOT, 'scripts', 'grade');
export const SITE = path.join(ROOT, 'site');

export interface Graded {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs scripts/grade with ARGS (bounded to 3 minutes); TMPDIR and the rest through env. */
export function grade(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Graded> {
  return new Promise((resolve) => {
    execFile(
      GRADE,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** bash's arguments to run SCRIPT with the grader's libraries loaded (ARGS are its $1...), in scripts/. */
export function bashWithLibraries(script: string, args: string[] = []): string[] {
  const libraries = ['util', 'site', 'render', 'retry', 'wire', 'response', 'expect', 'runner', 'catalog']
    .map((name) => `source lib/${name}.sh`)
    .join('; ');
  return ['-c', `set -Eeuo pipefail; export LC_ALL=C; ${libraries}; ${script}`, 'bash', ...args];
}

/** Runs a bash snippet with the grader's libraries loaded; returns its standard output. */
export function withLibraries(script: string, input?: Buffer): Buffer {
  return execFileSync('bash', bashWithLibraries(script), { cwd: path.join(ROOT, 'scripts'), input });
}

/** A fresh folder under the system's temporary folder, removed by the caller. */
export function freshFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** The five reports --reports DIR writes, by name. */
export function reportsIn(dir: string): Record<string, string> {
  return {
    'report.txt': read(path.join(dir, 'report.txt')),
    'report.tap': read(path.join(dir, 'report.tap')),
    'junit.xml': read(path.join(dir, 'junit.xml')),
    'results.json': read(path.join(dir, 'results.json')),
    'html/index.html': read(path.join(dir, 'html', 'index.html')),
  };
}

/** The lines of the text report's block for one check: its FAIL line and the indented ones after. */
export function textBlock(report: string, id: string): string[] {
  const lines = report.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`FAIL ${id} `) || line.startsWith(`ERROR ${id} `));
  if (start < 0) return [];
  const block = [lines[start]!];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    ')) break;
    block.push(line);
  }
  return block;
}
