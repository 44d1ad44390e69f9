/**
 * Escaping (scripts/lib/escape.sh): whatever bytes a server or a request puts into the reports
 * (a backslash, quotes, markup, control bytes, NUL, invalid UTF-8), results.json, junit.xml,
 * report.tap and the HTML page still parse, and say what came: each table row is one nasty
 * text, written in each format and read back by a real parser (JSON.parse, js-yaml, Python's
 * expat for XML) or, for HTML, a strict check. Then the same on whole reports: the grader run
 * against a server whose status lines and header fields carry those bytes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { type FaultyServer, startFaultyServer } from './support/faulty-server';
import { ROOT, SITE, type Graded, freshFolder, grade } from './support/grade';

jest.setTimeout(240_000);

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

/** Each nasty text (as bytes), and what every format must say it was: non-text bytes as \xHH. */
const TABLE: [string, Buffer, string][] = [
  ['a backslash and quotes', bytes(`C:\\dir\\ "double" 'single'`), `C:\\dir\\ "double" 'single'`],
  [
    'markup, entities, a CDATA end',
    bytes('<script>alert(1)</script> & &amp; ]]> <!-- x -->'),
    '<script>alert(1)</script> & &amp; ]]> <!-- x -->',
  ],
  ['a TAP directive and dashes', bytes('# TODO not really -- --- #'), '# TODO not really -- --- #'],
  ['CR, LF and a tab', bytes('one\r\ntwo\tthree'), 'one\r\ntwo\tthree'],
  [
    'control bytes and DEL',
    bytes('a', [1], 'b', [0x1b], '[31mc', [0x7f], 'd', [8]),
    'a\\x01b\\x1B[31mc\\x7Fd\\x08',
  ],
  ['a NUL (no shell string holds one: it is dropped)', bytes('a', [0], 'b'), 'ab'],
  [
    'invalid UTF-8: stray bytes, a broken pair, overlong, a surrogate, past U+10FFFF, cut short',
    bytes(
      [0xff, 0xfe],
      ' ',
      [0xc3, 0x28],
      ' ',
      [0xc0, 0xaf],
      ' ',
      [0xed, 0xa0, 0x80],
      ' ',
      [0xf4, 0x90, 0x80, 0x80],
      ' ',
      [0xe2, 0x82],
    ),
    '\\xFF\\xFE \\xC3( \\xC0\\xAF \\xED\\xA0\\x80 \\xF4\\x90\\x80\\x80 \\xE2\\x82',
  ],
  ['valid UTF-8 stays as it is', Buffer.from('“café” ✓ … 𝄞', 'utf8'), '“café” ✓ … 𝄞'],
  [
    'code points no format takes: U+0085, U+2028, U+2029, U+FEFF',
    Buffer.from('a\u0085b\u2028c\u2029d\ufeffe', 'utf8'),
    'a\\xC2\\x85b\\xE2\\x80\\xA8c\\xE2\\x80\\xA9d\\xEF\\xBB\\xBFe',
  ],
  ['the escaper’s own marks', bytes([1], 'j"', [2], ' x'), '\\x01j"\\x02 x'],
  [
    'lines that would end a YAML document or fake a TAP line',
    bytes('first\n...\n---\nnot ok 2 - fake'),
    'first\n...\n---\nnot ok 2 - fake',
  ],
  ['nothing at all', bytes(''), ''],
];

/** The text in every format, escaped by escape_marked; one output per format, in this order. */
const FORMATS = [
  'json',
  'yaml string',
  'yaml block',
  'tap description',
  'tap comment',
  'xml',
  'html',
] as const;
type Format = (typeof FORMATS)[number];

function escapedForms(text: Buffer): Record<Format, Buffer> {
  const script = `
    source lib/escape.sh
    text=$(cat; printf x) 2>/dev/null; text=\${text%x}
    {
      printf '{"v": %s}\\n\\x1e\\n' "$(json_string "$text")"
      printf 'v: %s\\n\\x1e\\n' "$(yaml_string "$text")"
      printf '  details: |2\\n    %s\\n\\x1e\\n' "$(yaml_block "$text")"
      printf 'ok 1 - %s\\n\\x1e\\n' "$(tap_description "$text")"
      printf '# %s\\n\\x1e\\n' "$(tap_comment "$text")"
      printf '<r a="%s">%s<!-- %s --></r>\\n\\x1e\\n' "$(xml_attribute "$text")" "$(xml_text "$text")" "$(xml_comment "$text")"
      printf '<p>%s</p>\\n' "$(html_text "$text")"
    } | escape_marked`;
  const out = execFileSync('bash', ['-c', `set -Eeuo pipefail; ${script}`], {
    cwd: path.join(ROOT, 'scripts'),
    input: text,
    stdio: ['pipe', 'pipe', 'ignore'], // (bash warns of the NUL it drops)
  });
  const pieces: Buffer[] = [];
  let start = 0;
  for (let at = out.indexOf('\x1e\n'); at >= 0; at = out.indexOf('\x1e\n', start)) {
    pieces.push(out.subarray(start, at));
    start = at + 2;
  }
  pieces.push(out.subarray(start));
  const withoutLastLf = (piece: Buffer): Buffer => piece.subarray(0, piece.at(-1) === 0x0a ? -1 : undefined);
  return Object.fromEntries(FORMATS.map((format, i) => [format, withoutLastLf(pieces[i]!)])) as Record<
    Format,
    Buffer
  >;
}

/** Strict UTF-8, and no byte a text format forbids (C0 controls but tab, LF and CR; DEL). */
function strictText(buffer: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  const forbidden = [...buffer].filter(
    (byte) => (byte < 0x20 && ![0x09, 0x0a, 0x0d].includes(byte)) || byte === 0x7f,
  );
  expect(forbidden).toEqual([]);
  return text;
}

/** XML read by Python's expat (through minidom): the attribute, the text and the comment of <r>. */
function parseXml(document: Buffer): [string, string, string] {
  const python = `
import json, sys
from xml.dom import minidom
root = minidom.parseString(sys.stdin.buffer.read()).documentElement
text = ''.join(n.data for n in root.childNodes if n.nodeType == n.TEXT_NODE)
comment = ''.join(n.data for n in root.childNodes if n.nodeType == n.COMMENT_NODE)
print(json.dumps([root.getAttribute('a'), text, comment]))`;
  return JSON.parse(execFileSync('python3', ['-c', python], { input: document, encoding: 'utf8' }));
}

/** Python's expat, for a whole XML file: throws if it is not well formed. */
function xmlWellFormed(file: string): void {
  execFileSync('python3', [
    '-c',
    'import sys; from xml.dom import minidom; minidom.parse(sys.argv[1])',
    file,
  ]);
}

const unescapeHtml = (text: string): string =>
  text.replace(
    /&(amp|lt|gt|quot|#39|#13);/g,
    (_all, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#13': '\r' })[name]!,
  );

describe.each(TABLE)('%s', (_title, text, shown) => {
  const forms = escapedForms(text);
  const oneLine = shown.replace(/[\r\n\t]/g, ' ');

  it('JSON: JSON.parse reads it back', () => {
    expect(JSON.parse(strictText(forms.json))).toEqual({ v: shown });
  });

  it('YAML double-quoted string: js-yaml reads it back', () => {
    expect(yaml.load(strictText(forms['yaml string']))).toEqual({ v: shown });
  });

  it('YAML literal block, as in a TAP report: js-yaml reads it back, CR shown as \\r', () => {
    const block = shown === '' ? '' : `${shown.replace(/\r/g, '\\r')}\n`;
    const dedented = strictText(forms['yaml block']).replace(/^ {2}/gm, ''); // TAP's own indentation
    expect(yaml.load(dedented)).toEqual({ details: block });
  });

  it('TAP test line: one line, no unescaped #, reads back with \\# and \\\\', () => {
    const line = strictText(forms['tap description']);
    expect(line).toMatch(/^ok 1 - [^\n]*$/);
    expect(line).not.toMatch(/(^|[^\\])(\\\\)*#/);
    expect(line.slice('ok 1 - '.length).replace(/\\([\\#])/g, '$1')).toBe(oneLine);
  });

  it('TAP comment: one line', () => {
    expect(strictText(forms['tap comment'])).toBe(`# ${oneLine}`);
  });

  it('XML: expat reads back the attribute, the text and the comment', () => {
    strictText(forms.xml);
    expect(parseXml(forms.xml)).toEqual([shown, shown, ` ${oneLine.replace(/-+/g, '-')} `]);
  });

  it('HTML: strict UTF-8, no markup of its own, reads back', () => {
    const page = strictText(forms.html);
    const inner = page.slice('<p>'.length, page.lastIndexOf('</p>'));
    expect(page).toMatch(/^<p>[^<]*<\/p>$/);
    expect(unescapeHtml(inner)).toBe(shown);
  });
});

describe('whole reports from a server whose status lines and header fields hold nasty bytes', () => {
  let server: FaultyServer;
  let out: string;
  let run: Graded;

  beforeAll(async () => {
    server = await startFaultyServer({ root: SITE, nasty: true });
    out = freshFolder('grade-nasty-');
    // Stages 1 to 9: every kind of check that quotes a response, and the conditional ones,
    // whose exchange labels name the server's ETag as it came.
    run = await grade([
      '--target',
      `127.0.0.1:${server.port}`,
      '--site',
      SITE,
      '--stage',
      '9',
      '--reports',
      out,
    ]);
  });

  afterAll(async () => {
    await server?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('grades it (exit 1: some checks fail)', () => {
    expect(run.stderr).not.toMatch(/cannot run/);
    expect(run.code).toBe(1);
  });

  it('results.json: JSON.parse reads it, and the ETag a label names is shown byte for byte', () => {
    const results = JSON.parse(strictText(fs.readFileSync(path.join(out, 'results.json'))));
    expect(results.tests.length).toBeGreaterThan(40);
    const weak = results.tests.find((test: { name: string }) =>
      test.name.startsWith('caching.if-none-match-weak:'),
    );
    expect(weak.output).toContain(
      '\\x01\\x02\\x1B[31m\\x7F \\xFF\\xFE \\xC3( \\xED\\xA0\\x80 \\xE2\\x80\\xA8',
    );
  });

  it('junit.xml: expat reads it', () => {
    strictText(fs.readFileSync(path.join(out, 'junit.xml')));
    expect(() => xmlWellFormed(path.join(out, 'junit.xml'))).not.toThrow();
  });

  it('report.tap: every line is TAP, and every YAML block parses', () => {
    const lines = strictText(fs.readFileSync(path.join(out, 'report.tap')))
      .trimEnd()
      .split('\n');
    const tapLine =
      /^(TAP version 13|1\.\.\d+|# .*|(not )?ok \d+ - [^#]*?(\\#[^#]*?)*| {2}---| {2}\.\.\.| {2}[a-z]+: .*| {4}.*)$/;
    expect(lines.filter((line) => !tapLine.test(line))).toEqual([]);
    let blocks = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== '  ---') continue;
      const end = lines.indexOf('  ...', i);
      const block = yaml.load(
        lines
          .slice(i + 1, end)
          .map((line) => line.slice(2))
          .join('\n'),
      ) as Record<string, unknown>;
      expect(typeof block.message).toBe('string');
      expect(typeof block.details).toBe('string');
      blocks++;
    }
    expect(blocks).toBeGreaterThan(5);
  });

  it('the HTML page: strict UTF-8, and the server’s markup shown, never taken as markup', () => {
    const page = strictText(fs.readFileSync(path.join(out, 'html', 'index.html')));
    expect(page).not.toContain('<b>&amp;</b>');
    expect(page).toContain('&lt;b&gt;&amp;amp;&lt;/b&gt;');
  });

  it('report.txt: no control byte reaches a terminal', () => {
    const text = strictText(fs.readFileSync(path.join(out, 'report.txt')));
    expect(text).toContain('\\x1B[31m');
  });
});
