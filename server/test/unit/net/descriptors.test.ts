/**
 * The descriptor watch (net/descriptors.ts), with the probe and the clock substituted: a
 * shortage is said once when it begins, however long it lasts and however often it is noticed,
 * and once when a descriptor has been free for SETTLE_MS in a row.
 */
import { DescriptorWatch, SETTLE_MS, isShortage } from '../../../src/net/descriptors';
import type { DescriptorEvent } from '../../../src/log/observer';

/** One watchdog tick: what the probe answers (undefined: a descriptor was had), at which ms. */
type Tick = readonly [at: number, answer: string | undefined];

function watched(ticks: readonly Tick[]): string[] {
  let now = 0;
  let answer: string | undefined;
  const said: DescriptorEvent[] = [];
  const watch = new DescriptorWatch({
    probe: () => answer,
    observer: { descriptors: (event) => said.push(event) },
    now: () => now,
    connections: () => 7,
  });
  for (const [at, code] of ticks) {
    now = at;
    answer = code;
    watch.tick();
  }
  return said.map((e) =>
    e.kind === 'exhausted' ? `exhausted ${e.code} @${e.connections}` : `available ${e.ms}ms`,
  );
}

describe('a shortage of descriptors is said once as it begins and once as it ends', () => {
  const S = SETTLE_MS;
  it.each<[string, Tick[], string[]]>([
    [
      'never short: nothing said',
      [
        [0, undefined],
        [500, undefined],
      ],
      [],
    ],
    [
      'short from the first tick on: said once',
      [
        [0, 'EMFILE'],
        [500, 'EMFILE'],
        [1000, 'EMFILE'],
      ],
      ['exhausted EMFILE @7'],
    ],
    ['the system limit is named as such', [[0, 'ENFILE']], ['exhausted ENFILE @7']],
    [
      'free, but not yet for long enough: still short',
      [
        [0, 'EMFILE'],
        [500, undefined],
        [500 + S - 1, undefined],
      ],
      ['exhausted EMFILE @7'],
    ],
    [
      'free for SETTLE_MS: over, its length counted to the first free tick',
      [
        [0, 'EMFILE'],
        [500, undefined],
        [500 + S, undefined],
      ],
      ['exhausted EMFILE @7', 'available 500ms'],
    ],
    [
      'a failure while settling starts the wait again, and says nothing',
      [
        [0, 'EMFILE'],
        [500, undefined],
        [S, 'EMFILE'],
        [S + 500, undefined],
        [2 * S, undefined],
        [2 * S + 500, undefined],
      ],
      ['exhausted EMFILE @7', 'available 2500ms'],
    ],
    [
      'a second shortage later is said again',
      [
        [0, 'EMFILE'],
        [100, undefined],
        [100 + S, undefined],
        [5000, 'EMFILE'],
      ],
      ['exhausted EMFILE @7', 'available 100ms', 'exhausted EMFILE @7'],
    ],
    [
      'a failure that is not about descriptors says nothing and changes nothing',
      [
        [0, 'ENOENT'],
        [S * 3, 'EACCES'],
      ],
      [],
    ],
    [
      'nor ends a shortage',
      [
        [0, 'EMFILE'],
        [100, 'ENOENT'],
        [100 + S, 'ENOENT'],
      ],
      ['exhausted EMFILE @7'],
    ],
  ])('%s', (_title, ticks, expected) => {
    expect(watched(ticks)).toEqual(expected);
  });

  it('accept reporting a shortage between ticks begins it at once, said once', () => {
    const said: DescriptorEvent[] = [];
    const watch = new DescriptorWatch({
      probe: () => 'EMFILE',
      observer: { descriptors: (event) => said.push(event) },
      now: () => 0,
      connections: () => 3,
    });
    watch.noticed('EMFILE');
    watch.noticed('EMFILE');
    watch.tick();
    expect(said).toEqual([{ kind: 'exhausted', code: 'EMFILE', connections: 3 }]);
    expect(watch.short).toBe(true);
  });

  it.each([
    ['EMFILE is one', 'EMFILE', true],
    ['ENFILE is one', 'ENFILE', true],
    ['ENOENT is not', 'ENOENT', false],
    ['no error is not', undefined, false],
  ])('a shortage of descriptors: %s', (_title, code, expected) => {
    expect(isShortage(code)).toBe(expected);
  });
});
