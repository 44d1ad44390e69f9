/**
 * resolveTarget: path safety in one function. The traversal table below is the heart of it:
 * each row is an input a client can send and the verdict, written as the path that will be
 * looked up under the root ("/a/b", a trailing "/" when a directory was asked for) or the
 * status of the refusal.
 */
import { type TargetVerdict, directoryLocation, resolveTarget } from '../../../src/resolve/target';

/** "/a/b" for segments ['a', 'b'], "/a/" when a directory was asked for, or the refusal's status. */
function lookup(verdict: TargetVerdict): string | number {
  if (verdict.kind === 'refused') return verdict.status;
  const path = `/${verdict.segments.join('/')}`;
  return verdict.directory && verdict.segments.length > 0 ? `${path}/` : path;
}

const resolve = (target: string): string | number => lookup(resolveTarget(target));

describe('the traversal table', () => {
  it.each([
    // Plain paths.
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a//b', '/a/b'], // empty segments are skipped
    ['/a+b', '/a+b'], // "+" is only a space in form data, not in a path
    // Dot-segments are resolved, never above the root (RFC 3986 §5.2.4).
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/a/b/../../c', '/c'],
    ['/..', 400],
    ['/../etc/passwd', 400],
    // The parser passes only visible ASCII; the resolver checks again, so it is safe on its own.
    ['/x\u012f%2e%2e\u012f%2e%2e\u012fetc\u012fpasswd', 400], // a char above 0xFF would be cut to one byte by a naive decoder
    ['/a\x00b', 400],
    ['/a\x7fb', 400],
    ['/a/../../x', 400],
    // Escapes are decoded exactly once, then dot-segments resolved (RFC 3986 §2.1, §6.2.2.2).
    ['/%2e%2e/x', 400],
    ['/a/%2e%2e/b', '/b'],
    ['/a/%2E/b', '/a/b'],
    ['/%41', '/A'],
    ['/%252e%252e', '/%2e%2e'], // double encoding stays literal after one decoding
    ['/%252e%252e/x', '/%2e%2e/x'],
    // An encoded "/" or "\" would smuggle a separator past the split: refused.
    ['/%2E%2E%2Fx', 400],
    ['/a%2fb', 400],
    ['/a%2Fb', 400],
    ['/a%5cb', 400],
    ['/a\\b', 400], // a raw backslash
    // Control bytes, NUL above all.
    ['/%00', 400],
    ['/a%00.txt', 400],
    ['/a%0a', 400],
    ['/a%7f', 400],
    // Bad escapes (RFC 3986 §2.1: "%" HEXDIG HEXDIG).
    ['/%zz', 400],
    ['/%4', 400],
    ['/a%', 400],
    ['/%%41', 400],
    // The decoded bytes must be UTF-8 (RFC 3629 §3).
    ['/%C0%AE%C0%AE/', 400], // overlong "..": the classic IIS traversal
    ['/%E9', 400], // latin1 é, not UTF-8
    ['/%ED%A0%80', 400], // an encoded UTF-16 surrogate
    ['/caf%C3%A9.txt', '/café.txt'],
    ['/hello%20world.txt', '/hello world.txt'],
    // Dotfiles and dot-directories are hidden, except /.well-known/ at the top (RFC 8615).
    ['/.env', 404],
    ['/%2eenv', 404],
    ['/...', 404],
    ['/a/.git/config', 404],
    ['/a/../.env', 404],
    ['/.well-known/x', '/.well-known/x'],
    ['/.well-known/.x', 404],
    ['/a/.well-known/x', 404],
    // A trailing "/", "/." or "/.." asks for a directory.
    ['/dir', '/dir'],
    ['/dir/', '/dir/'],
    ['/dir/.', '/dir/'],
    ['/dir/./', '/dir/'],
    ['/dir/..', '/'],
    ['/dir/sub/..', '/dir/'],
    // Query and fragment are cut before anything else.
    ['/nums.txt?x=/../../etc', '/nums.txt'],
    ['/nums.txt#/../..', '/nums.txt'],
    ['/dir/?a=1', '/dir/'],
    // Not a path at all.
    ['nums.txt', 400],
    ['', 400],
    ['*', 400],
    ['?/a', 400],
  ])('%s → %s', (target, expected) => {
    expect(resolve(target)).toBe(expected);
  });
});

describe('the query, kept for redirects', () => {
  it.each([
    ['/a?x=1&y', 'x=1&y'],
    ['/a?', ''],
    ['/a', ''],
    ['/a?x#frag', 'x'],
    ['/a#frag?x', ''],
    ['/a?x=%2F', 'x=%2F'], // the query is not decoded
  ])('%s → "%s"', (target, query) => {
    expect(resolveTarget(target)).toMatchObject({ kind: 'path', query });
  });
});

describe('directoryLocation: the Location of a 301 to a directory', () => {
  it.each([
    [[], '', '/'],
    [['dir'], '', '/dir/'],
    [['dir'], 'a=1&b', '/dir/?a=1&b'],
    [['a', 'b'], '', '/a/b/'],
    [['hello world'], '', '/hello%20world/'],
    [['café'], '', '/caf%C3%A9/'],
    [['?#'], '', '/%3F%23/'], // re-encoded, so a name cannot start a query or fragment
    [['', 'evil.com'], '', '/evil.com/'], // empty segments never make a "//" (another host)
    [['', ''], '', '/'],
  ])('%j with query "%s" → %s', (segments, query, location) => {
    expect(directoryLocation(segments, query)).toBe(location);
  });

  // A Location starting with "//" is another host (RFC 3986 §4.2): an open redirect.
  it.each(['//evil.com', '///evil.com', '/.//evil.com', '/a/..//evil.com', '//evil.com?x=1'])(
    '%s resolves to the local directory /evil.com/, never to //evil.com',
    (target) => {
      const verdict = resolveTarget(target);
      if (verdict.kind !== 'path') throw new Error(`refused: ${verdict.reason}`);
      const location = directoryLocation(verdict.segments, verdict.query);
      expect(location.startsWith('/evil.com/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
    },
  );
});
