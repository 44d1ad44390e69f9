/**
 * The idle timeout we advertise in `Keep-Alive: timeout=N` (RFC 9112 §9.5): whole seconds, at
 * least KEEP_ALIVE_MARGIN_MS under the real one, or nothing when that leaves less than a second.
 */
import { DEFAULT_LIMITS, KEEP_ALIVE_MARGIN_MS, advertisedIdleTimeout } from '../../../src/http/limits';

describe('advertisedIdleTimeout', () => {
  it.each([
    ['the default idle timeout, 5 s', DEFAULT_LIMITS.idleTimeoutMs, 4],
    ['5.999 s: still 4, the margin is never less than a second', 5_999, 4],
    ['6 s', 6_000, 5],
    ['2 s: the shortest that advertises anything', 2_000, 1],
    ['1.999 s: nothing (timeout=0 would forbid reuse)', 1_999, undefined],
    ['0.5 s, as tests shrink it', 500, undefined],
  ])('%s → %p', (_name, idleTimeoutMs, seconds) => {
    expect(advertisedIdleTimeout(idleTimeoutMs)).toBe(seconds);
  });

  it('leaves at least the margin between what it says and the real timeout', () => {
    for (let ms = 0; ms <= 120_000; ms += 7) {
      const seconds = advertisedIdleTimeout(ms);
      if (seconds !== undefined) expect(ms - seconds * 1000).toBeGreaterThanOrEqual(KEEP_ALIVE_MARGIN_MS);
    }
  });
});
