#!/usr/bin/env node
// Three measures of how readable the server's code is, for any checkout of it (issue 12's note
// compares the tree before and after the redesign):
//
//   node tools/code-metrics.mjs functions [DIR]   the 10 longest functions of DIR/server/src, in lines
//   node tools/code-metrics.mjs mutable [DIR]     module-level mutable variables, per folder
//   node tools/code-metrics.mjs touched [DIR] [--no-cache]
//                                                 the source files each of four requests runs code in
//
// DIR is the checkout (default: this one); `touched` needs its build (server/dist) and reads its
// source maps' names only through the file paths (dist/x/y.js ↔ src/x/y.ts).
//
// "Lines" are a function's first to last line as the formatter laid them out (prettier, 110
// columns, in both trees). "Mutable" is what can change after the module has loaded: a `let` or
// `var` at top level, or a top-level `const` holding a `new` object (a Map, a Set, a WeakMap, an
// instance of our own classes); a `new TextDecoder` or `new RegExp` without the g or y flag holds
// no state and is not counted. "Touched" is measured with V8's precise coverage (call counts):
// counters are reset, one request is sent on an open keep-alive connection, its response read,
// 50 ms allowed for what follows it, and every file with a function that ran is listed; each
// request is sent three times (on three connections, three fresh files where it matters) and only
// files touched all three times count, so a watchdog tick that happens to fall inside a window
// does not.
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import ts from 'typescript';

const [mode, dirArg = '.', ...flags] = process.argv.slice(2);
const DIR = path.resolve(dirArg);
const SRC = path.join(DIR, 'server', 'src');

function sourceFiles(dir = SRC) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function parsed(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** A function's name as a reader would look for it. */
function nameOf(node) {
  if (node.name) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  )
    return parent.name.getText();
  return '(arrow)';
}

function functions() {
  const found = [];
  for (const file of sourceFiles()) {
    const source = parsed(file);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        found.push({ file: path.relative(SRC, file), name: nameOf(node), lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  found.sort((a, b) => b.lines - a.lines);
  console.log(`| function | file | lines |\n| --- | --- | --: |`);
  for (const f of found.slice(0, 10)) console.log(`| \`${f.name}\` | ${f.file} | ${f.lines} |`);
  console.log(`\n${found.length} functions; over 40 lines: ${found.filter((f) => f.lines > 40).length}`);
}

const STATELESS = new Set(['TextDecoder', 'TextEncoder']);
const CONTAINERS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);
const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'pop', 'splice']);

/** Whether `name` is called with a mutating method anywhere in the file: a container filled once and only read is a table. */
function mutatedIn(source, name) {
  let mutated = false;
  const visit = (node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.expression.getText() === name &&
      MUTATORS.has(node.expression.name.getText())
    )
      mutated = true;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return mutated;
}

/** Whether a top-level declaration holds state that can change after the module has loaded. */
function isMutable(source, statement, declaration) {
  if ((statement.declarationList.flags & ts.NodeFlags.Const) === 0) return true; // let, var
  const init = declaration.initializer;
  if (!init || !ts.isNewExpression(init)) return false;
  const made = init.expression.getText();
  if (STATELESS.has(made)) return false;
  if (made === 'RegExp') return /['"`][^'"`]*[gy][^'"`]*['"`]\s*\)$/.test(init.getText()); // lastIndex
  if (CONTAINERS.has(made)) return mutatedIn(source, declaration.name.getText());
  return true; // an instance of a class: its methods may change it
}

function mutable() {
  const byFolder = new Map();
  for (const file of sourceFiles()) {
    const folder = path.dirname(path.relative(SRC, file)).replace(/^\.$/, '(top)');
    const source = parsed(file);
    const names = [];
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (!isMutable(source, statement, declaration)) continue;
        const init = declaration.initializer;
        const what = init && ts.isNewExpression(init) ? `new ${init.expression.getText()}` : 'let';
        names.push(`${path.basename(file)}: ${declaration.name.getText()} (${what})`);
      }
    }
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), ...names]);
  }
  console.log('| folder | mutable module-level variables | which |\n| --- | --: | --- |');
  for (const [folder, names] of [...byFolder].sort())
    console.log(`| ${folder}/ | ${names.length} | ${names.join('; ')} |`);
  const all = [...byFolder.values()].flat();
  console.log(`\ntotal: ${all.length} in ${new Set(all.map((n) => n.split(':')[0])).size} files`);
}

/** One request on a fresh keep-alive connection: the bytes of its response once complete (or closed). */
async function exchange(port, request, coverage) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  await new Promise((resolve) => setTimeout(resolve, 30)); // the accept is over before the window opens
  await coverage.reset();
  const received = await new Promise((resolve) => {
    let bytes = Buffer.alloc(0);
    const done = () => resolve(bytes);
    socket.on('data', (chunk) => {
      bytes = Buffer.concat([bytes, chunk]);
      const head = bytes.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(bytes.toString('latin1', 0, head));
      if (head !== -1 && (length === null || bytes.length >= head + 4 + Number(length[1]))) done();
    });
    socket.on('close', done);
    socket.write(request);
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const files = await coverage.touched();
  socket.destroy();
  return { status: received.toString('latin1').split(' ')[1], files };
}

async function touched() {
  const DIST = path.join(DIR, 'server', 'dist');
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-site-'));
  for (const name of ['nums.txt', 'fresh-1.txt', 'fresh-2.txt', 'fresh-3.txt'])
    fs.writeFileSync(path.join(site, name), '0123456789');
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  const coverage = {
    reset: () => session.post('Profiler.takePreciseCoverage'),
    touched: async () => {
      const { result } = await session.post('Profiler.takePreciseCoverage');
      return new Set(
        result
          .filter(
            (script) =>
              script.url.includes(`${DIST}/`) &&
              script.functions.some((f) => f.ranges.some((r) => r.count > 0)),
          )
          .map((script) => path.relative(DIST, new URL(script.url).pathname).replace(/\.js$/, '.ts')),
      );
    },
  };
  const { start } = createRequire(import.meta.url)(path.join(DIST, 'main.js'));
  const io = { out: { write: () => true }, err: () => undefined, isTTY: false };
  const started = await start(['--root', site, '--host', '127.0.0.1', '--port', '0', ...flags], {}, io);
  const get = (target, ...fields) => [`GET ${target} HTTP/1.1`, 'Host: x', ...fields, '', ''].join('\r\n');
  const port = started.port;
  for (let i = 0; i < 2; i++) await exchange(port, get('/nums.txt'), coverage); // now cached (on a path with a cache)
  const etag = /ETag: ("[^"]+")/.exec(await rawHead(port, get('/nums.txt')))?.[1];
  const kinds = [
    ['GET of a small file, cached', () => get('/nums.txt')],
    ['GET of a small file, not cached', (i) => get(`/fresh-${i + 1}.txt`)],
    ['304 (If-None-Match)', () => get('/nums.txt', `If-None-Match: ${etag}`)],
    ['400 (no Host)', () => 'GET /nums.txt HTTP/1.1\r\n\r\n'],
  ];
  console.log(`| request | status | files touched | which |\n| --- | --- | --: | --- |`);
  for (const [name, request] of kinds) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await exchange(port, request(i), coverage));
    const files = [...runs[0].files].filter((f) => runs.every((r) => r.files.has(f))).sort();
    console.log(
      `| ${name} | ${runs.map((r) => r.status).join('/')} | ${files.length} | ${files.join(', ')} |`,
    );
  }
  await started.stop('done');
  fs.rmSync(site, { recursive: true, force: true });
  process.exit(0);
}

async function rawHead(port, request) {
  const socket = net.connect(port, '127.0.0.1');
  return new Promise((resolve) => {
    socket.on('data', (chunk) => {
      resolve(chunk.toString('latin1'));
      socket.destroy();
    });
    socket.write(request);
  });
}

if (['functions', 'mutable', 'touched'].includes(mode) && !fs.existsSync(SRC)) {
  process.stderr.write(`code-metrics: ${dirArg} is not a checkout of the server (no server/src in it)\n`);
  process.exit(2);
}
if (mode === 'functions') functions();
else if (mode === 'mutable') mutable();
else if (mode === 'touched') await touched();
else {
  process.stderr.write('usage: node tools/code-metrics.mjs functions|mutable|touched [DIR] [--no-cache]\n');
  process.exit(2);
}
