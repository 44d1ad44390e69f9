#!/usr/bin/env node
/**
 * Live reload, shown in a real browser: a headless Chromium opens PAGE_URL, the page's file
 * (PAGE_FILE, on the host) gets a new <title>, and the browser must load the page again by
 * itself, as a reload (the Navigation Timing entry says "reload"), with the new title.
 *
 *   node tools/live-reload-demo.mjs http://127.0.0.1:18089/ /tmp/site/index.html
 *
 * Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
 * messages ended by a NUL byte on descriptors 3 and 4), so no package is needed. CHROMIUM names
 * the browser (default /usr/bin/chromium). Exit 0 when the page reloaded with the new title.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const [url, file] = process.argv.slice(2);
if (!url || !file) {
  console.error('usage: live-reload-demo.mjs PAGE_URL PAGE_FILE');
  process.exit(2);
}
const WAIT_MS = 10_000;

const browser = spawn(
  process.env.CHROMIUM ?? '/usr/bin/chromium',
  ['--headless', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
);
const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];

/** The protocol: requests by id, and a log of events that waiters look through. */
let nextId = 1;
const pending = new Map();
const events = [];
let wake = () => undefined;
let buffered = '';
fromBrowser.on('data', (chunk) => {
  buffered += chunk.toString('utf8');
  let end;
  while ((end = buffered.indexOf('\0')) !== -1) {
    const message = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    if (message.id !== undefined) pending.get(message.id)?.(message);
    else {
      events.push({ ...message, at: Date.now() });
      wake();
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
  return new Promise((resolve, reject) =>
    pending.set(id, (m) =>
      m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result),
    ),
  );
}

async function until(test, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = events.find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${WAIT_MS} ms`);
    await new Promise((resolve) => {
      wake = resolve;
      setTimeout(resolve, 100);
    });
  }
}

const loads = () => events.filter((e) => e.method === 'Page.loadEventFired');

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const evaluate = async (expression) =>
    (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result.value;
  await send('Page.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
  await until((e) => e.method === 'Page.loadEventFired', 'first load');
  // The page's stream must be open before the edit: the script connects after the load.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = { title: await evaluate('document.title'), loads: loads().length };
  console.log(`loaded ${url}: title "${before.title}", load events: ${before.loads}`);

  const title = `Edited at ${new Date().toISOString()}`;
  const page = fs.readFileSync(file, 'utf8');
  const edited = page.replace(/<title>[^<]*<\/title>/i, `<title>${title}</title>`);
  if (edited === page) throw new Error(`${file} has no <title> to change`);
  const editedAt = Date.now();
  fs.writeFileSync(file, edited);
  console.log(`edited ${file}: new title "${title}"`);

  const reload = await until((e) => e.method === 'Page.loadEventFired' && e.at > editedAt, 'reload');
  const after = {
    title: await evaluate('document.title'),
    loads: loads().length,
    type: await evaluate("performance.getEntriesByType('navigation')[0].type"),
    url: await evaluate('location.href'),
  };
  console.log(
    `reloaded by itself ${reload.at - editedAt} ms after the edit: title "${after.title}", ` +
      `load events: ${after.loads}, navigation type: ${after.type}, url: ${after.url}`,
  );
  const ok = after.title === title && after.type === 'reload' && after.url === url;
  console.log(ok ? 'PASS: the page reloaded on the edit' : 'FAIL: not the reload expected');
  return ok ? 0 : 1;
}

main()
  .catch((error) => {
    console.error(`FAIL: ${error.message}`);
    return 1;
  })
  .then((code) => {
    browser.kill();
    process.exit(code);
  });
