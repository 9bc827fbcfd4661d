/**
 * Owner assignment throughput: leads assigned per second through the Tier Router's assignment
 * path (team lock, rep loads, round-robin turn, all committed together), on the embedded store
 * and on PostgreSQL side by side, one execution at a time and from 4 concurrent stores (4 n8n
 * processes). Teams of 4 and 12 reps with daily capacities, after 5,000 earlier assignments spread
 * over 90 days (none closed), so the load counts read real history. The engine alone (no store)
 * is the ceiling.
 *
 *   npm run bench     (or: node --import tsx test/bench/assign.ts [leads])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

import { compileRouter, type RoutingProtocol } from '../../nodes/engine/routing';
import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { assignOwner, planAssignments } from '../../nodes/TierRouter/assignOwner';

const LEADS = Number(process.argv[2] ?? 1_000);
const HISTORY = 5_000;
const T0 = Date.parse('2026-03-16T10:00:00Z');

function protocol(reps: number): RoutingProtocol {
	const roster = Array.from({ length: reps }, (_, i) => ({ id: `rep-${i + 1}`, capacity: { perDay: 1_000_000 } }));
	return { assignment: { roster, teams: [{ id: 'sales', members: roster.map((r) => r.id), outsideHours: 'allow' }] } };
}

async function assign(stores: HandoffStore[], routing: RoutingProtocol, scope: string, count: number, offset: number, spacingMs: number, start: number): Promise<number> {
	const plan = planAssignments(compileRouter(routing, { zone: 'UTC' }), routing);
	const started = performance.now();
	await Promise.all(
		stores.map(async (store, w) => {
			for (let i = w; i < count; i += stores.length) {
				const leadKey = `lead-${offset + i}@example.com`;
				await assignOwner(store, plan, { email: leadKey }, { scope, leadKey, eventKey: 'e1' }, start + i * spacingMs);
			}
		}),
	);
	return count / ((performance.now() - started) / 1000);
}

async function measure(config: StoreConfig, reps: number, writers: number): Promise<number> {
	const stores = await Promise.all(Array.from({ length: writers }, () => createStore(config)));
	try {
		const routing = protocol(reps);
		const scope = `bench-${reps}-${writers}`;
		const spacing = Math.floor((90 * 86_400_000) / HISTORY);
		await assign(stores, routing, scope, HISTORY, 0, spacing, T0 - HISTORY * spacing);
		return await assign(stores, routing, scope, LEADS, HISTORY, 1, T0);
	} finally {
		await Promise.all(stores.map((s) => s.close()));
	}
}

function engineOnly(reps: number): number {
	const routing = protocol(reps);
	const router = compileRouter(routing, { zone: 'UTC' });
	const started = performance.now();
	for (let i = 0; i < LEADS * 20; i++) router.assign({ email: `l${i}@x.io` }, T0 + i, { counters: { sales: i }, loads: {} });
	return (LEADS * 20) / ((performance.now() - started) / 1000);
}

async function postgres(): Promise<{ config: StoreConfig; drop: () => Promise<void> } | undefined> {
	for (const user of ['postgres', 'root']) {
		const client = new Client({ host: '127.0.0.1', port: 5432, database: 'test', user, connectionTimeoutMillis: 3000 });
		try {
			await client.connect();
			const schema = `lh_bench_assign_${process.pid}`;
			return {
				config: { kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user, password: '', ssl: 'disable', schema },
				drop: async () => {
					await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
					await client.end();
				},
			};
		} catch {
			await client.end().catch(() => undefined);
		}
	}
	return undefined;
}

async function main(): Promise<void> {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-bench-assign-'));
	const pg = await postgres();
	const fmt = (n: number | undefined) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US')).padStart(12);
	console.log(`Assigning ${LEADS.toLocaleString('en-US')} leads after ${HISTORY.toLocaleString('en-US')} earlier ones over 90 days, Node ${process.version}, ${os.cpus().length} cores`);
	console.log(`${'leads/s'.padEnd(28)}${'embedded'.padStart(12)}${'postgres'.padStart(12)}${'engine only'.padStart(14)}`);
	try {
		for (const [reps, writers] of [
			[4, 1],
			[4, 4],
			[12, 1],
		] as const) {
			const embedded = await measure({ kind: 'embedded', folder: path.join(folder, `${reps}-${writers}`) }, reps, writers);
			const onPg = pg ? await measure(pg.config, reps, writers) : undefined;
			console.log(`${`${reps} reps, ${writers} writer${writers > 1 ? 's' : ''}`.padEnd(28)}${fmt(embedded)}${fmt(onPg)}${fmt(engineOnly(reps)).padStart(14)}`);
		}
	} finally {
		await pg?.drop();
		rmSync(folder, { recursive: true, force: true });
	}
}

void main();
