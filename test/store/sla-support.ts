/**
 * What the SLA store suites share: the engine's rules as the deciders the nodes pass to the
 * store, a policy of 1 business hour in a 9-18 Berlin calendar, and a poll as the SLA Breach
 * Trigger runs it.
 */
import type { HandoffStore, SlaClaim } from '../../nodes/store';
import { changeFor, compilePolicy, decideStart, DEFAULT_LADDER, makePolicy, pollStep, type SlaTimer, type StartTimerInput } from '../../nodes/engine/sla';

export const SCOPE = 'default';
export const T0 = Date.parse('2026-03-10T09:00:00Z'); // Tuesday 10:00 in Berlin
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const POLICY = makePolicy(
	{ hours: 1, basis: 'business', action: 'contact' },
	{ zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' }, keepSlaInOnePeriod: false },
	DEFAULT_LADDER,
);
export const COMPILED = compilePolicy(POLICY);

export type StartSpec = Omit<StartTimerInput, 'scope' | 'tier'> & { scope?: string; tier?: string };

/** A start as Tier Router or SLA Timer makes it: a new hand-off of a lead supersedes its running timers. */
export function startOf(spec: StartSpec) {
	const input: StartTimerInput = { scope: SCOPE, tier: 'Hot', ...spec };
	return {
		input: { scope: input.scope, handoffKey: spec.handoffKey, leadKey: spec.leadKey, policyKey: COMPILED.key, policy: POLICY as unknown as Record<string, unknown> },
		decide: (state: { kept: Array<{ at: number; byHandoff: boolean }>; running: SlaTimer[] }) => decideStart(COMPILED, input, state),
	};
}

export function start(store: HandoffStore, spec: StartSpec) {
	const { input, decide } = startOf(spec);
	return store.startSlaTimer<SlaTimer>(input, decide);
}

export function contact(store: HandoffStore, target: { handoffKey: string } | { leadKey: string }, at: number) {
	return store.changeSlaTimers<SlaTimer>({ scope: SCOPE, ...target }, at, changeFor({ kind: 'contact', at }), { keepContact: true });
}

export function reassign(store: HandoffStore, handoffKey: string, at: number, ownerId: string, fromOwner?: string) {
	return store.changeSlaTimers<SlaTimer>({ scope: SCOPE, handoffKey }, at, changeFor({ kind: 'reassign', at, ownerId, ...(fromOwner ? { fromOwner } : {}) }));
}

/** One poll of the breach trigger: the (hand-off, stage) pairs it fired. */
export async function poll(store: HandoffStore, now: number, scope = SCOPE, limit = 1000): Promise<{ fired: string[]; claims: Array<SlaClaim<SlaTimer>> }> {
	const claims = await store.claimDueSlaStages<SlaTimer>(scope, now, pollStep, { limit });
	return { fired: claims.flatMap((c) => c.due.map((d) => `${c.timer.handoffKey}/${d.stage}`)), claims };
}
