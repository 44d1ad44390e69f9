// Deciding whether descriptors or memory "grow without bound" from a few minutes of samples.
//
// The first part of a run is warm-up: V8 grows its heap, the JIT compiles, caches and socket
// pools fill. Past it, a server that does not leak sits on a plateau that wobbles with the load,
// and a leak is a slope. So: drop the warm-up, cut the rest in thirds, and compare the median of
// the last third with the median of the first. Medians ignore a few spikes (a burst of aborts,
// a GC about to run); the slack absorbs the wobble of a steady mix. A leak of one descriptor a
// second, or of a few hundred KiB a second, clears the slack within a 3-minute run.

export const WARMUP_FRACTION = 0.2;
/** Descriptors: the attackers alone swing the count by a few dozen. */
export const FD_SLACK = { absolute: 25, relative: 0.2 };
/** Resident memory, MiB: the heap's own breathing between collections. */
export const RSS_SLACK_MIB = { absolute: 32, relative: 0.25 };

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** First-third and last-third medians after warm-up, and whether the rise exceeds the slack. */
export function growth(values, slack) {
  const steady = values.slice(Math.floor(values.length * WARMUP_FRACTION));
  const third = Math.floor(steady.length / 3);
  if (third < 2) return { first: NaN, last: NaN, grew: false, tooShort: true };
  const first = median(steady.slice(0, third));
  const last = median(steady.slice(-third));
  const allowed = Math.max(slack.absolute, slack.relative * first);
  return { first, last, allowed, grew: last - first > allowed, tooShort: false };
}
