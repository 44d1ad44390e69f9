/**
 * Properties of resolveTarget (issue 5): whatever the target, the names it returns stay under
 * the root. Targets are built from the pieces traversal attacks are made of: "..", ".", their
 * escapes, encoded and raw separators, NUL, overlong UTF-8, encoded unicode look-alikes of "/"
 * and ".", long runs. The parser hands over visible ASCII only (RFC 9112 §3.2), read as latin1;
 * the widest input here is any latin1 text, one char per byte.
 */
import path from 'node:path';
import fc from 'fast-check';
import { directoryLocation, resolveTarget } from '../../src/resolve/target';

const RUNS = { numRuns: 1000 };
const ROOT = path.resolve('/srv/site');

const PIECES = [
  '..',
  '.',
  '%2e',
  '%2E',
  '%2e%2e',
  '.%2e',
  '%2e.',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '\\',
  '%00',
  '%0a',
  '%0d',
  '%7f',
  '%c0%ae',
  '%C0%AF',
  '%e0%80%ae',
  '%c1%9c',
  '%ff',
  '%',
  '%2',
  '%zz',
  '%252e',
  'a',
  'b',
  'etc',
  'passwd',
  '.well-known',
  '.git',
  '~',
  ';',
  '?',
  '#',
  '/',
  '//',
  '%C3%A9',
  '%E2%88%95',
  '%EF%BC%8E',
  '%E2%80%A4',
  '%F0%9F%98%80',
];

const segment = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join(''));
/** "/" and segments of attack pieces. */
const pieced = fc.array(segment, { maxLength: 10 }).map((segments) => `/${segments.join('/')}`);
/** A long run of one climbing step, then a target: /../../…/etc/passwd */
const longRun = fc
  .tuple(
    fc.constantFrom('../', '%2e%2e/', './', '.%2e/', 'a/../', '..\\', '%c0%ae%c0%ae/'),
    fc.integer({ min: 1, max: 300 }),
  )
  .map(([step, n]) => `/${step.repeat(n)}etc/passwd`);
/** Any visible ASCII after the first "/". */
const visibleAscii = fc.stringMatching(/^\/[\x21-\x7e]{0,60}$/);
/** Any latin1 text at all: control bytes and 0x80-0xFF included. */
const latin1Text = fc
  .string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 60 })
  .map((s) => `/${s}`);

const parserTargets = fc.oneof(pieced, longRun, visibleAscii);
const anyTargets = fc.oneof(parserTargets, latin1Text);

/** The names are safe to join under a root: no climbing, no separators, nothing hidden but a leading .well-known. */
function assertInsideRoot(segments: readonly string[]): void {
  segments.forEach((s, i) => {
    expect(['', '.', '..']).not.toContain(s);
    expect(s).not.toMatch(/[/\\]/);
    if (s.startsWith('.')) expect([i, s]).toEqual([0, '.well-known']);
  });
  const resolved = path.resolve(ROOT, ...segments);
  expect(resolved === ROOT || resolved.startsWith(ROOT + path.sep)).toBe(true);
}

describe('resolveTarget', () => {
  it('never yields a path outside the root, for any latin1 input', () => {
    fc.assert(
      fc.property(anyTargets, (target) => {
        const verdict = resolveTarget(target);
        if (verdict.kind === 'path') assertInsideRoot(verdict.segments);
        else expect([400, 404]).toContain(verdict.status);
      }),
      RUNS,
    );
  });

  it('lets no control byte through from what the parser delivers', () => {
    fc.assert(
      fc.property(parserTargets, (target) => {
        const verdict = resolveTarget(target);
        const isControl = (c: string) => c < ' ' || c === '\x7f';
        if (verdict.kind === 'path') expect([...verdict.segments.join('')].filter(isControl)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('a directory Location never starts with "//" and leads back to the same directory', () => {
    fc.assert(
      fc.property(parserTargets, (target) => {
        const verdict = resolveTarget(target);
        if (verdict.kind !== 'path') return;
        const location = directoryLocation(verdict.segments, verdict.query);
        expect(location.startsWith('//')).toBe(false);
        expect(resolveTarget(location)).toEqual({
          kind: 'path',
          segments: verdict.segments,
          path: verdict.path,
          directory: true,
          query: verdict.query,
        });
      }),
      RUNS,
    );
  });

  it('decodes exactly once: an escaped "%" stays a literal "%" in the name', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,20}$/), (name) => {
        const escaped = encodeURIComponent(`%${name}`); // "%25" + name
        expect(resolveTarget(`/${escaped}`)).toMatchObject({ kind: 'path', segments: [`%${name}`] });
      }),
      RUNS,
    );
  });
});
