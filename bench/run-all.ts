// `npm run bench`: every benchmark in turn, each in its own process, output as it comes. A bench
// that crashes does not stop the others; the exit code says whether all of them ran.
// --cluster-scale adds bench/cluster-scale.ts (long).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['ack-latency', 'scan-cost', 'llm-economy', 'idle-rss', 'watch-memory', 'detection-latency', 'event-latency', 'alertmanager-ack'];
// 20,000 pods and minutes of churn (~30 min on 2 busy cores): only when asked, `npm run bench -- --cluster-scale`.
if (process.argv.includes('--cluster-scale')) BENCHES.push('cluster-scale');

function runBench(name: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(`./${name}.ts`, import.meta.url))], { stdio: 'inherit' });
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
}

const failed: string[] = [];
for (const name of BENCHES) {
  const t0 = performance.now();
  const code = await runBench(name);
  console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s${code === 0 ? '' : `, exit code ${code}`})\n`);
  if (code !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`did not complete: ${failed.join(', ')}`);
  process.exitCode = 1;
}
