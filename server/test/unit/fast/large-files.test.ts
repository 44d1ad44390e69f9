/**
 * LargeFileAdmission's count of the bytes that left the cache but may still be sent, with the
 * real WeakRef and the real garbage collector: what counts is the memory, whichever view of it
 * a reply holds.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { LargeFileAdmission } from '../../../src/fast/large-files';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const SIZE = 1024 * 1024;
const LIMITS = { maxFileBytes: SIZE, budgetBytes: SIZE };

/** Retires a file's bytes, keeps what `held` returns of them (as a reply would), collects, and counts. */
async function stillSentAfterCollection(held: (bytes: Buffer) => Buffer | undefined): Promise<number> {
  const admission = new LargeFileAdmission(LIMITS);
  let bytes: Buffer | undefined = Buffer.alloc(SIZE, 1);
  const reply = held(bytes);
  admission.retire(bytes);
  bytes = undefined;
  await new Promise((resolve) => setImmediate(resolve)); // a WeakRef holds its target until the job ends
  collectGarbage();
  const counted = admission.stillSent();
  expect(reply === undefined || reply.length > 0).toBe(true); // kept alive to here
  return counted;
}

describe('bytes that left the cache count while something may still send them', () => {
  it.each<[string, number, (bytes: Buffer) => Buffer | undefined]>([
    ['a reply holds the very Buffer', SIZE, (bytes) => bytes],
    ['a reply holds another view of the same memory (a slice)', SIZE, (bytes) => bytes.subarray(10, 20)],
    ['nothing holds them: freed, no longer counted', 0, () => undefined],
  ])('%s → %i bytes counted', async (_name, counted, held) => {
    expect(await stillSentAfterCollection(held)).toBe(counted);
  });
});
