/** Polling's walk of the tree (tree-scan.ts), on a real temporary folder: what it reports, and how much work a step may do. */
import fs from 'node:fs';
import { TreeScan, isIgnoredName } from '../../../../src/features/live-reload/tree-scan';
import { type FileSystem, nodeFileSystem } from '../../../../src/resolve/file-system';
import { type TempSite, makeTempSite } from '../../support/temp-site';

let site: TempSite;
beforeEach(() => {
  site = makeTempSite([
    ['index.html', '<p>hi</p>'],
    ['nums.txt', '0123456789'],
    ['docs/a.html', 'a'],
  ]);
});
afterEach(() => site.remove());

/** Steps until a pass ends; every path reported on the way. */
async function pass(scan: TreeScan, budget = 1000): Promise<string[]> {
  const changed: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const step = await scan.step(budget);
    changed.push(...step.changed);
    if (step.passEnded) return changed.sort();
  }
  throw new Error('no pass ended');
}

/** Changes the file's mtime for sure, whatever the clock's resolution. */
function touch(relative: string, content: string): void {
  fs.writeFileSync(site.at(relative), content);
  const later = new Date(Date.now() + 5_000);
  fs.utimesSync(site.at(relative), later, later);
}

describe('what a pass reports', () => {
  it.each<[string, () => void, string[]]>([
    ['nothing, when nothing changed', () => undefined, []],
    ['a file written', () => touch('nums.txt', '9876543210x'), ['nums.txt']],
    ['a file in a folder', () => touch('docs/a.html', 'aa'), ['docs/a.html']],
    ['a file added', () => touch('docs/b.html', 'b'), ['docs/b.html']],
    ['a file deleted', () => fs.rmSync(site.at('nums.txt')), ['nums.txt']],
    [
      'a folder deleted, and what was in it',
      () => fs.rmSync(site.at('docs'), { recursive: true }),
      ['docs', 'docs/a.html'],
    ],
    [
      "not a hidden file, nor an editor's temporary one",
      () => {
        touch('.index.html.swp', 'x');
        touch('index.html~', 'x');
        touch('4913', 'x');
      },
      [],
    ],
  ])('%s', async (_name, change, expected) => {
    const scan = new TreeScan(site.root, nodeFileSystem, 100);
    expect(await pass(scan)).toEqual([]); // the first pass learns the tree
    change();
    expect(await pass(scan)).toEqual(expected);
  });

  it('a path refreshed (a file-change event told it) is not reported again', async () => {
    const scan = new TreeScan(site.root, nodeFileSystem, 100);
    await pass(scan);
    touch('nums.txt', 'changed');
    touch('docs/new.html', 'new');
    await scan.refresh('nums.txt');
    await scan.refresh('docs/new.html');
    expect(await pass(scan)).toEqual([]);
  });

  it('follows no symlinked folder out of the root', async () => {
    fs.symlinkSync(site.outside, site.at('out'));
    const scan = new TreeScan(site.root, nodeFileSystem, 100);
    await pass(scan);
    fs.writeFileSync(`${site.outside}/secret.txt`, 'changed outside');
    expect(await pass(scan)).toEqual([]);
  });
});

describe('bounded', () => {
  it('does at most `budget` operations a step, however large the tree', async () => {
    for (let i = 0; i < 50; i++) fs.writeFileSync(site.at(`docs/f${i}.txt`), String(i));
    let calls = 0;
    const counting: FileSystem = {
      ...nodeFileSystem,
      stat: (p) => (calls++, nodeFileSystem.stat(p)),
      realpath: (p) => (calls++, nodeFileSystem.realpath(p)),
      list: (p) => (calls++, nodeFileSystem.list(p)),
    };
    const scan = new TreeScan(site.root, counting, 1000);
    const steps: number[] = [];
    for (let ended = false; !ended;) {
      calls = 0;
      ended = (await scan.step(10)).passEnded;
      steps.push(calls);
    }
    expect(steps.length).toBeGreaterThan(5); // 55 entries, 10 operations a step
    expect(Math.max(...steps)).toBeLessThanOrEqual(10 + 2); // a folder's listing may finish the step
  });

  it('tracks at most maxEntries entries, and says so', async () => {
    const scan = new TreeScan(site.root, nodeFileSystem, 3);
    await pass(scan);
    expect(scan.full).toBe(true);
    const small = new TreeScan(site.root, nodeFileSystem, 100);
    await pass(small);
    expect(small.full).toBe(false);
  });
});

it.each([
  ['.git', true],
  ['#index.html#', true],
  ['index.html~', true],
  ['4913', true],
  ['index.html___jb_tmp___', true],
  ['index.html', false],
  ['about-4913.html', false],
])('the name %s is ignored: %s', (name, expected) => {
  expect(isIgnoredName(name)).toBe(expected);
});
