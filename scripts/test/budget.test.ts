/**
 * The run's time budget (scripts/lib/runner.sh, RUN_BUDGET) bounds the time the grader spends
 * waiting on the server, not the wall clock: a busy grading machine (a class graded several at
 * a time, a slow CI runner) must never cut a correct server's checks short, and a slow server
 * must still be stopped. Three checks run through the real runner and client, each a GET of a
 * tiny server that answers after a set delay; the budget is 2 s here instead of 120.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type FaultyServer, listenOnLoopback } from './support/faulty-server';
import { ROOT, bashWithLibraries, freshFolder } from './support/grade';

jest.setTimeout(60_000);

/** A server that answers every request with a 200 of 2 bytes, DELAY_MS after it came, then closes. */
function startDelayedServer(delayMs: number): Promise<FaultyServer> {
  return listenOnLoopback((socket) => {
    socket.once('data', () => {
      const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';
      setTimeout(() => socket.end(reply), delayMs);
    });
  });
}

// Three checks, each OWN seconds of the grader's own work (a sleep), then one exchange.
const RUN = `
  TARGET_HOST=127.0.0.1 TARGET_PORT=$1 HOST_FIELD=127.0.0.1:$1 MAX_RESPONSE_BYTES=65536
  RESULTS_DIR=$2 OWN=$3
  scale_time_limits
  RUN_BUDGET_MS=2000
  for n in 1 2 3; do
    check "t.c$n" 1 "check $n"
    eval "t.c$n() { sleep $OWN; send 'GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n'; expect_status 200; }"
  done
  run_checks t.c1 t.c2 t.c3 2>/dev/null
  for dir in "$RESULTS_DIR"/0*; do printf '%s %s\\n' "$(<"$dir/verdict")" "$(cat "$dir/error" 2>/dev/null)"; done
`;

describe("the run's time budget counts the waiting on the server, not the grader's own work", () => {
  it.each([
    [
      'a busy grader (1.1 s of its own work before each check) and a prompt server: nothing is cut',
      1.1,
      0,
      ['pass', 'pass', 'pass'],
    ],
    [
      'an idle grader and a slow server (1.2 s before each response): cut during check 2, check 3 not run',
      0,
      1200,
      [
        'pass',
        "error not finished: the run's time budget (2.000 s of waiting on the server) ran out",
        'error not run',
      ],
    ],
  ])('%s', async (_title, ownSeconds, delayMs, verdicts) => {
    const server = await startDelayedServer(delayMs);
    const results = freshFolder('budget-');
    try {
      const args = bashWithLibraries(RUN, [String(server.port), results, String(ownSeconds)]);
      const { stdout } = await promisify(execFile)('bash', args, {
        cwd: path.join(ROOT, 'scripts'),
        timeout: 50_000,
      });
      const lines = stdout.trimEnd().split('\n');
      // Each check's verdict, and the start of its error (the rest says how slow the server was).
      expect(lines.map((line, i) => line.slice(0, verdicts[i]?.length))).toEqual(verdicts);
    } finally {
      await server.close();
      fs.rmSync(results, { recursive: true, force: true });
    }
  });
});
