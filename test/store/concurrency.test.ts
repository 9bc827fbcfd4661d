/**
 * Concurrent writers lose nothing and double nothing: every activity of a webhook stream with
 * redeliveries is stored exactly once, however the deliveries are spread over n8n workers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { createStore, type HandoffStore } from '../../nodes/store';
import { MIGRATIONS } from '../../nodes/store/migrations';
import { postgresConfig, postgresUser, withPg } from './backends';
import { describeWithPostgres } from '../setup/env';
import { ingest, makeWorkload, splitStreams, type Workload } from './workload';

const ROOT = path.resolve(__dirname, '../..');

async function assertStoredExactlyOnce(store: HandoffStore, workload: Workload): Promise<void> {
	for (const [lead, keys] of workload.expected) {
		const stored = (await store.listActivities('default', lead)).map((a) => a.key);
		assert.equal(stored.length, keys.size, `lead ${lead}: ${stored.length} stored, ${keys.size} expected`);
		assert.deepEqual(new Set(stored), keys, `lead ${lead} holds other activities than were sent`);
	}
}

function sum(results: Array<{ inserted: number; duplicates: number }>) {
	return results.reduce((a, r) => ({ inserted: a.inserted + r.inserted, duplicates: a.duplicates + r.duplicates }), { inserted: 0, duplicates: 0 });
}

describeWithPostgres('concurrent writers on PostgreSQL', () => {
	let user: string | undefined;
	const schema = `lh_concurrency_${process.pid}`;
	const stores: HandoffStore[] = [];
	afterAll(async () => {
		await Promise.all(stores.map((s) => s.close()));
		if (user) await withPg(user, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
	});

	it('8 workers, 10,000 activities with 10% redeliveries over 100 leads: each stored exactly once', async () => {
		user = postgresUser()!;
		const workload = makeWorkload({ leads: 100, unique: 9_000, duplicates: 1_000 });
		assert.equal(workload.events.length, 10_000);
		// Separate stores, so separate pools, as separate n8n workers have; opened at once on an
		// empty schema, so they also race to migrate it.
		const config = { ...postgresConfig(user, schema), maxConnections: 2 };
		stores.push(...(await Promise.all(Array.from({ length: 8 }, () => createStore(config)))));
		const streams = splitStreams(workload.events, 8);
		const results = await Promise.all(stores.map((store, i) => ingest(store, streams[i], 50)));
		assert.deepEqual(sum(results), { inserted: 9_000, duplicates: 1_000 });
		await assertStoredExactlyOnce(stores[0], workload);
		const rows = await withPg(user, async (c) => (await c.query(`SELECT count(*)::int AS n FROM "${schema}".activities`)).rows[0].n as number);
		assert.equal(rows, 9_000);
	});
});

describe('concurrent writers on one embedded file', () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-concurrency-'));
	const stores: HandoffStore[] = [];
	afterAll(async () => {
		await Promise.all(stores.map((s) => s.close()));
		rmSync(folder, { recursive: true, force: true });
	});

	/** A second n8n process on the same file. */
	function writerProcess(args: Array<string | number>): Promise<{ inserted: number; duplicates: number }> {
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'writer.ts'), ...args.map(String)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
			let out = '';
			let err = '';
			child.stdout.on('data', (d) => (out += d));
			child.stderr.on('data', (d) => (err += d));
			child.on('error', reject);
			child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer exited with ${code}: ${err}`))));
		});
	}

	it('two store instances here and two other processes, 2,000 activities with 10% redeliveries: each stored exactly once', async () => {
		const [leads, unique, duplicates, writers] = [20, 1_800, 200, 4];
		const workload = makeWorkload({ leads, unique, duplicates });
		const streams = splitStreams(workload.events, writers);
		// All four open the empty file at the same moment, so they also race to migrate it.
		const [children, ...local] = await Promise.all([
			Promise.all([2, 3].map((i) => writerProcess([folder, leads, unique, duplicates, writers, i]))),
			...[0, 1].map(async (i) => {
				const store = await createStore({ kind: 'embedded', folder });
				stores.push(store);
				return ingest(store, streams[i], 20);
			}),
		]);
		assert.deepEqual(sum([...children, ...local]), { inserted: unique, duplicates });
		assert.ok(children.every((r) => r.inserted > 0), 'both processes wrote');
		await assertStoredExactlyOnce(stores[0], workload);
		const db = new DatabaseSync(path.join(folder, 'store.sqlite'));
		try {
			assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').all().map((r) => r.version), MIGRATIONS.map((m) => m.version));
		} finally {
			db.close();
		}
	});
});
