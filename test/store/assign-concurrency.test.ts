/**
 * Round-robin across concurrent executions on PostgreSQL: 8 store instances (separate pools, as
 * separate n8n workers have) assign 1,000 leads through the Tier Router's assignment path. Each
 * turn is handed out once, so the split is exact: no lead twice, equal weights within 1, 3:1
 * weights 750/250.
 */
import assert from 'node:assert/strict';

import { compileRouter, type RoutingProtocol } from '../../nodes/engine/routing';
import { createStore, type HandoffStore } from '../../nodes/store';
import { assignOwner, planAssignments } from '../../nodes/TierRouter/assignOwner';
import { postgresConfig, postgresUser, withPg } from './backends';
import { describeWithPostgres } from '../setup/env';

const NOW = Date.parse('2026-03-16T10:00:00Z');
const WORKERS = 8;
const LEADS = 1_000;

function protocol(weights: number[], strategy: 'roundRobin' | 'weightedRoundRobin'): RoutingProtocol {
	const roster = weights.map((weight, i) => ({ id: `rep-${i + 1}`, weight }));
	return { assignment: { roster, teams: [{ id: 'sales', members: roster.map((r) => r.id), strategy, outsideHours: 'allow' }] } };
}

/** Deals the leads out to the workers; each assigns its share one lead (one execution) at a time. */
async function assignAll(stores: HandoffStore[], scope: string, routing: RoutingProtocol): Promise<Map<string, string>> {
	const plan = planAssignments(compileRouter(routing, { zone: 'UTC' }), routing);
	const owners = new Map<string, string>();
	await Promise.all(
		stores.map(async (store, w) => {
			for (let i = w; i < LEADS; i += stores.length) {
				const leadKey = `lead-${i}@example.com`;
				const { owner, duplicate } = await assignOwner(store, plan, { email: leadKey }, { scope, leadKey, eventKey: 'e1' }, NOW + i);
				assert.equal(duplicate, false);
				assert.ok(!owners.has(leadKey), `${leadKey} assigned twice`);
				owners.set(leadKey, owner.ownerId!);
			}
		}),
	);
	return owners;
}

const counts = (owners: Map<string, string>) => [...owners.values()].reduce<Record<string, number>>((acc, id) => ({ ...acc, [id]: (acc[id] ?? 0) + 1 }), {});

describeWithPostgres('round-robin across 8 concurrent executions on PostgreSQL', () => {
	let user: string | undefined;
	const schema = `lh_assign_${process.pid}`;
	const stores: HandoffStore[] = [];
	afterAll(async () => {
		await Promise.all(stores.map((s) => s.close()));
		if (user) await withPg(user, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
	});

	async function open(): Promise<void> {
		user = postgresUser()!;
		if (stores.length === 0) {
			const config = { ...postgresConfig(user, schema), maxConnections: 2 };
			stores.push(...(await Promise.all(Array.from({ length: WORKERS }, () => createStore(config)))));
		}
	}

	async function rowsIn(scope: string): Promise<{ assignments: number; distinctLeads: number; counter: number }> {
		return withPg(user!, async (c) => {
			const a = (await c.query(`SELECT count(*)::int AS n, count(DISTINCT lead_key)::int AS d FROM "${schema}".assignments WHERE scope = $1`, [scope])).rows[0];
			const r = (await c.query(`SELECT counter::int AS n FROM "${schema}".rr_cursors WHERE scope = $1 AND team = 'sales'`, [scope])).rows[0];
			return { assignments: a.n, distinctLeads: a.d, counter: r.n };
		});
	}

	it('1,000 leads to 4 reps with equal weights: each within 1 of the others, no lead assigned twice', async () => {
		await open();
		const started = Date.now();
		const owners = await assignAll(stores, 'equal', protocol([1, 1, 1, 1], 'roundRobin'));
		const split = counts(owners);
		console.log(`# equal weights: ${JSON.stringify(split)} in ${Date.now() - started} ms`);
		assert.equal(owners.size, LEADS);
		const values = Object.values(split);
		assert.equal(values.length, 4);
		assert.ok(Math.max(...values) - Math.min(...values) <= 1, JSON.stringify(split));
		assert.deepEqual(await rowsIn('equal'), { assignments: LEADS, distinctLeads: LEADS, counter: LEADS });
	});

	it('1,000 leads to 2 reps weighted 3:1: 750/250 within 1', async () => {
		await open();
		const started = Date.now();
		const owners = await assignAll(stores, 'weighted', protocol([3, 1], 'weightedRoundRobin'));
		const split = counts(owners);
		console.log(`# weights 3:1: ${JSON.stringify(split)} in ${Date.now() - started} ms`);
		assert.ok(Math.abs(split['rep-1'] - 750) <= 1 && Math.abs(split['rep-2'] - 250) <= 1, JSON.stringify(split));
		assert.deepEqual(await rowsIn('weighted'), { assignments: LEADS, distinctLeads: LEADS, counter: LEADS });
	});

	it('the same events delivered again, concurrently, change nothing and get their first owners', async () => {
		await open();
		const routing = protocol([1, 1, 1, 1], 'roundRobin');
		const plan = planAssignments(compileRouter(routing, { zone: 'UTC' }), routing);
		const first = await assignAll(stores.slice(0, 1), 'redelivered', routing);
		const again = await Promise.all(
			[...first.keys()].slice(0, 200).map((leadKey, i) => assignOwner(stores[i % WORKERS], plan, { email: leadKey }, { scope: 'redelivered', leadKey, eventKey: 'e1' }, NOW + 5_000)),
		);
		assert.ok(again.every((a, i) => a.duplicate && a.owner.ownerId === first.get([...first.keys()][i])));
		assert.equal((await rowsIn('redelivered')).counter, LEADS, 'no turn was used by a redelivery');
	});
});
