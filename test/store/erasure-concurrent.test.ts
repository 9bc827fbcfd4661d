/**
 * Erasing a lead while other executions run, on both real backends: two store handles on one
 * store (two n8n processes), one erasing a lead that has rows in every lead table, the other
 * writing leads of their own at the same moment (activities, scores, claims, hand-offs,
 * releases, assignments, SLA timers and their reminders, outcomes). Afterwards the erased lead has
 * no row in any lead table in any scope, and every other lead has all of its rows.
 */
import assert from 'node:assert/strict';

import { ALL_SCOPES, createStore, type HandoffStore, type LedgerActivityInput, type ScoreSnapshotInput, type StoreConfig } from '../../nodes/store';
import type { Driver } from '../../nodes/store/dialect';
import { leadTables } from '../../nodes/store/migrations';
import { PostgresDriver } from '../../nodes/store/postgres';
import { SqliteDriver } from '../../nodes/store/sqlite';
import { foldOutcome } from '../../nodes/shared/outcomeFold';
import { BACKENDS, describeOn } from './backends';
import { poll as slaPoll, start as slaStart } from './sla-support';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

const activity = (key: string, minutes: number): LedgerActivityInput => ({ key, type: 'page_view', at: T0 + minutes * MINUTE, data: { url: `/${key}` } });
const snapshot = (snapshotKey: string, total: number): ScoreSnapshotInput => ({ snapshotKey, modelId: 'm1', asOf: T0 + 10 * MINUTE, total, fit: total / 2, engagement: total / 2, negative: 0, velocity: null, grade: 'B2', score: { total } });

/** A lead with rows in every lead table of `scope`, written as the nodes write them. */
async function fill(store: HandoffStore, scope: string, lead: string): Promise<void> {
	await store.recordActivities(scope, lead, [activity('e1', 1), activity('e2', 2)]);
	await store.saveScore(scope, lead, snapshot('s1', 80), [{ name: 'SQL', at: T0 }]);
	await store.claimOnce(scope, `welcome-${lead}`, T0, { leadKey: lead });
	await store.decideHandoff({ scope, leadKey: lead, eventKey: 'e1', at: T0 - DAY }, () => ({ handoff: true, details: {} }));
	await store.releaseHandoff({ scope, leadKey: lead, at: T0 - DAY, reason: 'Handed off by mistake' });
	await store.decideHandoff({ scope, leadKey: lead, eventKey: 'e2', at: T0 }, () => ({ handoff: true, details: {} }));
	await store.assignLead({ scope, leadKey: lead, eventKey: 'e2', at: T0, reps: [] }, () => ({ queue: 'Inbox', details: {} }));
	await slaStart(store, { scope, handoffKey: `e2-${lead}`, leadKey: lead, startedAt: T0 });
	await slaPoll(store, T0 + 45 * MINUTE, scope);
	const accepted = { id: `plain:${lead}`, at: T0 + 60 * MINUTE, source: 'plain', code: 'accepted', stage: 'accepted' };
	await store.recordOutcomeEvent({ scope, leadKey: lead, receivedAt: T0 + 60 * MINUTE, event: { source: 'plain', eventId: accepted.id, occurredAt: accepted.at, event: accepted } }, foldOutcome);
}

const driverFor = (config: StoreConfig): Promise<Driver> => (config.kind === 'embedded' ? Promise.resolve(new SqliteDriver(config.folder!)) : PostgresDriver.connect(config));

/** The lead's rows per lead table, in every scope. */
async function rowsOf(driver: Driver, lead: string): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const { table, column } of leadTables()) counts[table] = Number((await driver.all<{ n: number }>(`SELECT count(*) AS n FROM lh.${table} WHERE ${column} = $1`, [lead]))[0].n);
	return counts;
}

for (const make of BACKENDS) {
	const backend = make();
	describeOn(backend)(`erasure while other executions write (${backend.name})`, () => {
		afterAll(() => backend.cleanup());

		it('the erased lead leaves no row in any lead table; the leads written meanwhile and before keep all theirs', async () => {
			const config = await backend.fresh();
			const eraser = await createStore(config);
			const writer = await createStore(config);
			const inspector = await driverFor(config);
			try {
				const victim = 'dana.scully@globex.com';
				const before = ['ann@initech.com', 'ben@initech.com'];
				for (const scope of ['client-a', 'client-b']) await fill(writer, scope, victim);
				for (const lead of before) await fill(writer, 'client-a', lead);
				const full = await rowsOf(inspector, before[0]);
				for (const [table, n] of Object.entries(await rowsOf(inspector, victim))) assert.ok(n > 0, `${table} holds the lead to erase`);

				// Two erasures (the same request delivered twice) racing 8 executions that write other leads.
				const during = Array.from({ length: 8 }, (_, i) => `lead${i}@hooli.com`);
				const [erased, again] = await Promise.all([
					eraser.eraseLead(ALL_SCOPES, victim),
					eraser.eraseLead(ALL_SCOPES, victim),
					...during.map((lead, i) => fill(writer, i % 2 ? 'client-a' : 'client-b', lead)),
				]);
				const deleted = Object.values((erased as { deleted: Record<string, number> }).deleted).reduce((a, b) => a + b, 0) + Object.values((again as { deleted: Record<string, number> }).deleted).reduce((a, b) => a + b, 0);
				assert.ok(deleted > 0);

				const none = Object.fromEntries(leadTables().map((t) => [t.table, 0]));
				assert.deepEqual(await rowsOf(inspector, victim), none, 'no row of the erased lead in any lead table');
				for (const lead of [...before, ...during]) assert.deepEqual(await rowsOf(inspector, lead), full, `${lead} keeps every row`);
				assert.equal((await writer.listActivities('client-a', before[1])).length, 2);
				const state = await writer.handoffState('client-b', during[0]);
				assert.ok(state, 'a lead written during the erasure has its hand-off');
				assert.equal(state.handoffCount, (await writer.handoffState('client-a', before[0]))?.handoffCount);
			} finally {
				await inspector.close();
				await eraser.close();
				await writer.close();
			}
		});
	});
}
