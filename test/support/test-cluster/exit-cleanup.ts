// Synchronous clean-up that must happen even when the test runner exits early or is terminated
// (SIGTERM/SIGHUP skip 'exit' handlers): kill started processes, remove temp folders.
const tasks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const task of tasks) {
    try {
      task();
    } catch {
      // best effort: the next task still runs
    }
  }
  tasks.clear();
}

/** Registers a clean-up; returns a function that unregisters it (after a normal stop). */
export function onExitCleanup(task: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        runAll();
        process.kill(process.pid, signal);
      });
    }
  }
  tasks.add(task);
  return () => tasks.delete(task);
}
