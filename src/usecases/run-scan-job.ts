// The scan job: the scheduled scan, `/sre scan <ns>` and watch events all come through here, so
// there is one pipeline and one place that decides what gets posted.
import { isAppError } from '../core/errors.ts';
import type { ScanJob } from '../core/jobs.ts';
import { familyCounts, messageLink, scanFailureText, scanSummaryText } from '../core/render/scan-summary.ts';
import type { ClusterReader } from '../ports.ts';
import type { Detection, PodSnapshot } from '../core/model.ts';
import { detectNamespace, toFoundIncidents, type DetectResult } from './detect-namespace.ts';
import type { ThrottlingOutcome } from './detect-throttling.ts';
import type { DetectionRule } from '../core/detection/rule.ts';
import { trackScan, type TrackDeps, type TrackSummary } from './track-scan.ts';

export interface ScanJobDeps extends TrackDeps {
  cluster: ClusterReader;
  /** Answers the user who typed `/sre scan` (Slack response_url), when there is one. */
  reply?: (responseUrl: string, text: string) => Promise<void>;
  onScanned?: (job: ScanJob, outcome: 'ok' | 'error', summary?: TrackSummary) => void;
  /** Slow-leak forecasts from the metrics API; absent or empty when forecasting is off. */
  forecast?: (namespace: string, pods: PodSnapshot[]) => Promise<Detection[]>;
  /** Sustained CPU throttling from Prometheus; absent when Prometheus or that detection is off. */
  throttling?: (namespace: string, pods: PodSnapshot[]) => Promise<ThrottlingOutcome>;
  /** The rules with the namespace's policy thresholds; absent: the defaults. */
  rulesFor?: (namespace: string) => readonly DetectionRule[];
}

export async function runScanJob(deps: ScanJobDeps, job: ScanJob): Promise<TrackSummary | undefined> {
  let summary: TrackSummary;
  let detected: DetectResult;
  try {
    detected = await detectNamespace(deps.cluster, job.namespace, deps.rulesFor?.(job.namespace));
    if (deps.forecast) {
      const leaks = await deps.forecast(job.namespace, detected.pods);
      detected.found.push(...await toFoundIncidents(deps.cluster, job.namespace, leaks, detected.pods));
    }
    const throttling = deps.throttling ? await deps.throttling(job.namespace, detected.pods) : undefined;
    if (throttling?.judged) detected.found.push(...await toFoundIncidents(deps.cluster, job.namespace, throttling.detections, detected.pods));
    summary = await trackScan(deps, detected, { resolveMissing: true, source: { kind: 'scan' }, ...(throttling && !throttling.judged ? { unjudged: ['CpuThrottling' as const] } : {}) });
  } catch (err) {
    deps.onScanned?.(job, 'error');
    // One line for the operator too: a scan answered to a user is not retried, so nothing else logs it.
    deps.logger.warn(
      { namespace: job.namespace, trigger: job.trigger, code: isAppError(err) ? err.code : undefined },
      `scan of ${job.namespace} failed: ${(err as Error).message}`,
    );
    if (!job.responseUrl || !deps.reply) throw err;
    // The user gets one clear line; a scheduled scan's error goes to the job's retry/backoff.
    await deps.reply(job.responseUrl, scanFailureText(job.namespace, isAppError(err) ? err.code : undefined, (err as Error).message));
    return undefined;
  }
  deps.onScanned?.(job, 'ok', summary);
  if (job.responseUrl && deps.reply) {
    const known = [...summary.known, ...summary.recurred];
    const counted = new Set([...summary.queuedNew, ...known.map((r) => r.fingerprint)]);
    await deps.reply(job.responseUrl, scanSummaryText({
      families: familyCounts(detected.found.filter((f) => counted.has(f.fingerprint)).map((f) => f.detection.kind)),
      namespace: summary.namespace,
      podsChecked: summary.podsChecked,
      newCount: summary.queuedNew.length,
      known: known.map((r) => ({
        pod: r.detection.pod, kind: r.detection.kind, link: r.slack ? messageLink(r.slack) : undefined,
      })),
      resolvedCount: summary.resolved.length,
    }));
  }
  return summary;
}
