/**
 * The README's map of the source ("The source, file by file") stays true: every file of
 * server/src is in it, and every file it names exists.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'server', 'src');

function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

/** The files the map's table names: the first cell of each row, in backticks. */
function mapped(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### The source, file by file');
  if (start === -1) throw new Error('README.md has no "The source, file by file" section');
  const section = readme.slice(
    start,
    readme.indexOf('\n## ', start) === -1 ? undefined : readme.indexOf('\n## ', start),
  );
  return [...section.matchAll(/^\| `([^`]+\.ts)` \|/gm)].map((m) => m[1] ?? '');
}

describe("the README's map of server/src", () => {
  it.each(sourceFiles().map((file) => [file]))('names %s', (file) => {
    expect(mapped()).toContain(file);
  });

  it('names no file that is not there', () => {
    expect(mapped().filter((file) => !fs.existsSync(path.join(SRC, file)))).toEqual([]);
  });

  it('names each file once', () => {
    const files = mapped();
    expect(files.filter((file, i) => files.indexOf(file) !== i)).toEqual([]);
  });
});
