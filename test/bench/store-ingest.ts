/**
 * Store ingest throughput: activities recorded per second on the embedded store (node:sqlite)
 * and on PostgreSQL, side by side in one run, batched per lead as the Lead Score node writes them
 * (one recordActivities call, one transaction, per lead per execution). Shapes:
 *   - 1 per call: a webhook per event;
 *   - 20 per call: an execution carrying a burst or an import for one lead;
 *   - redelivered: the 20-per-call batches sent again (all duplicates, nothing written);
 *   - 4 writers: 20 per call from 4 concurrent stores (4 n8n processes; on the embedded file
 *     they queue for its single write lock).
 * PostgreSQL is the local server at 127.0.0.1:5432 (database `test`), in a schema made and
 * dropped by this script; without it only the embedded figures are printed.
 *
 *   npm run bench     (or: node --import tsx test/bench/store-ingest.ts [activities])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createStore, type HandoffStore, type LedgerActivityInput, type StoreConfig } from '../../nodes/store';
import { makeWorkload } from '../store/workload';
import { benchPostgres, dropSchemas, postgresUser } from './postgres';

const total = Number(process.argv[2] ?? 20_000);
const T0 = Date.parse('2026-06-01T00:00:00Z');

/** Batches of `size` activities, each for one lead. */
function batches(size: number, count: number, tag: string): Array<{ lead: string; activities: LedgerActivityInput[] }> {
	const { events } = makeWorkload({ leads: 1, unique: count, duplicates: 0, seed: size });
	const out: Array<{ lead: string; activities: LedgerActivityInput[] }> = [];
	for (let i = 0; i < events.length; i += size) {
		out.push({ lead: `${tag}-lead-${out.length % 500}`, activities: events.slice(i, i + size).map((e, j) => ({ ...e.activity, key: `${tag}-${i + j}`, at: T0 + i + j })) });
	}
	return out;
}

/** Activities per second; `expectInserted` guards against measuring a run that wrote the wrong amount. */
async function timed(activities: number, expectInserted: number, run: () => Promise<number>): Promise<number> {
	const start = process.hrtime.bigint();
	const inserted = await run();
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	if (inserted !== expectInserted) throw new Error(`expected ${expectInserted} activities written, got ${inserted}`);
	return activities / seconds;
}

async function sequential(store: HandoffStore, work: Array<{ lead: string; activities: LedgerActivityInput[] }>): Promise<number> {
	let inserted = 0;
	for (const b of work) inserted += (await store.recordActivities('default', b.lead, b.activities)).inserted;
	return inserted;
}

async function measure(config: StoreConfig): Promise<Record<string, number>> {
	const single = batches(1, Math.min(total, 5_000), 'single');
	const burst = batches(20, total, 'burst');
	const writers = [0, 1, 2, 3].map((w) => batches(20, total / 4, `writer${w}`));
	const stores = await Promise.all([0, 1, 2, 3].map(() => createStore(config)));
	const [store] = stores;
	try {
		// Warm-up: open connections, prepare statements.
		await sequential(store, batches(20, 400, 'warmup'));
		return {
			'1 per call': await timed(single.length, single.length, () => sequential(store, single)),
			'20 per call': await timed(total, total, () => sequential(store, burst)),
			'20 per call, redelivered': await timed(total, 0, () => sequential(store, burst)),
			'20 per call, 4 writers': await timed(total, total, async () => (await Promise.all(stores.map((s, i) => sequential(s, writers[i])))).reduce((a, b) => a + b, 0)),
		};
	} finally {
		await Promise.all(stores.map((s) => s.close()));
	}
}

async function main(): Promise<void> {
	console.log(`Recording ${total.toLocaleString('en-US')} activities per shape, Node ${process.version}, ${os.cpus().length} cores`);
	const folder = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-bench-'));
	let embedded: Record<string, number>;
	try {
		embedded = await measure({ kind: 'embedded', folder });
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
	const user = await postgresUser();
	let postgres: Record<string, number> | undefined;
	const schema = `lh_bench_${process.pid}`;
	if (user) {
		try {
			postgres = await measure(benchPostgres(user, schema));
		} finally {
			await dropSchemas(user, [schema]);
		}
	} else {
		console.log('PostgreSQL at 127.0.0.1:5432/test not reachable: embedded figures only');
	}
	const fmt = (n: number | undefined) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US')).padStart(14);
	console.log(`${'activities/s'.padEnd(28)}${'embedded'.padStart(14)}${'postgres'.padStart(14)}${'embedded/pg'.padStart(14)}`);
	for (const shape of Object.keys(embedded)) {
		const ratio = postgres ? `${(embedded[shape] / postgres[shape]).toFixed(1)}x` : '-';
		console.log(`${shape.padEnd(28)}${fmt(embedded[shape])}${fmt(postgres?.[shape])}${ratio.padStart(14)}`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
