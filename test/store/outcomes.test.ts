/**
 * Lead feedback in the store, on both real backends: outcome events recorded once per CRM event,
 * the outcome of each hand-off folded from them whatever their order, linked to the hand-off, its
 * assignment, its SLA timer and the scoring model; the SLA timer stopped in the same transaction;
 * erasure; replay keys of signed webhook requests.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { outcomeOf, type OutcomeEvent } from '../../nodes/engine/feedback';
import { changeFor, type SlaTimer } from '../../nodes/engine/sla';
import { foldOutcome } from '../../nodes/shared/outcomeFold';
import { ALL_SCOPES, type HandoffStore, type OutcomeEventInput } from '../../nodes/store';
import { BACKENDS, describeOn, storesOn } from './backends';
import { HOUR, MINUTE, SCOPE, start, T0 } from './sla-support';

const LEAD = 'dana@globex.com';
const HANDOFF = 'evt-handoff-1';

function ev(id: string, at: number, fields: Partial<OutcomeEvent> = {}, source = 'plain'): OutcomeEventInput {
	const event: OutcomeEvent = { id: `${source}:${id}`, at, source, ...fields };
	return {
		source,
		eventId: event.id,
		occurredAt: at,
		event: event as unknown as Record<string, unknown>,
		...(fields.code ? { code: fields.code } : {}),
		...(fields.stage ? { stage: fields.stage } : {}),
		...(fields.reason ? { reason: fields.reason } : {}),
		...(fields.amount !== undefined ? { amount: fields.amount } : {}),
		...(fields.currency ? { currency: fields.currency } : {}),
		payload: JSON.stringify({ id, ...fields }),
	};
}

const accepted = (id: string, at: number) => ev(id, at, { code: 'accepted', stage: 'accepted' });
const contacted = (id: string, at: number) => ev(id, at, { code: 'contacted', stage: 'contacted' });
const won = (id: string, at: number, amount?: number) => ev(id, at, { code: 'won', stage: 'won', ...(amount === undefined ? {} : { amount, currency: 'EUR' }) });
const reopened = (id: string, at: number) => ev(id, at, { code: 'reopened', stage: 'open' });

/** A lead scored by model "m-1", then "m-2", handed off and assigned to Ben between the two... then scored by "m-3" after. */
async function handOff(store: HandoffStore, leadKey = LEAD, eventKey = HANDOFF, at = T0): Promise<void> {
	const snapshot = (key: string, model: string, asOf: number) => ({ snapshotKey: key, modelId: model, asOf, total: 72, fit: 40, engagement: 32, negative: 0, velocity: null, grade: 'A', score: {} });
	await store.saveScore(SCOPE, leadKey, snapshot('s1', 'm-1', at - 2 * HOUR), []);
	await store.saveScore(SCOPE, leadKey, snapshot('s2', 'm-2', at - MINUTE), []);
	await store.saveScore(SCOPE, leadKey, snapshot('s3', 'm-3', at + HOUR), []);
	await store.decideHandoff({ scope: SCOPE, leadKey, eventKey, at }, () => ({ handoff: true, details: {} }));
	await store.assignLead({ scope: SCOPE, leadKey, eventKey, at, team: 'emea', reps: [] }, () => ({ repId: 'ben', details: {} }));
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const stores = storesOn(backend);
	const fresh = stores.fresh;

	describeOn(backend)(`lead feedback on ${backend.name}`, () => {
		afterAll(() => stores.closeAll());

		it('links an outcome to the hand-off, its assignment and the model that scored the lead at hand-off; the same event again changes nothing', async () => {
			const store = await fresh();
			await handOff(store);
			const first = await store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + 2 * HOUR, event: accepted('a1', T0 + HOUR) }, foldOutcome);
			assert.equal(first.status, 'recorded');
			const outcome = first.outcome!;
			assert.equal(outcome.handoffKey, HANDOFF);
			assert.equal(outcome.handedOffAt, T0);
			assert.equal(outcome.assignmentKey, HANDOFF);
			assert.equal(outcome.repId, 'ben');
			assert.equal(outcome.team, 'emea');
			assert.equal(outcome.modelId, 'm-2', 'the model of the last score before the hand-off, not a later one');
			assert.equal(outcome.stage, 'accepted');
			assert.deepEqual(outcome.reached, { accepted: T0 + HOUR });

			const again = await store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + 3 * HOUR, event: accepted('a1', T0 + HOUR) }, foldOutcome);
			assert.equal(again.status, 'duplicate');
			assert.deepEqual(again.outcome, outcome, 'a duplicate answers with the outcome as it is');
			assert.equal((await store.listOutcomeEvents(SCOPE, LEAD, HANDOFF)).length, 1);
		});

		it('ends in the right state whatever order events arrive in, and keeps a correction as history', async () => {
			const store = await fresh();
			await handOff(store);
			const record = (event: OutcomeEventInput) => store.recordOutcomeEvent({ scope: SCOPE, handoffKey: HANDOFF, receivedAt: T0 + 10 * HOUR, event }, foldOutcome);
			await record(won('w1', T0 + 5 * HOUR, 12500));
			const after = await record(accepted('a1', T0 + HOUR));
			assert.equal(after.status === 'recorded' && after.outcome.stage, 'won');
			assert.equal(after.status === 'recorded' && after.outcome.reached.accepted, T0 + HOUR);
			assert.equal(after.status === 'recorded' && after.outcome.amount, 12500);
			assert.equal(after.status === 'recorded' && after.outcome.currency, 'EUR');
			assert.equal(after.status === 'recorded' && after.before?.stage, 'won', 'what the outcome was before this event');

			const reverted = await record(reopened('r1', T0 + 6 * HOUR));
			assert.ok(reverted.status === 'recorded');
			assert.equal(reverted.outcome.stage, 'accepted');
			assert.equal(reverted.outcome.closed, false);
			assert.equal(reverted.outcome.corrections, 1);
			assert.equal(reverted.outcome.reached.won, T0 + 5 * HOUR, 'the win is kept as history');
			const history = reverted.outcome.details.history as Array<{ eventId: string; effect: string }>;
			assert.deepEqual(history.map((h) => h.effect), ['advanced', 'closed', 'reopened']);
			assert.equal(reverted.outcome.eventCount, 3);
		});

		it('records concurrent deliveries of one event once, and folds concurrent events of one hand-off together', async () => {
			const store = await fresh();
			await handOff(store);
			const same = await Promise.all(Array.from({ length: 8 }, () => store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + HOUR, event: contacted('c1', T0 + 30 * MINUTE) }, foldOutcome)));
			assert.equal(same.filter((r) => r.status === 'recorded').length, 1);
			assert.equal(same.filter((r) => r.status === 'duplicate').length, 7);

			const events = [accepted('a1', T0 + 10 * MINUTE), ev('m1', T0 + 2 * HOUR, { code: 'meeting_booked', stage: 'meeting' }), ev('o1', T0 + 3 * HOUR, { code: 'opportunity', stage: 'opportunity' }), won('w1', T0 + 9 * HOUR, 900)];
			await Promise.all(events.map((event) => store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + 10 * HOUR, event }, foldOutcome)));
			const outcome = (await store.getOutcome(SCOPE, LEAD, HANDOFF))!;
			assert.equal(outcome.eventCount, 5);
			assert.equal(outcome.stage, 'won');
			assert.deepEqual(Object.keys(outcome.reached).sort(), ['accepted', 'contacted', 'meeting', 'opportunity', 'won']);
		});

		it("stops the hand-off's SLA timer in the same transaction, and keeps nothing when the transaction fails", async () => {
			const store = await fresh();
			await handOff(store);
			await start(store, { handoffKey: HANDOFF, leadKey: LEAD, startedAt: T0, ownerId: 'ben' });
			const failing = () => {
				throw new Error('the fold failed');
			};
			const sla = { at: T0 + 20 * MINUTE, change: changeFor({ kind: 'contact', at: T0 + 20 * MINUTE }), keepContact: true };
			await assert.rejects(store.recordOutcomeEvent<SlaTimer>({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + HOUR, event: contacted('c1', T0 + 20 * MINUTE), sla }, failing), /the fold failed/);
			assert.equal((await store.listOutcomeEvents(SCOPE, LEAD, HANDOFF)).length, 0, 'the event is not kept when the outcome cannot be folded');
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, HANDOFF))!.timer.status, 'open');

			const done = await store.recordOutcomeEvent<SlaTimer>({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + HOUR, event: contacted('c1', T0 + 20 * MINUTE), sla }, foldOutcome);
			assert.ok(done.status === 'recorded');
			assert.equal(done.outcome.slaTimerKey, HANDOFF);
			assert.equal(done.sla?.timers[0]?.after.status, 'contacted');
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, HANDOFF))!.timer.status, 'contacted');
		});

		it("files an outcome of a lead with no hand-off under the lead, and finds the lead's hand-off the event came after", async () => {
			const store = await fresh();
			const lone = await store.recordOutcomeEvent({ scope: SCOPE, leadKey: 'nobody@example.com', receivedAt: T0, event: accepted('x1', T0) }, foldOutcome);
			assert.ok(lone.status === 'recorded');
			assert.equal(lone.outcome.handoffKey, '');
			assert.equal(lone.outcome.modelId, undefined);

			await handOff(store, LEAD, 'h-old', T0);
			await handOff(store, LEAD, 'h-new', T0 + 48 * HOUR);
			const late = await store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + 50 * HOUR, event: accepted('a-new', T0 + 49 * HOUR) }, foldOutcome);
			assert.equal(late.status === 'recorded' && late.outcome.handoffKey, 'h-new');
			const early = await store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0 + 50 * HOUR, event: accepted('a-old', T0 + HOUR) }, foldOutcome);
			assert.equal(early.status === 'recorded' && early.outcome.handoffKey, 'h-old');
			assert.deepEqual((await store.listOutcomes(SCOPE, LEAD)).map((o) => o.handoffKey), ['h-old', 'h-new']);
			await assert.rejects(store.recordOutcomeEvent({ scope: SCOPE, handoffKey: 'unknown', receivedAt: T0, event: accepted('u1', T0) }, foldOutcome), (error: Error & { description?: string }) => /hand-off key the store does not know/.test(error.message) && !error.message.includes('unknown"') && /hand-off "unknown"/.test(error.description ?? ''));
		});

		it('keeps scopes apart and erases a lead\'s outcomes with the lead', async () => {
			const store = await fresh();
			await handOff(store);
			await store.recordOutcomeEvent({ scope: SCOPE, leadKey: LEAD, receivedAt: T0, event: accepted('a1', T0 + HOUR) }, foldOutcome);
			const other = await store.recordOutcomeEvent({ scope: 'client-b', leadKey: LEAD, receivedAt: T0, event: accepted('a1', T0 + HOUR) }, foldOutcome);
			assert.equal(other.status, 'recorded', 'the same event id in another scope is another event');
			const erased = await store.eraseLead(SCOPE, LEAD);
			assert.equal(erased.deleted.outcome_events, 1);
			assert.equal(erased.deleted.outcomes, 1);
			assert.equal(await store.getOutcome(SCOPE, LEAD, HANDOFF), undefined);
			assert.equal((await store.listOutcomes('client-b', LEAD)).length, 1);
			await store.eraseLead(ALL_SCOPES, LEAD);
			assert.equal((await store.listOutcomes('client-b', LEAD)).length, 0);
		});

		it('any deliveries of any events, repeated and in any order, end in the outcome of the distinct events', async () => {
			const store = await fresh();
			const pool = [
				accepted('a', T0 + HOUR),
				contacted('c', T0 + 2 * HOUR),
				ev('m', T0 + 3 * HOUR, { code: 'meeting_booked', stage: 'meeting' }),
				won('w', T0 + 5 * HOUR, 700),
				ev('l', T0 + 5 * HOUR, { code: 'lost', stage: 'lost', reason: 'price' }),
				reopened('r', T0 + 6 * HOUR),
			];
			let run = 0;
			await fc.assert(
				fc.asyncProperty(fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 10 }), async (deliveries) => {
					const scope = `property-${++run}`;
					const statuses: string[] = [];
					for (const i of deliveries) statuses.push((await store.recordOutcomeEvent({ scope, leadKey: LEAD, receivedAt: T0, event: pool[i] }, foldOutcome)).status);
					const distinct = [...new Set(deliveries)];
					assert.equal(statuses.filter((s) => s === 'recorded').length, distinct.length, 'each event recorded once');
					const expected = outcomeOf(distinct.map((i) => pool[i].event as unknown as OutcomeEvent));
					const stored = (await store.getOutcome(scope, LEAD, ''))!;
					assert.deepEqual(
						[stored.stage, stored.closed, stored.reached, stored.corrections, stored.amount, stored.reason, stored.eventCount],
						[expected.stage, expected.closed, expected.reached, expected.corrections, expected.amount, expected.reason, distinct.length],
					);
				}),
				{ numRuns: backend.name === 'embedded' ? 40 : 12 },
			);
		});

		it('remembers replay keys until their time, per scope, and prunes them as new ones arrive', async () => {
			const store = await fresh();
			assert.equal(await store.rememberReplayKey(SCOPE, 'hubspot:abc', T0 + 5 * MINUTE, T0), true);
			assert.equal(await store.rememberReplayKey(SCOPE, 'hubspot:abc', T0 + 5 * MINUTE, T0 + MINUTE), false, 'a replay');
			assert.equal(await store.rememberReplayKey('client-b', 'hubspot:abc', T0 + 5 * MINUTE, T0 + MINUTE), true);
			const racing = await Promise.all(Array.from({ length: 6 }, () => store.rememberReplayKey(SCOPE, 'hmac:race', T0 + 5 * MINUTE, T0 + MINUTE)));
			assert.equal(racing.filter(Boolean).length, 1);
			// Past its time the key is pruned (the timestamp check refuses such a request by itself by then).
			assert.equal(await store.rememberReplayKey(SCOPE, 'hubspot:abc', T0 + 20 * MINUTE, T0 + 10 * MINUTE), true);
		});
	});
}
