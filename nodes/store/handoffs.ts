/**
 * Hand-offs, round-robin cursors and rep loads: the Handoff Gate's fire-once state and the Tier
 * Router's owner assignment. Every decision runs inside one write transaction under row locks
 * (`FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE excludes other writers), so concurrent
 * executions queue per lead and per team: each round-robin turn is handed out once and a
 * capacity is never exceeded. The decision itself is the engine's, passed in as a pure function.
 *
 * Lock order, the same for every writer so none waits in a circle: the lead's row (hand-off or
 * assignment), then the team's cursor, then the reps' load rows sorted by id.
 */
import type { Driver, Queryable } from './dialect';
import { StoreError } from './errors';
import { checkKey, checkTime, toJson } from './checks';
import { countIn, loadsOf, lockRepRows } from './repLoads';
import { ReportChanges } from './reportRows';
import type {
	AssignmentDecider,
	AssignmentInput,
	AssignmentOutcome,
	AssignmentRecord,
	DeliveryConfirmation,
	HandoffDecider,
	ResendClaim,
	HandoffInput,
	HandoffOutcome,
	HandoffState,
	RepLoadCounts,
} from './types';

interface LeadRow {
	last_handoff_at: number | null;
	last_event_key: string | null;
	handoff_count: number;
	recycled_at: number | null;
}

interface AssignmentRow {
	team: string | null;
	rep_id: string | null;
	queue: string | null;
	assigned_at: number;
	details: unknown;
	delivered_at?: number | null;
	closed_at?: number | null;
}

function toState(row: LeadRow | undefined): HandoffState | undefined {
	if (!row || (row.last_handoff_at === null && row.recycled_at === null)) return undefined;
	return {
		...(row.last_handoff_at === null ? {} : { lastHandoffAt: Number(row.last_handoff_at), lastEventKey: row.last_event_key ?? undefined }),
		handoffCount: Number(row.handoff_count),
		...(row.recycled_at === null ? {} : { recycledAt: Number(row.recycled_at) }),
	};
}

function checkInput(input: HandoffInput | AssignmentInput): [string, string, string, number] {
	if (typeof input !== 'object' || input === null) throw new StoreError('invalid-input', 'The hand-off input must be an object.');
	return [checkKey(input.scope, 'Scope'), checkKey(input.leadKey, 'Lead key'), checkKey(input.eventKey, 'Event key'), checkTime(input.at, 'Hand-off time')];
}

function decisionJson(details: unknown, what: string): string {
	return toJson(details ?? {}, what);
}

export async function decideHandoff(driver: Driver, input: HandoffInput, decide: HandoffDecider): Promise<HandoffOutcome> {
	const [scope, leadKey, eventKey, at] = checkInput(input);
	return driver.transaction(async (tx) => {
		// The lead's row is the lock: a second execution for the lead waits here until this commits.
		await tx.run('INSERT INTO lh.handoff_leads (scope, lead_key, handoff_count) VALUES ($1, $2, 0) ON CONFLICT (scope, lead_key) DO NOTHING', [scope, leadKey]);
		const [row] = await tx.all<LeadRow>(
			'SELECT last_handoff_at, last_event_key, handoff_count, recycled_at FROM lh.handoff_leads WHERE scope = $1 AND lead_key = $2 FOR UPDATE',
			[scope, leadKey],
		);
		const [seen] = await tx.all<{ handed_off_at: number; details: unknown }>(
			'SELECT handed_off_at, details FROM lh.handoffs WHERE scope = $1 AND lead_key = $2 AND event_key = $3',
			[scope, leadKey, eventKey],
		);
		if (seen) {
			return { status: 'duplicate', record: { scope, leadKey, eventKey, at: Number(seen.handed_off_at), details: driver.dialect.readJson(seen.details) } };
		}
		const previous = toState(row);
		const decision = decide(previous);
		if (!decision.handoff) return { status: 'notHandedOff', ...(previous ? { previous } : {}) };
		const details = decisionJson(decision.details, 'Hand-off details');
		await tx.run('INSERT INTO lh.handoffs (scope, lead_key, event_key, handed_off_at, details) VALUES ($1, $2, $3, $4, $5)', [scope, leadKey, eventKey, at, details]);
		await tx.run(
			'UPDATE lh.handoff_leads SET last_handoff_at = $3, last_event_key = $4, handoff_count = handoff_count + 1 WHERE scope = $1 AND lead_key = $2',
			[scope, leadKey, at, eventKey],
		);
		// Its report row, from what is known already (an assignment, a timer or an outcome may come first).
		await new ReportChanges().handoff(scope, leadKey, eventKey).apply(tx, driver.dialect.kind);
		return { status: 'handedOff', record: { scope, leadKey, eventKey, at, details: JSON.parse(details) as Record<string, unknown> }, ...(previous ? { previous } : {}) };
	});
}

export async function handoffState(driver: Driver, scope: string, leadKey: string): Promise<HandoffState | undefined> {
	const [row] = await driver.all<LeadRow>(
		'SELECT last_handoff_at, last_event_key, handoff_count, recycled_at FROM lh.handoff_leads WHERE scope = $1 AND lead_key = $2',
		[checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key')],
	);
	return toState(row);
}

export async function recycleLead(driver: Driver, scope: string, leadKey: string, at: number): Promise<{ recycledAt: number; closedAssignments: number }> {
	const params = [checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key'), checkTime(at, 'Recycle time')];
	return driver.transaction(async (tx) => {
		// One statement: the latest recycle time wins, whatever order the events arrive in.
		await tx.run(
			`INSERT INTO lh.handoff_leads (scope, lead_key, handoff_count, recycled_at) VALUES ($1, $2, 0, $3)
			ON CONFLICT (scope, lead_key) DO UPDATE SET recycled_at = $3
			WHERE lh.handoff_leads.recycled_at IS NULL OR lh.handoff_leads.recycled_at < $3`,
			params,
		);
		const closedAssignments = await closeOpen(tx, params[0] as string, params[1] as string, params[2] as number);
		const [row] = await tx.all<{ recycled_at: number }>('SELECT recycled_at FROM lh.handoff_leads WHERE scope = $1 AND lead_key = $2', params.slice(0, 2));
		return { recycledAt: Number(row.recycled_at), closedAssignments };
	});
}

/** Closes the lead's assignments made at or before `at` and still open; their reps' open counts drop. */
async function closeOpen(tx: Queryable, scope: string, leadKey: string, at: number, exceptEvent = ''): Promise<number> {
	const closed = await tx.all<{ rep_id: string | null }>(
		'UPDATE lh.assignments SET closed_at = $3 WHERE scope = $1 AND lead_key = $2 AND closed_at IS NULL AND assigned_at <= $3 AND event_key <> $4 RETURNING rep_id',
		[scope, leadKey, at, exceptEvent],
	);
	await adjustOpen(tx, scope, closed.map((row) => row.rep_id), -1);
	return closed.length;
}

/**
 * A rep's open hand-offs, counted on the rep's load row: every writer that opens, closes or deletes
 * an open assignment passes its reps here (one statement per rep, usually one), in the same
 * transaction, so the count is always the number of the rep's open assignments.
 */
export async function adjustOpen(tx: Queryable, scope: string, repIds: ReadonlyArray<string | null>, sign: 1 | -1): Promise<void> {
	const counts = new Map<string, number>();
	for (const id of repIds) if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1);
	for (const [repId, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		// A rep with an open assignment has a load row (an assignment creates it before it opens).
		await tx.run(
			sign > 0
				? `INSERT INTO lh.rep_loads (scope, rep_id, assigned_total, open_count) VALUES ($1, $2, 0, $3)
				ON CONFLICT (scope, rep_id) DO UPDATE SET open_count = lh.rep_loads.open_count + $3`
				: 'UPDATE lh.rep_loads SET open_count = open_count - $3 WHERE scope = $1 AND rep_id = $2',
			[scope, repId, n],
		);
	}
}

export async function closeAssignments(driver: Driver, scope: string, leadKey: string, at: number): Promise<number> {
	const [s, l, t] = [checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key'), checkTime(at, 'Close time')];
	return driver.transaction((tx) => closeOpen(tx, s, l, t));
}

function toRecord(scope: string, leadKey: string, eventKey: string, row: AssignmentRow, driver: Driver): AssignmentRecord {
	return {
		scope,
		leadKey,
		eventKey,
		...(row.team === null ? {} : { team: row.team }),
		...(row.rep_id === null ? {} : { repId: row.rep_id }),
		...(row.queue === null ? {} : { queue: row.queue }),
		at: Number(row.assigned_at),
		details: driver.dialect.readJson(row.details),
		...(row.delivered_at === null || row.delivered_at === undefined ? {} : { deliveredAt: Number(row.delivered_at) }),
		...(row.closed_at === null || row.closed_at === undefined ? {} : { closedAt: Number(row.closed_at) }),
	};
}

/**
 * `then`, when given, runs inside the assignment's transaction once a new assignment is written
 * (not for a duplicate): work that must commit with it or not at all, such as starting the
 * hand-off's SLA timer.
 */
export async function assignLead<X = never>(
	driver: Driver,
	input: AssignmentInput,
	decide: AssignmentDecider,
	then?: (tx: Queryable, record: AssignmentRecord) => Promise<X>,
): Promise<AssignmentOutcome & { then?: X }> {
	const [scope, leadKey, eventKey, at] = checkInput(input);
	const team = input.team === undefined ? undefined : checkKey(input.team, 'Team');
	if (!Array.isArray(input.reps)) throw new StoreError('invalid-input', 'The reps to load must be a list.');
	const reps = [...new Map(input.reps.map((r, i) => [checkKey(r?.id, `Rep ${i + 1}: id`), { id: r.id, dayStart: checkTime(r.dayStart, `Rep "${r.id}": dayStart`), weekStart: checkTime(r.weekStart, `Rep "${r.id}": weekStart`) }])).values()].sort(
		(a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
	);
	return driver.transaction(async (tx) => {
		// Claim the event first: a concurrent delivery of the same event waits here, then sees it taken.
		const claimed = await tx.run(
			`INSERT INTO lh.assignments (scope, lead_key, event_key, assigned_at, details, sending_since) VALUES ($1, $2, $3, $4, '{}', lh_now_ms()) ON CONFLICT (scope, lead_key, event_key) DO NOTHING`,
			[scope, leadKey, eventKey, at],
		);
		if (claimed === 0) {
			const [row] = await tx.all<AssignmentRow>(
				'SELECT team, rep_id, queue, assigned_at, details, delivered_at, closed_at FROM lh.assignments WHERE scope = $1 AND lead_key = $2 AND event_key = $3',
				[scope, leadKey, eventKey],
			);
			return { status: 'duplicate', record: toRecord(scope, leadKey, eventKey, row, driver) };
		}
		let counter = 0;
		if (team !== undefined) {
			// Creates the cursor on first use and locks it, in one statement.
			const [row] = await tx.all<{ counter: number }>(
				'INSERT INTO lh.rr_cursors (scope, team, counter) VALUES ($1, $2, 0) ON CONFLICT (scope, team) DO UPDATE SET counter = lh.rr_cursors.counter RETURNING counter',
				[scope, team],
			);
			counter = Number(row.counter);
		}
		const loads = await lockAndLoadReps(tx, scope, reps);
		const decision = decide({ counter, loads });
		const repId = decision.repId === undefined ? null : checkKey(decision.repId, 'Assigned rep id');
		const queue = decision.queue === undefined ? null : checkKey(decision.queue, 'Queue');
		const chosenTeam = decision.team === undefined ? (team ?? null) : checkKey(decision.team, 'Team');
		const details = decisionJson(decision.details, 'Assignment details');
		if (repId !== null && !reps.some((r) => r.id === repId)) await lockRep(tx, scope, repId);
		if (team !== undefined && decision.nextCounter !== undefined) {
			const next = decision.nextCounter;
			if (!Number.isSafeInteger(next) || next < counter) throw new StoreError('invalid-input', `The next round-robin counter of team "${team}" must be a whole number at least ${counter}, got ${next}.`);
			await tx.run('UPDATE lh.rr_cursors SET counter = $3 WHERE scope = $1 AND team = $2', [scope, team, next]);
		}
		if (repId !== null) {
			await tx.run(`UPDATE lh.rep_loads SET assigned_total = assigned_total + 1, open_count = open_count + 1, last_assigned_at = $3, ${countIn('$3', '1')} WHERE scope = $1 AND rep_id = $2`, [
				scope,
				repId,
				at,
			]);
		}
		// The lead now belongs to this owner: its earlier open assignments stop counting as load.
		await closeOpen(tx, scope, leadKey, at, eventKey);
		await tx.run('UPDATE lh.assignments SET team = $4, rep_id = $5, queue = $6, details = $7 WHERE scope = $1 AND lead_key = $2 AND event_key = $3', [
			scope,
			leadKey,
			eventKey,
			chosenTeam,
			repId,
			queue,
			details,
		]);
		const record: AssignmentRecord = { scope, leadKey, eventKey, at, details: JSON.parse(details) as Record<string, unknown> };
		if (chosenTeam !== null) record.team = chosenTeam;
		if (repId !== null) record.repId = repId;
		if (queue !== null) record.queue = queue;
		const done = then ? { then: await then(tx, record) } : {};
		// Last, after the work `then` did: the hand-off's report row takes its rep and team.
		await new ReportChanges().handoff(scope, leadKey, eventKey).apply(tx, driver.dialect.kind);
		return { status: 'assigned', record, ...done };
	});
}

/**
 * The hand-off's messages went: its assignment keeps the first time this is said. One statement
 * sets it; a second reads what was there when nothing changed (confirmed before, or no assignment).
 */
export async function confirmDelivery(driver: Driver, scope: string, leadKey: string, eventKey: string, at: number): Promise<DeliveryConfirmation> {
	const params = [checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key'), checkKey(eventKey, 'Event key')];
	const time = checkTime(at, 'Delivery time');
	return driver.transaction(async (tx) => {
		const [set] = await tx.all<{ rep_id: string | null }>(
			'UPDATE lh.assignments SET delivered_at = $4 WHERE scope = $1 AND lead_key = $2 AND event_key = $3 AND delivered_at IS NULL RETURNING rep_id',
			[...params, time],
		);
		if (set) return { status: 'confirmed', deliveredAt: time, ...(set.rep_id === null ? {} : { repId: set.rep_id }) };
		const [row] = await tx.all<{ rep_id: string | null; delivered_at: number | null }>(
			'SELECT rep_id, delivered_at FROM lh.assignments WHERE scope = $1 AND lead_key = $2 AND event_key = $3',
			params,
		);
		if (!row || row.delivered_at === null) return { status: 'noAssignment' };
		return { status: 'alreadyConfirmed', deliveredAt: Number(row.delivered_at), ...(row.rep_id === null ? {} : { repId: row.rep_id }) };
	});
}

/**
 * A redelivered event of a hand-off never confirmed: takes over sending its messages when nobody
 * has been at it for `leaseMs` (by the database's clock), so of concurrent redeliveries one
 * resends; otherwise says why not. One statement claims; a second reads when nothing changed.
 */
export async function claimResend(driver: Driver, scope: string, leadKey: string, eventKey: string, leaseMs: number): Promise<ResendClaim> {
	const params = [checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key'), checkKey(eventKey, 'Event key')];
	if (!Number.isSafeInteger(leaseMs) || leaseMs < 0) throw new StoreError('invalid-input', 'The resend lease must be a whole number of milliseconds, 0 or more.');
	return driver.transaction(async (tx) => {
		const [claimed] = await tx.all<{ sending_since: number }>(
			`UPDATE lh.assignments SET sending_since = lh_now_ms() WHERE scope = $1 AND lead_key = $2 AND event_key = $3 AND delivered_at IS NULL AND closed_at IS NULL
				AND (sending_since IS NULL OR sending_since <= lh_now_ms() - $4) RETURNING sending_since`,
			[...params, leaseMs],
		);
		if (claimed) return { status: 'resend' };
		const [row] = await tx.all<{ delivered_at: number | null; closed_at: number | null; sending_since: number | null; now: number }>(
			'SELECT delivered_at, closed_at, sending_since, lh_now_ms() AS now FROM lh.assignments WHERE scope = $1 AND lead_key = $2 AND event_key = $3',
			params,
		);
		if (!row) return { status: 'noAssignment' };
		if (row.delivered_at !== null) return { status: 'confirmed', deliveredAt: Number(row.delivered_at) };
		if (row.closed_at !== null) return { status: 'closed', closedAt: Number(row.closed_at) };
		return { status: 'inFlight', retryAfterMs: Math.max(0, Number(row.sending_since) + leaseMs - Number(row.now)) };
	});
}

/**
 * Locks the reps' load rows (creating missing ones) in id order and reads their loads from the
 * counts kept on each row (repLoads.ts): two statements whatever the team's size, a third for a
 * rep whose day or week has just begun.
 */
export async function lockAndLoadReps(tx: Queryable, scope: string, reps: ReadonlyArray<{ id: string; dayStart: number; weekStart: number }>): Promise<Record<string, RepLoadCounts>> {
	if (reps.length === 0) return {};
	return loadsOf(tx, scope, await lockRepRows(tx, scope, reps.map((r) => r.id)), reps);
}

export async function lockRep(tx: Queryable, scope: string, repId: string): Promise<void> {
	await tx.run('INSERT INTO lh.rep_loads (scope, rep_id, assigned_total) VALUES ($1, $2, 0) ON CONFLICT (scope, rep_id) DO NOTHING', [scope, repId]);
	await tx.all('SELECT assigned_total FROM lh.rep_loads WHERE scope = $1 AND rep_id = $2 FOR UPDATE', [scope, repId]);
}
