/**
 * The embedded store waits for another process's write lock without stopping n8n: node:sqlite is
 * synchronous, so a lock wait inside SQLite would freeze every workflow of the n8n process. Here a
 * second process holds the file's write lock while this process writes; a timer ticking in this
 * process shows whether its event loop kept running meanwhile.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createStore, StoreError, type HandoffStore } from '../../nodes/store';
import { migrate } from '../../nodes/store/migrations';
import { SqliteDriver } from '../../nodes/store/sqlite';
import { SqlHandoffStore } from '../../nodes/store/store';

const HOLD_MS = 1_000;
/** How long the lock holder keeps the lock at most, when nobody tells it to let go. */
const HOLD_LIMIT_MS = 20_000;
const TICK_MS = 10;
const T0 = Date.parse('2026-06-01T09:00:00Z');

/**
 * Another process (a second n8n on the same file) that takes the write lock and keeps it until
 * told to let go (a line on its stdin), or for `holdMs` at most. Released on request, so a busy
 * machine cannot let the lock go before this process has started waiting for it.
 */
const HOLDER = `
const { DatabaseSync } = require('node:sqlite');
const [file, holdMs] = process.argv.slice(1);
const db = new DatabaseSync(file);
db.exec('PRAGMA busy_timeout = 5000');
db.exec('BEGIN IMMEDIATE');
db.exec("INSERT INTO claims (scope, claim_key, lead_key, claimed_at) VALUES ('holder', 'k-' || abs(random()), NULL, 1)");
process.stdout.write('locked\\n');
const release = (why) => { db.exec('COMMIT'); db.close(); process.stdout.write('released ' + why + '\\n'); process.exit(0); };
process.stdin.once('data', () => release('on request'));
setTimeout(() => release('at its limit'), Number(holdMs));
`;

interface Holder {
	child: ChildProcess;
	release(): void;
	/** How the lock was let go: 'on request' or 'at its limit'. */
	released: Promise<string>;
}

async function holdLock(file: string, holdMs: number): Promise<Holder> {
	const child = spawn(process.execPath, ['-e', HOLDER, file, String(holdMs)], { stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stderr!.on('data', (d) => (err += d));
	const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (d) => {
			out += d;
			if (out.includes('locked')) resolve();
		});
		void exited.then((code) => reject(new Error(`the lock holder exited (${code}) before locking: ${err}`)));
	});
	const released = exited.then((code) => {
		const how = /released (.+)\n/.exec(out)?.[1];
		if (code !== 0 || !how) throw new Error(`the lock holder failed (${code}): ${err}`);
		return how;
	});
	return { child, release: () => child.stdin!.end('release\n'), released };
}

/** Counts the ticks of a timer while `work` is pending. */
async function ticksWhile<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
	let ticks = 0;
	const timer = setInterval(() => ticks++, TICK_MS);
	try {
		return { result: await work(), ticks };
	} finally {
		clearInterval(timer);
	}
}

describe('embedded store: another process holds the write lock', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-locking-'));
	const stores: HandoffStore[] = [];
	let n = 0;
	afterAll(async () => {
		await Promise.all(stores.map((s) => s.close()));
		rmSync(root, { recursive: true, force: true });
	});

	async function fresh(): Promise<{ store: HandoffStore; file: string; folder: string }> {
		const folder = path.join(root, `store-${++n}`);
		const store = await createStore({ kind: 'embedded', folder });
		stores.push(store);
		return { store, file: store.location, folder };
	}

	it('writes wait for the lock while the rest of n8n keeps running, then land', async () => {
		const { store, file } = await fresh();
		await store.recordActivities('default', 'lead-1', [{ key: 'before', type: 'page_view', at: T0, data: {} }]);
		const holder = await holdLock(file, HOLD_LIMIT_MS);
		let pending = true;
		const { result, ticks } = await ticksWhile(async () => {
			// A read goes on beside the other process's write; the writes wait for it to commit.
			const read = await store.listActivities('default', 'lead-1');
			const writes = Promise.all([
				store.recordActivities('default', 'lead-1', [{ key: 'during', type: 'demo_request', at: T0 + 1, data: {} }]),
				store.claimOnce('default', 'event-1', T0),
			]).finally(() => (pending = false));
			// While the other process holds the lock, this process keeps running: a timer of its own
			// fires, again and again, before the lock is let go.
			await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
			assert.ok(pending, 'the writes wait while the other process holds the lock');
			holder.release();
			return [read, ...(await writes)] as const;
		});
		// Let go by this process's own timer: a store that waited inside SQLite would have frozen
		// that timer until the holder gave up at its limit.
		assert.equal(await holder.released, 'on request');
		const [read, recorded, claimed] = result;
		assert.equal(read.length, 1);
		assert.deepEqual(recorded, { inserted: 1, duplicates: 0 });
		assert.equal(claimed, true);
		// The timer ran all along, not once per long wait: about one tick per interval of the hold
		// (a quarter of that leaves room for a busy machine).
		const expected = HOLD_MS / TICK_MS;
		assert.ok(ticks > expected / 4, `${ticks} ticks while the writes waited ${HOLD_MS} ms for the lock (about ${expected} expected)`);
		assert.deepEqual((await store.listActivities('default', 'lead-1')).map((a) => a.key), ['before', 'during']);
	});

	it('gives up after the lock wait limit with an error that says why, and works again once the lock is free', async () => {
		const { folder } = await fresh();
		const driver = new SqliteDriver(folder, { lockWaitMs: 300 });
		const store = new SqlHandoffStore(driver);
		stores.push(store);
		await migrate(driver);
		const holder = await holdLock(driver.location, HOLD_LIMIT_MS);
		const { result, ticks } = await ticksWhile(() =>
			store.recordActivities('default', 'lead-1', [{ key: 'e1', type: 'page_view', at: T0, data: {} }]).then(
				() => undefined,
				(error: unknown) => error,
			),
		);
		assert.ok(result instanceof StoreError, `expected a StoreError, got ${String(result)}`);
		assert.equal(result.code, 'locked');
		assert.match(result.message, /stayed locked by another process/);
		assert.ok(result.message.includes(driver.location), 'the message names the file');
		// A wait inside SQLite would have let no tick through until it gave up (about 30 expected).
		assert.ok(ticks > 3, `${ticks} ticks while the store waited 300 ms for the lock`);
		holder.release();
		await holder.released;
		assert.deepEqual(await store.recordActivities('default', 'lead-1', [{ key: 'e1', type: 'page_view', at: T0, data: {} }]), { inserted: 1, duplicates: 0 });
	});
});
