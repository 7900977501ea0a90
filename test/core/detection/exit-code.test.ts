import { describe, expect, it } from 'vitest';
import { describeExitCode, isKubeletKill } from '../../../src/core/detection/exit-code.ts';

describe('describeExitCode', () => {
  it.each([
    [0, 'exit code 0: exited normally'],
    [1, 'exit code 1: application error'],
    [2, 'exit code 2: Go runtime error or shell misuse'],
    [126, 'exit code 126: command found but not executable'],
    [127, 'exit code 127: command not found'],
    [134, 'exit code 134: aborted (SIGABRT)'],
    [137, 'exit code 137: killed (SIGKILL)'],
    [139, 'exit code 139: segmentation fault (SIGSEGV)'],
    [143, 'exit code 143: terminated (SIGTERM)'],
    [130, 'exit code 130: ended by signal 2 (SIGINT)'],
    [135, 'exit code 135: ended by signal 7'],
    [3, 'exit code 3: application-defined'],
    [255, 'exit code 255: application-defined'],
  ])('%i → %s', (code, text) => {
    expect(describeExitCode(code)).toBe(text);
  });

  it.each([
    [137, true],
    [143, true],
    [1, false],
    [139, false],
    [undefined, false],
  ])('isKubeletKill(%s) = %s', (code, kill) => {
    expect(isKubeletKill(code)).toBe(kill);
  });
});
