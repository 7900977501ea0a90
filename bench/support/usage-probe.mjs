// Loaded with `node --import` into a command under measurement: when the process exits it
// appends one JSON line to $USAGE_PROBE_FILE with its own CPU time (getrusage via
// process.resourceUsage()), its peak RSS (VmHWM from /proc/self/status: getrusage's maxrss would
// carry over the RSS of the process that spawned it, across exec) and how long it ran.
// Plain JavaScript: loading it costs the measured process nothing beyond this file.
import { appendFileSync, readFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.USAGE_PROBE_FILE;

/** @param {number} fallback */
function peakKiB(fallback) {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? fallback);
  } catch {
    return fallback;
  }
}
if (file) {
  process.once('exit', () => {
    const u = process.resourceUsage();
    appendFileSync(file, `${JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: peakKiB(u.maxRSS), uptimeMs: process.uptime() * 1000 })}\n`);
  });
}
