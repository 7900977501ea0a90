// The runtime heap settings a container starts with, read from its command, args and the few
// environment variables runtimes take options from. Only the heap flags themselves are kept
// (never whole values): these variables may carry other options, and their text goes to the LLM.
export const HEAP_ENV_VARS = ['JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS', 'JAVA_OPTS', 'NODE_OPTIONS', 'GOMEMLIMIT'] as const;

// -Xmx512m, -Xmx2g, -XX:MaxRAMPercentage=75.0, -XX:MaxRAM=2g, --max-old-space-size=4096.
const FLAG = /(?:^|\s)(-Xmx\d+[kKmMgG]?|-XX:MaxRAMPercentage=\d+(?:\.\d+)?|-XX:MaxRAM=\d+[kKmMgG]?|--max-old-space-size=\d+)(?=\s|$)/g;

export interface EnvVar {
  name?: string;
  value?: string;
}

/** "-Xmx512m (args)", "--max-old-space-size=4096 (env NODE_OPTIONS)", "GOMEMLIMIT=900MiB (env)". */
export function heapFlags(command: string[], args: string[], env: EnvVar[]): string[] {
  const out: string[] = [];
  const scan = (text: string, where: string) => {
    for (const m of text.matchAll(FLAG)) out.push(`${m[1]} (${where})`);
  };
  for (const c of command) scan(c, 'command');
  for (const a of args) scan(a, 'args');
  for (const e of env) {
    if (e.name === undefined || e.value === undefined || !(HEAP_ENV_VARS as readonly string[]).includes(e.name)) continue;
    if (e.name === 'GOMEMLIMIT') {
      if (/^\d+(?:[KMGT]i)?B?$/.test(e.value.trim())) out.push(`GOMEMLIMIT=${e.value.trim()} (env)`);
    } else {
      scan(e.value, `env ${e.name}`);
    }
  }
  return out;
}
