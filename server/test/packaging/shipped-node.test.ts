/**
 * Which Node the project supports and ships, and the Node flags the server runs with, are
 * written in several places: the Dockerfile (FROM node:MAJOR, its CMD), package.json
 * (engines, `npm start`), the Makefile (`make serve`) and the README. The benchmark reads the
 * Dockerfile, so it measures what ships; these tests keep the other places in agreement with
 * it (issue 13: "engines, the README and the Dockerfile agree").
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const SCRIPT = 'server/dist/main.js';

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The Node major of every `FROM node:MAJOR...` line, in order. */
function dockerNodeMajors(dockerfile: string): number[] {
  return [...dockerfile.matchAll(/^FROM\s+node:(\d+)/gm)].map((match) => Number(match[1]));
}

/** The words between `node` and the server's script in a command line. */
function flagsBeforeScript(words: readonly string[], where: string): string[] {
  const script = words.indexOf(SCRIPT);
  if (words[0] !== 'node' || script < 0) throw new Error(`${where} does not run "node ... ${SCRIPT}"`);
  return words.slice(1, script);
}

/** The Node flags of the Dockerfile's last `CMD [...]` (exec form). */
function dockerCmdFlags(dockerfile: string): string[] {
  const commands = [...dockerfile.matchAll(/^CMD\s*(\[.*\])\s*$/gm)];
  const last = commands.at(-1)?.[1];
  if (last === undefined) throw new Error('the Dockerfile has no CMD [...]');
  return flagsBeforeScript(JSON.parse(last) as string[], "the Dockerfile's CMD");
}

/** The Node flags of `npm start`. */
function npmStartFlags(packageJson: { scripts: Record<string, string> }): string[] {
  const start = packageJson.scripts['start'] ?? '';
  return flagsBeforeScript(start.trim().split(/\s+/), 'npm start');
}

/** The Node flags of `make serve`: the Makefile's SERVER_NODE_FLAGS, used by its recipe. */
function makeServeFlags(makefile: string): string[] {
  const recipe = /^serve:.*\n((?:\t.*\n)+)/m.exec(makefile)?.[1] ?? '';
  if (!recipe.includes(`node $(SERVER_NODE_FLAGS) ${SCRIPT}`)) {
    throw new Error(`make serve does not run "node $(SERVER_NODE_FLAGS) ${SCRIPT}"`);
  }
  const flags = /^SERVER_NODE_FLAGS\s*:=(.*)$/m.exec(makefile)?.[1] ?? '';
  return flags.trim().split(/\s+/).filter(Boolean);
}

/** The lowest major a `>=N` engines range admits. */
function lowestMajor(range: string): number {
  const match = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(range.trim());
  if (!match) throw new Error(`engines.node is not of the form ">=N": ${range}`);
  return Number(match[1]);
}

const dockerfile = read('Dockerfile');
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const imageMajor = dockerNodeMajors(dockerfile).at(-1);

describe('the Node the image ships', () => {
  it('is one major in every stage of the Dockerfile', () => {
    const majors = dockerNodeMajors(dockerfile);
    expect(majors.length).toBeGreaterThan(0);
    expect(new Set(majors)).toEqual(new Set([imageMajor]));
  });

  it("is admitted by package.json's engines", () => {
    expect(imageMajor).toBeGreaterThanOrEqual(lowestMajor(packageJson.engines.node));
  });

  it("is the one the README names for the image and the benchmark's figures", () => {
    const readme = read('README.md');
    const named = [...readme.matchAll(/the image runs Node (\d+)/g)].map((match) => Number(match[1]));
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([imageMajor]));
  });

  it("is beside the oldest supported Node the README names, engines' own", () => {
    const readme = read('README.md');
    const named = [...readme.matchAll(/Node (\d+) or later/g)].map((match) => Number(match[1]));
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([lowestMajor(packageJson.engines.node)]));
  });
});

describe("the server's Node flags", () => {
  const imageFlags = dockerCmdFlags(dockerfile);

  it.each([
    ['npm start', npmStartFlags(packageJson)],
    ['make serve', makeServeFlags(read('Makefile'))],
  ])("are the image's in %s", (_where, flags) => {
    expect(flags).toEqual(imageFlags);
  });
});
