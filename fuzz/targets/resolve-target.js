// Fuzz target: the path resolver. For any request-target: no exception; a refusal is 400 or
// 404; and an accepted path is a list of plain names that, joined under a root, stays under
// that root — no "", ".", "..", separator, backslash or NUL in any segment.
const path = require('node:path');
const { DIST, fail } = require('./shared');

const { resolveTarget } = require(path.join(DIST, 'resolve', 'target'));

const ROOT = '/srv/site';

module.exports.fuzz = function fuzz(data) {
  // The target reaches the resolver as the request line's bytes, one char per byte.
  const verdict = resolveTarget(data.toString('latin1'));
  if (verdict.kind === 'refused') {
    if (verdict.status !== 400 && verdict.status !== 404) fail('undocumented status', verdict);
    return;
  }
  for (const segment of verdict.segments) {
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment))
      fail('unsafe segment', verdict.segments);
  }
  const joined = path.join(ROOT, ...verdict.segments);
  if (joined !== ROOT && !joined.startsWith(`${ROOT}/`))
    fail('outside the root', { joined, segments: verdict.segments });
};
