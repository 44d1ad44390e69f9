// Fuzz target: the request-head parser. For any bytes: no exception; the result is
// "incomplete", a request, or an error with a status the parser documents; and feeding the
// bytes in two pieces (with the returned resume) gives the same result as feeding them whole.
const path = require('node:path');
const { DIST, SMALL_LIMITS, fail, cutOf } = require('./shared');

const { START, parseRequestHead } = require(path.join(DIST, 'parse', 'request-head'));

const PARSER_STATUSES = new Set([400, 413, 414, 417, 431, 501, 505]);

/** The result without the resume bookkeeping, which only says where scanning stopped. */
const outcome = (result) => JSON.stringify(result.kind === 'incomplete' ? { kind: 'incomplete' } : result);

module.exports.fuzz = function fuzz(data) {
  const whole = parseRequestHead(data, START, SMALL_LIMITS);
  if (whole.kind === 'error' && !PARSER_STATUSES.has(whole.status)) fail('undocumented status', whole);
  if (whole.kind === 'request' && !(whole.headBytes > 0 && whole.headBytes <= data.length))
    fail('head length outside the input', whole.headBytes);

  const cut = cutOf(data);
  let result = parseRequestHead(data.subarray(0, cut), START, SMALL_LIMITS);
  if (result.kind === 'incomplete') result = parseRequestHead(data, result.resume, SMALL_LIMITS);
  if (outcome(result) !== outcome(whole))
    fail(`a split at ${cut} changed the result`, { whole: outcome(whole), split: outcome(result) });
};
