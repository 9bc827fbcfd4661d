/**
 * The Lead Quality Report's rows from the store, on both real backends: one row per hand-off of
 * the period and scope, joined with its assignment, SLA timer, outcome and the lead's score at
 * hand-off; read in hand-off time order in batches that together give every row once.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { foldOutcome } from '../../nodes/shared/outcomeFold';
import { type HandoffStore, type OutcomeEventInput, type StoredReportRow } from '../../nodes/store';
import { BACKENDS, describeOn, storesOn } from './backends';
import { compilePolicy, decideStart, DEFAULT_LADDER, makePolicy, type SlaTimer } from '../../nodes/engine/sla';
import { contact, HOUR, MINUTE, SCOPE, start, T0 } from './sla-support';

function ev(id: string, at: number, stage: string, extra: Record<string, unknown> = {}): OutcomeEventInput {
	const event = { id: `plain:${id}`, at, source: 'plain', code: stage, stage, ...extra };
	return { source: 'plain', eventId: event.id, occurredAt: at, event, code: stage, stage, ...(extra as Partial<OutcomeEventInput>) };
}

async function rowsOf(store: HandoffStore, query: { scope?: string; from?: number; to?: number; batchSize?: number } = {}): Promise<{ rows: StoredReportRow[]; batches: number[]; count: number }> {
	const rows: StoredReportRow[] = [];
	const batches: number[] = [];
	const count = await store.readReportRows({ scope: SCOPE, ...query }, (batch) => {
		batches.push(batch.length);
		rows.push(...batch);
	});
	return { rows, batches, count };
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const stores = storesOn(backend);
	const fresh = stores.fresh;

	describeOn(backend)(`report rows on ${backend.name}`, () => {
		afterAll(() => stores.closeAll());

		it('joins a hand-off with its owner, SLA timer, outcome and the score at hand-off', async () => {
			const store = await fresh();
			const lead = 'dana@globex.com';
			const snapshot = (key: string, model: string, asOf: number, total: number, grade: string) => ({ snapshotKey: key, modelId: model, asOf, total, fit: 40, engagement: 32, negative: 0, velocity: null, grade, score: {} });
			await store.saveScore(SCOPE, lead, snapshot('s1', 'm-1', T0 - HOUR, 55, 'B'), []);
			await store.saveScore(SCOPE, lead, snapshot('s2', 'm-2', T0 - MINUTE, 82, 'A'), []);
			await store.saveScore(SCOPE, lead, snapshot('s3', 'm-3', T0 + HOUR, 30, 'C'), []);
			// First touch: the earliest activity before the hand-off that has a source (a UTM one will do), and a campaign.
			await store.recordActivities(SCOPE, lead, [
				{ key: 'a0', type: 'page_view', at: T0 - 3 * HOUR, data: { url: '/' } },
				{ key: 'a1', type: 'form_submit', at: T0 - 2 * HOUR, data: { utm_source: 'google', campaign: 'Spring webinar' } },
				{ key: 'a2', type: 'form_submit', at: T0 - HOUR, data: { source: 'Referral', campaign: 'Partner day' } },
				{ key: 'a3', type: 'page_view', at: T0 + HOUR, data: { source: 'Later', campaign: 'Later' } },
			]);
			await store.decideHandoff({ scope: SCOPE, leadKey: lead, eventKey: 'h1', at: T0 }, () => ({ handoff: true, details: {} }));
			await store.assignLead({ scope: SCOPE, leadKey: lead, eventKey: 'h1', at: T0, team: 'emea', reps: [] }, () => ({ repId: 'ben', details: {} }));
			await start(store, { handoffKey: 'h1', leadKey: lead, startedAt: T0, ownerId: 'ben', details: { owner: { id: 'ben', name: 'Ben Okafor' } } });
			await contact(store, { handoffKey: 'h1' }, T0 + 20 * MINUTE);
			await store.recordOutcomeEvent({ scope: SCOPE, leadKey: lead, receivedAt: T0 + 2 * HOUR, event: ev('a', T0 + 10 * MINUTE, 'accepted') }, foldOutcome);
			await store.recordOutcomeEvent({ scope: SCOPE, leadKey: lead, receivedAt: T0 + 90 * HOUR, event: ev('w', T0 + 80 * HOUR, 'won', { amount: 12_500, currency: 'EUR' }) }, foldOutcome);
			// A lead handed off with nothing else known.
			await store.decideHandoff({ scope: SCOPE, leadKey: 'bare@x.com', eventKey: 'h2', at: T0 + HOUR }, () => ({ handoff: true, details: {} }));
			await store.recordOutcomeEvent({ scope: SCOPE, leadKey: 'bare@x.com', receivedAt: T0 + 3 * HOUR, event: ev('r', T0 + 2 * HOUR, 'rejected', { reason: 'not qualified' }) }, foldOutcome);

			const { rows, count } = await rowsOf(store);
			assert.equal(count, 2);
			assert.deepEqual(rows[0], {
				leadKey: lead,
				handoffKey: 'h1',
				handedOffAt: T0,
				score: 82,
				grade: 'A',
				tier: 'Hot',
				source: 'google',
				campaign: 'Spring webinar',
				rep: 'Ben Okafor',
				team: 'emea',
				slaMinutes: 60,
				slaBasis: 'business',
				firstTouchBusinessMinutes: 20,
				firstTouchClockMinutes: 20,
				metSla: true,
				stage: 'won',
				reached: { accepted: T0 + 10 * MINUTE, won: T0 + 80 * HOUR },
				wonAmount: 12_500,
				currency: 'EUR',
				modelId: 'm-2',
			});
			assert.deepEqual(rows[1], { leadKey: 'bare@x.com', handoffKey: 'h2', handedOffAt: T0 + HOUR, stage: 'rejected', reached: { rejected: T0 + 2 * HOUR }, rejectionReason: 'not qualified' });
		});

		// SLA timers call the clock "calendar": read as anything else, a clock SLA would be judged in business minutes.
		it('gives an SLA on the clock as the clock, with its clock minutes', async () => {
			const store = await fresh();
			const lead = 'night@owl.io';
			const policy = makePolicy({ hours: 1, basis: 'calendar', action: 'contact' }, { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' }, keepSlaInOnePeriod: false }, DEFAULT_LADDER);
			const compiled = compilePolicy(policy);
			const input = { scope: SCOPE, handoffKey: 'n1', leadKey: lead, tier: 'Warm', startedAt: T0 + 9 * HOUR };
			await store.decideHandoff({ scope: SCOPE, leadKey: lead, eventKey: 'n1', at: input.startedAt }, () => ({ handoff: true, details: {} }));
			await store.startSlaTimer<SlaTimer>({ scope: SCOPE, handoffKey: 'n1', leadKey: lead, policyKey: compiled.key, policy: policy as unknown as Record<string, unknown> }, (state) => decideStart(compiled, input, state));
			await contact(store, { handoffKey: 'n1' }, input.startedAt + 14 * HOUR);
			const { rows } = await rowsOf(store);
			assert.equal(rows[0].slaBasis, 'clock');
			assert.equal(rows[0].firstTouchClockMinutes, 14 * 60);
		});

		it('gives every hand-off of the period and scope once, in time order, whatever the batch size', async () => {
			const store = await fresh();
			const times = [5, 1, 3, 3, 3, 8, 0, 9, 2, 7, 3, 6].map((h) => T0 + h * HOUR);
			for (const [i, at] of times.entries()) {
				await store.decideHandoff({ scope: SCOPE, leadKey: `lead-${i % 5}`, eventKey: `h-${i}`, at }, () => ({ handoff: true, details: {} }));
			}
			await store.decideHandoff({ scope: 'other', leadKey: 'lead-0', eventKey: 'h-x', at: T0 + 4 * HOUR }, () => ({ handoff: true, details: {} }));
			await fc.assert(
				fc.asyncProperty(fc.integer({ min: 1, max: 13 }), fc.integer({ min: -1, max: 10 }), fc.integer({ min: 0, max: 11 }), async (batchSize, fromHour, span) => {
					const from = T0 + fromHour * HOUR;
					const to = from + span * HOUR;
					const { rows, batches, count } = await rowsOf(store, { from, to, batchSize });
					const expected = times.filter((t) => t >= from && t < to).sort((a, b) => a - b);
					assert.equal(count, expected.length);
					assert.deepEqual(rows.map((r) => r.handedOffAt), expected);
					assert.equal(new Set(rows.map((r) => r.handoffKey)).size, rows.length, 'no hand-off twice');
					assert.ok(batches.every((n) => n >= 1 && n <= batchSize));
				}),
				{ numRuns: 25 },
			);
			assert.equal((await rowsOf(store, { scope: 'other' })).count, 1);
		});

		it('refuses a bad period or batch size', async () => {
			const store = await fresh();
			await assert.rejects(store.readReportRows({ scope: SCOPE, from: 1.5 }, () => {}), /Report from must be a time in whole epoch milliseconds/);
			await assert.rejects(store.readReportRows({ scope: SCOPE, batchSize: 0 }, () => {}), /batch size/);
		});
	});
}
