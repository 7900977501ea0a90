import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_TEXT, parseCommand, type SreCommand } from '../../../src/core/commands/parse-command.ts';

describe('parseCommand', () => {
  it.each<[string, SreCommand]>([
    ['', { type: 'help' }],
    ['   \n\t ', { type: 'help' }],
    ['help', { type: 'help' }],
    ['HELP me', { type: 'help' }],
    ['scan demo', { type: 'scan', namespace: 'demo' }],
    ['  SCAN   demo  ', { type: 'scan', namespace: 'demo' }],
    ['scan\u00a0demo', { type: 'scan', namespace: 'demo' }],
    [`scan ${'a'.repeat(63)}`, { type: 'scan', namespace: 'a'.repeat(63) }],
    ['scan kube-system', { type: 'scan', namespace: 'kube-system' }],
    ['scan a/demo', { type: 'scan', namespace: 'demo', cluster: 'a' }],
    ['scan prod-eu/kube-system', { type: 'scan', namespace: 'kube-system', cluster: 'prod-eu' }],
    ['scan team/prod@eu:1/demo', { type: 'scan', namespace: 'demo', cluster: 'team/prod@eu:1' }],
    ['scan Prod_EU.1/demo', { type: 'scan', namespace: 'demo', cluster: 'Prod_EU.1' }],
    ['clusters', { type: 'clusters' }],
    ['  CLUSTERS ', { type: 'clusters' }],
    ['incidents', { type: 'incidents' }],
    ['Incidents', { type: 'incidents' }],
    ['stats', { type: 'stats' }],
    ['audit', { type: 'audit', n: 10 }],
    ['audit 1', { type: 'audit', n: 1 }],
    ['audit 50', { type: 'audit', n: 50 }],
    ['audit checkpoint', { type: 'audit_checkpoint' }],
    ['AUDIT Checkpoint', { type: 'audit_checkpoint' }],
    ['policy', { type: 'policy' }],
    ['policy prod-eu', { type: 'policy', namespace: 'prod-eu' }],
    ['history checkout', { type: 'history', workload: { name: 'checkout' } }],
    ['history demo/checkout', { type: 'history', workload: { name: 'checkout', namespace: 'demo' } }],
    ['history deployment/checkout', { type: 'history', workload: { name: 'checkout', kind: 'Deployment' } }],
    ['history sts/db-0.primary', { type: 'history', workload: { name: 'db-0.primary', kind: 'StatefulSet' } }],
    ['history demo/cronjob/nightly', { type: 'history', workload: { name: 'nightly', namespace: 'demo', kind: 'CronJob' } }],
    ['history demo/Rollout/web', { type: 'history', workload: { name: 'web', namespace: 'demo', kind: 'Rollout' } }],
  ])('%j → %o', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['frobnicate', /Unknown subcommand "frobnicate"/],
    ['scan', /needs a namespace/],
    ['scan demo extra', /takes one argument; got 2/],
    ['scan a/', /names no namespace after the cluster/],
    ['scan /demo', /"" is not a cluster name/],
    ['scan a!/demo', /"a!" is not a cluster name/],
    ['scan a/Demo', /lowercase \(try "demo"\)/],
    [`scan ${'c'.repeat(101)}/demo`, /is not a cluster name/],
    ['clusters a', /takes no arguments; got 1/],
    ['scan Demo', /lowercase \(try "demo"\)/],
    ['scan -demo', /not a namespace name/],
    ['scan demo_1', /not a namespace name/],
    [`scan ${'a'.repeat(64)}`, /at most 63 characters/],
    ['scan dèmo', /not a namespace name/],
    ['scan &lt;!channel&gt;', /"<!channel>" is not a namespace name/],
    ['incidents all', /takes no arguments/],
    ['stats now', /takes no arguments/],
    ['audit 0', /from 1 to 50/],
    ['audit 51', /from 1 to 50/],
    ['audit -3', /from 1 to 50/],
    ['audit 2.5', /from 1 to 50/],
    ['audit ten', /from 1 to 50/],
    ['audit 99999999999999999999', /from 1 to 50/],
    ['audit 5 6', /takes one argument/],
    ['policy PROD', /lowercase/],
    ['history', /needs a workload/],
    ['history a/b/c/d', /not a workload/],
    ['history demo//x', /not a workload/],
    ['history demo/Checkout', /not a workload name/],
    ['history demo/9kind/x', /not a workload kind/],
    ['history a b', /takes one argument/],
    ['scan demo\u0000', /control characters/],
    ['scan de\u202emo', /control characters/],
    ['x'.repeat(MAX_COMMAND_TEXT + 1), /too long/],
  ])('%j is invalid (%s)', (text, problem) => {
    const cmd = parseCommand(text);
    expect(cmd.type).toBe('invalid');
    expect(cmd.type === 'invalid' && cmd.problem).toMatch(problem);
  });

  it('quotes at most 40 characters of what was typed', () => {
    const cmd = parseCommand(`scan ${'X'.repeat(300)}`);
    expect(cmd.type === 'invalid' && cmd.problem.length).toBeLessThan(200);
  });

  it('treats non-string input as empty', () => {
    expect(parseCommand(undefined)).toEqual({ type: 'help' });
    expect(parseCommand(42)).toEqual({ type: 'help' });
  });

  it('never throws and always returns one command of a known type, with valid fields', () => {
    const types = new Set(['scan', 'incidents', 'history', 'audit', 'audit_checkpoint', 'policy', 'stats', 'help', 'invalid']);
    const verbs = fc.constantFrom('scan', 'SCAN', 'incidents', 'history', 'audit', 'policy', 'stats', 'help', 'nope');
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ maxLength: 1200 }),
      fc.tuple(verbs, fc.array(fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z0-9/.-]{1,70}$/), fc.integer().map(String)), { maxLength: 3 })).map(([v, a]) => [v, ...a].join(' ')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const cmd = parseCommand(t);
        expect(types.has(cmd.type)).toBe(true);
        if (cmd.type === 'scan') expect(cmd.namespace).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        if (cmd.type === 'audit') expect(cmd.n >= 1 && cmd.n <= 50).toBe(true);
        if (cmd.type === 'invalid') expect(cmd.problem.length).toBeLessThan(400);
        if (cmd.type === 'history') expect(cmd.workload.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      }),
      { numRuns: 500 },
    );
  });
});
