/**
 * A realistic escalation of every stage, for a manual run of the SLA Breach Trigger: it shows
 * what the outputs carry without claiming anything in the store.
 */
import { buildEscalation, type Contact, type Escalation } from './escalation';
import { DEFAULT_LADDER, type StageName } from './ladder';
import { compilePolicy, makePolicy } from './policy';
import { advanceTimer, reassignTimer, startTimer, type SlaTimer } from './timer';

const HOUR = 3_600_000;

/**
 * One escalation per stage, each as it would fire at `now` in `zone`; the node's own channel and
 * manager, when it has them, so the sample shows what the workflow will really send.
 */
export function sampleEscalations(now: number, zone: string, own: { channel?: string; manager?: Contact } = {}): Record<StageName, Escalation> {
	// Round the clock, so the sample reads the same at any hour of the week.
	const calendar = { zone, workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, hours: { start: '00:00', end: '24:00' } };
	const policy = compilePolicy(makePolicy({ hours: 1, basis: 'business', action: 'contact' }, { ...calendar, workingDays: [...calendar.workingDays] }, DEFAULT_LADDER));
	const details = {
		lead: { name: 'Dana Scully', company: 'Globex', email: 'dana@globex.com', phone: '+1 555 0100', crmUrl: 'https://crm.example.com/contacts/1001' },
		owner: { name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' },
	};
	const base = { scope: 'sample', handoffKey: 'sample-handoff', leadKey: 'dana@globex.com', ownerId: '101', team: 'emea', tier: 'Hot', details };
	const manager = own.manager ?? { name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA' };
	const reassignedTo = { id: '102', name: 'Ben Okafor', email: 'ben@example.com' };
	const at = (startedAt: number, stage: StageName, timer?: SlaTimer): Escalation => {
		const started = timer ?? startTimer(policy, { ...base, startedAt }).timer;
		const { due, timer: advanced } = advanceTimer(started, now);
		const fired = due.find((d) => d.stage === stage)!;
		return buildEscalation(policy, advanced, fired, now, { manager, channel: own.channel ?? '#sales-leads', ...(stage === 'reassign' ? { reassignedTo } : {}) });
	};
	const reassigned = reassignTimer(policy, startTimer(policy, { ...base, startedAt: now - 3 * HOUR }).timer, { at: now - HOUR, ownerId: '102', owner: reassignedTo }).timer;
	return {
		reminder: at(now - HOUR / 2, 'reminder'),
		manager: at(now - HOUR - 12 * 60_000, 'manager'),
		reassign: at(now - 2 * HOUR, 'reassign'),
		lastAlert: at(0, 'lastAlert', reassigned),
	};
}
