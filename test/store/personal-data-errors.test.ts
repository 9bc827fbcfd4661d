/**
 * No personal data in the store's error messages: n8n logs a failed node's message, and a lead
 * key is usually an email address. Generated leads (email address as lead key, names, a phone
 * number, a hand-off key, each a distinctive random string) drive every store error path that
 * concerns a lead: bad activities, an unknown hand-off for an outcome, SLA timers the deciders
 * get wrong on start, change and poll. Each is refused; its message names the field and what was
 * expected and contains none of the lead's values; its description names the lead.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { changeFor, pollStep, type SlaTimer } from '../../nodes/engine/sla';
import { foldOutcome } from '../../nodes/shared/outcomeFold';
import type { HandoffStore, LedgerActivityInput, OutcomeEventInput } from '../../nodes/store';
import { StoreError } from '../../nodes/store/errors';
import { embeddedBackend, storesOn } from './backends';
import { person, personalValues, type Person } from './personal-data';
import { HOUR, SCOPE, start, startOf, T0 } from './sla-support';

async function refused(promise: Promise<unknown>, p: Person, what: string): Promise<StoreError> {
	const error = await promise.then(
		() => assert.fail(`${what}: refused`),
		(e: unknown) => e,
	);
	assert.ok(error instanceof StoreError, `${what}: a store error, not ${String(error)}`);
	for (const value of personalValues(p)) assert.ok(!error.message.includes(value), `${what}: the message names "${value}": ${error.message}`);
	assert.match(error.message, /\S/);
	return error;
}

const backend = embeddedBackend();
const stores = storesOn(backend);
afterAll(() => stores.closeAll());

const activity = (key: string, at: number, data: Record<string, unknown>): LedgerActivityInput => ({ key, type: 'form_submit', at, data });

function outcomeEvent(id: string, at: number): OutcomeEventInput {
	return { source: 'plain', eventId: `plain:${id}`, occurredAt: at, event: { id: `plain:${id}`, at, source: 'plain', code: 'accepted', stage: 'accepted' }, code: 'accepted', stage: 'accepted', payload: '{}' };
}

describe('store errors about a lead keep its personal data out of the message', () => {
	let store: HandoffStore;
	beforeAll(async () => {
		store = await stores.fresh();
	});

	it('bad activities: the message names the activity and the field; the description names the lead', async () => {
		await fc.assert(
			fc.asyncProperty(person, fc.integer({ min: 0, max: 5 }), async (p, variant) => {
				const data = { email: p.email, firstName: p.firstName, lastName: p.lastName, phone: p.phone, company: p.company };
				const good = activity(`${p.handoffKey}-ok`, T0, data);
				const bad: LedgerActivityInput = [
					{ ...good, at: p.phone as unknown as number },
					{ ...good, at: 1.5 },
					{ ...good, key: '' },
					{ ...good, type: `${p.firstName}\u0000` },
					{ ...good, data: [p.email] as unknown as Record<string, unknown> },
					p.email as unknown as LedgerActivityInput,
				][variant];
				const error = await refused(store.recordActivities(SCOPE, p.email, [good, bad]), p, 'a bad activity');
				assert.match(error.message, /^Activity 2 of the lead/);
				assert.ok(error.description?.includes(p.email), 'the description names the lead');
			}),
			{ numRuns: 40 },
		);
	});

	it('an outcome for a hand-off the store does not know, with no lead key', async () => {
		await fc.assert(
			fc.asyncProperty(person, async (p) => {
				const error = await refused(store.recordOutcomeEvent({ scope: SCOPE, handoffKey: p.handoffKey, receivedAt: T0, event: outcomeEvent(p.handoffKey, T0) }, foldOutcome), p, 'an unknown hand-off');
				assert.ok(error.description?.includes(p.handoffKey), 'the description names the hand-off');
			}),
			{ numRuns: 20 },
		);
	});

	it('SLA timers a decider gets wrong, on start, on change and on poll', async () => {
		await fc.assert(
			fc.asyncProperty(person, fc.integer({ min: 0, max: 3 }), async (p, variant) => {
				const spec = { handoffKey: p.handoffKey, leadKey: p.email, ownerId: '101', startedAt: T0 };
				const { input, decide } = startOf(spec);
				const broken = (timer: SlaTimer): SlaTimer =>
					[
						{ ...timer, leadKey: p.phone },
						{ ...timer, status: p.lastName as SlaTimer['status'] },
						{ ...timer, dueAt: p.firstName as unknown as number },
						{ ...timer, schedule: [{ stage: p.company, dueAt: timer.dueAt + HOUR }, { stage: 'b', dueAt: timer.dueAt }] as unknown as SlaTimer['schedule'] },
					][variant];
				await refused(store.startSlaTimer<SlaTimer>(input, (state) => ({ timer: broken(decide(state).timer) })), p, 'a wrong start');

				assert.equal((await start(store, spec)).status, 'started');
				const contact = changeFor({ kind: 'contact', at: T0 + 1 });
				await refused(store.changeSlaTimers<SlaTimer>({ scope: SCOPE, leadKey: p.email }, T0 + 1, (timer, policy) => broken(contact(timer, policy) ?? timer)), p, 'a wrong change');
				// A poll sets such a timer aside (it must not block the others) and reports why: no personal data in the reason either.
				const polled = await store.claimDueSlaStages<SlaTimer>(SCOPE, T0 + 1000 * HOUR, (timer, now) => ({ ...pollStep(timer, now), timer: broken(pollStep(timer, now).timer) }));
				assert.deepEqual([polled.length, polled.unreadable.map((u) => u.handoffKey)], [0, [p.handoffKey]], 'a wrong poll: set aside, nothing fired');
				for (const value of personalValues(p)) assert.ok(!polled.unreadable[0].reason.includes(value), `a wrong poll: the reason names "${value}": ${polled.unreadable[0].reason}`);
				await store.eraseLead(SCOPE, p.email);
			}),
			{ numRuns: 16 },
		);
	});
});
