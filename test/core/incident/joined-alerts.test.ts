import { describe, expect, it } from 'vitest';
import { joinAlert, joinedAlerts, MAX_JOINED_ALERTS } from '../../../src/core/incident/joined-alerts.ts';
import type { IncidentReport } from '../../../src/core/model.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const watchFound = incidentReport({ source: { kind: 'watch' } });
const alertFound = incidentReport({ source: { kind: 'alert', name: 'KubeContainerOOMKilled' } });
const full = incidentReport({ source: { kind: 'scan' }, alerts: Array.from({ length: MAX_JOINED_ALERTS }, (_, i) => `Alert${i}`) });

describe('joinAlert', () => {
  it.each<[string, IncidentReport, string, string[] | undefined]>([
    ['a first alert about a watch incident', watchFound, 'KubeContainerOOMKilled', ['KubeContainerOOMKilled']],
    ['another alert after it', { ...watchFound, alerts: ['KubeContainerOOMKilled'] }, 'KubePodCrashLooping', ['KubeContainerOOMKilled', 'KubePodCrashLooping']],
    ['a redelivery of a joined alert', { ...watchFound, alerts: ['KubePodCrashLooping'] }, 'KubePodCrashLooping', undefined],
    ['the alert that opened it', alertFound, 'KubeContainerOOMKilled', undefined],
    ['another alert about an alert incident', alertFound, 'KubePodCrashLooping', ['KubePodCrashLooping']],
    ['an alert without a name', watchFound, '  ', undefined],
    ['a name padded with spaces', watchFound, ' KubePodCrashLooping ', ['KubePodCrashLooping']],
    ['one more than it shows', full, 'KubePodCrashLooping', undefined],
  ])('%s', (_, report, alertname, alerts) => {
    expect(joinAlert(report, alertname)?.alerts).toEqual(alerts);
  });

  it('changes nothing else on the incident', () => {
    const { alerts, ...rest } = joinAlert(watchFound, 'KubePodCrashLooping')!;
    expect(alerts).toEqual(['KubePodCrashLooping']);
    expect(rest).toEqual(watchFound);
  });
});

describe('joinedAlerts', () => {
  it.each<[string, Pick<IncidentReport, 'alerts' | 'source'>, string[]]>([
    ['none stored', watchFound, []],
    ['stored names, in order', { source: { kind: 'watch' }, alerts: ['B', 'A'] }, ['B', 'A']],
    ['not the one its source already names', { source: { kind: 'alert', name: 'A' }, alerts: ['A', 'B'] }, ['B']],
  ])('%s', (_, report, names) => {
    expect(joinedAlerts(report)).toEqual(names);
  });
});
