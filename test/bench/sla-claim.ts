/**
 * SLA polls at scale: how long one poll of the SLA Breach Trigger takes to claim 1,000 due stages
 * among many open timers (default 200,000; the design target is 1,000,000), on the embedded store
 * and on PostgreSQL side by side. A poll is an index range over the timers' next due times, so its
 * time should not grow with the number of open timers: the figure is printed for a small and the
 * large population, with the query plan.
 *
 * 1,000 timers are started through the store as a node starts them; the other open timers are
 * copies of one of them made in SQL (their stages not due), which is quick to set up and reads
 * the same to a poll.
 *
 *   npm run bench     (or: node --import tsx test/bench/sla-claim.ts [open timers])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';

import { advanceTimer, compilePolicy, DEFAULT_LADDER, makePolicy, startTimer, type SlaTimer } from '../../nodes/engine/sla';
import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { STORE_FILE } from '../../nodes/store/sqlite';
import { benchPostgres, dropSchemas, postgresUser } from './postgres';

const OPEN = Number(process.argv[2] ?? 200_000);
const DUE = 1_000;
const SCOPE = 'bench';
const T0 = Date.parse('2026-03-10T09:00:00Z'); // Tuesday 10:00 in Berlin
const MINUTE = 60_000;
const policy = makePolicy({ hours: 1, basis: 'business' }, { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' } }, DEFAULT_LADDER);
const compiled = compilePolicy(policy);

async function startDue(store: HandoffStore, prefix: string, count: number, at: number): Promise<void> {
	for (let from = 0; from < count; from += 1000) {
		await store.startSlaTimers<SlaTimer>(
			Array.from({ length: Math.min(1000, count - from) }, (_, i) => {
				const handoffKey = `${prefix}-${from + i}`;
				const input = { scope: SCOPE, handoffKey, leadKey: `${handoffKey}@example.com`, ownerId: `rep-${i % 12}`, tier: 'Hot', startedAt: at };
				return {
					input: { scope: SCOPE, handoffKey, leadKey: input.leadKey, policyKey: compiled.key, policy: policy as unknown as Record<string, unknown> },
					decide: ({ kept }: { kept: Array<{ at: number; byHandoff: boolean }> }) => ({ timer: startTimer(compiled, input, kept).timer }),
				};
			}),
		);
	}
}

/** Copies of the template timer with their own keys, `count` of them, in SQL. */
async function cloneOpen(config: StoreConfig, template: string, count: number): Promise<void> {
	const columns = 'scope, handoff_key, lead_key, owner_id, team, tier, policy_key, status, started_at, due_at, closed_at, next_stage, next_due_at, assignment_key';
	const copy = (keyExpr: string, state: string) =>
		`SELECT scope, ${keyExpr}, ${keyExpr} || '@example.com', owner_id, team, tier, policy_key, status, started_at, due_at, closed_at, next_stage, next_due_at, assignment_key, ${state}, updated_at`;
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE));
		try {
			db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${count})
				INSERT INTO sla_timers (${columns}, state, updated_at)
				${copy("'open-' || n.i", "json_set(json_set(state, '$.handoffKey', 'open-' || n.i), '$.leadKey', 'open-' || n.i || '@example.com')")}
				FROM sla_timers, n WHERE handoff_key = '${template}'`);
			db.exec('ANALYZE');
		} finally {
			db.close();
		}
		return;
	}
	const client = new Client({ host: config.host, port: config.port, database: config.database, user: config.user });
	await client.connect();
	try {
		const t = `"${config.schema}".sla_timers`;
		await client.query(`INSERT INTO ${t} (${columns}, state, updated_at)
			${copy("'open-' || n", "jsonb_set(jsonb_set(state, '{handoffKey}', to_jsonb('open-' || n)), '{leadKey}', to_jsonb('open-' || n || '@example.com'))")}
			FROM ${t}, generate_series(0, ${count - 1}) AS n WHERE handoff_key = '${template}'`);
		await client.query(`ANALYZE ${t}`);
	} finally {
		await client.end();
	}
}

async function plan(config: StoreConfig, now: number): Promise<string> {
	const sql = `SELECT handoff_key FROM %T WHERE scope = '${SCOPE}' AND next_due_at <= ${now} ORDER BY next_due_at, handoff_key LIMIT ${DUE}`;
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE));
		try {
			return (db.prepare(`EXPLAIN QUERY PLAN ${sql.replace('%T', 'sla_timers')}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
		} finally {
			db.close();
		}
	}
	const client = new Client({ host: config.host, port: config.port, database: config.database, user: config.user });
	await client.connect();
	try {
		const rows = (await client.query(`EXPLAIN ${sql.replace('%T', `"${config.schema}".sla_timers`)} FOR UPDATE SKIP LOCKED`)).rows as Array<{ 'QUERY PLAN': string }>;
		return rows.map((r) => r['QUERY PLAN'].trim()).join('; ');
	} finally {
		await client.end();
	}
}

/** Milliseconds of one poll claiming the 1,000 due stages: the reminder, manager and reassign polls. */
async function polls(store: HandoffStore): Promise<number[]> {
	const times: number[] = [];
	for (const minutes of [30, 60, 120]) {
		const started = performance.now();
		const claims = await store.claimDueSlaStages<SlaTimer>(SCOPE, T0 + minutes * MINUTE, (timer, now) => advanceTimer(timer, now), { limit: DUE });
		times.push(performance.now() - started);
		const fired = claims.reduce((n, c) => n + c.due.length, 0);
		if (fired !== DUE) throw new Error(`expected ${DUE} stages claimed at +${minutes} min, got ${fired}`);
	}
	return times;
}

async function measure(fresh: () => StoreConfig): Promise<{ small: number[]; large: number[]; plan: string }> {
	const results: Array<{ times: number[]; plan: string }> = [];
	for (const open of [0, OPEN]) {
		const config = fresh();
		const store = await createStore(config);
		try {
			// The population of timers not due, then the 1,000 due ones, as nodes start them.
			await startDue(store, 'template', 1, T0 + 7 * 24 * 60 * MINUTE);
			if (open > 0) await cloneOpen(config, 'template-0', open);
			await startDue(store, 'due', DUE, T0);
			results.push({ times: await polls(store), plan: await plan(config, T0 + 30 * MINUTE) });
		} finally {
			await store.close();
		}
	}
	return { small: results[0].times, large: results[1].times, plan: results[1].plan };
}

async function main(): Promise<void> {
	console.log(`Claiming ${DUE.toLocaleString('en-US')} due SLA stages per poll among ${OPEN.toLocaleString('en-US')} other open timers (and among none), Node ${process.version}, ${os.cpus().length} cores`);
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-sla-bench-'));
	let n = 0;
	let embedded: Awaited<ReturnType<typeof measure>>;
	try {
		embedded = await measure(() => ({ kind: 'embedded', folder: path.join(root, `store-${++n}`) }));
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
	const user = await postgresUser();
	let postgres: Awaited<ReturnType<typeof measure>> | undefined;
	const schemas: string[] = [];
	if (user) {
		try {
			postgres = await measure(() => {
				schemas.push(`lh_sla_bench_${process.pid}_${schemas.length + 1}`);
				return benchPostgres(user, schemas[schemas.length - 1]);
			});
		} finally {
			await dropSchemas(user, schemas);
		}
	} else {
		console.log('PostgreSQL at 127.0.0.1:5432/test not reachable: embedded figures only');
	}
	const fmt = (times: number[] | undefined) => (times ? `${Math.min(...times).toFixed(0)}-${Math.max(...times).toFixed(0)} ms` : '-').padStart(16);
	console.log(`${'ms per poll of 1,000 (3 polls)'.padEnd(40)}${'embedded'.padStart(16)}${'postgres'.padStart(16)}`);
	console.log(`${'among 1,000 open timers'.padEnd(40)}${fmt(embedded.small)}${fmt(postgres?.small)}`);
	console.log(`${`among ${(OPEN + DUE).toLocaleString('en-US')} open timers`.padEnd(40)}${fmt(embedded.large)}${fmt(postgres?.large)}`);
	console.log(`plan, embedded: ${embedded.plan}`);
	if (postgres) console.log(`plan, postgres: ${postgres.plan}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
