/**
 * Owner assignment for many leads at once (an execution's items, an import): the same decisions
 * one-by-one assignment makes, in a few transactions instead of one per lead.
 *
 * A transaction takes up to `LEADS_PER_TRANSACTION` leads of one scope. It claims their events
 * (in key order), locks their teams' round-robin rows and their reps' load rows once (the order
 * every assignment takes them in: lead, team, reps), reads the counters and loads once, and then
 * lets each lead's decider pick in turn, in request order, against the counters and loads as the
 * leads before it left them: the turn each took, the load it added, the lead's earlier open
 * assignments it closed. The assignments, closes, counters, loads and SLA timers are then written
 * in a few statements. So every decider sees exactly what it would have seen one lead at a time.
 *
 * An SLA timer start can move a load too (a contact recorded before the hand-off closes it at once;
 * a new hand-off supersedes a running timer whose assignment is still open), and a lead's second
 * hand-off must find its first one's timer stored. So the decisions stop after a lead whose start
 * may move a load, and before a lead already started in the round; the round is written, and the
 * next leads read the loads afresh in the same transaction.
 *
 * A transaction that fails (a decider or an SLA decision refusing a lead) is rolled back and its
 * leads are assigned one per transaction, so only the lead at fault fails. Requests are handled in
 * order and the first failure ends the call: the leads after it are not attempted (the results
 * stop there), as one-by-one assignment would have stopped.
 */
import type { Driver, Queryable } from './dialect';
import { checkKey, checkTime, invalid, toJson } from './checks';
import { leadValues, StoreError } from './errors';
import { assignLead } from './handoffs';
import { lockRepRows, windowCount, type Period, type RepRow } from './repLoads';
import { ReportChanges } from './reportRows';
import { prepareSlaStarts, startPreparedSlaTimers, type PreparedSlaStarts } from './sla';
import type { AssignmentDecider, AssignmentRecord, AssignmentRequest, AssignmentResult, AssignmentSlaStart, RepLoadCounts, SlaStartOutcome, SlaTimerRecord } from './types';

/** Leads per transaction: a hot lead for the same team waits for at most one such transaction. */
export const LEADS_PER_TRANSACTION = 200;

interface Checked<T extends SlaTimerRecord> {
	index: number;
	scope: string;
	leadKey: string;
	eventKey: string;
	at: number;
	team?: string;
	reps: Array<{ id: string; dayStart: number; weekStart: number }>;
	decide: AssignmentDecider;
	sla?: AssignmentSlaStart<T>;
}

type Done<T extends SlaTimerRecord> = Exclude<AssignmentResult<T>, { status: 'failed' }>;

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyOf = (leadKey: string, eventKey: string) => `${leadKey}\u0000${eventKey}`;
const params = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

function check<T extends SlaTimerRecord>(request: AssignmentRequest<T>, index: number): Checked<T> {
	if (typeof request !== 'object' || request === null || typeof request.input !== 'object' || request.input === null) throw invalid(`Assignment ${index + 1} must be an object with an input.`);
	const { input, decide, sla } = request;
	if (typeof decide !== 'function') throw invalid(`Assignment ${index + 1} needs a decider.`);
	const checked: Checked<T> = {
		index,
		scope: checkKey(input.scope, 'Scope'),
		leadKey: checkKey(input.leadKey, 'Lead key'),
		eventKey: checkKey(input.eventKey, 'Event key'),
		at: checkTime(input.at, 'Hand-off time'),
		...(input.team === undefined ? {} : { team: checkKey(input.team, 'Team') }),
		reps: [],
		decide,
	};
	if (!Array.isArray(input.reps)) throw invalid('The reps to load must be a list.');
	checked.reps = [
		...new Map(input.reps.map((r, i) => [checkKey(r?.id, `Rep ${i + 1}: id`), { id: r.id, dayStart: checkTime(r.dayStart, `Rep "${r.id}": dayStart`), weekStart: checkTime(r.weekStart, `Rep "${r.id}": weekStart`) }])).values(),
	].sort((a, b) => byKey(a.id, b.id));
	if (sla !== undefined) {
		if (typeof sla !== 'object' || sla === null || sla.input?.scope !== input.scope || sla.input.leadKey !== input.leadKey || sla.input.handoffKey !== input.eventKey) {
			throw invalid("The SLA timer an assignment starts must be its hand-off's: the same scope, lead key and event key.");
		}
		checked.sla = sla;
	}
	return checked;
}

export async function assignLeads<T extends SlaTimerRecord>(
	driver: Driver,
	requests: ReadonlyArray<AssignmentRequest<T>>,
	now: number,
	perTransaction = LEADS_PER_TRANSACTION,
): Promise<Array<AssignmentResult<T>>> {
	if (!Array.isArray(requests)) throw invalid('The assignments must be a list.');
	const results: Array<AssignmentResult<T>> = [];
	let next = 0;
	while (next < requests.length) {
		const run: Array<Checked<T>> = [];
		let failure: unknown;
		while (next < requests.length && run.length < perTransaction) {
			let checked: Checked<T>;
			try {
				checked = check(requests[next], next);
			} catch (error) {
				failure = error;
				break;
			}
			if (run.length > 0 && checked.scope !== run[0].scope) break;
			run.push(checked);
			next++;
		}
		if (run.length > 0) {
			try {
				results.push(...(await inTransaction(driver, run, now)));
			} catch (error) {
				if (run.length === 1) return [...results, failed(error)];
				// One per transaction, to find the lead at fault; the ones before it stay assigned.
				for (const single of run) {
					try {
						results.push(...(await inTransaction(driver, [single], now)));
					} catch (error) {
						return [...results, failed(error)];
					}
				}
			}
		}
		if (failure !== undefined) return [...results, failed(failure)];
	}
	return results;
}

function failed(error: unknown): { status: 'failed'; error: Error } {
	return { status: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
}

async function inTransaction<T extends SlaTimerRecord>(driver: Driver, run: Array<Checked<T>>, now: number): Promise<Array<Done<T>>> {
	// One lead alone (a hot lead's webhook): the one-lead path, which takes fewer statements.
	if (run.length === 1) return [await alone(driver, run[0], now)];
	const records = new Map<number, AssignmentRecord>();
	const timed = run.filter((c) => c.sla !== undefined);
	// Policies are stored before the transaction (see prepareSlaStarts); each timer is decided once its owner is.
	const prepared = timed.length
		? await prepareSlaStarts<T>(
				driver,
				timed.map((c) => ({ input: c.sla!.input, decide: (state) => c.sla!.decide(records.get(c.index)!, state) })),
				now,
			)
		: undefined;
	const slaOf = new Map(timed.map((c, i) => [c.index, i]));
	return driver.transaction(async (tx) => {
		records.clear();
		const done = await new Batch<T>(tx, driver, run, prepared, slaOf, records, now).run();
		// Last: the hand-offs' report rows take their reps and teams.
		const report = new ReportChanges();
		for (const record of records.values()) report.handoff(record.scope, record.leadKey, record.eventKey);
		await report.apply(tx, driver.dialect.kind);
		return done;
	});
}

async function alone<T extends SlaTimerRecord>(driver: Driver, c: Checked<T>, now: number): Promise<Done<T>> {
	const input = { scope: c.scope, leadKey: c.leadKey, eventKey: c.eventKey, at: c.at, reps: c.reps, ...(c.team === undefined ? {} : { team: c.team }) };
	if (!c.sla) return assignLead(driver, input, c.decide);
	let record: AssignmentRecord | undefined;
	const sla = c.sla;
	const prepared = await prepareSlaStarts<T>(driver, [{ input: sla.input, decide: (state) => sla.decide(record!, state) }], now);
	const { then, ...outcome } = await assignLead(driver, input, c.decide, async (tx, assigned) => {
		record = assigned;
		return (await startPreparedSlaTimers(tx, driver, prepared, now))[0];
	});
	return { ...outcome, ...(then ? { slaTimer: then } : {}) };
}

interface RepState {
	row?: RepRow;
	/** Assignments counted for reads in this round: window key (`day:<start>`) to count. */
	windows: Map<string, number>;
	open: number;
	addOpen: number;
	added: number[];
	last?: number;
}

interface Decided<T extends SlaTimerRecord> {
	c: Checked<T>;
	record: AssignmentRecord;
}

class Batch<T extends SlaTimerRecord> {
	private readonly scope: string;
	private readonly outcomes = new Map<number, Done<T>>();

	constructor(
		private readonly tx: Queryable,
		private readonly driver: Driver,
		private readonly requests: Array<Checked<T>>,
		private readonly prepared: PreparedSlaStarts<T> | undefined,
		private readonly slaOf: Map<number, number>,
		private readonly records: Map<number, AssignmentRecord>,
		private readonly now: number,
	) {
		this.scope = requests[0].scope;
	}

	async run(): Promise<Array<Done<T>>> {
		const { tx, scope } = this;
		// Claim every event first, in key order: a concurrent delivery of one waits, then sees it taken.
		const firstOf = new Map<string, Checked<T>>();
		for (const c of this.requests) if (!firstOf.has(keyOf(c.leadKey, c.eventKey))) firstOf.set(keyOf(c.leadKey, c.eventKey), c);
		const keys = [...firstOf.entries()].sort(([a], [b]) => byKey(a, b));
		const claimed = new Set<string>();
		for (let start = 0; start < keys.length; start += 200) {
			const chunk = keys.slice(start, start + 200).map(([, c]) => c);
			const rows = await tx.all<{ lead_key: string; event_key: string }>(
				`INSERT INTO lh.assignments (scope, lead_key, event_key, assigned_at, details, sending_since) VALUES ${chunk.map((_, i) => `($1, $${3 * i + 2}, $${3 * i + 3}, $${3 * i + 4}, '{}', lh_now_ms())`).join(', ')}
				ON CONFLICT (scope, lead_key, event_key) DO NOTHING RETURNING lead_key, event_key`,
				[scope, ...chunk.flatMap((c) => [c.leadKey, c.eventKey, c.at])],
			);
			for (const row of rows) claimed.add(keyOf(row.lead_key, row.event_key));
		}
		const first = new Map([...firstOf].map(([key, c]) => [key, c.index]));
		const todo = this.requests.filter((c) => claimed.has(keyOf(c.leadKey, c.eventKey)) && first.get(keyOf(c.leadKey, c.eventKey)) === c.index);
		for (let pos = 0; pos < todo.length; ) pos = await this.round(todo, pos);
		// Events assigned before (or earlier in the batch): their first assignment, nothing moved.
		const seen = this.requests.filter((c) => !this.outcomes.has(c.index));
		const stored = await this.storedAssignments(seen.filter((c) => !claimed.has(keyOf(c.leadKey, c.eventKey))));
		for (const c of seen) {
			const key = keyOf(c.leadKey, c.eventKey);
			const record = claimed.has(key) ? this.outcomes.get(first.get(key)!)!.record : stored.get(key);
			if (!record) {
				throw new StoreError('unknown', `The stored assignment of request ${c.index + 1} (an event assigned before) vanished while it was being read in ${this.driver.location}.`, {
					description: leadValues({ lead: c.leadKey, event: c.eventKey }),
				});
			}
			this.outcomes.set(c.index, { status: 'duplicate', record });
		}
		return this.requests.map((c) => this.outcomes.get(c.index)!);
	}

	private async storedAssignments(requests: Array<Checked<T>>): Promise<Map<string, AssignmentRecord>> {
		const found = new Map<string, AssignmentRecord>();
		const leads = [...new Set(requests.map((c) => c.leadKey))];
		for (let start = 0; start < leads.length; start += 500) {
			const chunk = leads.slice(start, start + 500);
			const rows = await this.tx.all<{
				lead_key: string;
				event_key: string;
				team: string | null;
				rep_id: string | null;
				queue: string | null;
				assigned_at: number;
				details: unknown;
				delivered_at: number | null;
				closed_at: number | null;
			}>(
				`SELECT lead_key, event_key, team, rep_id, queue, assigned_at, details, delivered_at, closed_at FROM lh.assignments WHERE scope = $1 AND lead_key IN (${params(2, chunk.length)})`,
				[this.scope, ...chunk],
			);
			for (const row of rows) {
				found.set(keyOf(row.lead_key, row.event_key), {
					scope: this.scope,
					leadKey: row.lead_key,
					eventKey: row.event_key,
					...(row.team === null ? {} : { team: row.team }),
					...(row.rep_id === null ? {} : { repId: row.rep_id }),
					...(row.queue === null ? {} : { queue: row.queue }),
					at: Number(row.assigned_at),
					details: this.driver.dialect.readJson(row.details),
					...(row.delivered_at === null ? {} : { deliveredAt: Number(row.delivered_at) }),
					...(row.closed_at === null ? {} : { closedAt: Number(row.closed_at) }),
				});
			}
		}
		return found;
	}

	/** Decides from `todo[pos]` on, until the end or a lead whose SLA start may move a load; writes them. */
	private async round(todo: Array<Checked<T>>, pos: number): Promise<number> {
		const { tx, scope } = this;
		const rest = todo.slice(pos);
		// Locks in the order every assignment takes them: the teams' rows, then the reps' rows.
		const counters = new Map<string, number>();
		const teams = [...new Set(rest.flatMap((c) => (c.team === undefined ? [] : [c.team])))].sort(byKey);
		if (teams.length) {
			const rows = await tx.all<{ team: string; counter: number }>(
				`INSERT INTO lh.rr_cursors (scope, team, counter) VALUES ${teams.map((_, i) => `($1, $${i + 2}, 0)`).join(', ')}
				ON CONFLICT (scope, team) DO UPDATE SET counter = lh.rr_cursors.counter RETURNING team, counter`,
				[scope, ...teams],
			);
			for (const row of rows) counters.set(row.team, Number(row.counter));
		}
		const reps = new Map<string, RepState>();
		const locked = await lockRepRows(tx, scope, rest.flatMap((c) => c.reps.map((r) => r.id)));
		for (const [id, row] of locked) {
			const state: RepState = { row, windows: new Map(), open: row.open_count, addOpen: 0, added: [] };
			// The latest day and week first: a later one becomes the row's, an earlier one is counted.
			for (const period of ['day', 'week'] as Period[]) {
				const starts = [...new Set(rest.flatMap((c) => c.reps.filter((r) => r.id === id).map((r) => (period === 'day' ? r.dayStart : r.weekStart))))].sort((a, b) => b - a);
				for (const start of starts) state.windows.set(`${period}:${start}`, await windowCount(tx, scope, row, period, start));
			}
			reps.set(id, state);
		}
		// The leads' open assignments, which each lead's new assignment closes; not the claims still undecided.
		const pending = new Set(rest.map((c) => keyOf(c.leadKey, c.eventKey)));
		const leads = [...new Set(rest.map((c) => c.leadKey))].sort(byKey);
		const open = new Map<string, Array<{ eventKey: string; repId: string | null; at: number }>>();
		for (let start = 0; start < leads.length; start += 500) {
			const chunk = leads.slice(start, start + 500);
			const rows = await tx.all<{ lead_key: string; event_key: string; rep_id: string | null; assigned_at: number }>(
				`SELECT lead_key, event_key, rep_id, assigned_at FROM lh.assignments WHERE scope = $1 AND lead_key IN (${params(2, chunk.length)}) AND closed_at IS NULL ORDER BY lead_key, event_key FOR UPDATE`,
				[scope, ...chunk],
			);
			for (const row of rows) {
				if (pending.has(keyOf(row.lead_key, row.event_key))) continue;
				open.set(row.lead_key, [...(open.get(row.lead_key) ?? []), { eventKey: row.event_key, repId: row.rep_id, at: Number(row.assigned_at) }]);
			}
		}
		const sla = rest.some((c) => c.sla) ? await this.slaHints(rest) : undefined;

		const decided: Array<Decided<T>> = [];
		const closes: Array<{ leadKey: string; eventKey: string; at: number }> = [];
		const movedTeams = new Set<string>();
		const stateOf = (id: string) => {
			let state = reps.get(id);
			if (!state) reps.set(id, (state = { windows: new Map(), open: 0, addOpen: 0, added: [] }));
			return state;
		};
		// Leads and hand-offs whose timers start (or are superseded) in this round: a second start of
		// one waits for the next round, to find the first stored (a timer is keyed by its hand-off alone).
		const timedLeads = new Set<string>();
		const timedHandoffs = new Set<string>();
		for (const c of rest) {
			if (c.sla && (timedLeads.has(c.leadKey) || timedHandoffs.has(c.eventKey))) break;
			const counter = c.team === undefined ? 0 : counters.get(c.team)!;
			const loads: Record<string, RepLoadCounts> = {};
			for (const rep of c.reps) {
				const state = reps.get(rep.id)!;
				loads[rep.id] = {
					open: state.open,
					assignedToday: state.windows.get(`day:${rep.dayStart}`)!,
					assignedThisWeek: state.windows.get(`week:${rep.weekStart}`)!,
					...(state.last !== undefined ? { lastAssignedAt: state.last } : state.row?.last_assigned_at != null ? { lastAssignedAt: state.row.last_assigned_at } : {}),
				};
			}
			const decision = c.decide({ counter, loads });
			const repId = decision.repId === undefined ? null : checkKey(decision.repId, 'Assigned rep id');
			const queue = decision.queue === undefined ? null : checkKey(decision.queue, 'Queue');
			const team = decision.team === undefined ? (c.team ?? null) : checkKey(decision.team, 'Team');
			const details = toJson(decision.details ?? {}, 'Assignment details');
			if (c.team !== undefined && decision.nextCounter !== undefined) {
				const next = decision.nextCounter;
				if (!Number.isSafeInteger(next) || next < counter) throw invalid(`The next round-robin counter of team "${c.team}" must be a whole number at least ${counter}, got ${next}.`);
				counters.set(c.team, next);
				movedTeams.add(c.team);
			}
			if (repId !== null) {
				const state = stateOf(repId);
				state.open++;
				state.addOpen++;
				state.added.push(c.at);
				state.last = c.at;
				for (const [window, count] of state.windows) if (Number(window.slice(window.indexOf(':') + 1)) <= c.at) state.windows.set(window, count + 1);
			}
			// The lead now belongs to this owner: its earlier open assignments stop counting as load.
			const kept: Array<{ eventKey: string; repId: string | null; at: number }> = [];
			for (const o of open.get(c.leadKey) ?? []) {
				if (o.at <= c.at && o.eventKey !== c.eventKey) {
					closes.push({ leadKey: c.leadKey, eventKey: o.eventKey, at: c.at });
					if (o.repId !== null) {
						const state = stateOf(o.repId);
						state.open--;
						state.addOpen--;
					}
				} else kept.push(o);
			}
			kept.push({ eventKey: c.eventKey, repId, at: c.at });
			open.set(c.leadKey, kept);
			const record: AssignmentRecord = { scope, leadKey: c.leadKey, eventKey: c.eventKey, at: c.at, details: JSON.parse(details) as Record<string, unknown> };
			if (team !== null) record.team = team;
			if (repId !== null) record.repId = repId;
			if (queue !== null) record.queue = queue;
			decided.push({ c, record });
			if (c.sla && sla) {
				timedLeads.add(c.leadKey);
				timedHandoffs.add(c.eventKey);
				for (const key of sla.runningHandoffs.get(c.leadKey) ?? []) timedHandoffs.add(key);
				const moves = sla.kept.has(`handoff:${c.eventKey}`) || sla.kept.has(`lead:${c.leadKey}`) || (sla.running.get(c.leadKey) ?? []).some((key) => kept.some((o) => o.eventKey === key && o.eventKey !== c.eventKey));
				if (moves) break;
			}
		}
		await this.write(decided, closes, counters, movedTeams, reps, locked);
		return pos + decided.length;
	}

	/** What an SLA start may find that moves a load: kept contacts, and the leads' running timers' assignments. */
	private async slaHints(rest: Array<Checked<T>>): Promise<{ kept: Set<string>; running: Map<string, string[]>; runningHandoffs: Map<string, string[]> }> {
		const touches = [...new Set(rest.flatMap((c) => [`handoff:${c.eventKey}`, `lead:${c.leadKey}`]))];
		const kept = new Set<string>();
		for (let start = 0; start < touches.length; start += 500) {
			const chunk = touches.slice(start, start + 500);
			const rows = await this.tx.all<{ touch_on: string }>(`SELECT touch_on FROM lh.sla_touches WHERE scope = $1 AND touch_on IN (${params(2, chunk.length)}) AND touched_at IS NOT NULL`, [
				this.scope,
				...chunk,
			]);
			for (const row of rows) kept.add(row.touch_on);
		}
		const running = new Map<string, string[]>();
		const runningHandoffs = new Map<string, string[]>();
		const leads = [...new Set(rest.map((c) => c.leadKey))];
		for (let start = 0; start < leads.length; start += 500) {
			const chunk = leads.slice(start, start + 500);
			const rows = await this.tx.all<{ lead_key: string; handoff_key: string; assignment_key: string | null }>(
				`SELECT lead_key, handoff_key, assignment_key FROM lh.sla_timers WHERE scope = $1 AND lead_key IN (${params(2, chunk.length)}) AND closed_at IS NULL`,
				[this.scope, ...chunk],
			);
			for (const row of rows) {
				runningHandoffs.set(row.lead_key, [...(runningHandoffs.get(row.lead_key) ?? []), row.handoff_key]);
				if (row.assignment_key !== null) running.set(row.lead_key, [...(running.get(row.lead_key) ?? []), row.assignment_key]);
			}
		}
		return { kept, running, runningHandoffs };
	}

	private async write(
		decided: Array<Decided<T>>,
		closes: Array<{ leadKey: string; eventKey: string; at: number }>,
		counters: Map<string, number>,
		movedTeams: Set<string>,
		reps: Map<string, RepState>,
		locked: Map<string, RepRow>,
	): Promise<void> {
		const { tx, scope, driver } = this;
		const postgres = driver.dialect.kind === 'postgres';
		// Owners picked outside the listed reps (fallbacks): their rows locked now, as one-by-one does.
		const extra = [...reps.entries()].filter(([id, s]) => !locked.has(id) && s.added.length > 0).map(([id]) => id);
		for (const [id, row] of await lockRepRows(tx, scope, extra)) reps.get(id)!.row = row;
		for (const team of [...movedTeams].sort(byKey)) await tx.run('UPDATE lh.rr_cursors SET counter = $3 WHERE scope = $1 AND team = $2', [scope, team, counters.get(team)]);
		// Each rep's load moves by what the round added and closed; in id order, as every writer locks them.
		const moved = [...reps.entries()]
			.filter(([, s]) => s.addOpen !== 0 || s.added.length > 0)
			.sort(([a], [b]) => byKey(a, b))
			.map(([id, state]) => {
				const inWindow = (column: 'day_start' | 'week_start') => {
					const start = state.row?.[column];
					return start === null || start === undefined ? 0 : state.added.filter((at) => at >= start).length;
				};
				return [id, state.addOpen, state.added.length, state.last ?? null, inWindow('day_start'), inWindow('week_start')] as const;
			});
		const set = 'open_count = open_count + $3, assigned_total = assigned_total + $4, last_assigned_at = COALESCE($5, last_assigned_at), day_count = day_count + $6, week_count = week_count + $7';
		if (postgres && moved.length > 1) {
			await tx.run(
				`UPDATE lh.rep_loads AS r SET open_count = r.open_count + v.open, assigned_total = r.assigned_total + v.added, last_assigned_at = COALESCE(v.last, r.last_assigned_at),
				day_count = r.day_count + v.day, week_count = r.week_count + v.week
				FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) AS v(rep_id, open, added, last, day, week) WHERE r.scope = $1 AND r.rep_id = v.rep_id`,
				[scope, ...[0, 1, 2, 3, 4, 5].map((i) => moved.map((m) => m[i]))],
			);
		} else {
			for (const m of moved) await tx.run(`UPDATE lh.rep_loads SET ${set} WHERE scope = $1 AND rep_id = $2`, [scope, ...m]);
		}
		const rows = decided.map(({ record }) => [record.leadKey, record.eventKey, record.team ?? null, record.repId ?? null, record.queue ?? null, JSON.stringify(record.details)] as const);
		if (postgres) {
			await tx.run(
				`UPDATE lh.assignments AS a SET team = v.team, rep_id = v.rep_id, queue = v.queue, details = v.details::jsonb
				FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS v(lead_key, event_key, team, rep_id, queue, details)
				WHERE a.scope = $1 AND a.lead_key = v.lead_key AND a.event_key = v.event_key`,
				[scope, ...[0, 1, 2, 3, 4, 5].map((i) => rows.map((r) => r[i]))],
			);
			if (closes.length) {
				await tx.run(
					`UPDATE lh.assignments AS a SET closed_at = v.at FROM unnest($2::text[], $3::text[], $4::bigint[]) AS v(lead_key, event_key, at)
					WHERE a.scope = $1 AND a.lead_key = v.lead_key AND a.event_key = v.event_key AND a.closed_at IS NULL`,
					[scope, closes.map((c) => c.leadKey), closes.map((c) => c.eventKey), closes.map((c) => c.at)],
				);
			}
		} else {
			// In process: one prepared statement per row costs microseconds.
			for (const row of rows) await tx.run('UPDATE lh.assignments SET team = $4, rep_id = $5, queue = $6, details = $7 WHERE scope = $1 AND lead_key = $2 AND event_key = $3', [scope, ...row]);
			for (const c of closes) {
				await tx.run('UPDATE lh.assignments SET closed_at = $4 WHERE scope = $1 AND lead_key = $2 AND event_key = $3 AND closed_at IS NULL', [scope, c.leadKey, c.eventKey, c.at]);
			}
		}
		for (const { c, record } of decided) this.records.set(c.index, record);
		// The hand-offs' SLA timers, in one batch, decided now that their owners are known.
		const timed = decided.filter(({ c }) => c.sla !== undefined);
		let timers: Array<SlaStartOutcome<T>> = [];
		if (timed.length && this.prepared) {
			const at = timed.map(({ c }) => this.slaOf.get(c.index)!);
			timers = await startPreparedSlaTimers(tx, driver, { scope, starts: at.map((i) => this.prepared!.starts[i]), inputs: at.map((i) => this.prepared!.inputs[i]) }, this.now);
		}
		timed.forEach(({ c }, i) => this.outcomes.set(c.index, { status: 'assigned', record: this.records.get(c.index)!, slaTimer: timers[i] }));
		for (const { c, record } of decided) if (!c.sla) this.outcomes.set(c.index, { status: 'assigned', record });
	}
}
