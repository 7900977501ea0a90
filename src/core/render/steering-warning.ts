// The warning an incident message carries when the model's answer tried to steer the decision
// (instructions, claims about approval, policy or limits, an absurd quantity, mentions).
import type { IncidentReport } from '../model.ts';
import { describeSteering, STEERING_CONFIDENCE_CAP } from '../diagnosis/steering.ts';
import type { Block } from './block-kit.ts';

const HEADLINE = 'The model\'s answer tried to steer the decision';

function rest(kinds: readonly string[]): string {
  return `(${describeSteering(kinds)}). Read it as untrusted: its confidence is capped at ${Math.round(STEERING_CONFIDENCE_CAP * 100)}% ` +
    'and it changes nothing; the verdict is the policy\'s, from the deterministic recommendation.';
}

/** The line put before a thread answer that tried to steer (plain text, escaped with the answer). */
export function threadSteeringWarning(kinds: readonly string[]): string {
  return `⚠️ This answer tried to steer the decision (${describeSteering(kinds)}). Read it as untrusted: it changes nothing; ` +
    'only an approver\'s click records a decision, and the verdict is the policy\'s.';
}

/** One line, for text reports; undefined when the answer did not steer. */
export function steeringWarningText(r: IncidentReport): string | undefined {
  const kinds = r.diagnosis.steering;
  return kinds?.length ? `WARNING: ${HEADLINE} ${rest(kinds)}` : undefined;
}

/** The message's warning block; the kinds are our own words, nothing from the model reaches it. */
export function steeringBlocks(r: IncidentReport): Block[] {
  const kinds = r.diagnosis.steering;
  if (!kinds?.length) return [];
  return [{ type: 'section', block_id: 'incident_steering', text: { type: 'mrkdwn', text: `:warning: *${HEADLINE}* ${rest(kinds)}` } }];
}
