/**
 * The store's behaviour, one suite run against both real backends: the embedded store
 * (node:sqlite) and PostgreSQL.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { createStore, StoreError, type HandoffStore, type LedgerActivityInput, type ScoreSnapshotInput, type StoreConfig } from '../../nodes/store';
import type { Driver } from '../../nodes/store/dialect';
import { LATEST_VERSION, leadTables, migrate, MIGRATIONS } from '../../nodes/store/migrations';
import { PostgresDriver } from '../../nodes/store/postgres';
import { SqliteDriver } from '../../nodes/store/sqlite';
import { BACKENDS, describeOn, withPg } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
/** The scope of the single-scope tests. */
const S = 'default';
const MINUTE = 60_000;

function activity(key: string, minutes: number, type = 'page_view', data: Record<string, unknown> = {}): LedgerActivityInput {
	return { key, type, at: T0 + minutes * MINUTE, data };
}

function snapshot(snapshotKey: string, asOfMinutes: number, total: number): ScoreSnapshotInput {
	return {
		snapshotKey,
		modelId: 'model-1',
		asOf: T0 + asOfMinutes * MINUTE,
		total,
		fit: total - 10,
		engagement: 15,
		negative: -5,
		velocity: 1.5,
		grade: 'A2',
		score: { total, breakdown: [{ rule: 'title', points: total - 10 }] },
	};
}

/** Rows in the store's `schema_migrations`, read outside the store. */
async function migrationRows(config: StoreConfig): Promise<number[]> {
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, 'store.sqlite'));
		try {
			return db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((r) => Number(r.version));
		} finally {
			db.close();
		}
	}
	return withPg(config.user, async (c) => (await c.query(`SELECT version FROM "${config.schema}".schema_migrations ORDER BY version`)).rows.map((r) => Number(r.version)));
}

/** Every table of the store that has a `lead_key` column, with whether it also has a `scope` column, read from the database's catalogue. */
async function tablesWithLeadKey(config: StoreConfig): Promise<Array<{ table: string; scoped: boolean }>> {
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, 'store.sqlite'));
		try {
			const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().map((r) => String(r.name));
			const columns = (t: string) => db.prepare('SELECT name FROM pragma_table_info(?)').all(t).map((c) => c.name);
			return tables.filter((t) => columns(t).includes('lead_key')).sort().map((table) => ({ table, scoped: columns(table).includes('scope') }));
		} finally {
			db.close();
		}
	}
	return withPg(config.user, async (c) => {
		const rows = (await c.query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND column_name IN ('lead_key', 'scope')`, [config.schema])).rows as Array<{ table_name: string; column_name: string }>;
		const tables = [...new Set(rows.filter((r) => r.column_name === 'lead_key').map((r) => r.table_name))].sort();
		return tables.map((table) => ({ table, scoped: rows.some((r) => r.table_name === table && r.column_name === 'scope') }));
	});
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	/** A new store on an empty database. */
	async function fresh(): Promise<{ store: HandoffStore; config: StoreConfig }> {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return { store, config };
	}

	async function open(config: StoreConfig): Promise<HandoffStore> {
		const store = await createStore(config);
		opened.push(store);
		return store;
	}

	describeOn(backend)(`store on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		describe('activity ledger', () => {
			it('lists a lead\'s activities oldest first with their data, and from a given time', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				const data = { url: 'https://example.com/pricing?plan=team', utm: { source: 'linkedin', campaign: 'Q3 – Überblick' }, tags: ['a', 'b'], value: 12.5, flag: true, none: null };
				await store.recordActivities(S, 'lead-1', [activity('e3', 30, 'demo_request'), activity('e1', 10, 'page_view', data), activity('e2', 20, 'email_click')]);
				const all = await store.listActivities(S, 'lead-1');
				assert.deepEqual(all.map((a) => [a.key, a.type, a.at]), [
					['e1', 'page_view', T0 + 10 * MINUTE],
					['e2', 'email_click', T0 + 20 * MINUTE],
					['e3', 'demo_request', T0 + 30 * MINUTE],
				]);
				assert.deepEqual(all[0].data, data);
				assert.ok(all.every((a) => a.scope === S && a.leadKey === 'lead-1' && Number.isInteger(a.recordedAt)));
				assert.deepEqual((await store.listActivities(S, 'lead-1', { since: T0 + 20 * MINUTE })).map((a) => a.key), ['e2', 'e3']);
				assert.deepEqual(await store.listActivities(S, 'nobody'), []);
			});

			it('changes nothing for an activity key already stored, or repeated within a batch', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				assert.deepEqual(await store.recordActivities(S, 'lead-1', [activity('e1', 1, 'page_view', { url: '/a' }), activity('e2', 2), activity('e1', 9, 'demo_request', { url: '/b' })]), { inserted: 2, duplicates: 1 });
				// A webhook delivered again, with one new event and a changed copy of an old one.
				assert.deepEqual(await store.recordActivities(S, 'lead-1', [activity('e1', 5, 'form_submit', { url: '/changed' }), activity('e2', 2), activity('e3', 3)]), { inserted: 1, duplicates: 2 });
				const stored = await store.listActivities(S, 'lead-1');
				assert.deepEqual(stored.map((a) => a.key), ['e1', 'e2', 'e3']);
				assert.deepEqual([stored[0].type, stored[0].at, stored[0].data], ['page_view', T0 + MINUTE, { url: '/a' }]);
				assert.deepEqual(await store.recordActivities(S, 'lead-1', []), { inserted: 0, duplicates: 0 });
			});

			it('keeps ledgers apart: the same event key under two leads is two activities', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				await store.recordActivities(S, 'lead-1', [activity('shared', 1)]);
				assert.deepEqual(await store.recordActivities(S, 'lead-2', [activity('shared', 2)]), { inserted: 1, duplicates: 0 });
				assert.equal((await store.listActivities(S, 'lead-1')).length, 1);
				assert.equal((await store.listActivities(S, 'lead-2'))[0].at, T0 + 2 * MINUTE);
			});

			it('writes nothing of a batch that holds a bad activity, and says which one', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				const bad = [activity('e1', 1), activity('e2', 2), { ...activity('e3', 3), at: Number.NaN }];
				await assert.rejects(store.recordActivities(S, 'lead-1', bad), (e: unknown) => e instanceof StoreError && e.code === 'invalid-input' && /Activity 3 .*at/.test(e.message) && !e.message.includes('lead-1') && /lead "lead-1"/.test(e.description ?? ''));
				// More rows than one INSERT holds, the bad one last: still nothing written.
				const many = Array.from({ length: 1200 }, (_, i) => activity(`m${i}`, i));
				many.push(activity('nul', 1, 'page_view', { note: 'a\u0000b' }));
				await assert.rejects(store.recordActivities(S, 'lead-1', many), /NUL/);
				const circular: Record<string, unknown> = {};
				circular.self = circular;
				await assert.rejects(store.recordActivities(S, 'lead-1', [activity('c1', 1), activity('c2', 2, 'x', circular)]), /Activity 2 .*JSON/);
				assert.deepEqual(await store.listActivities(S, 'lead-1'), []);
				// The good part, sent again alone, is new: nothing was half-written.
				assert.deepEqual(await store.recordActivities(S, 'lead-1', many.slice(0, 1200)), { inserted: 1200, duplicates: 0 });
			});

			it('rolls back a write transaction that fails after writing', async () => {
				const ctx = await fresh();
				const { store, config } = ctx;
				const driver: Driver = config.kind === 'embedded' ? new SqliteDriver(config.folder!) : await PostgresDriver.connect(config);
				try {
					await migrate(driver);
					await assert.rejects(
						driver.transaction(async (tx) => {
							await tx.run(`INSERT INTO lh.activities (lead_key, scope, activity_key, type, occurred_at, data, recorded_at) VALUES ('lead-1', 'default', 'e1', 'page_view', 1, '{}', 1)`);
							// The same key again, without ON CONFLICT: the database itself fails the transaction.
							await tx.run(`INSERT INTO lh.activities (lead_key, scope, activity_key, type, occurred_at, data, recorded_at) VALUES ('lead-1', 'default', 'e1', 'page_view', 1, '{}', 1)`);
						}),
						StoreError,
					);
					assert.deepEqual(await store.listActivities(S, 'lead-1'), []);
					// The same connection commits the next transaction alone: nothing of the failed one was left open.
					await driver.transaction((tx) => tx.run(`INSERT INTO lh.activities (lead_key, scope, activity_key, type, occurred_at, data, recorded_at) VALUES ('lead-1', 'default', 'e2', 'page_view', 2, '{}', 2)`));
					assert.deepEqual((await store.listActivities(S, 'lead-1')).map((a) => a.key), ['e2']);
				} finally {
					await driver.close();
				}
			});

			it('takes keys up to 512 bytes of UTF-8 on both backends, and refuses longer ones', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				const lead = '\u{1F600}'.repeat(128);
				assert.equal(Buffer.byteLength(lead), 512);
				assert.deepEqual(await store.recordActivities(S, lead, [activity('\u00e9'.repeat(256), 1)]), { inserted: 1, duplicates: 0 });
				assert.equal((await store.listActivities(S, lead))[0].key, '\u00e9'.repeat(256));
				await assert.rejects(store.recordActivities(S, lead, [activity('\u00e9'.repeat(257), 1)]), /514 bytes long .* at most 512/);
			});

			it('refuses unusable lead keys and activity fields', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				await assert.rejects(store.recordActivities(S, '', [activity('e1', 1)]), /Lead key must be a non-empty string/);
				await assert.rejects(store.recordActivities(S, 'lead-1', [{ ...activity('e1', 1), key: '' }]), /key must be a non-empty string/);
				await assert.rejects(store.recordActivities(S, 'lead-1', [{ ...activity('e1', 1), at: 1.5 }]), /whole epoch milliseconds/);
				await assert.rejects(store.recordActivities(S, 'lead-1', [{ ...activity('e1', 1), data: [] as unknown as Record<string, unknown> }]), /data must be an object/);
			});
		});

		describe('score snapshots and thresholds', () => {
			it('returns the latest snapshot with every field, and keeps the first copy of a snapshot key', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				assert.equal(await store.latestScore(S, 'lead-1'), undefined);
				assert.equal((await store.saveScore(S, 'lead-1', snapshot('s1', 10, 40), [])).saved, true);
				assert.equal((await store.saveScore(S, 'lead-1', snapshot('s2', 20, 55), [])).saved, true);
				// Out of order: an older computation arriving late does not become the latest.
				await store.saveScore(S, 'lead-1', snapshot('s0', 5, 90), []);
				const latest = await store.latestScore(S, 'lead-1');
				const { recordedAt, leadKey, scope, ...rest } = latest!;
				assert.deepEqual(rest, snapshot('s2', 20, 55));
				assert.deepEqual([scope, leadKey], [S, 'lead-1']);
				assert.ok(Number.isInteger(recordedAt));
				// Same snapshot key again (a retried execution) with other numbers: the first stays.
				assert.equal((await store.saveScore(S, 'lead-1', { ...snapshot('s2', 20, 99), total: 99 }, [])).saved, false);
				assert.equal((await store.latestScore(S, 'lead-1'))!.total, 55);
				const noVelocity = { ...snapshot('s3', 30, 60), velocity: null, grade: null };
				await store.saveScore(S, 'lead-1', noVelocity, []);
				assert.deepEqual([(await store.latestScore(S, 'lead-1'))!.velocity, (await store.latestScore(S, 'lead-1'))!.grade], [null, null]);
				assert.equal(await store.latestScore(S, 'lead-2'), undefined);
			});

			it('keeps the first time a lead crossed each threshold', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				const at = (m: number) => T0 + m * MINUTE;
				assert.deepEqual((await store.saveScore(S, 'lead-1', snapshot('s1', 10, 60), [{ name: 'mql', at: at(10) }])).firstCrossed, { mql: at(10) });
				assert.deepEqual((await store.saveScore(S, 'lead-1', snapshot('s2', 20, 80), [{ name: 'mql', at: at(20) }, { name: 'sql', at: at(20) }])).firstCrossed, { mql: at(10), sql: at(20) });
				// A snapshot that crossed nothing still reports the lead's crossings.
				assert.deepEqual((await store.saveScore(S, 'lead-1', snapshot('s3', 30, 20), [])).firstCrossed, { mql: at(10), sql: at(20) });
				// First write wins, even against an earlier time arriving late: a fire-once gate sees a stable time.
				assert.deepEqual((await store.saveScore(S, 'lead-1', snapshot('s4', 40, 80), [{ name: 'mql', at: at(1) }])).firstCrossed, { mql: at(10), sql: at(20) });
				// Within one call the earliest time of a repeated threshold counts.
				assert.deepEqual((await store.saveScore(S, 'lead-2', snapshot('s1', 10, 60), [{ name: 'mql', at: at(7) }, { name: 'mql', at: at(3) }])).firstCrossed, { mql: at(3) });
			});

			it('saves nothing when the snapshot is unusable', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				await assert.rejects(store.saveScore(S, 'lead-1', { ...snapshot('s1', 1, 50), total: Number.NaN }, [{ name: 'mql', at: T0 }]), /Score total must be a finite number/);
				await assert.rejects(store.saveScore(S, 'lead-1', snapshot('s1', 1, 50), [{ name: '', at: T0 }]), /Threshold 1: name/);
				assert.equal(await store.latestScore(S, 'lead-1'), undefined);
				assert.deepEqual((await store.saveScore(S, 'lead-1', snapshot('s1', 1, 50), [])).firstCrossed, {});
			});
		});

		describe('claims', () => {
			it('claims a key once per scope', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				assert.equal(await store.claimOnce('gate:hot', 'lead-1', T0), true);
				assert.equal(await store.claimOnce('gate:hot', 'lead-1', T0 + MINUTE), false);
				assert.equal(await store.claimOnce('gate:warm', 'lead-1', T0), true);
				assert.equal(await store.claimOnce('gate:hot', 'lead-2', T0), true);
			});

			it('gives a key to exactly one of many concurrent claimants on two store instances', async () => {
				const ctx = await fresh();
				const other = await open(ctx.config);
				const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? ctx.store : other).claimOnce('handoff', 'lead-9', T0 + i)));
				assert.equal(results.filter(Boolean).length, 1);
			});
		});

		describe('erasure', () => {
			it('deletes everything about one lead, in every table, and nothing of others', async () => {
				const ctx = await fresh();
				const { store } = ctx;
				for (const lead of ['erase-me', 'keep-me']) {
					await store.recordActivities(S, lead, [activity('e1', 1), activity('e2', 2), activity('e3', 3)]);
					await store.saveScore(S, lead, snapshot('s1', 10, 60), [{ name: 'mql', at: T0 }]);
					await store.saveScore(S, lead, snapshot('s2', 20, 80), [{ name: 'sql', at: T0 }]);
					await store.claimOnce(S, lead, T0, { leadKey: lead });
				}
				await store.claimOnce('unrelated', 'erase-me', T0);
				// Tables of later migrations hold nothing for this lead: zero rows each.
				const none = Object.fromEntries(leadTables().map((l) => [l.table, 0]));
				assert.deepEqual(await store.eraseLead(S, 'erase-me'), { deleted: { ...none, activities: 3, score_snapshots: 2, threshold_crossings: 2, claims: 1 } });
				assert.deepEqual(await store.listActivities(S, 'erase-me'), []);
				assert.equal(await store.latestScore(S, 'erase-me'), undefined);
				assert.deepEqual((await store.saveScore(S, 'erase-me', snapshot('s9', 90, 10), [])).firstCrossed, {});
				assert.equal(await store.claimOnce(S, 'erase-me', T0), true, 'the lead\'s claim is gone');
				// The other lead is untouched.
				assert.equal((await store.listActivities(S, 'keep-me')).length, 3);
				assert.equal((await store.latestScore(S, 'keep-me'))!.snapshotKey, 's2');
				assert.equal(await store.claimOnce(S, 'keep-me', T0), false);
				assert.equal(await store.claimOnce('unrelated', 'erase-me', T0), false, 'a claim not tied to the lead stays');
				assert.deepEqual((await store.eraseLead(S, 'nobody')).deleted, none);
			});

			it('knows every table that holds a lead key, each with a scope (a new migration cannot be missed by erasure)', async () => {
				const ctx = await fresh();
				const found = await tablesWithLeadKey(ctx.config);
				assert.deepEqual(found.map((t) => t.table), leadTables().map((l) => l.table).sort());
				assert.deepEqual(found.filter((t) => !t.scoped).map((t) => t.table), [], 'every lead table separates scopes');
			});
		});

		describe('migrations', () => {
			it('applies every migration once, and not again on reopening', async () => {
				const ctx = await fresh();
				assert.equal(await ctx.store.schemaVersion(), LATEST_VERSION);
				const again = await open(ctx.config);
				assert.equal(await again.schemaVersion(), LATEST_VERSION);
				assert.deepEqual(await migrationRows(ctx.config), MIGRATIONS.map((m) => m.version));
			});

			it('is safe when several processes open an empty store at the same moment', async () => {
				const config = await backend.fresh();
				if (!config) return;
				const stores = await Promise.all(Array.from({ length: 4 }, () => open(config)));
				assert.deepEqual(await migrationRows(config), MIGRATIONS.map((m) => m.version));
				// And they all work on the same data.
				await stores[0].recordActivities(S, 'lead-1', [activity('e1', 1)]);
				assert.equal((await stores[3].listActivities(S, 'lead-1')).length, 1);
			});

			it('refuses a store upgraded by a newer package version, saying to update', async () => {
				const ctx = await fresh();
				const { config } = ctx;
				if (config.kind === 'embedded') {
					const db = new DatabaseSync(path.join(config.folder!, 'store.sqlite'));
					db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'from the future', T0);
					db.close();
				} else {
					await withPg(config.user, (c) => c.query(`INSERT INTO "${config.schema}".schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', $2)`, [LATEST_VERSION + 1, T0]));
				}
				await assert.rejects(createStore(config), (e: unknown) => e instanceof StoreError && e.code === 'schema-too-new' && /Update n8n-nodes-lead-handoff on every n8n instance/.test(e.message));
			});
		});
	});
}
