/**
 * A rep's assignments of the day and the week are counts on the rep's load row, not counted from
 * history on every assignment. Whatever happens in whatever order over several days (assignments
 * one by one and in batches, closes, recycles, contacts, reassignments, releases, erasures),
 * every count equals a recount of the rep's assignments since its window's start, and the loads
 * an assignment sees equal the history's for its own day and week, an earlier one included
 * (fast-check, both backends).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import fc from 'fast-check';

import { createStore, type HandoffStore, type RepLoadCounts, type StoreConfig } from '../../nodes/store';
import { STORE_FILE } from '../../nodes/store/sqlite';
import { BACKENDS, describeOn, withPg } from './backends';
import { contact, reassign, SCOPE, start } from './sla-support';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-09T08:00:00Z'); // a Monday
const REPS = ['r1', 'r2', 'r3'];
const LEADS = ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'];

const dayStart = (at: number) => at - (at % DAY);
const weekStart = (at: number) => dayStart(at) - ((new Date(at).getUTCDay() + 6) % 7) * DAY;
const windows = (at: number) => REPS.map((id) => ({ id, dayStart: dayStart(at), weekStart: weekStart(at) }));

type Op =
	| { kind: 'assign'; lead: number; rep: number }
	| { kind: 'batch'; leads: Array<{ lead: number; rep: number }> }
	| { kind: 'close' | 'recycle' | 'contact' | 'release' | 'erase'; lead: number }
	| { kind: 'reassign'; lead: number; rep: number }
	| { kind: 'wait'; hours: number };

const lead = fc.nat(LEADS.length - 1);
const rep = fc.nat(REPS.length - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('assign' as const), lead, rep }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), leads: fc.array(fc.record({ lead, rep }), { minLength: 1, maxLength: 4 }) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('reassign' as const), lead, rep }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'recycle' as const, 'contact' as const, 'release' as const, 'erase' as const), lead }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 80 }) }) },
);

interface Kept {
	rep_id: string;
	open_count: number;
	day_start: number | null;
	day_count: number;
	week_start: number | null;
	week_count: number;
}

/** Each rep's row, and the same counts recounted from the assignments. */
async function keptAndRecounted(config: StoreConfig): Promise<{ kept: Kept[]; recounted: Kept[] }> {
	const rows = `SELECT rep_id, open_count, day_start, day_count, week_start, week_count FROM %s.rep_loads WHERE scope = '${SCOPE}' ORDER BY rep_id`;
	const count = (where: string) => `(SELECT COUNT(*) FROM %s.assignments a WHERE a.scope = r.scope AND a.rep_id = r.rep_id AND ${where})`;
	const recount = `SELECT rep_id, ${count('a.closed_at IS NULL')} AS open_count, day_start, CASE WHEN day_start IS NULL THEN day_count ELSE ${count('a.assigned_at >= r.day_start')} END AS day_count,
		week_start, CASE WHEN week_start IS NULL THEN week_count ELSE ${count('a.assigned_at >= r.week_start')} END AS week_count FROM %s.rep_loads r WHERE scope = '${SCOPE}' ORDER BY rep_id`;
	const plain = (list: Array<Record<string, unknown>>) =>
		list.map((r) => ({
			rep_id: String(r.rep_id),
			open_count: Number(r.open_count),
			day_start: r.day_start === null ? null : Number(r.day_start),
			day_count: Number(r.day_count),
			week_start: r.week_start === null ? null : Number(r.week_start),
			week_count: Number(r.week_count),
		}));
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE), { readOnly: true });
		try {
			const all = (sql: string) => plain(db.prepare(sql.replaceAll('%s.', '')).all() as Array<Record<string, unknown>>);
			return { kept: all(rows), recounted: all(recount) };
		} finally {
			db.close();
		}
	}
	return withPg(config.user, async (client) => {
		const all = async (sql: string) => plain((await client.query(sql.replaceAll('%s', `"${config.schema}"`))).rows);
		return { kept: await all(rows), recounted: await all(recount) };
	});
}

/** A rep's assignments since a time, and open, from history: what the counts must say. */
async function fromHistory(config: StoreConfig, repId: string, day: number, week: number): Promise<Omit<RepLoadCounts, 'lastAssignedAt'>> {
	const sql = `SELECT SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END) AS open, SUM(CASE WHEN assigned_at >= ${day} THEN 1 ELSE 0 END) AS today,
		SUM(CASE WHEN assigned_at >= ${week} THEN 1 ELSE 0 END) AS week FROM %s.assignments WHERE scope = '${SCOPE}' AND rep_id = '${repId}'`;
	const read = (row: Record<string, unknown>) => ({ open: Number(row.open ?? 0), assignedToday: Number(row.today ?? 0), assignedThisWeek: Number(row.week ?? 0) });
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE), { readOnly: true });
		try {
			return read(db.prepare(sql.replace('%s.', '')).get() as Record<string, unknown>);
		} finally {
			db.close();
		}
	}
	return withPg(config.user, async (client) => read((await client.query(sql.replace('%s', `"${config.schema}"`))).rows[0]));
}

async function apply(store: HandoffStore, step: Op, at: number, n: number): Promise<void> {
	switch (step.kind) {
		case 'assign':
		case 'batch': {
			const leads = step.kind === 'assign' ? [step] : step.leads;
			const keyed = leads.map((l, i) => ({ ...l, leadKey: LEADS[l.lead], eventKey: `evt-${n}-${i}` }));
			for (const l of keyed) await store.decideHandoff({ scope: SCOPE, leadKey: l.leadKey, eventKey: l.eventKey, at }, () => ({ handoff: true, details: {} }));
			const requests = keyed.map((l) => ({ input: { scope: SCOPE, leadKey: l.leadKey, eventKey: l.eventKey, at, team: 'sales', reps: windows(at) }, decide: () => ({ repId: REPS[l.rep], details: {} }) }));
			if (step.kind === 'assign') await store.assignLead(requests[0].input, requests[0].decide);
			else assert.ok((await store.assignLeads(requests)).every((r) => r.status !== 'failed'));
			for (const l of keyed) await start(store, { handoffKey: l.eventKey, leadKey: l.leadKey, ownerId: REPS[l.rep], team: 'sales', startedAt: at });
			return;
		}
		case 'reassign': {
			const [timer] = await store.listSlaTimers(SCOPE, { leadKey: LEADS[step.lead] });
			if (timer) await reassign(store, timer.handoffKey, at, REPS[step.rep]);
			return;
		}
		case 'close':
			await store.closeAssignments(SCOPE, LEADS[step.lead], at);
			return;
		case 'recycle':
			await store.recycleLead(SCOPE, LEADS[step.lead], at);
			return;
		case 'contact':
			await contact(store, { leadKey: LEADS[step.lead] }, at);
			return;
		case 'release':
			await store.releaseHandoff({ scope: SCOPE, leadKey: LEADS[step.lead], at, reason: 'routed by mistake' });
			return;
		case 'erase':
			await store.eraseLead(SCOPE, LEADS[step.lead]);
			return;
		case 'wait':
			return;
	}
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	describeOn(backend)(`daily and weekly loads per rep on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
			await backend.cleanup();
		});

		it('the counts on each rep equal a recount from history, and an assignment sees the history of its own day and week', async () => {
			await fc.assert(
				fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 10 * 24 }), async (ops, probeHoursBack) => {
					const config = await backend.fresh();
					const store = await createStore(config);
					opened.push(store);
					let at = T0;
					for (const [n, step] of ops.entries()) {
						at += step.kind === 'wait' ? step.hours * 3_600_000 : 7 * 60_000;
						await apply(store, step, at, n);
					}
					const { kept, recounted } = await keptAndRecounted(config);
					assert.deepEqual(kept, recounted);
					// A lead as of now, and one as of an earlier time (its day and week may be past ones).
					for (const probeAt of [at + 60_000, Math.max(T0, at - probeHoursBack * 3_600_000)]) {
						let loads: Record<string, RepLoadCounts> = {};
						await store.assignLead({ scope: SCOPE, leadKey: 'probe@x.io', eventKey: `probe-${probeAt}`, at: probeAt, team: 'sales', reps: windows(probeAt) }, (state) => {
							loads = state.loads;
							return { queue: 'Inbox', details: {} };
						});
						for (const id of REPS) {
							const { lastAssignedAt: _last, ...counts } = loads[id];
							assert.deepEqual(counts, await fromHistory(config, id, dayStart(probeAt), weekStart(probeAt)), `${id} as of ${new Date(probeAt).toISOString()}`);
						}
					}
					assert.deepEqual((await keptAndRecounted(config)).kept, (await keptAndRecounted(config)).recounted);
					await store.close();
				}),
				{ numRuns: backend.name === 'postgres' ? 15 : 30 },
			);
		});
	});
}
