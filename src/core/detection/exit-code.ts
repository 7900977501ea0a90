// Container exit codes read the way an SRE reads them: small codes are the program's own, codes
// above 128 are 128 + the signal that ended it.
const MEANINGS: Record<number, string> = {
  0: 'exited normally',
  1: 'application error',
  2: 'Go runtime error or shell misuse',
  126: 'command found but not executable',
  127: 'command not found',
  134: 'aborted (SIGABRT)',
  137: 'killed (SIGKILL)',
  139: 'segmentation fault (SIGSEGV)',
  143: 'terminated (SIGTERM)',
};

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };

/** "exit code 127: command not found"; "exit code 130: ended by signal 2 (SIGINT)"; "exit code 3: application-defined". */
export function describeExitCode(code: number): string {
  const known = MEANINGS[code];
  if (known !== undefined) return `exit code ${code}: ${known}`;
  if (code > 128 && code < 160) {
    const signal = code - 128;
    return `exit code ${code}: ended by signal ${signal}${SIGNALS[signal] ? ` (${SIGNALS[signal]})` : ''}`;
  }
  return `exit code ${code}: application-defined`;
}

/** 137 (SIGKILL) and 143 (SIGTERM) are how the kubelet ends a container, e.g. after failed probes. */
export function isKubeletKill(code: number | undefined): boolean {
  return code === 137 || code === 143;
}
