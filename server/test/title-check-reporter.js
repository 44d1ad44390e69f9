// A test's title must print what it tests. A table row formatted with the wrong placeholder
// prints "NaN" or "undefined" instead ('%i' over a string, a column that is not there). This
// reporter fails the run when any test title, or the name of a describe around it, holds
// either word, and lists them.
const path = require('node:path');

const SUSPECT = /\bNaN\b|\bundefined\b/;

class TitleCheckReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.bad = [];
  }

  onTestResult(test, result) {
    for (const assertion of result.testResults) {
      if ([...assertion.ancestorTitles, assertion.title].some((title) => SUSPECT.test(title)))
        this.bad.push(`${path.relative(this.rootDir, test.path)}: ${assertion.fullName}`);
    }
  }

  onRunComplete() {
    if (this.bad.length === 0) return;
    process.stderr.write(
      `\nTest titles that print NaN or undefined (fix the row or its placeholder):\n${this.bad
        .map((line) => `  ${line}\n`)
        .join('')}`,
    );
  }

  getLastError() {
    if (this.bad.length > 0) return new Error(`${this.bad.length} test titles print NaN or undefined`);
    return undefined;
  }
}

module.exports = TitleCheckReporter;
