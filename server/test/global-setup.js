// The CLI tests run the compiled server (server/dist/main.js) as a user would; build it from
// the current sources first, so they never test a stale build.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = function buildServer() {
  const tsc = path.join(__dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: 'inherit',
  });
};
