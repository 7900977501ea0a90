// CI gate over vitest's JSON report (`--reporter=json --outputFile.json=FILE`): vitest passes a
// run whose tests were skipped, but on CI a skipped test is a test that did not run, so this lists
// every skipped, pending or todo test and exits 1 when there is any. Its last line is the count:
// "N passed, N failed, N skipped". Usage: node scripts/test-tools/count-skipped.ts REPORT.json
import { readFileSync } from 'node:fs';

interface AssertionResult {
  fullName: string;
  status: string;
}
interface FileResult {
  name: string;
  status: string;
  message: string;
  assertionResults: AssertionResult[];
}
interface Report {
  testResults: FileResult[];
}

const reportPath = process.argv[2];
if (!reportPath) {
  console.error('usage: node scripts/test-tools/count-skipped.ts REPORT.json');
  process.exit(2);
}

let report: Report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
} catch (err) {
  console.error(`no readable vitest JSON report at ${reportPath}: ${(err as Error).message}`);
  console.log('0 passed, 0 failed, 0 skipped (no report)');
  process.exit(1);
}

let passed = 0;
let failed = 0;
const skipped: string[] = [];
for (const file of report.testResults) {
  // A file that failed to load has no test results, only its error.
  if (file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed')) failed++;
  for (const test of file.assertionResults) {
    if (test.status === 'passed') passed++;
    else if (test.status === 'failed') failed++;
    else skipped.push(`  ${test.status}: ${file.name.replace(`${process.cwd()}/`, '')} > ${test.fullName}`);
  }
}

if (skipped.length > 0) {
  console.log(`\n${skipped.length} test(s) did not run:`);
  for (const line of skipped) console.log(line);
}
console.log(`${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(skipped.length > 0 ? 1 : 0);
