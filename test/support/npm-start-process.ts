// The bot's own process under `npm start` (npm may put a shell in between), found through /proc,
// so a test can signal it the way the kubelet signals a container's process.
import { readdirSync, readFileSync } from 'node:fs';

export function botPid(npmPid: number): number {
  const queue = [npmPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    if (pid !== npmPid && cmdline.includes('src/main.ts') && !cmdline.startsWith('sh ')) return pid;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (children) queue.push(...children.split(' ').map(Number));
    }
  }
  throw new Error('the bot process was not found under npm start');
}
