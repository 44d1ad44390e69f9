/** The fast path's chunk pool: reused chunks, and a bound on memory however many stream. */
import { ChunkPool, SMALL_CHUNK_BYTES } from '../../../src/fast/chunk-pool';

describe('ChunkPool', () => {
  it('hands back a returned chunk instead of making a new one', () => {
    const pool = new ChunkPool(1024, 2);
    const first = pool.take();
    pool.give(first);
    expect(pool.take()).toBe(first);
  });

  it('past its limit, gives small chunks of their own, which it does not keep', () => {
    const pool = new ChunkPool(1024, 2);
    const taken = [pool.take(), pool.take(), pool.take()];
    expect(taken.map((c) => c.length)).toEqual([1024, 1024, SMALL_CHUNK_BYTES]);
    taken.forEach((c) => pool.give(c));
    expect([pool.take(), pool.take(), pool.take()].map((c) => c.length)).toEqual([
      1024,
      1024,
      SMALL_CHUNK_BYTES,
    ]);
  });
});
