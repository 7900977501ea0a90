// beginWork: the first attempt at once; after a failure, retries with backoff until one works,
// saying meanwhile why it waits; stop() ends the retries.
import { describe, expect, it } from 'vitest';
import { beginWork } from '../../src/app/begin-work.ts';
import { AppError } from '../../src/core/errors.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';

const backoffMs = { min: 5, max: 20 };

describe('beginWork', () => {
  it('begins at once when the first attempt works, and never retries', async () => {
    let calls = 0;
    const work = await beginWork(async () => { calls++; }, { logger: recordingLogger(), backoffMs });
    expect(work.begun).toBe(true);
    expect(work.waiting).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    await work.stop();
  });

  it('keeps trying after failures, says why it waits, and begins when an attempt works', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const work = await beginWork(async () => {
      calls++;
      if (calls < 4) throw new AppError('k8s_unreachable', 'unreachable: cannot list namespaces: Kubernetes API connection failed (ECONNREFUSED)');
    }, { logger, backoffMs });
    expect(work.begun).toBe(false);
    expect(work.waiting).toBe('k8s_unreachable: unreachable: cannot list namespaces: Kubernetes API connection failed (ECONNREFUSED)');
    await eventually('begun', () => work.begun);
    expect(calls).toBe(4);
    expect(work.waiting).toBeUndefined();
    const retries = logger.entries.filter((e) => e.msg?.startsWith('cannot begin work yet'));
    expect(retries.map((e) => [e.level, e.fields.attempt])).toEqual([['warn', 1], ['warn', 2], ['warn', 3]]);
    expect(retries.every((e) => typeof e.fields.retryInMs === 'number' && (e.fields.retryInMs as number) <= backoffMs.max)).toBe(true);
    expect(logger.entries.at(-1)).toMatchObject({ level: 'info', msg: 'the API server answers: scans and the pod watch have begun', fields: { attempt: 4 } });
    await work.stop();
  });

  it('logs an RBAC refusal as an error, and stop() ends the retries', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const work = await beginWork(async () => {
      calls++;
      throw new AppError('k8s_forbidden', 'forbidden: cannot list namespaces (RBAC)');
    }, { logger, backoffMs });
    await eventually('a few retries', () => calls >= 3);
    await work.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(after);
    expect(work.begun).toBe(false);
    expect(logger.entries.filter((e) => e.msg?.startsWith('cannot begin work yet')).every((e) => e.level === 'error')).toBe(true);
  });

  it('tells the attempt when the agent is stopping, and does not count it as begun', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let sawStopping: boolean | undefined;
    let calls = 0;
    const work = await beginWork(async (stopping) => {
      calls++;
      if (calls === 1) throw new Error('down');
      await gate;
      sawStopping = stopping();
    }, { logger: recordingLogger(), backoffMs });
    await eventually('second attempt running', () => calls === 2);
    const stopped = work.stop();
    release();
    await stopped;
    expect(sawStopping).toBe(true);
    expect(work.begun).toBe(false);
  });
});
