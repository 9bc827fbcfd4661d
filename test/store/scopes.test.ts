/**
 * Store scopes, on both real backends: agencies run several clients on one n8n and one store, and
 * each client's leads are theirs alone. The same lead key in two scopes is two leads: their
 * activities, scores, threshold crossings, hand-offs, owners and erasure never mix. Stores made
 * before scopes separated the ledger are migrated in place, every row kept, in the default scope.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ALL_SCOPES, createStore, DEFAULT_SCOPE, type HandoffStore, type LedgerActivityInput, type ScoreSnapshotInput, type StoreConfig } from '../../nodes/store';
import type { Driver } from '../../nodes/store/dialect';
import { leadTables, migrate, MIGRATIONS } from '../../nodes/store/migrations';
import { PostgresDriver } from '../../nodes/store/postgres';
import { SqliteDriver } from '../../nodes/store/sqlite';
import { BACKENDS, describeOn } from './backends';
import { poll as slaPoll, start as slaStart } from './sla-support';
import { foldOutcome } from '../../nodes/shared/outcomeFold';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Migration 4 gave the ledger tables their scope. */
const BEFORE_SCOPES = MIGRATIONS.filter((m) => m.version <= 3);
const WITH_SCOPES = MIGRATIONS.filter((m) => m.version <= 4);
const REBUILT = ['activities', 'score_snapshots', 'threshold_crossings'];

const activity = (key: string, minutes: number, type = 'page_view'): LedgerActivityInput => ({ key, type, at: T0 + minutes * MINUTE, data: { url: `/${key}` } });

function snapshot(snapshotKey: string, asOfMinutes: number, total: number): ScoreSnapshotInput {
	return { snapshotKey, modelId: 'm1', asOf: T0 + asOfMinutes * MINUTE, total, fit: total / 2, engagement: total / 2, negative: 0, velocity: null, grade: 'B2', score: { total } };
}

function driverFor(config: StoreConfig): Promise<Driver> {
	return config.kind === 'embedded' ? Promise.resolve(new SqliteDriver(config.folder!)) : PostgresDriver.connect(config);
}

/** Every store table and its rows (all columns), read in one order so two reads compare. */
async function dump(driver: Driver): Promise<Record<string, Array<Record<string, unknown>>>> {
	const tables =
		driver.dialect.kind === 'embedded'
			? (await driver.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)).map((r) => r.name)
			: (await driver.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`)).map((r) => r.name);
	const out: Record<string, Array<Record<string, unknown>>> = {};
	for (const table of tables.filter((t) => t !== 'schema_migrations')) {
		const rows = await driver.all<Record<string, unknown>>(`SELECT * FROM lh.${table}`);
		out[table] = rows.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
	}
	return out;
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	async function fresh(): Promise<{ store: HandoffStore; config: StoreConfig }> {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return { store, config };
	}

	describeOn(backend)(`store scopes on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		it('a store made before scopes keeps every row when migrated, all of it in the default scope', async () => {
			const config = await backend.fresh();
			const old = await driverFor(config);
			let before: Awaited<ReturnType<typeof dump>>;
			try {
				await migrate(old, BEFORE_SCOPES);
				// What a store of the previous version holds, written as that version wrote it.
				const run = (sql: string, params: unknown[]) => old.run(sql, params);
				for (const [lead, key, minutes] of [['ann@acme.io', 'e1', 1], ['ann@acme.io', 'e2', 2], ['bo@acme.io', 'e1', 3]] as const) {
					await run('INSERT INTO lh.activities (lead_key, activity_key, type, occurred_at, data, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)', [lead, key, 'page_view', T0 + minutes * MINUTE, JSON.stringify({ url: `/${key}`, utm: { source: 'ads' } }), T0]);
				}
				await run('INSERT INTO lh.score_snapshots (lead_key, snapshot_key, model_id, as_of, total, fit, engagement, negative, velocity, grade, score, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', ['ann@acme.io', 's1', 'm1', T0, 72.5, 40, 32.5, 0, 1.5, 'A2', JSON.stringify({ total: 72.5 }), T0]);
				await run('INSERT INTO lh.threshold_crossings (lead_key, threshold, first_crossed_at) VALUES ($1, $2, $3)', ['ann@acme.io', 'SQL', T0]);
				await run('INSERT INTO lh.claims (scope, claim_key, lead_key, claimed_at) VALUES ($1, $2, $3, $4)', ['default', 'welcome-mail', 'ann@acme.io', T0]);
				await run('INSERT INTO lh.handoff_leads (scope, lead_key, last_handoff_at, last_event_key, handoff_count, recycled_at) VALUES ($1, $2, $3, $4, $5, $6)', ['client-b', 'ann@acme.io', T0, 'ev1', 1, null]);
				await run('INSERT INTO lh.handoffs (scope, lead_key, event_key, handed_off_at, details) VALUES ($1, $2, $3, $4, $5)', ['client-b', 'ann@acme.io', 'ev1', T0, JSON.stringify({ reasons: ['SQL'] })]);
				await run('INSERT INTO lh.assignments (scope, lead_key, event_key, team, rep_id, queue, assigned_at, closed_at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', ['client-b', 'ann@acme.io', 'ev1', 'emea', 'rep-1', null, T0, null, '{}']);
				await run('INSERT INTO lh.rr_cursors (scope, team, counter) VALUES ($1, $2, $3)', ['client-b', 'emea', 7]);
				await run('INSERT INTO lh.rep_loads (scope, rep_id, assigned_total, last_assigned_at) VALUES ($1, $2, $3, $4)', ['client-b', 'rep-1', 3, T0]);
				await run('INSERT INTO lh.company_data (provider, domain, status, data, fetched_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', ['p1', 'acme.io', 'found', JSON.stringify({ employees: 40 }), T0, T0 + DAY]);
				before = await dump(old);
			} finally {
				await old.close();
			}

			// Migration 4 alone: later ones may add tables and columns of their own.
			const migrated = await driverFor(config);
			let after: Awaited<ReturnType<typeof dump>>;
			try {
				assert.deepEqual((await migrate(migrated, WITH_SCOPES)).applied, [4]);
				after = await dump(migrated);
			} finally {
				await migrated.close();
			}
			// Every table, every row, every value: the ledger tables gained the default scope, nothing else changed.
			assert.deepEqual(Object.keys(after), Object.keys(before));
			for (const table of Object.keys(before)) {
				const expected = REBUILT.includes(table) ? before[table].map((row) => ({ ...row, scope: DEFAULT_SCOPE })) : before[table];
				assert.deepEqual(
					after[table].map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))).sort(),
					expected.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))).sort(),
					`table ${table}`,
				);
			}
			// And the store, brought to the latest version, reads them as the default scope's leads, with their keys still unique.
			const store = await createStore(config);
			opened.push(store);
			assert.deepEqual((await store.listActivities(DEFAULT_SCOPE, 'ann@acme.io')).map((a) => [a.key, a.data]), [['e1', { url: '/e1', utm: { source: 'ads' } }], ['e2', { url: '/e2', utm: { source: 'ads' } }]]);
			assert.deepEqual(await store.listActivities('client-b', 'ann@acme.io'), []);
			assert.equal((await store.latestScore(DEFAULT_SCOPE, 'ann@acme.io'))?.total, 72.5);
			assert.deepEqual((await store.saveScore(DEFAULT_SCOPE, 'ann@acme.io', snapshot('s1', 0, 72.5), [])).saved, false, 'the snapshot key is still taken');
			assert.deepEqual((await store.saveScore(DEFAULT_SCOPE, 'ann@acme.io', snapshot('s2', 5, 80), [{ name: 'SQL', at: T0 + DAY }])).firstCrossed, { SQL: T0 });
			assert.deepEqual(await store.recordActivities(DEFAULT_SCOPE, 'ann@acme.io', [activity('e2', 2), activity('e3', 3)]), { inserted: 1, duplicates: 1 });
			assert.equal(await store.claimOnce(DEFAULT_SCOPE, 'welcome-mail', T0), false);
			assert.equal((await store.handoffState('client-b', 'ann@acme.io'))?.lastEventKey, 'ev1');
		});

		it('the same lead key in two scopes is two leads: ledger, scores, crossings, hand-offs, owners', async () => {
			const { store } = await fresh();
			const lead = 'dana@globex.com';
			// One event id, delivered to two clients' pipelines: each records it.
			assert.deepEqual(await store.recordActivities('client-a', lead, [activity('evt-1', 1, 'demo_request'), activity('evt-2', 2)]), { inserted: 2, duplicates: 0 });
			assert.deepEqual(await store.recordActivities('client-b', lead, [activity('evt-1', 5, 'email_open')]), { inserted: 1, duplicates: 0 });
			assert.deepEqual((await store.listActivities('client-a', lead)).map((a) => [a.scope, a.key, a.type]), [['client-a', 'evt-1', 'demo_request'], ['client-a', 'evt-2', 'page_view']]);
			assert.deepEqual((await store.listActivities('client-b', lead)).map((a) => [a.scope, a.key, a.type]), [['client-b', 'evt-1', 'email_open']]);
			assert.deepEqual(await store.listActivities(DEFAULT_SCOPE, lead), []);

			// Scores and first crossings: one snapshot key and one threshold, per scope.
			assert.deepEqual(await store.saveScore('client-a', lead, snapshot('s1', 10, 85), [{ name: 'SQL', at: T0 + 10 * MINUTE }]), { firstCrossed: { SQL: T0 + 10 * MINUTE }, saved: true });
			assert.deepEqual(await store.saveScore('client-b', lead, snapshot('s1', 20, 30), []), { firstCrossed: {}, saved: true });
			assert.deepEqual((await store.saveScore('client-b', lead, snapshot('s2', 30, 75), [{ name: 'SQL', at: T0 + 30 * MINUTE }])).firstCrossed, { SQL: T0 + 30 * MINUTE });
			assert.deepEqual([(await store.latestScore('client-a', lead))?.total, (await store.latestScore('client-b', lead))?.total], [85, 75]);
			assert.equal((await store.latestScore('client-a', lead))?.scope, 'client-a');

			// Hand-offs: the same event hands the lead off once in each scope.
			const handOff = (scope: string) => store.decideHandoff({ scope, leadKey: lead, eventKey: 'evt-1', at: T0 }, () => ({ handoff: true, details: { scope } }));
			assert.deepEqual([(await handOff('client-a')).status, (await handOff('client-b')).status, (await handOff('client-a')).status], ['handedOff', 'handedOff', 'duplicate']);
			// Owners: each client's round-robin turn and rep load.
			const assign = (scope: string, repId: string) =>
				store.assignLead({ scope, leadKey: lead, eventKey: 'evt-1', at: T0, team: 'sales', reps: [{ id: repId, dayStart: T0 - DAY, weekStart: T0 - DAY }] }, ({ counter, loads }) => ({ repId, nextCounter: counter + 1, details: { counter, open: loads[repId].open } }));
			const a = await assign('client-a', 'rep-1');
			const b = await assign('client-b', 'rep-1');
			assert.deepEqual([a.status, a.record.details, b.status, b.record.details], ['assigned', { counter: 0, open: 0 }, 'assigned', { counter: 0, open: 0 }]);
			assert.equal((await store.recycleLead('client-a', lead, T0 + DAY)).closedAssignments, 1);
			assert.equal((await store.handoffState('client-b', lead))?.recycledAt, undefined, "recycling in one client's scope leaves the other's lead alone");
		});

		it("erasing a lead in one scope leaves the other scope's lead whole, in every lead table; erasing in all scopes leaves nothing", async () => {
			const { store, config } = await fresh();
			const lead = 'sam@initech.com';
			const scopes = ['client-a', 'client-b', 'client-c'];
			for (const scope of scopes) {
				await store.recordActivities(scope, lead, [activity('e1', 1), activity('e2', 2)]);
				await store.saveScore(scope, lead, snapshot('s1', 10, 80), [{ name: 'SQL', at: T0 }]);
				await store.claimOnce(scope, `welcome-${lead}`, T0, { leadKey: lead });
				// A hand-off released (and kept as such), then the one that stands.
				await store.decideHandoff({ scope, leadKey: lead, eventKey: 'e1', at: T0 - DAY }, () => ({ handoff: true, details: {} }));
				assert.equal((await store.releaseHandoff({ scope, leadKey: lead, at: T0 - DAY, reason: 'Handed off by mistake' })).status, 'released');
				await store.decideHandoff({ scope, leadKey: lead, eventKey: 'e2', at: T0 }, () => ({ handoff: true, details: {} }));
				await store.assignLead({ scope, leadKey: lead, eventKey: 'e2', at: T0, reps: [] }, () => ({ queue: 'Inbox', details: {} }));
				// An SLA timer with its reminder fired (the lock rows of the hand-off and of the lead come with it).
				await slaStart(store, { scope, handoffKey: 'e2', leadKey: lead, startedAt: T0 });
				assert.equal((await slaPoll(store, T0 + 45 * MINUTE, scope)).fired.length, 1);
				// Sales' outcome of the hand-off, from the CRM.
				const accepted = { id: 'plain:o1', at: T0 + 60 * MINUTE, source: 'plain', code: 'accepted', stage: 'accepted' };
				await store.recordOutcomeEvent({ scope, leadKey: lead, receivedAt: T0 + 60 * MINUTE, event: { source: 'plain', eventId: accepted.id, occurredAt: accepted.at, event: accepted } }, foldOutcome);
			}
			// The lead's rows per table in each scope, read from the tables themselves: every lead table, however many there are.
			const inspector = await driverFor(config);
			const rows = async (scope: string) =>
				Object.fromEntries(
					await Promise.all(
						leadTables().map(async ({ table, column }) => [table, Number((await inspector.all<{ n: number }>(`SELECT count(*) AS n FROM lh.${table} WHERE ${column} = $1 AND scope = $2`, [lead, scope]))[0].n)] as const),
					),
				) as Record<string, number>;
			const sum = (...counts: Array<Record<string, number>>) => Object.fromEntries(Object.keys(counts[0]).map((t) => [t, counts.reduce((n, c) => n + c[t], 0)]));
			const none = Object.fromEntries(leadTables().map((t) => [t.table, 0]));
			try {
				const [a, b, c] = await Promise.all(scopes.map(rows));
				for (const table of leadTables().map((t) => t.table)) assert.ok(a[table] > 0, `${table} holds the lead`);

				assert.deepEqual(await store.eraseLead('client-a', lead), { deleted: a });
				assert.deepEqual([await rows('client-a'), await rows('client-b'), await rows('client-c')], [none, b, c], 'the other scopes keep every row');
				assert.deepEqual((await store.listActivities('client-b', lead)).length, 2);
				assert.equal((await store.latestScore('client-b', lead))?.snapshotKey, 's1');
				assert.equal(await store.claimOnce('client-a', `welcome-${lead}`, T0), true, "the erased scope's claim is gone");
				assert.equal(await store.claimOnce('client-b', `welcome-${lead}`, T0), false, "the other scope's claim stays");
				await store.eraseLead('client-a', `welcome-${lead}`);

				assert.deepEqual(await store.eraseLead(ALL_SCOPES, lead), { deleted: sum(b, c, await rows('client-a')) });
				for (const scope of scopes) assert.deepEqual(await rows(scope), none);
			} finally {
				await inspector.close();
			}
			await assert.rejects(store.eraseLead('', lead), /Scope must be a non-empty string/);
		});

		it('whatever is written to two scopes, each reads back exactly its own, and erasing one keeps the other', async () => {
			const { store } = await fresh();
			let run = 0;
			const batch = fc.uniqueArray(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'), { maxLength: 5 });
			await fc.assert(
				fc.asyncProperty(batch, batch, fc.boolean(), async (keysA, keysB, eraseA) => {
					const lead = `lead-${++run}`;
					await store.recordActivities('a', lead, keysA.map((k, i) => activity(k, i, 'page_view')));
					await store.recordActivities('b', lead, keysB.map((k, i) => activity(k, 10 + i, 'email_open')));
					const read = async (scope: string) => (await store.listActivities(scope, lead)).map((x) => x.key).sort();
					assert.deepEqual(await read('a'), [...keysA].sort());
					assert.deepEqual(await read('b'), [...keysB].sort());
					await store.eraseLead(eraseA ? 'a' : 'b', lead);
					assert.deepEqual(await read(eraseA ? 'a' : 'b'), []);
					assert.deepEqual(await read(eraseA ? 'b' : 'a'), [...(eraseA ? keysB : keysA)].sort());
				}),
				{ numRuns: 25 },
			);
		});
	});
}
