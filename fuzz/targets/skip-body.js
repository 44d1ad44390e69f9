// Fuzz target: the body skipper, over Content-Length and chunked bodies. For any bytes: no
// exception; it consumes no more than it was given; errors are 400, 413 (body or chunk extensions too large) or
// 431 (too many trailer fields); and feeding the bytes in two pieces gives the same outcome as
// feeding them whole.
const path = require('node:path');
const { DIST, SMALL_LIMITS, fail, cutOf } = require('./shared');

const { skipBody, startBody } = require(path.join(DIST, 'parse', 'request-body'));

const BODY_STATUSES = new Set([400, 413, 431]);

/** The first byte picks the framing: chunked, or a Content-Length of up to 2 × 255. */
function framingOf(first) {
  return first % 2 === 0 ? { kind: 'chunked' } : { kind: 'length', length: first * 2 };
}

/** As the connection feeds it: what a step consumed is dropped, a partial line is seen again. */
function skipInTwo(start, bytes, cut) {
  let state = start;
  let consumed = 0;
  for (const end of [cut, bytes.length]) {
    if (end < consumed) continue;
    const step = skipBody(state, bytes.subarray(consumed, end), SMALL_LIMITS);
    if (step.kind === 'error') return step;
    state = step.state;
    consumed += step.consumed;
    if (state.kind === 'done') break;
  }
  return { kind: 'progress', state, consumed };
}

module.exports.fuzz = function fuzz(data) {
  if (data.length === 0) return;
  const start = startBody(framingOf(data[0]));
  const body = data.subarray(1);
  const whole = skipBody(start, body, SMALL_LIMITS);
  if (whole.kind === 'error' && !BODY_STATUSES.has(whole.status)) fail('undocumented status', whole);
  if (whole.kind === 'progress' && !(whole.consumed >= 0 && whole.consumed <= body.length))
    fail('consumed outside the input', whole);

  const split = skipInTwo(start, body, cutOf(body));
  if (JSON.stringify(split) !== JSON.stringify(whole)) fail('a split changed the outcome', { whole, split });
};
