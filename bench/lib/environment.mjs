// What the results were measured on: the machine and the version of every program, so a
// reader can tell whether two result files are comparable.

import { spawnSync } from 'node:child_process';
import os from 'node:os';

/** Everything a command prints (stdout, then stderr), trimmed. */
function outputOf(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5000, ...options });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

/** The first line of a version command (`nginx -v` and `wrk -v` print on stderr). */
function versionOf(command, args) {
  return outputOf(command, args).split('\n')[0] || 'unknown';
}

/** The commit our server was built from, marked when server/ has uncommitted edits. */
function ourRevision(repoDir) {
  const revision = outputOf('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoDir }) || 'unknown';
  const edits = outputOf('git', ['status', '--porcelain', '--', 'server'], { cwd: repoDir });
  return edits ? `${revision} + uncommitted changes in server/` : revision;
}

/**
 * `shippedNode`: the Node release of the image's major that ran ours; `hostNode`: the
 * host's own Node (ours-host, and the benchmark's helpers).
 */
export function describeEnvironment({ repoDir, nginx, python, shippedNode, hostNode }) {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    shippedNode: shippedNode ?? 'unknown',
    hostNode: hostNode ?? process.version,
    nginx: versionOf(nginx, ['-v']),
    wrk: versionOf('wrk', ['-v']),
    python: versionOf(python, ['--version']),
    ourRevision: ourRevision(repoDir),
  };
}
