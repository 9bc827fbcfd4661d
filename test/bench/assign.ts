/**
 * Owner assignment throughput, as Tier Router runs it (team lock, rep loads, round-robin turn and
 * the hand-off's SLA timer, all committed together), on the embedded store and on PostgreSQL side
 * by side:
 *
 * - one execution of N leads (default 10,000) to a team of 12 with daily capacities, after 5,000
 *   earlier assignments: one transaction per lead (as before, timed on the first 1,000 leads,
 *   BENCH_PER_LEAD) against the batched path Tier Router now takes (its items assigned together,
 *   a few hundred per transaction); every lead assigned once, the round-robin split within 1 and
 *   the batched owners equal to the one-by-one owners, checked;
 * - a single hot lead (an execution of one item) on the store that import left: median and
 *   slowest of 20, and the same while another process imports 2,000 leads to the same team;
 * - 8 concurrent executions (8 stores, as 8 n8n workers) of N / 8 leads each, batched: leads/s,
 *   split within 1 over all, nothing assigned twice;
 * - the engine alone (no store), the ceiling.
 *
 *   npm run bench     (or: node --import tsx test/bench/assign.ts [leads])
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { compileRouter, type RoutingProtocol } from '../../nodes/engine/routing';
import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { assignOwner, assignOwners, planAssignments, type AssignedOwner, type AssignmentPlan, type OwnerToAssign } from '../../nodes/TierRouter/assignOwner';
import { COMPILED } from '../store/sla-support';
import { benchPostgres, dropSchemas, postgresUser } from './postgres';

const LEADS = Number(process.argv[2] ?? 10_000);
/** The one-transaction-per-lead path is timed on the first leads only (all 10,000 took minutes on PostgreSQL); their owners are compared with the batched ones. */
const PER_LEAD = Math.min(LEADS, Number(process.env.BENCH_PER_LEAD ?? 1_000));
const REPS = 12;
const HISTORY = 5_000;
const WORKERS = 8;
const T0 = Date.parse('2026-03-16T10:00:00Z');
const SLA = { policy: COMPILED, tier: 'Hot', details: () => ({}) };

function protocol(): RoutingProtocol {
	const roster = Array.from({ length: REPS }, (_, i) => ({ id: `rep-${String(i + 1).padStart(2, '0')}`, capacity: { perDay: 1_000_000 } }));
	return { assignment: { roster, teams: [{ id: 'sales', members: roster.map((r) => r.id), outsideHours: 'allow' }] } };
}

const PLAN: AssignmentPlan = planAssignments(compileRouter(protocol(), { zone: 'UTC' }), protocol());

/** Leads `from`..`from + count - 1`, `spacingMs` apart from `start`, each a hand-off with its SLA timer. */
function leads(scope: string, from: number, count: number, start: number, spacingMs = 1): OwnerToAssign[] {
	return Array.from({ length: count }, (_, i) => {
		const leadKey = `lead-${from + i}@example.com`;
		return { lead: { email: leadKey }, keys: { scope, leadKey, eventKey: `form-${from + i}` }, now: start + i * spacingMs, sla: SLA };
	});
}

async function oneByOne(store: HandoffStore, batch: OwnerToAssign[]): Promise<AssignedOwner[]> {
	const owners: AssignedOwner[] = [];
	for (const l of batch) owners.push(await assignOwner(store, PLAN, l.lead, l.keys, l.now, l.sla));
	return owners;
}

async function together(store: HandoffStore, batch: OwnerToAssign[]): Promise<AssignedOwner[]> {
	const results = await assignOwners(store, PLAN, batch);
	for (const r of results) if (r instanceof Error) throw r;
	return results as AssignedOwner[];
}

/** Every lead assigned once (no duplicate, one owner each) and the round-robin split within 1. */
function checkSplit(owners: AssignedOwner[], count: number): string {
	assert.equal(owners.length, count);
	assert.ok(owners.every((o) => !o.duplicate && o.owner.ownerId !== undefined), 'a lead was not assigned, or assigned twice');
	const split = new Map<string, number>();
	for (const o of owners) split.set(o.owner.ownerId!, (split.get(o.owner.ownerId!) ?? 0) + 1);
	const values = [...split.values()];
	assert.equal(split.size, REPS);
	assert.ok(Math.max(...values) - Math.min(...values) <= 1, `split ${JSON.stringify(Object.fromEntries(split))}`);
	return `${Math.min(...values)}-${Math.max(...values)} each`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const started = performance.now();
	const result = await fn();
	return [result, performance.now() - started];
}

interface Figures {
	perLead: number;
	batched: number;
	split: string;
	hot: { median: number; max: number };
	hotDuringImport: { median: number; max: number; count: number };
	concurrent: number;
	concurrentSplit: string;
}

function stats(ms: number[]): { median: number; max: number; count: number } {
	const sorted = [...ms].sort((a, b) => a - b);
	return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], count: sorted.length };
}

async function measure(config: () => StoreConfig): Promise<Figures> {
	const spacing = Math.floor((90 * 86_400_000) / HISTORY);
	const history = (scope: string) => leads(scope, -HISTORY, HISTORY, T0 - HISTORY * spacing, spacing);
	// One transaction per lead, then the batched path, each on a store of its own with the same history.
	const single = await createStore(config());
	const batched = await createStore(config());
	const importer = await createStore(config());
	const workers = await Promise.all(Array.from({ length: WORKERS }, () => createStore(config())));
	try {
		// Scopes of their own in one store: the same history, nothing shared.
		await together(single, history('one'));
		await together(batched, history('all'));
		const [one, oneMs] = await timed(() => oneByOne(single, leads('one', 0, PER_LEAD, T0)));
		const [all, allMs] = await timed(() => together(batched, leads('all', 0, LEADS, T0)));
		const split = checkSplit(all, LEADS);
		assert.deepEqual(
			all.slice(0, PER_LEAD).map((o) => o.owner.ownerId),
			one.map((o) => o.owner.ownerId),
			'the batched owners are the one-by-one owners',
		);

		// A hot lead: an execution of one item, on the store the import left.
		const hot: number[] = [];
		for (let i = 0; i < 20; i++) hot.push((await timed(() => together(batched, leads('all', LEADS + i, 1, T0 + 60_000 + i))))[1]);
		// And while another process imports 2,000 leads to the same team.
		const during: number[] = [];
		let importing = true;
		const running = together(importer, leads('all', 2 * LEADS, 2_000, T0 + 120_000)).finally(() => (importing = false));
		for (let i = 0; importing; i++) {
			during.push((await timed(() => together(batched, leads('all', 3 * LEADS + i, 1, T0 + 180_000 + i))))[1]);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		await running;

		// 8 concurrent executions of LEADS / 8 leads each, on a scope of their own.
		const share = Math.floor(LEADS / WORKERS);
		const [shares, concurrentMs] = await timed(() => Promise.all(workers.map((store, w) => together(store, leads('c', w * share, share, T0 + w)))));
		const concurrentSplit = checkSplit(shares.flat(), share * WORKERS);
		return {
			perLead: PER_LEAD / (oneMs / 1000),
			batched: LEADS / (allMs / 1000),
			split,
			hot: stats(hot),
			hotDuringImport: stats(during),
			concurrent: (share * WORKERS) / (concurrentMs / 1000),
			concurrentSplit,
		};
	} finally {
		await Promise.all([single, batched, importer, ...workers].map((s) => s.close()));
	}
}

function engineOnly(): number {
	const router = compileRouter(protocol(), { zone: 'UTC' });
	const started = performance.now();
	for (let i = 0; i < 200_000; i++) router.assign({ email: `l${i}@x.io` }, T0 + i, { counters: { sales: i }, loads: {} });
	return 200_000 / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-bench-assign-'));
	const user = await postgresUser();
	const schemas: string[] = [];
	const fmt = (x: number | undefined, digits = 0) => (x === undefined ? '-' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })).padStart(14);
	console.log(`Assigning ${LEADS.toLocaleString('en-US')} leads to a team of ${REPS} (with SLA timers) after ${HISTORY.toLocaleString('en-US')} earlier ones, Node ${process.version}, ${os.cpus().length} cores`);
	try {
		const embedded = await measure(() => ({ kind: 'embedded', folder }));
		const schema = `lh_bench_assign_${process.pid}`;
		if (user) schemas.push(schema);
		const onPg = user ? await measure(() => benchPostgres(user, schema)) : undefined;
		const row = (label: string, pick: (f: Figures) => number | undefined, digits = 0) => console.log(`${label.padEnd(46)}${fmt(pick(embedded), digits)}${fmt(onPg && pick(onPg), digits)}`);
		console.log(`${''.padEnd(46)}${'embedded'.padStart(14)}${'postgres'.padStart(14)}`);
		row(`one transaction per lead, first ${PER_LEAD.toLocaleString('en-US')} (leads/s)`.padEnd(46), (f) => f.perLead);
		row('one execution, batched                   (leads/s)', (f) => f.batched);
		row('  batched / per lead                          (x)', (f) => f.batched / f.perLead, 1);
		row('a single hot lead, median                    (ms)', (f) => f.hot.median, 1);
		row('a single hot lead, slowest of 20             (ms)', (f) => f.hot.max, 1);
		row('a hot lead during an import, median          (ms)', (f) => f.hotDuringImport.median, 1);
		row('a hot lead during an import, slowest         (ms)', (f) => f.hotDuringImport.max, 1);
		row('  hot leads measured during the import', (f) => f.hotDuringImport.count);
		row(`${WORKERS} concurrent executions, batched      (leads/s)`, (f) => f.concurrent);
		console.log(`${'round-robin split, one execution'.padEnd(46)}${embedded.split.padStart(14)}${(onPg?.split ?? '-').padStart(14)}`);
		console.log(`${`round-robin split, ${WORKERS} executions`.padEnd(46)}${embedded.concurrentSplit.padStart(14)}${(onPg?.concurrentSplit ?? '-').padStart(14)}`);
		console.log(`${'engine only, no store                  (leads/s)'.padEnd(46)}${fmt(engineOnly())}`);
		if (onPg) console.log(`PostgreSQL goal, 1,000 leads/s batched: ${onPg.batched >= 1000 ? 'met' : 'MISSED'} (${Math.round(onPg.batched).toLocaleString('en-US')})`);
	} finally {
		if (user) await dropSchemas(user, schemas);
		rmSync(folder, { recursive: true, force: true });
	}
}

void main();
