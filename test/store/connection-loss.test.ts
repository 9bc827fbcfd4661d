/**
 * A PostgreSQL connection lost at any moment (a restart, a failover): the n8n process never
 * crashes, and every store call either completes or fails with a connection error that says to
 * try again. A call that failed did all or nothing: once the database is back, calling again
 * leaves each lead assigned exactly once and each delivery confirmed once. A fast-check property
 * over when the connection drops, while assignments (transactions) and confirmations (single
 * statements) run side by side. The database is the real PostgreSQL behind a relay the test cuts.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import fc from 'fast-check';

import { createStore, StoreError, type AssignmentInput, type HandoffStore } from '../../nodes/store';
import { PgRelay } from '../helpers/pg-relay';
import { describeWithPostgres } from '../setup/env';
import { postgresConfig, postgresUser, withPg } from './backends';

const SCHEMA = `lh_connloss_${process.pid}`;
const T0 = Date.parse('2026-06-01T09:00:00Z');
const relay = new PgRelay();
let store: HandoffStore;

const input = (leadKey: string): AssignmentInput => ({ scope: 'default', leadKey, eventKey: 'evt-1', at: T0, team: 'emea', reps: [{ id: '101', dayStart: T0, weekStart: T0 }] });
const to101 = () => ({ repId: '101', team: 'emea', nextCounter: 1, details: { owner: { ownerId: '101' } } });

/** What a call came to: done, or the connection error it failed with (anything else fails the test). */
async function settle<T>(call: Promise<T>): Promise<{ done: T } | { lost: StoreError }> {
	try {
		return { done: await call };
	} catch (error) {
		assert.ok(error instanceof StoreError && error.code === 'connection', `a lost connection fails with a connection error, not: ${String(error)}`);
		return { lost: error };
	}
}

describeWithPostgres('a lost PostgreSQL connection', () => {
	beforeAll(async () => {
		await relay.up();
		store = await createStore({ ...postgresConfig(postgresUser()!, SCHEMA), host: '127.0.0.1', port: relay.port });
	});
	afterAll(async () => {
		await store?.close();
		await relay.down();
		await withPg(postgresUser()!, (c) => c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`));
	});

	let run = 0;
	it('at any moment: no crash, each call done or failed with a connection error, and calling again gives one assignment and one confirmation per lead', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 300 }), async (cutAfterMs, leads, downMs) => {
				const keys = Array.from({ length: leads }, (_, i) => `lead-${++run}-${i}@initech.de`);
				// Half the leads are assigned before the cut; their confirmations run across it.
				const early = keys.slice(0, Math.ceil(leads / 2));
				for (const key of early) await store.assignLead(input(key), to101);
				const calls = [
					...keys.slice(early.length).map((key) => settle(store.assignLead(input(key), to101))),
					...early.map((key) => settle(store.confirmDelivery('default', key, 'evt-1', T0 + 1000))),
				];
				await sleep(cutAfterMs);
				await relay.down();
				await sleep(downMs);
				await relay.up();
				await Promise.all(calls);
				// Back: calling again completes, and nothing is there twice.
				for (const key of keys) {
					const again = await store.assignLead(input(key), to101);
					assert.ok(again.status === 'assigned' || again.status === 'duplicate', again.status);
					await store.confirmDelivery('default', key, 'evt-1', T0 + 2000);
				}
				const rows = await withPg(postgresUser()!, (c) =>
					c.query<{ lead_key: string; n: number; delivered: number }>(`SELECT lead_key, COUNT(*)::int AS n, COUNT(delivered_at)::int AS delivered FROM ${SCHEMA}.assignments WHERE lead_key = ANY($1) GROUP BY lead_key`, [keys]),
				);
				assert.deepEqual(
					rows.rows.map((r) => [r.lead_key, r.n, r.delivered]).sort(),
					keys.map((k) => [k, 1, 1]).sort(),
				);
			}),
			{ numRuns: 25 },
		);
	}, 120_000);

	it('a pooled connection the server has just closed is not what an assignment fails on: it runs on a fresh one', async () => {
		// Several idle connections in the pool, all through the relay.
		const warm = Array.from({ length: 4 }, (_, i) => `warm-${i}@initech.de`);
		await Promise.all(warm.map((key) => store.assignLead(input(key), to101)));
		for (let round = 0; round < 5; round++) {
			const key = `fresh-${round}@initech.de`;
			// Closed and used in the same tick: the pool cannot have seen the close yet.
			relay.dropConnections();
			const result = await store.assignLead(input(key), to101);
			assert.equal(result.status, 'assigned');
		}
	});
});
