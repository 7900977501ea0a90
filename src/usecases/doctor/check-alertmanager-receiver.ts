// Alertmanager (when ALERTMANAGER_TOKEN is set): the webhook receiver's port is free for the agent,
// or already held by the agent's own receiver; another program there would stop the agent's start.
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { invalidVariable, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'alertmanager.receiver', area: 'alertmanager', title: 'webhook receiver' } as const;

export async function checkAlertmanagerReceiver(ctx: Pick<DoctorContext, 'config' | 'invalid' | 'alertmanager'>): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'ALERTMANAGER_TOKEN', 'ALERTMANAGER_PORT');
  if (bad) return skip(BASE, `${bad} is invalid (see configuration)`);
  if (!ctx.alertmanager) return skip(BASE, 'ALERTMANAGER_TOKEN not set: no webhook receiver, Alertmanager alerts are not taken in');
  const { port } = ctx.alertmanager;
  if (port === 0) return warn(BASE, 'ALERTMANAGER_PORT=0: the receiver takes whatever port is free at start, so Alertmanager cannot be pointed at it', 'set a fixed port (the default is 9095)');
  const where = `POST http://<agent>:${port}/alertmanager with http_config.authorization credentials = ALERTMANAGER_TOKEN`;
  const found = await ctx.alertmanager.portState();
  switch (found.state) {
    case 'free':
      return ok(BASE, `port ${port} is free for the receiver: Alertmanager's webhook_configs send ${where}; alerts labelled \`${ctx.config.ALERTMANAGER_CLUSTER_LABEL}\` with another cluster go to its agent`);
    case 'receiver':
      return ok(BASE, `the agent's receiver already answers on port ${port} (a request without the token gets its 401): Alertmanager sends ${where}`);
    case 'taken':
      return fail(BASE, `port ${port} is held by another program (${found.answer}): the agent could not start its receiver`, 'set ALERTMANAGER_PORT to a free port (and the Service and Alertmanager\'s url with it), or stop what listens there');
    case 'denied':
      return fail(BASE, `the receiver may not listen on port ${port} (${found.error})`, 'use a port above 1023 (the image runs as a non-root user), e.g. the default 9095');
  }
}
