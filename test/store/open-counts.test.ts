/**
 * A rep's open hand-offs are counted on the rep's load row, so an assignment reads a rep's load in
 * one row. The count must stay the number of the rep's open assignments whatever happens to them:
 * assignments, new hand-offs of a lead, closes, recycles, SLA contacts and reassignments, releases
 * and erasures, in any order (fast-check), on both backends.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import fc from 'fast-check';

import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { migrate, MIGRATIONS } from '../../nodes/store/migrations';
import { PostgresDriver } from '../../nodes/store/postgres';
import { SqliteDriver, STORE_FILE } from '../../nodes/store/sqlite';
import { BACKENDS, describeOn, withPg } from './backends';
import { contact, reassign, SCOPE, start } from './sla-support';

const T0 = Date.parse('2026-03-10T09:00:00Z');
const REPS = ['r1', 'r2', 'r3'];
const LEADS = ['a@x.io', 'b@x.io', 'c@x.io'];

type Op =
	| { kind: 'assign'; lead: number; rep: number }
	| { kind: 'close' | 'recycle' | 'contact' | 'release' | 'erase'; lead: number }
	| { kind: 'reassign'; lead: number; rep: number };

const op: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('assign' as const), lead: fc.nat(LEADS.length - 1), rep: fc.nat(REPS.length - 1) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('reassign' as const), lead: fc.nat(LEADS.length - 1), rep: fc.nat(REPS.length - 1) }) },
	fc.record({ kind: fc.constantFrom('close' as const, 'recycle' as const, 'contact' as const, 'release' as const, 'erase' as const), lead: fc.nat(LEADS.length - 1) }),
);

/** Per rep: the count on the load row, and the open assignments actually there. */
async function counts(config: StoreConfig): Promise<{ kept: Record<string, number>; actual: Record<string, number> }> {
	const keptSql = `SELECT rep_id, open_count AS n FROM %s.rep_loads WHERE scope = '${SCOPE}' AND open_count <> 0`;
	const actualSql = `SELECT rep_id, COUNT(*) AS n FROM %s.assignments WHERE scope = '${SCOPE}' AND closed_at IS NULL AND rep_id IS NOT NULL GROUP BY rep_id`;
	const toMap = (rows: Array<{ rep_id: string; n: number | string }>) => Object.fromEntries(rows.map((r) => [r.rep_id, Number(r.n)]).sort());
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE), { readOnly: true });
		try {
			const all = (sql: string) => db.prepare(sql.replace('%s.', '')).all() as Array<{ rep_id: string; n: number }>;
			return { kept: toMap(all(keptSql)), actual: toMap(all(actualSql)) };
		} finally {
			db.close();
		}
	}
	return withPg(config.user, async (client) => {
		const all = async (sql: string) => (await client.query(sql.replace('%s', `"${config.schema}"`))).rows as Array<{ rep_id: string; n: string }>;
		return { kept: toMap(await all(keptSql)), actual: toMap(await all(actualSql)) };
	});
}

async function apply(store: HandoffStore, step: Op, at: number, n: number): Promise<void> {
	const leadKey = LEADS[step.lead];
	const reps = REPS.map((id) => ({ id, dayStart: T0 - 86_400_000, weekStart: T0 - 7 * 86_400_000 }));
	switch (step.kind) {
		case 'assign': {
			// A hand-off of the lead, routed to the rep, with its SLA timer.
			const eventKey = `evt-${n}`;
			await store.decideHandoff({ scope: SCOPE, leadKey, eventKey, at }, () => ({ handoff: true, details: {} }));
			await store.assignLead({ scope: SCOPE, leadKey, eventKey, at, team: 'sales', reps }, () => ({ repId: REPS[step.rep], details: {} }));
			await start(store, { handoffKey: eventKey, leadKey, ownerId: REPS[step.rep], team: 'sales', startedAt: at });
			return;
		}
		case 'reassign': {
			const [timer] = await store.listSlaTimers(SCOPE, { leadKey });
			if (timer) await reassign(store, timer.handoffKey, at, REPS[step.rep]);
			return;
		}
		case 'close':
			await store.closeAssignments(SCOPE, leadKey, at);
			return;
		case 'recycle':
			await store.recycleLead(SCOPE, leadKey, at);
			return;
		case 'contact':
			await contact(store, { leadKey }, at);
			return;
		case 'release':
			await store.releaseHandoff({ scope: SCOPE, leadKey, at, reason: 'routed by mistake' });
			return;
		case 'erase':
			await store.eraseLead(SCOPE, leadKey);
			return;
	}
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	describeOn(backend)(`open hand-offs per rep on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		it('the count on each rep stays the number of their open assignments, whatever happens in what order', async () => {
			await fc.assert(
				fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
					const config = await backend.fresh();
					const store = await createStore(config);
					opened.push(store);
					let at = T0;
					for (const [n, step] of ops.entries()) {
						at += 7 * 60_000;
						await apply(store, step, at, n);
					}
					const { kept, actual } = await counts(config);
					assert.deepEqual(kept, actual);
				}),
				{ numRuns: 12 },
			);
		});

		it('a store from before the counts gets them from its open assignments when migrated', async () => {
			const config = await backend.fresh();
			const driver = config.kind === 'embedded' ? new SqliteDriver(config.folder!) : await PostgresDriver.connect(config);
			try {
				await migrate(driver, MIGRATIONS.filter((m) => m.version < 7));
				await driver.run(`INSERT INTO lh.rep_loads (scope, rep_id, assigned_total) VALUES ($1, 'r1', 3)`, [SCOPE]);
				for (const [lead, rep, closedAt] of [['a', 'r1', null], ['b', 'r1', null], ['c', 'r1', T0], ['d', 'r2', null], ['e', null, null]] as const) {
					await driver.run(`INSERT INTO lh.assignments (scope, lead_key, event_key, rep_id, queue, assigned_at, closed_at, details) VALUES ($1, $2, 'e1', $3, $4, $5, $6, '{}')`, [
						SCOPE,
						lead,
						rep,
						rep === null ? 'Inbox' : null,
						T0,
						closedAt,
					]);
				}
			} finally {
				await driver.close();
			}
			opened.push(await createStore(config));
			assert.deepEqual(await counts(config), { kept: { r1: 2, r2: 1 }, actual: { r1: 2, r2: 1 } });
		});

		it('an assignment reads the open count: least-open routing sees contacted hand-offs as worked', async () => {
			const config = await backend.fresh();
			const store = await createStore(config);
			opened.push(store);
			for (const n of LEADS.keys()) await apply(store, { kind: 'assign', lead: n, rep: 0 }, T0 + n * 60_000, n);
			await apply(store, { kind: 'contact', lead: 1 }, T0 + 10 * 60_000, 10);
			let open: Record<string, number> = {};
			const reps = REPS.map((id) => ({ id, dayStart: T0 - 86_400_000, weekStart: T0 - 7 * 86_400_000 }));
			await store.assignLead({ scope: SCOPE, leadKey: 'd@x.io', eventKey: 'probe', at: T0 + 11 * 60_000, team: 'sales', reps }, ({ loads }) => {
				open = Object.fromEntries(Object.entries(loads).map(([id, l]) => [id, l.open]));
				return { repId: 'r2', details: {} };
			});
			assert.deepEqual(open, { r1: 2, r2: 0, r3: 0 });
			assert.deepEqual((await counts(config)).kept, { r1: 2, r2: 1 });
		});
	});
}
