/**
 * The grader's reports, as a student reads them: scripts/grade run against a tiny server with
 * known faults (support/faulty-server.ts). What is pinned: every report opens with the stage
 * reached and the next step; a failure block is its verdict line, then its rule, a command to
 * retry it, the bytes, and a caret under the first byte that differs; a retry command sends
 * exactly the bytes of its exchange; no report shows a temporary path or a tool's own words;
 * --stage and --visibility do what they say.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CORRUPTED_OFFSET, type FaultyServer, startFaultyServer } from './support/faulty-server';
import {
  GRADE,
  SITE,
  type Graded,
  freshFolder,
  grade,
  read,
  reportsIn,
  textBlock,
  withLibraries,
} from './support/grade';

jest.setTimeout(240_000);

const LISTING = execFileSync(GRADE, ['--rules'], { encoding: 'utf8' });
/** id -> [stage, rule line] from `scripts/grade --list`. */
const CATALOG = new Map<string, { stage: number; rule: string }>();
{
  let stage = 0;
  let id = '';
  for (const line of LISTING.split('\n')) {
    const heading = /^stage (\d+): /.exec(line);
    if (heading) stage = Number(heading[1]);
    else if (/^[a-z]+\.[a-z0-9-]+ /.test(line)) id = line.split(' ')[0]!;
    else if (line.trim().startsWith('rule: ')) CATALOG.set(id, { stage, rule: line.trim().slice(6) });
  }
}

describe('the catalog: every check has a stage and a rule', () => {
  it('lists 66 checks or more, in the 12 stages, in order', () => {
    expect(CATALOG.size).toBeGreaterThanOrEqual(66);
    const stages = [...LISTING.matchAll(/^stage (\d+): (.+)$/gm)].map((m) => Number(m[1]));
    expect(stages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(LISTING).toMatch(/^stage 1: answering at all$/m);
    expect(LISTING).toMatch(/^stage 12: hostile input$/m);
  });

  it('piped, --list is one row per check under a header that names its columns, as scripts/grade-class reads it', () => {
    const [header, ...rows] = execFileSync(GRADE, ['--list'], { encoding: 'utf8' }).trimEnd().split('\n');
    expect(header!.split(/\s+/)).toEqual(['ID', 'GROUP', 'POINTS', 'STAGE', 'DESCRIPTION']);
    expect(rows.length).toBe(CATALOG.size);
    for (const row of rows) {
      const [id, group, points, stage] = row.split(/\s+/) as [string, string, string, string];
      expect([id, group, /^\d+$/.test(points), Number(stage)]).toEqual([
        id,
        id.split('.')[0],
        true,
        CATALOG.get(id)?.stage,
      ]);
    }
  });

  it.each([...CATALOG.keys()])('%s names an RFC section and quotes it, or gives the lab’s reason', (id) => {
    const { stage, rule } = CATALOG.get(id)!;
    expect(stage).toBeGreaterThanOrEqual(1);
    expect(stage).toBeLessThanOrEqual(12);
    expect(rule).toMatch(/^(RFC \d+ §[\d.]+: “[^”]{20,}”|the lab's own choice: .{20,})/);
  });

  it('a check registered without a stage or a rule is named, so none is forgotten', () => {
    const problems = withLibraries('check basics.new-one 1 "a new check"; catalog_problems').toString();
    expect(problems).toBe(
      'basics.new-one has no stage (add: stage NAME under its check line)\n' +
        'basics.new-one has no rule (add: rfc SOURCE QUOTE, or lab_choice WHY)\n',
    );
  });
});

describe('a response in the text report: its status line, the rest counted at its end', () => {
  // visible_excerpt FILE PREFIX 1 BODY_LINES 120 1, as failure.sh calls it for the text report.
  const cases: [string, string, number, string[]][] = [
    [
      'status and fields, then a body',
      'HTTP/1.0 200 OK\r\nServer: x\r\nContent-Length: 12\r\n\r\nhello world\n',
      0,
      ['< HTTP/1.0 200 OK\\r\\n  … 2 more header fields, then a body of 12 bytes'],
    ],
    [
      'a body line, when the failure is about what the body holds',
      'HTTP/1.0 200 OK\r\nA: b\r\n\r\nroot:x:0:0:root\nsecond line\n',
      1,
      ['< HTTP/1.0 200 OK\\r\\n  … 1 more header field', '< root:x:0:0:root\\n  … 12 more bytes'],
    ],
    [
      'no header field, no body',
      'HTTP/1.1 204 No Content\r\n\r\n',
      0,
      ['< HTTP/1.1 204 No Content\\r\\n  no header field, and no body'],
    ],
    [
      'no status line: its first line',
      '<!DOCTYPE HTML>\n<p>x</p>\n',
      0,
      ['< <!DOCTYPE HTML>\\n  … 9 more bytes'],
    ],
    [
      'a head that never ends',
      'HTTP/1.1 200 OK\r\nA: b\r\nC: d',
      0,
      ['< HTTP/1.1 200 OK\\r\\n  … 2 more header fields (the head has no end)'],
    ],
  ];
  it.each(cases)('%s', (_title, response, bodyLines, lines) => {
    const folder = freshFolder('excerpt-');
    try {
      fs.writeFileSync(path.join(folder, 'response'), response, 'latin1');
      const out = withLibraries(`visible_excerpt "${folder}/response" '< ' 1 ${bodyLines} 120 1`).toString();
      expect(out.trimEnd().split('\n')).toEqual(lines);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a retry command writes exactly the bytes the grader sent', () => {
  // Each request is written to a file, its retry command built, and run with nc and sleep
  // replaced: what the command writes must be the request, byte for byte.
  const cases: [string, string, string][] = [
    ['a plain request', 'polite 0 -', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    [
      'percents, quotes, backslashes, $( )',
      'half-close 0 -',
      "GET /%2e%2e/x%00 HTTP/1.1\r\nX: it's \\ $(id) `id`\r\n\r\n",
    ],
    [
      'NUL, control and non-ASCII bytes',
      'polite 0 -',
      '\x16\x03\x01\x00\xff\xfe\r\n\x00\x80 \x7f\x1b[0m caf\xc3\xa9\r\n\r\n',
    ],
    ['a leading dash', 'polite 0 -', '-n x\\c %d\r\n'],
    ['a 66 000-byte run', 'polite 0 -', `GET /${'a'.repeat(66000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    [
      'a long request broken into lines',
      'polite 0 -',
      `GET /${'b'.repeat(40)} HTTP/1.1\r\n${'X-Long: 0123456789\r\n'.repeat(8)}\r\n`,
    ],
    ['a trickled request', 'trickle 1.000 3:0.1', 'GET /%41 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n'],
    ['a request, a hold, a next request', 'hold 1.000 -', 'GET / HTTP/1.0\r\n\r\n'],
    ['a silent client', 'silent 0 -', ''],
  ];
  it.each(cases)('%s', (_title, client, request) => {
    const folder = freshFolder('retry-');
    try {
      const exchange = path.join(folder, 'exchange-1');
      fs.writeFileSync(`${exchange}.request`, Buffer.from(request, 'latin1'));
      fs.writeFileSync(`${exchange}.client`, `${client}\n`);
      if (client.startsWith('hold')) fs.writeFileSync(`${exchange}.then`, 'GET /2 HTTP/1.0\r\n\r\n');
      const command = withLibraries(
        `TARGET_HOST=127.0.0.1 TARGET_PORT=9; retry_command "${exchange}"`,
      ).toString();
      const written = execFileSync('bash', ['-c', `nc() { cat; }; sleep() { :; }; TIMEFORMAT=; ${command}`], {
        input: Buffer.alloc(0),
      });
      const expected = Buffer.concat([
        Buffer.from(request, 'latin1'),
        client.startsWith('hold') ? Buffer.from('GET /2 HTTP/1.0\r\n\r\n') : Buffer.alloc(0),
      ]);
      expect(written.equals(expected)).toBe(true);
      expect(command).toMatch(
        client.startsWith('silent') ? /^time nc -d 127\.0\.0\.1 9\n$/ : /\| nc (-N )?127\.0\.0\.1 9\n$/,
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the reports on a server with known faults', () => {
  let server: FaultyServer;
  let work: string; // the grader's TMPDIR: its name must never reach a report
  let out: string;
  let run: Graded;
  let reports: Record<string, string>;
  let text: string;
  let port: number;

  let site: string; // the lab's site without its PNG: basics.binary-file cannot be carried out

  beforeAll(async () => {
    site = freshFolder('site-');
    fs.cpSync(SITE, site, { recursive: true });
    for (const png of ['images/diagram.png']) fs.rmSync(path.join(site, png));
    server = await startFaultyServer({ root: site });
    port = server.port;
    work = freshFolder('grade-work-');
    out = freshFolder('grade-reports-');
    const visibility = path.join(out, 'visibility.txt');
    fs.writeFileSync(
      visibility,
      '# the teacher’s choices\n*  visible\nbasics.get-root hidden\nstage:1 after_due_date\n',
    );
    run = await grade(
      [
        '--target',
        `127.0.0.1:${port}`,
        '--site',
        site,
        '--stage',
        '4',
        '--reports',
        path.join(out, 'r'),
        '--visibility',
        visibility,
      ],
      { TMPDIR: work, KEEP_RESULTS: '1' },
    );
    reports = reportsIn(path.join(out, 'r'));
    text = reports['report.txt']!;
  });

  afterAll(async () => {
    await server?.close();
    for (const folder of [work, out, site]) if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('exits 1: some check failed', () => {
    expect(run.stderr).not.toMatch(/cannot run/);
    expect(run.code).toBe(1);
  });

  it('runs stages 1 to 4 only (--stage 4)', () => {
    const ran = [...reports['report.tap']!.matchAll(/^(?:not )?ok \d+ - ([^:]+):/gm)].map((m) => m[1]!);
    const wanted = [...CATALOG].filter(([, entry]) => entry.stage <= 4).map(([id]) => id);
    expect(ran.sort()).toEqual(wanted.sort());
    expect(text).toMatch(/^ {2}stages 5 to 12 not run \(--stage 4\)$/m);
  });

  it('every report opens with the stage reached and the next step', () => {
    const reached = 'Stage reached: 2 of 12 (a status line): every check up to it passes';
    const next = `Your next step: stage 3, the right file: basics.get-root: expected a body of the bytes of index.html`;
    const lines = text.split('\n');
    expect(lines[1]).toBe(reached);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${escape(next)} \\(\\d+ bytes\\); received \\d+ bytes; the first difference is at byte ${CORRUPTED_OFFSET}$`,
      ),
    );
    expect(reports['report.tap']!.split('\n').slice(1, 3)).toEqual([
      `# ${reached}`,
      expect.stringMatching(`^# ${escape(next)}`),
    ]);
    expect(reports['junit.xml']).toContain(`<!-- ${reached}`);
    const html = reports['html/index.html']!;
    expect(html.indexOf('Stage reached: 2 of 12')).toBeLessThan(html.indexOf('<details'));
    expect(html.indexOf('id="failures"')).toBeLessThan(html.indexOf('Every check, stage by stage'));
  });

  it('a failure block: the verdict in one line, then the rule, a retry command, the bytes and the caret', () => {
    const block = textBlock(text, 'basics.get-root');
    expect(block[0]).toMatch(
      /^FAIL basics\.get-root \(stage 3, 0\/2\): expected a body of the bytes of index\.html \((\d+) bytes\); received \1 bytes; the first difference is at byte 7$/,
    );
    expect(block[1]).toMatch(
      /^ {4}rule: {2}RFC 9110 §9\.3\.1: “The GET method requests transfer of a current selected representation/,
    );
    expect(block[2]).toBe(
      `    retry: printf 'GET / HTTP/1.1\\r\\nHost: 127.0.0.1:${port}\\r\\nConnection: close\\r\\n\\r\\n' | nc 127.0.0.1 ${port}`,
    );
    expect(block[3]).toMatch(
      /^ {4}< HTTP\/1\.1 200 OK\\r\\n {2}… 2 more header fields, then a body of \d+ bytes$/,
    );
    const caretAt = block.indexOf('    the body differs from byte 7 on (counting from 0):');
    expect(caretAt).toBeGreaterThan(3);
    const [wanted, received, caret] = block.slice(caretAt + 1, caretAt + 4) as [string, string, string];
    expect(wanted).toMatch(/^ {6}expected {2}<!doctype html>/);
    expect(received).toMatch(/^ {6}received {2}<!docty!e html>/);
    expect(caret).toMatch(/^ +\^$/);
    expect(received[caret.indexOf('^')]).toBe('!');
    expect(wanted[caret.indexOf('^')]).toBe('p');
  });

  it('every failure carries its rule and a command to retry, above its bytes', () => {
    // (A check not carried out has no exchange to retry: see the next test.)
    const ids = [...text.matchAll(/^FAIL (\S+) /gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      const block = textBlock(text, id);
      expect(block[0]).toMatch(/\): expected .+; received .+$/);
      const rule = block.findIndex((line) => line.startsWith('    rule:  '));
      const retry = block.findIndex((line) => line.startsWith('    retry: '));
      const firstByte = block.findIndex((line) => /^ {4}[<>|] /.test(line));
      expect(rule).toBeGreaterThan(0);
      expect(retry).toBeGreaterThan(rule);
      expect(firstByte).toBeGreaterThan(retry);
    }
  });

  it('a connection closed without a response shows how it ended and the likely cause', () => {
    const block = textBlock(text, 'basics.get-by-name').join('\n');
    expect(block).toMatch(/received no response: the server sent nothing/);
    expect(block).toMatch(/^ {4}< \(nothing\)$/m);
    expect(block).toMatch(/^ {4}connection: .*closed by the server/m);
    expect(block).toMatch(
      /^ {4}likely cause: closed without answering: did the server crash on this request/m,
    );
  });

  it('a check that could not be carried out says why, keeps its rule, and the report goes on', () => {
    const block = textBlock(text, 'basics.binary-file');
    expect(block[0]).toBe(
      "ERROR basics.binary-file (stage 3, 0/2): could not be carried out: the site folder has no file of the kind 'png' (see docs/GRADING.md for what a site needs)",
    );
    expect(block[1]).toMatch(/^ {4}rule: {2}RFC 9110 §6\.4: “/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, \d+ failed$/);
  });

  it('no report shows a temporary path, a tool’s own message or a doubled word', () => {
    for (const [name, withSite] of Object.entries(reports)) {
      const report = withSite.split(site).join('SITE'); // the teacher's own folder may be anywhere
      expect([name, report.includes(work)]).toEqual([name, false]);
      expect([
        name,
        report.match(/grade\.[A-Za-z0-9]{6}|\/tmp\/|EOF on|\bcmp\b|\bdd\b|\bnc: |wanted-body/g),
      ]).toEqual([name, null]);
      expect([name, report.match(/\b(got|received|expected)\b:? \1\b/gi)]).toEqual([name, null]);
    }
  });

  it('the retry command of every exchange writes its exact bytes, and pasted it gets the same response', async () => {
    const results = fs.readdirSync(work).map((name) => path.join(work, name))[0]!;
    let compared = 0;
    for (const check of fs.readdirSync(results).filter((name) => /^\d{3}-/.test(name))) {
      for (const file of fs
        .readdirSync(path.join(results, check))
        .filter((name) => name.endsWith('.request'))) {
        const exchange = path.join(results, check, file.replace(/\.request$/, ''));
        if (fs.existsSync(`${exchange}.command`)) continue; // curl: its own command line
        const command = withLibraries(
          `TARGET_HOST=127.0.0.1 TARGET_PORT=${port}; retry_command "${exchange}"`,
        ).toString();
        const written = execFileSync('bash', [
          '-c',
          `nc() { cat; }; sleep() { :; }; TIMEFORMAT=; ${command}`,
        ]);
        const sent = Buffer.concat([
          fs.readFileSync(`${exchange}.request`),
          fs.existsSync(`${exchange}.then`) ? fs.readFileSync(`${exchange}.then`) : Buffer.alloc(0),
        ]);
        expect([check, written.equals(sent)]).toEqual([check, true]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
    const root = fs.readdirSync(results).find((name) => name.endsWith('-basics.get-root'))!;
    const exchange = path.join(results, root, 'exchange-1');
    const retry = withLibraries(
      `TARGET_HOST=127.0.0.1 TARGET_PORT=${port}; retry_command "${exchange}"`,
    ).toString();
    // Asynchronously: the faulty server answers from this very process.
    const response = await new Promise<Buffer>((resolve, reject) =>
      execFile('bash', ['-c', retry], { encoding: 'buffer', timeout: 10_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(response.equals(fs.readFileSync(`${exchange}.response`))).toBe(true);
  });

  it('the teacher’s visibility file: hidden shows pass or fail and points only; after_due_date is passed on', () => {
    const results = JSON.parse(reports['results.json']!) as {
      output: string;
      tests: { name: string; score: number; status: string; output: string; visibility: string }[];
    };
    const test = (id: string) => results.tests.find((t) => t.name.startsWith(`${id}:`))!;
    expect(test('basics.get-root')).toMatchObject({
      status: 'failed',
      score: 0,
      visibility: 'visible',
      output: 'The details of this check are hidden: only whether it passed and its points are shown.',
    });
    expect(test('basics.connection-ends').visibility).toBe('after_due_date');
    expect(test('basics.get-by-name')).toMatchObject({
      visibility: 'visible',
      output: expect.stringMatching(/^✗ expected /),
    });
    expect(results.output).toMatch(/^Stage reached: 2 of 12/);
    expect(results.output).toMatch(
      /Your next step: stage 3, the right file: basics\.get-root: .* \(its details are hidden\)/,
    );
    expect(results.output).not.toMatch(/first difference/);
  });

  it('the HTML report puts the next step and the failures first, with the retry command and the caret', () => {
    const html = reports['html/index.html']!;
    expect(html).toContain('<a href="#check-basics.get-root"><code>basics.get-root</code></a>');
    expect(html).toContain('<h5>Try it yourself</h5><pre>printf &#39;GET / HTTP/1.1\\r\\nHost: 127.0.0.1:');
    expect(html).toMatch(/<pre class="caret">the body differs from byte 7 on/);
    expect(html).toContain('<b>Likely cause:</b> closed without answering');
    expect(html.indexOf('id="check-basics.get-root"')).toBeLessThan(
      html.indexOf('Every check, stage by stage'),
    );
  });
});

describe('a status line that ends in LF alone', () => {
  let server: FaultyServer;
  let out: string;
  let text: string;

  beforeAll(async () => {
    server = await startFaultyServer({ root: SITE, lineEnding: 'lf' });
    out = freshFolder('grade-reports-');
    await grade(['--target', `127.0.0.1:${server.port}`, '--site', 'site', '--stage', '2', '--reports', out]);
    text = read(path.join(out, 'report.txt'));
  });

  afterAll(async () => {
    await server?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('is the next step, and the caret points at the LF where CR LF was due', () => {
    expect(text.split('\n')[1]).toBe(
      'Stage reached: 1 of 12 (answering at all): every check up to it passes',
    );
    expect(text.split('\n')[2]).toMatch(
      /^Your next step: stage 2, a status line: basics\.status-line: expected a status line/,
    );
    const block = textBlock(text, 'basics.status-line');
    const at = block.findIndex((line) => line.includes('the status line goes wrong at byte 15'));
    expect(block[at]).toBe(
      '    the status line goes wrong at byte 15 (counting from 0): expected a CR (\\r) before the LF (\\n) that ends the line',
    );
    const received = block[at + 1]!;
    const caret = block[at + 2]!;
    expect(received).toMatch(/^ {6}received {2}HTTP\/1\.1 200 OK\\nContent-Length/);
    expect(received.slice(caret.indexOf('^'), caret.indexOf('^') + 2)).toBe('\\n');
  });
});

describe('the visibility file is checked before anything is graded', () => {
  it.each([
    [
      'an unknown visibility',
      'basics.get-root sometimes\n',
      /line 1: 'sometimes' is not a visibility \(visible, after_due_date or hidden\)/,
    ],
    [
      'a selector that names nothing',
      '* visible\nbasic.get-root hidden\n',
      /line 2: 'basic\.get-root' names no check, group or stage/,
    ],
    ['a line without a visibility', 'errors\n', /line 1: expected a selector and a visibility/],
    ['a stage that does not exist', 'stage:13 hidden\n', /no stage '13'/],
  ])('%s: exit 2 and the line at fault', async (_title, content, message) => {
    const folder = freshFolder('visibility-');
    try {
      const file = path.join(folder, 'visibility.txt');
      fs.writeFileSync(file, content);
      const result = await grade(['--target', '127.0.0.1:9', '--site', 'site', '--visibility', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
