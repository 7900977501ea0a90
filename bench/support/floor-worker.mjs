// The floor a scan is measured against: page through a namespace's pods (limit=500) and
// JSON.parse each page, nothing else — node:https with one keep-alive connection, gzip accepted
// as the agent's client accepts it, the admin client certificate. No client library, no models.
// Plain JavaScript, so that no TypeScript loading counts in the floor's whole-process figures.
// Usage: node bench/support/floor-worker.mjs <server> <ca> <cert> <key> <namespace>
// Prints one JSON line: { loopMs, cpuMs, pods, bytes }.
import { readFileSync } from 'node:fs';
/* global console, Buffer, performance, URL */
import process from 'node:process';
import { Agent, request } from 'node:https';
import { createGunzip } from 'node:zlib';

const [server, ca, cert, key, namespace] = process.argv.slice(2);
if (!server || !ca || !cert || !key || !namespace) {
  console.error('usage: floor-worker.mjs <server> <ca> <cert> <key> <namespace>');
  process.exit(2);
}
const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(ca), cert: readFileSync(cert), key: readFileSync(key) });

/** @param {URL} url @returns {Promise<string>} */
function get(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: 'application/json', 'accept-encoding': 'gzip' } }, (res) => {
      const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
      /** @type {Buffer[]} */
      const chunks = [];
      body.on('data', (c) => chunks.push(c));
      body.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${res.statusCode}`))));
      body.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let pods = 0;
let bytes = 0;
/** @type {string | undefined} */
let cont;
do {
  const url = new URL(`${server}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`);
  url.searchParams.set('limit', '500');
  if (cont) url.searchParams.set('continue', cont);
  const text = await get(url);
  bytes += text.length;
  const page = JSON.parse(text);
  pods += page.items.length;
  cont = page.metadata?.continue || undefined;
} while (cont);
const loopMs = performance.now() - t0;
const { user, system } = process.cpuUsage(cpu0);
agent.destroy();
console.log(JSON.stringify({ loopMs, cpuMs: (user + system) / 1000, pods, bytes }));
