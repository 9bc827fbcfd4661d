/**
 * SLA timers: one row per hand-off, its escalation stages, and contacts that arrived before
 * their timer. The rules (when a stage is due, what a contact does) are the engine's, passed in
 * as pure functions; here they run under row locks, so concurrent executions and pollers never
 * double anything.
 *
 * - Each timer row holds its NEXT stage's due time (`next_due_at`, epoch ms, NULL when none),
 *   indexed: a poll is an index range, `WHERE next_due_at <= now ORDER BY next_due_at LIMIT n
 *   FOR UPDATE SKIP LOCKED`, whatever the number of open timers. The claimed rows move on to
 *   their following stage in the same transaction, and every fired stage is recorded under a
 *   primary key (scope, hand-off, stage): a stage fires once, with two pollers, or after a restart.
 * - Lock order, the same for every writer: the hand-off's and the lead's rows in `sla_touches`
 *   (sorted), then timer rows, then assignment rows, then rep load rows. A start and a contact
 *   of one lead therefore queue, so a contact is either kept for the start or applied to the timer.
 * - A timer is stored whole as JSON (`state`), with the columns the store queries copied out of it.
 * - A stage whose firing needs more locks than a claim may take (the Reassignment stage: the
 *   team's round-robin row and the reps' load rows, which Tier Router takes BEFORE timer rows) is
 *   leased by the claim, not fired (SlaHold): the row keeps the stage as its next one, with its
 *   next due time moved to the lease's end. `reassignSlaTimer` with `held` fires it together with
 *   the reassignment, in the usual order (touches, timer, counter, loads), only while the row
 *   still holds that very lease; a lease that runs out (the poller died) is claimed again by any
 *   poll, as a due stage is. So the stage fires exactly once, and only with its reassignment.
 */
import type { Driver, Queryable } from './dialect';
import { checkKey, checkTime, invalid, toJson } from './checks';
import { leadValues, StoreError } from './errors';
import { adjustOpen, lockAndLoadReps, lockRep } from './handoffs';
import { countIn } from './repLoads';
import { ReportChanges } from './reportRows';
import type {
	SlaAdvance,
	SlaChange,
	SlaChangeOutcome,
	SlaClaim,
	SlaClaims,
	SlaUnreadableTimer,
	SlaHold,
	SlaKeptContact,
	SlaListOptions,
	SlaReassignDecider,
	SlaReassignInput,
	SlaReassignOutcome,
	SlaStart,
	SlaStartDecider,
	SlaStartInput,
	SlaStartOutcome,
	SlaTarget,
	SlaTimerRecord,
	SlaTimerStatus,
} from './types';

const STATUSES: ReadonlySet<string> = new Set<SlaTimerStatus>(['open', 'reassigned', 'contacted', 'accepted', 'cancelled']);
const RUNNING: ReadonlySet<string> = new Set<SlaTimerStatus>(['open', 'reassigned']);

const DEFAULT_CLAIM_LIMIT = 1000;
const MAX_LIMIT = 10_000;
/** Rows per statement in a claim: 6 parameters each stays far below both engines' limits. */
const ROWS_PER_STATEMENT = 500;

interface TimerRow {
	state: unknown;
	policy_key: string;
	assignment_key: string | null;
	next_stage: string | null;
	next_due_at: number | null;
}

/** Policies never change under a key: each is read once per process and store. */
const policyCache = new WeakMap<Driver, Map<string, Record<string, unknown>>>();

function touchKeys(handoffKey: string | undefined, leadKey: string | undefined): Array<{ on: string; leadKey: string | null }> {
	const keys: Array<{ on: string; leadKey: string | null }> = [];
	if (handoffKey !== undefined) keys.push({ on: `handoff:${handoffKey}`, leadKey: leadKey ?? null });
	if (leadKey !== undefined) keys.push({ on: `lead:${leadKey}`, leadKey });
	return keys.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

/** Locks the touch rows of a hand-off and a lead (creating them), in one order for every writer. */
async function lockTouches(tx: Queryable, scope: string, handoffKey: string | undefined, leadKey: string | undefined): Promise<void> {
	for (const key of touchKeys(handoffKey, leadKey)) {
		// Upsert as the lock: a concurrent start or contact of the same lead or hand-off waits here.
		await tx.run(
			`INSERT INTO lh.sla_touches (scope, touch_on, lead_key) VALUES ($1, $2, $3)
			ON CONFLICT (scope, touch_on) DO UPDATE SET lead_key = COALESCE(excluded.lead_key, lh.sla_touches.lead_key)`,
			[scope, key.on, key.leadKey],
		);
	}
}

function checkRecord<T extends SlaTimerRecord>(timer: T, expected: { scope: string; handoffKey: string; leadKey: string }, what: string): T {
	// The keys identify a lead (the lead key is usually an email address): description only.
	const values = leadValues({ lead: expected.leadKey, handoff: expected.handoffKey, scope: expected.scope });
	if (typeof timer !== 'object' || timer === null) throw invalid(`${what} must be an object.`, values);
	if (timer.scope !== expected.scope || timer.handoffKey !== expected.handoffKey || timer.leadKey !== expected.leadKey) {
		throw invalid(`${what} must keep its scope, hand-off key and lead key.`, values);
	}
	if (!STATUSES.has(timer.status)) throw invalid(`${what}: status must be one of ${[...STATUSES].join(', ')}.`, values);
	checkKey(timer.tier, `${what}: tier`, values);
	checkKey(timer.policyKey, `${what}: policy key`, values);
	if (timer.ownerId !== undefined) checkKey(timer.ownerId, `${what}: owner id`, values);
	if (timer.team !== undefined) checkKey(timer.team, `${what}: team`, values);
	checkTime(timer.startedAt, `${what}: startedAt`, values);
	checkTime(timer.dueAt, `${what}: dueAt`, values);
	if (timer.closedAt !== undefined) checkTime(timer.closedAt, `${what}: closedAt`, values);
	if (RUNNING.has(timer.status) === (timer.closedAt !== undefined)) throw invalid(`${what}: a ${timer.status} timer must ${RUNNING.has(timer.status) ? 'not ' : ''}have closedAt.`, values);
	if (!Array.isArray(timer.schedule)) throw invalid(`${what}: schedule must be a list.`, values);
	timer.schedule.forEach((s, i) => {
		checkKey(s?.stage, `${what}: schedule ${i + 1} stage`, values);
		checkTime(s.dueAt, `${what}: schedule ${i + 1} dueAt`, values);
		if (i > 0 && s.dueAt < timer.schedule[i - 1].dueAt) throw invalid(`${what}: the schedule must be in firing order.`, values);
	});
	return timer;
}

/** The next stage, as the indexed columns hold it. */
function nextOf(timer: SlaTimerRecord): [string | null, number | null] {
	const next = RUNNING.has(timer.status) ? timer.schedule[0] : undefined;
	return next ? [next.stage, next.dueAt] : [null, null];
}

/**
 * A poll moves a timer on by its two indexed columns alone (next_stage, next_due_at), without
 * rewriting its JSON: the stages of the stored schedule before the one they name have fired.
 * Reading merges that in, so every reader sees the timer as the poll left it.
 */
function readTimer<T extends SlaTimerRecord>(driver: Driver, row: TimerRow): T {
	const timer = driver.dialect.readJson(row.state) as unknown as T;
	if (!RUNNING.has(timer.status) || timer.schedule.length === 0) return timer;
	const next = row.next_due_at === null ? undefined : Number(row.next_due_at);
	const at = row.next_stage === null ? timer.schedule.length : timer.schedule.findIndex((s) => s.stage === row.next_stage && s.dueAt === next);
	if (at <= 0) return timer;
	const passed = timer.schedule.slice(0, at).map((s) => s.stage);
	return { ...timer, schedule: timer.schedule.slice(at), ...(Array.isArray(timer.fired) ? { fired: [...timer.fired, ...passed] } : {}) };
}

/** The timer with its first `count` scheduled stages fired, as readTimer marks stages a poll passed. */
function firstFired<T extends SlaTimerRecord>(timer: T, count: number): T {
	if (count === 0) return timer;
	const passed = timer.schedule.slice(0, count).map((s) => s.stage);
	return { ...timer, schedule: timer.schedule.slice(count), ...(Array.isArray(timer.fired) ? { fired: [...timer.fired, ...passed] } : {}) };
}

/** Whether a poll step only fired the first `count` stages: then the next stage columns say it all. */
function onlyFired(before: SlaTimerRecord, after: SlaTimerRecord, count: number): boolean {
	if (after.schedule.length !== before.schedule.length - count || !after.schedule.every((s, i) => s === before.schedule[i + count])) return false;
	if ((after.fired?.length ?? 0) !== (before.fired?.length ?? 0) + (before.fired || after.fired ? count : 0)) return false;
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	for (const key of keys) {
		if (key !== 'schedule' && key !== 'fired' && (before as unknown as Record<string, unknown>)[key] !== (after as unknown as Record<string, unknown>)[key]) return false;
	}
	return true;
}

async function policyOf(driver: Driver, q: Queryable, key: string): Promise<Record<string, unknown>> {
	return (await policiesOf(driver, q, [key])).get(key)!;
}

async function policiesOf(driver: Driver, q: Queryable, keys: string[]): Promise<Map<string, Record<string, unknown>>> {
	let cache = policyCache.get(driver);
	if (!cache) policyCache.set(driver, (cache = new Map()));
	const missing = [...new Set(keys)].filter((k) => !cache.has(k));
	if (missing.length) {
		const rows = await q.all<{ policy_key: string; policy: unknown }>(
			`SELECT policy_key, policy FROM lh.sla_policies WHERE policy_key IN (${missing.map((_, i) => `$${i + 1}`).join(', ')})`,
			missing,
		);
		for (const row of rows) cache.set(row.policy_key, driver.dialect.readJson(row.policy));
	}
	const found = new Map<string, Record<string, unknown>>();
	for (const key of keys) {
		const policy = cache.get(key);
		if (!policy) throw new StoreError('corrupt', `The SLA policy "${key}" of a timer is missing from the store at ${driver.location}.`);
		found.set(key, policy);
	}
	return found;
}

/**
 * Stores a policy before the timer that uses it, on its own: inside the start transaction, every
 * concurrent start of the tier would wait on the first one's uncommitted row. A policy without
 * timers (the start then failed) is harmless.
 */
async function savePolicy(driver: Driver, key: string, json: string, now: number): Promise<void> {
	let cache = policyCache.get(driver);
	if (!cache) policyCache.set(driver, (cache = new Map()));
	if (cache.has(key)) return;
	await driver.run('INSERT INTO lh.sla_policies (policy_key, policy, created_at) VALUES ($1, $2, $3) ON CONFLICT (policy_key) DO NOTHING', [key, json, now]);
	cache.set(key, JSON.parse(json) as Record<string, unknown>);
}

const TIMER_COLUMNS = 'scope, handoff_key, lead_key, owner_id, team, tier, policy_key, status, started_at, due_at, closed_at, next_stage, next_due_at, assignment_key, state, updated_at';

function timerParams(timer: SlaTimerRecord, assignmentKey: string | null, now: number): unknown[] {
	const [nextStage, nextDueAt] = nextOf(timer);
	return [
		timer.scope,
		timer.handoffKey,
		timer.leadKey,
		timer.ownerId ?? null,
		timer.team ?? null,
		timer.tier,
		timer.policyKey,
		timer.status,
		timer.startedAt,
		timer.dueAt,
		timer.closedAt ?? null,
		nextStage,
		nextDueAt,
		assignmentKey,
		toJson(timer, 'The SLA timer'),
		now,
	];
}

async function writeTimer(tx: Queryable, report: ReportChanges, timer: SlaTimerRecord, assignmentKey: string | null, now: number, lease?: { stage: string; until: number }): Promise<void> {
	const [nextStage, nextDueAt] = lease ? [lease.stage, lease.until] : nextOf(timer);
	await tx.run(
		`UPDATE lh.sla_timers SET owner_id = $3, team = $4, tier = $5, policy_key = $6, status = $7, due_at = $8, closed_at = $9,
		next_stage = $10, next_due_at = $11, assignment_key = $12, state = $13, updated_at = $14 WHERE scope = $1 AND handoff_key = $2`,
		[
			timer.scope,
			timer.handoffKey,
			timer.ownerId ?? null,
			timer.team ?? null,
			timer.tier,
			timer.policyKey,
			timer.status,
			timer.dueAt,
			timer.closedAt ?? null,
			nextStage,
			nextDueAt,
			assignmentKey,
			toJson(timer, 'The SLA timer'),
			now,
		],
	);
	report.timer(timer.scope, timer.leadKey, timer.handoffKey);
}

/**
 * The assignment that carries the hand-off's load: closes the old owner's when the timer closes
 * or changes hands, and opens one for a new owner, so open counts follow the lead.
 */
async function moveLoad(tx: Queryable, report: ReportChanges, before: SlaTimerRecord, after: SlaTimerRecord, assignmentKey: string | null, at: number): Promise<string | null> {
	const closes = RUNNING.has(before.status) && !RUNNING.has(after.status);
	const changesHands = RUNNING.has(after.status) && after.ownerId !== before.ownerId;
	if (!closes && !changesHands) return assignmentKey;
	if (assignmentKey !== null) {
		const closed = await tx.all<{ rep_id: string | null }>(
			'UPDATE lh.assignments SET closed_at = $4 WHERE scope = $1 AND lead_key = $2 AND event_key = $3 AND closed_at IS NULL RETURNING rep_id',
			[after.scope, after.leadKey, assignmentKey, after.closedAt ?? at],
		);
		await adjustOpen(tx, after.scope, closed.map((row) => row.rep_id), -1);
	}
	if (!changesHands || after.ownerId === undefined) return closes ? assignmentKey : null;
	const key = `${after.handoffKey}#reassigned-${after.reassignments ?? 1}`;
	const opened = await tx.run(
		`INSERT INTO lh.assignments (scope, lead_key, event_key, team, rep_id, assigned_at, details) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (scope, lead_key, event_key) DO NOTHING`,
		[after.scope, after.leadKey, key, after.team ?? null, after.ownerId, at, toJson({ via: 'slaReassignment', from: before.ownerId ?? null }, 'Assignment details')],
	);
	await tx.run(
		`INSERT INTO lh.rep_loads (scope, rep_id, assigned_total, open_count, last_assigned_at) VALUES ($1, $2, 1, $3, $4)
		ON CONFLICT (scope, rep_id) DO UPDATE SET assigned_total = lh.rep_loads.assigned_total + 1, open_count = lh.rep_loads.open_count + $3, last_assigned_at = $4, ${countIn('$4', '$3', 'lh.rep_loads.')}`,
		[after.scope, after.ownerId, opened, at],
	);
	report.handoff(after.scope, after.leadKey, key);
	return key;
}

/** `$from, $from+1, ...` for `count` parameters. */
const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/** Runs a statement over `values` in chunks, each value `width` parameters after `fixed` ones. */
async function inChunks<V>(values: readonly V[], rowsPer: number, run: (chunk: readonly V[]) => Promise<void>): Promise<void> {
	for (let start = 0; start < values.length; start += rowsPer) await run(values.slice(start, start + rowsPer));
}

/** A batch of starts, checked, with its policies stored: ready to run inside a transaction. */
export interface PreparedSlaStarts<T extends SlaTimerRecord> {
	scope: string;
	starts: ReadonlyArray<SlaStart<T>>;
	inputs: Array<{ scope: string; handoffKey: string; leadKey: string; policyKey: string }>;
}

/**
 * Checks a batch of starts and stores their policies (outside any transaction: see savePolicy).
 * All starts of a batch share one scope.
 */
export async function prepareSlaStarts<T extends SlaTimerRecord>(driver: Driver, starts: ReadonlyArray<SlaStart<T>>, now: number): Promise<PreparedSlaStarts<T>> {
	if (!Array.isArray(starts)) throw invalid('The SLA timers to start must be a list.');
	const inputs = starts.map(({ input }, index) => {
		const what = `SLA timer ${index + 1}`;
		if (typeof input !== 'object' || input === null) throw invalid(`${what} must be an object.`);
		return {
			scope: checkKey(input.scope, `${what}: scope`),
			handoffKey: checkKey(input.handoffKey, `${what}: hand-off key`),
			leadKey: checkKey(input.leadKey, `${what}: lead key`),
			policyKey: checkKey(input.policyKey, `${what}: policy key`),
			policyJson: toJson(input.policy, `${what}: policy`),
		};
	});
	const scope = inputs[0]?.scope ?? '';
	if (inputs.some((i) => i.scope !== scope)) throw invalid('The SLA timers started together must share one scope.');
	for (const input of inputs) await savePolicy(driver, input.policyKey, input.policyJson, now);
	return { scope, starts, inputs: inputs.map(({ policyJson: _json, ...input }) => input) };
}

/**
 * Starts the timers of a batch of hand-offs of one scope (an execution's items, an import) in one
 * transaction: a few statements whatever the batch's size. A hand-off that has a timer already
 * is a duplicate and changes nothing; the decider of each new one sees the contacts kept for it
 * and its lead's running timers (including those started earlier in the batch).
 */
export async function startSlaTimers<T extends SlaTimerRecord>(driver: Driver, starts: ReadonlyArray<SlaStart<T>>, now: number): Promise<Array<SlaStartOutcome<T>>> {
	const prepared = await prepareSlaStarts(driver, starts, now);
	if (prepared.inputs.length === 0) return [];
	return driver.transaction((tx) => startPreparedSlaTimers(tx, driver, prepared, now));
}

/** `startSlaTimers` inside a transaction the caller holds (an assignment that starts its timer). */
export async function startPreparedSlaTimers<T extends SlaTimerRecord>(tx: Queryable, driver: Driver, prepared: PreparedSlaStarts<T>, now: number): Promise<Array<SlaStartOutcome<T>>> {
	const { scope, starts, inputs } = prepared;
	if (inputs.length === 0) return [];
	const handoffKeys = [...new Set(inputs.map((i) => i.handoffKey))];
	const leadKeys = [...new Set(inputs.map((i) => i.leadKey))];
	const leadOf = new Map(inputs.map((i) => [i.handoffKey, i.leadKey]));
	// Locks first, all in one order: the touch rows of every hand-off and lead of the batch.
	const touches = [...new Map([...handoffKeys.map((h) => [`handoff:${h}`, leadOf.get(h)!] as const), ...leadKeys.map((l) => [`lead:${l}`, l] as const)]).entries()].sort((a, b) =>
		a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
	);
	await inChunks(touches, ROWS_PER_STATEMENT, async (chunk) => {
		await tx.run(
			`INSERT INTO lh.sla_touches (scope, touch_on, lead_key) VALUES ${chunk.map((_, i) => `($1, $${2 * i + 2}, $${2 * i + 3})`).join(', ')}
			ON CONFLICT (scope, touch_on) DO UPDATE SET lead_key = COALESCE(excluded.lead_key, lh.sla_touches.lead_key)`,
			[scope, ...chunk.flat()],
		);
	});
	const existing = new Map<string, T>();
	const kept = new Map<string, number>();
	const running = new Map<string, Array<{ timer: T; assignmentKey: string | null; stored: boolean }>>();
	const assigned = new Set<string>();
	await inChunks(handoffKeys, ROWS_PER_STATEMENT, async (chunk) => {
		const rows = await tx.all<TimerRow & { handoff_key: string }>(
			`SELECT handoff_key, state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND handoff_key IN (${placeholders(2, chunk.length)})`,
			[scope, ...chunk],
		);
		for (const row of rows) existing.set(row.handoff_key, readTimer<T>(driver, row));
		// The hand-offs' assignments (Tier Router's) carry their loads, when there are some. By lead
		// too: the primary key's range, not every assignment of the scope.
		const leads = [...new Set(chunk.map((h) => leadOf.get(h)!))];
		const assignments = await tx.all<{ lead_key: string; event_key: string }>(
			`SELECT lead_key, event_key FROM lh.assignments WHERE scope = $1 AND lead_key IN (${placeholders(2, leads.length)}) AND event_key IN (${placeholders(2 + leads.length, chunk.length)}) AND closed_at IS NULL`,
			[scope, ...leads, ...chunk],
		);
		for (const a of assignments) if (leadOf.get(a.event_key) === a.lead_key) assigned.add(a.event_key);
	});
	await inChunks(touches, ROWS_PER_STATEMENT, async (chunk) => {
		const rows = await tx.all<{ touch_on: string; touched_at: number }>(
			`SELECT touch_on, touched_at FROM lh.sla_touches WHERE scope = $1 AND touch_on IN (${placeholders(2, chunk.length)}) AND touched_at IS NOT NULL`,
			[scope, ...chunk.map(([on]) => on)],
		);
		for (const row of rows) kept.set(row.touch_on, Number(row.touched_at));
	});
	await inChunks(leadKeys, ROWS_PER_STATEMENT, async (chunk) => {
		const rows = await tx.all<TimerRow & { lead_key: string }>(
			`SELECT lead_key, state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND lead_key IN (${placeholders(2, chunk.length)}) AND closed_at IS NULL
			ORDER BY lead_key, started_at, handoff_key FOR UPDATE`,
			[scope, ...chunk],
		);
		for (const row of rows) {
			const list = running.get(row.lead_key) ?? [];
			list.push({ timer: readTimer<T>(driver, row), assignmentKey: row.assignment_key, stored: true });
			running.set(row.lead_key, list);
		}
	});

	const outcomes: Array<SlaStartOutcome<T>> = [];
	const created = new Map<string, { timer: T; assignmentKey: string | null }>();
	const changed = new Map<string, { before: T; after: T; assignmentKey: string | null }>();
	starts.forEach(({ decide }, index) => {
		const { handoffKey, leadKey, policyKey } = inputs[index];
		const seen = existing.get(handoffKey) ?? created.get(handoffKey)?.timer;
		if (seen) {
			outcomes.push({ status: 'duplicate', timer: seen });
			return;
		}
		const lead = running.get(leadKey) ?? [];
		const keptContacts: SlaKeptContact[] = [];
		const byHandoff = kept.get(`handoff:${handoffKey}`);
		const byLead = kept.get(`lead:${leadKey}`);
		if (byHandoff !== undefined) keptContacts.push({ at: byHandoff, byHandoff: true });
		if (byLead !== undefined) keptContacts.push({ at: byLead, byHandoff: false });
		const decision = decide({ kept: keptContacts, running: lead.map((r) => r.timer) });
		const timer = checkRecord(decision.timer, { scope, handoffKey, leadKey }, 'The new SLA timer');
		const values = leadValues({ lead: leadKey, handoff: handoffKey, scope });
		if (timer.policyKey !== policyKey) throw invalid(`The new SLA timer runs on policy "${timer.policyKey}", not the "${policyKey}" given.`, values);
		const others: T[] = [];
		for (const other of decision.others ?? []) {
			const at = lead.findIndex((r) => r.timer.handoffKey === other?.handoffKey);
			if (at < 0) throw invalid("The start of an SLA timer may change only its lead's running timers, not another timer.", `${values} The other timer's hand-off key is ${JSON.stringify(String(other?.handoffKey))}.`);
			const found = lead[at];
			checkRecord(other, found.timer, "A running timer of the lead");
			if (found.stored) {
				const first = changed.get(other.handoffKey)?.before ?? found.timer;
				changed.set(other.handoffKey, { before: first, after: other, assignmentKey: found.assignmentKey });
			} else {
				created.set(other.handoffKey, { timer: other, assignmentKey: found.assignmentKey });
			}
			lead[at] = { ...found, timer: other };
			others.push(other);
		}
		const assignmentKey = assigned.has(handoffKey) ? handoffKey : null;
		created.set(handoffKey, { timer, assignmentKey });
		lead.push({ timer, assignmentKey, stored: false });
		running.set(leadKey, lead.filter((r) => RUNNING.has(r.timer.status)));
		outcomes.push({ status: 'started', timer, others });
	});

	const fresh = [...created.values()];
	const report = new ReportChanges();
	for (const { timer } of fresh) report.timer(timer.scope, timer.leadKey, timer.handoffKey);
	await inChunks(fresh, ROWS_PER_STATEMENT / 2, async (chunk) => {
		const width = TIMER_COLUMNS.split(', ').length;
		await tx.run(
			`INSERT INTO lh.sla_timers (${TIMER_COLUMNS}) VALUES ${chunk.map((_, i) => `(${placeholders(i * width + 1, width)})`).join(', ')}`,
			chunk.flatMap(({ timer, assignmentKey }) => timerParams(timer, assignmentKey, now)),
		);
	});
	// A timer closed as it started (a kept contact) releases its hand-off's load at once.
	for (const { timer, assignmentKey } of fresh) {
		if (!RUNNING.has(timer.status)) await moveLoad(tx, report, { ...timer, status: 'open' }, timer, assignmentKey, timer.closedAt ?? timer.startedAt);
	}
	for (const { before, after, assignmentKey } of changed.values()) {
		const key = await moveLoad(tx, report, before, after, assignmentKey, after.closedAt ?? now);
		await writeTimer(tx, report, after, key, now);
	}
	// Kept contacts are used up: each applied to its timer, or is older than any later start.
	await inChunks(touches, ROWS_PER_STATEMENT, async (chunk) => {
		await tx.run(`UPDATE lh.sla_touches SET touched_at = NULL WHERE scope = $1 AND touch_on IN (${placeholders(2, chunk.length)}) AND touched_at IS NOT NULL`, [
			scope,
			...chunk.map(([on]) => on),
		]);
	});
	await report.apply(tx, driver.dialect.kind);
	return outcomes;
}

/** One hand-off's timer; see `startSlaTimers`. */
export async function startSlaTimer<T extends SlaTimerRecord>(driver: Driver, input: SlaStartInput, decide: SlaStartDecider<T>, now: number): Promise<SlaStartOutcome<T>> {
	const [outcome] = await startSlaTimers(driver, [{ input, decide }], now);
	return outcome;
}

export async function changeSlaTimers<T extends SlaTimerRecord>(
	driver: Driver,
	target: SlaTarget,
	at: number,
	change: SlaChange<T>,
	options: { keepContact?: boolean; now: number },
): Promise<SlaChangeOutcome<T>> {
	if (typeof target !== 'object' || target === null) throw invalid('The SLA timer to change must be given by scope and hand-off key, or scope and lead key.');
	const scope = checkKey(target.scope, 'Scope');
	const handoffKey = 'handoffKey' in target ? checkKey(target.handoffKey, 'Hand-off key') : undefined;
	const leadKey = 'leadKey' in target ? checkKey(target.leadKey, 'Lead key') : undefined;
	if (handoffKey === undefined && leadKey === undefined) throw invalid('The SLA timer to change must be given by hand-off key or lead key.');
	checkTime(at, 'The time of the change');
	return driver.transaction((tx) => changeSlaTimersIn<T>(tx, driver, { scope, handoffKey, leadKey }, at, change, options));
}

/**
 * `changeSlaTimers` inside a transaction the caller holds (an outcome recorded from the CRM stops
 * its hand-off's timer in the same transaction). The caller has checked the keys and the time.
 * With `report`, the report rows the change touches are left to the caller to apply, last.
 */
export async function changeSlaTimersIn<T extends SlaTimerRecord>(
	tx: Queryable,
	driver: Driver,
	target: { scope: string; handoffKey?: string; leadKey?: string },
	at: number,
	change: SlaChange<T>,
	options: { keepContact?: boolean; now: number; report?: ReportChanges },
): Promise<SlaChangeOutcome<T>> {
	const { scope, handoffKey, leadKey } = target;
	await lockTouches(tx, scope, handoffKey, leadKey);
	let rows: Array<TimerRow & { handoff_key: string }>;
	if (handoffKey !== undefined) {
		rows = await tx.all('SELECT handoff_key, state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND handoff_key = $2 FOR UPDATE', [scope, handoffKey]);
	} else {
		rows = await tx.all(
			'SELECT handoff_key, state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND lead_key = $2 AND closed_at IS NULL ORDER BY started_at, handoff_key FOR UPDATE',
			[scope, leadKey],
		);
		// None running: the latest, so a repeated event is answered with what it did the first time.
		if (rows.length === 0) {
			rows = await tx.all(
				'SELECT handoff_key, state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND lead_key = $2 ORDER BY started_at DESC, handoff_key DESC LIMIT 1 FOR UPDATE',
				[scope, leadKey],
			);
		}
	}
	if (rows.length === 0) {
		if (!options.keepContact) return { timers: [], kept: false };
		// The earliest contact wins: a webhook for the first touch may come after one for a later touch.
		await tx.run('UPDATE lh.sla_touches SET touched_at = $3 WHERE scope = $1 AND touch_on = $2 AND (touched_at IS NULL OR touched_at > $3)', [
			scope,
			handoffKey !== undefined ? `handoff:${handoffKey}` : `lead:${leadKey}`,
			at,
		]);
		return { timers: [], kept: true };
	}
	const policies = await policiesOf(driver, tx, rows.map((r) => r.policy_key));
	const timers: SlaChangeOutcome<T>['timers'] = [];
	const report = options.report ?? new ReportChanges();
	for (const row of rows) {
		const before = readTimer<T>(driver, row);
		const after = change(before, policies.get(row.policy_key)!);
		if (after === undefined || after === before) {
			timers.push({ before, after: before, changed: false });
			continue;
		}
		checkRecord(after, before, 'The changed SLA timer');
		const key = await moveLoad(tx, report, before, after, row.assignment_key, at);
		await writeTimer(tx, report, after, key, options.now);
		timers.push({ before, after, changed: true });
	}
	if (!options.report) await report.apply(tx, driver.dialect.kind);
	return { timers, kept: false };
}

/**
 * Reassigns a hand-off through the routing: under the timer's row lock, the team's round-robin
 * counter and the listed reps' load rows (the order an assignment takes them in), `decide` sees
 * the timer, the counter and the loads and returns the reassigned timer and the team's next
 * counter; the timer, the counter and the moved load commit together.
 */
export async function reassignSlaTimer<T extends SlaTimerRecord>(driver: Driver, input: SlaReassignInput, decide: SlaReassignDecider<T>, now: number): Promise<SlaReassignOutcome<T>> {
	if (typeof input !== 'object' || input === null) throw invalid('The reassignment must be an object.');
	const scope = checkKey(input.scope, 'Scope');
	const handoffKey = checkKey(input.handoffKey, 'Hand-off key');
	const at = checkTime(input.at, 'The reassignment time');
	const team = input.team === undefined ? undefined : checkKey(input.team, 'Team');
	if (!Array.isArray(input.reps)) throw invalid('The reps to load must be a list.');
	const reps = [
		...new Map(
			input.reps.map((r, i) => [
				checkKey(r?.id, `Rep ${i + 1}: id`),
				{ id: r.id, dayStart: checkTime(r.dayStart, `Rep "${r.id}": dayStart`), weekStart: checkTime(r.weekStart, `Rep "${r.id}": weekStart`) },
			]),
		).values(),
	].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const held = input.held === undefined ? undefined : { stage: checkKey(input.held?.stage, 'Held stage'), until: checkTime(input.held?.until, 'The held stage\'s lease') };
	return driver.transaction(async (tx) => {
		await lockTouches(tx, scope, handoffKey, undefined);
		const [row] = await tx.all<TimerRow>('SELECT state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND handoff_key = $2 FOR UPDATE', [scope, handoffKey]);
		if (!row) return { status: 'notFound' };
		let before = readTimer<T>(driver, row);
		const owner = before.ownerId;
		let firing: SlaTimerRecord['schedule'][number] | undefined;
		if (held) {
			// Only the lease's holder fires it: a lease that ran out and was claimed again, or a
			// timer changed meanwhile (contacted, reassigned by hand: its next stage set anew), is not this one's.
			if (row.next_stage !== held.stage || row.next_due_at === null || Number(row.next_due_at) !== held.until || before.schedule[0]?.stage !== held.stage) return { status: 'leaseLost' };
			firing = before.schedule[0];
			before = firstFired(before, 1);
		}
		let counter = 0;
		if (team !== undefined) {
			const [cursor] = await tx.all<{ counter: number }>(
				'INSERT INTO lh.rr_cursors (scope, team, counter) VALUES ($1, $2, 0) ON CONFLICT (scope, team) DO UPDATE SET counter = lh.rr_cursors.counter RETURNING counter',
				[scope, team],
			);
			counter = Number(cursor.counter);
		}
		const loads = await lockAndLoadReps(tx, scope, reps);
		const decision = decide({ timer: before, policy: await policyOf(driver, tx, row.policy_key), counter, loads });
		// A held stage fires whatever the decision: the timer moves on past it, reassigned or not.
		const after = decision.timer ?? (firing ? before : undefined);
		if (after === undefined || (after === before && !firing)) return { status: 'unchanged', before, after: before };
		checkRecord(after, before, 'The reassigned SLA timer');
		if (after.ownerId !== undefined && !reps.some((r) => r.id === after.ownerId)) await lockRep(tx, scope, after.ownerId);
		if (team !== undefined && decision.nextCounter !== undefined) {
			const next = decision.nextCounter;
			if (!Number.isSafeInteger(next) || next < counter) throw invalid(`The next round-robin counter of team "${team}" must be a whole number at least ${counter}, got ${next}.`);
			await tx.run('UPDATE lh.rr_cursors SET counter = $3 WHERE scope = $1 AND team = $2', [scope, team, next]);
		}
		const report = new ReportChanges();
		const key = await moveLoad(tx, report, before, after, row.assignment_key, at);
		await writeTimer(tx, report, after, key, now);
		if (firing) {
			const recorded = await recordFired(tx, driver, scope, at, [[handoffKey, firing.stage, before.leadKey, firing.dueAt]]);
			if (recorded !== 1) throw new StoreError('unknown', `An SLA stage was about to fire a second time in ${driver.location}; the reassignment was rolled back.`);
		}
		await report.apply(tx, driver.dialect.kind);
		return { status: firing && after.ownerId === owner ? 'unchanged' : 'reassigned', before, after };
	});
}

/** How long a due timer that could not be read waits before a poll reports it again. */
const UNREADABLE_RETRY_MS = 60 * 60_000;

/**
 * Claims the stages due by `now` of up to `limit` timers of a scope, the most overdue first.
 * Rows another poller holds are skipped (PostgreSQL's SKIP LOCKED; SQLite has one writer at a
 * time): each stage goes to exactly one poller. Returns the fired stages with their timers.
 * A stage `hold` names is leased instead (SlaHold), with the stages before it fired; a lease that
 * ran out is due again, so the next poll claims it like any due stage. A row that cannot be read
 * or advanced is set aside in `unreadable` and due again after UNREADABLE_RETRY_MS.
 */
export async function claimDueSlaStages<T extends SlaTimerRecord>(
	driver: Driver,
	scope: string,
	now: number,
	advance: SlaAdvance<T>,
	limit = DEFAULT_CLAIM_LIMIT,
	hold?: SlaHold,
): Promise<SlaClaims<T>> {
	checkKey(scope, 'Scope');
	checkTime(now, 'The poll time');
	const size = checkLimit(limit);
	if (hold !== undefined && (!Array.isArray(hold.stages) || !Number.isSafeInteger(hold.leaseMs) || hold.leaseMs < 1)) {
		throw invalid('The stages to hold must be a list, with a lease of a whole number of milliseconds above 0.');
	}
	return driver.transaction(async (tx) => {
		const rows = await tx.all<TimerRow & { handoff_key: string }>(
			`SELECT handoff_key, state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers
			WHERE scope = $1 AND next_due_at <= $2 ORDER BY next_due_at, handoff_key LIMIT $3 FOR UPDATE SKIP LOCKED`,
			[scope, now, size],
		);
		const claims = Object.assign([] as Array<SlaClaim<T>>, { unreadable: [] as SlaUnreadableTimer[] });
		if (rows.length === 0) return claims;
		const policies = await policiesOf(driver, tx, rows.map((r) => r.policy_key));
		const moved: Array<[handoffKey: string, nextStage: string | null, nextDueAt: number | null]> = [];
		const rewritten: Array<{ timer: T; assignmentKey: string | null; lease?: { stage: string; until: number } }> = [];
		const setAside: Array<readonly [string, string | null, number]> = [];
		for (const row of rows) {
			// Each row is read, advanced and checked before anything of it is kept, so a row that
			// fails (corrupt state, another shape) can be set aside whole: it must not stop every
			// poll of the scope. Nothing of it fires; it is reported, and due again after a while.
			try {
				const before = readTimer<T>(driver, row);
				const step = advance(before, now);
				if (!step || !Array.isArray(step.due)) throw new TypeError('the poll step gave no list of due stages');
				const held = hold ? step.due.findIndex((s) => hold.stages.includes(s.stage)) : -1;
				if (held >= 0) {
					// Fire the stages before the held one; lease the held one, left first in the schedule.
					const stage = step.due[held];
					if (before.schedule[held]?.stage !== stage.stage || before.schedule[held].dueAt !== stage.dueAt) {
						throw invalid('An SLA timer of the poll: a poll must fire the stages of its schedule in order.', leadValues({ lead: before.leadKey, handoff: before.handoffKey, scope: before.scope }));
					}
					const leased = firstFired(before, held);
					const until = now + hold!.leaseMs;
					rewritten.push({ timer: leased, assignmentKey: row.assignment_key, lease: { stage: stage.stage, until } });
					claims.push({ timer: leased, policy: policies.get(row.policy_key)!, due: step.due.slice(0, held), firedAt: now, held: { stage, until } });
					continue;
				}
				const after = checkRecord(step.timer, before, 'An SLA timer of the poll');
				const [nextStage, nextDueAt] = nextOf(after);
				if (nextDueAt !== null && nextDueAt <= now) throw invalid('An SLA timer of the poll still has a stage due at the poll time after the poll.', leadValues({ lead: before.leadKey, handoff: before.handoffKey, scope: before.scope }));
				if (onlyFired(before, after, step.due.length)) moved.push([before.handoffKey, nextStage, nextDueAt]);
				else rewritten.push({ timer: after, assignmentKey: row.assignment_key });
				claims.push({ timer: after, policy: policies.get(row.policy_key)!, due: step.due, firedAt: now });
			} catch (error) {
				const retryAt = now + UNREADABLE_RETRY_MS;
				claims.unreadable.push({
					handoffKey: row.handoff_key,
					stage: row.next_stage,
					dueAt: row.next_due_at === null ? null : Number(row.next_due_at),
					reason: error instanceof Error ? error.message : String(error),
					retryAt,
				});
				setAside.push([row.handoff_key, row.next_stage, retryAt]);
			}
		}
		await moveOn(tx, driver, scope, now, [...moved, ...setAside]);
		const report = new ReportChanges();
		for (const { timer, assignmentKey, lease } of rewritten) await writeTimer(tx, report, timer, assignmentKey, now, lease);
		const fired = claims.flatMap((claim) => claim.due.map((stage) => [claim.timer.handoffKey, stage.stage, claim.timer.leadKey, stage.dueAt] as const));
		// The record of every fired stage, under its primary key: a stage cannot be recorded twice.
		const recorded = await recordFired(tx, driver, scope, now, fired);
		if (recorded !== fired.length) throw new StoreError('unknown', `An SLA stage was about to fire a second time in ${driver.location}; the poll was rolled back.`);
		await report.apply(tx, driver.dialect.kind);
		return claims;
	});
}

/**
 * The claimed timers move on to their following stage. PostgreSQL takes the whole batch as
 * arrays in one statement (no plan for thousands of parameters); SQLite, in process, runs one
 * prepared statement per timer. Nothing the report shows changes (its rows read no next stage).
 */
async function moveOn(tx: Queryable, driver: Driver, scope: string, now: number, moved: ReadonlyArray<readonly [string, string | null, number | null]>): Promise<void> {
	if (moved.length === 0) return;
	if (driver.dialect.kind === 'postgres') {
		await tx.run(
			`UPDATE lh.sla_timers AS t SET next_stage = v.next_stage, next_due_at = v.next_due_at, updated_at = $2
			FROM unnest($3::text[], $4::text[], $5::bigint[]) AS v(handoff_key, next_stage, next_due_at) WHERE t.scope = $1 AND t.handoff_key = v.handoff_key`,
			[scope, now, moved.map((m) => m[0]), moved.map((m) => m[1]), moved.map((m) => m[2])],
		);
		return;
	}
	for (const [handoffKey, nextStage, nextDueAt] of moved) {
		await tx.run('UPDATE lh.sla_timers SET next_stage = $3, next_due_at = $4, updated_at = $5 WHERE scope = $1 AND handoff_key = $2', [scope, handoffKey, nextStage, nextDueAt, now]);
	}
}

/** Records fired stages (hand-off, stage, lead, due time); returns how many were new. */
async function recordFired(tx: Queryable, driver: Driver, scope: string, now: number, fired: ReadonlyArray<readonly [string, string, string, number]>): Promise<number> {
	if (fired.length === 0) return 0;
	const insert = 'INSERT INTO lh.sla_escalations (scope, handoff_key, stage, lead_key, due_at, fired_at)';
	const conflict = 'ON CONFLICT (scope, handoff_key, stage) DO NOTHING';
	if (driver.dialect.kind === 'postgres') {
		return tx.run(`${insert} SELECT $1, h, s, l, d, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[]) AS v(h, s, l, d) ${conflict}`, [
			scope,
			now,
			...[0, 1, 2, 3].map((i) => fired.map((f) => f[i])),
		]);
	}
	let recorded = 0;
	for (let start = 0; start < fired.length; start += ROWS_PER_STATEMENT) {
		const chunk = fired.slice(start, start + ROWS_PER_STATEMENT);
		recorded += await tx.run(`${insert} VALUES ${chunk.map((_, i) => `($1, $${4 * i + 3}, $${4 * i + 4}, $${4 * i + 5}, $${4 * i + 6}, $2)`).join(', ')} ${conflict}`, [scope, now, ...chunk.flat()]);
	}
	return recorded;
}

function checkLimit(limit: number): number {
	if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`The limit must be a whole number from 1 to ${MAX_LIMIT}, got ${String(limit)}.`);
	return limit;
}

/** The timers of a scope whose next stage is due by `now`, most overdue first; claims nothing. */
export async function dueSlaTimers<T extends SlaTimerRecord>(driver: Driver, scope: string, now: number, limit = 100): Promise<T[]> {
	const rows = await driver.all<TimerRow>('SELECT state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND next_due_at <= $2 ORDER BY next_due_at, handoff_key LIMIT $3', [
		checkKey(scope, 'Scope'),
		checkTime(now, 'now'),
		checkLimit(limit),
	]);
	return rows.map((row) => readTimer<T>(driver, row));
}

export async function getSlaTimer<T extends SlaTimerRecord>(driver: Driver, scope: string, handoffKey: string): Promise<{ timer: T; policy: Record<string, unknown> } | undefined> {
	const [row] = await driver.all<TimerRow>('SELECT state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE scope = $1 AND handoff_key = $2', [
		checkKey(scope, 'Scope'),
		checkKey(handoffKey, 'Hand-off key'),
	]);
	if (!row) return undefined;
	return { timer: readTimer<T>(driver, row), policy: await policyOf(driver, driver, row.policy_key) };
}

/** Timers of a scope by owner, team or lead (running ones unless `includeClosed`), oldest first. */
export async function listSlaTimers<T extends SlaTimerRecord>(driver: Driver, scope: string, options: SlaListOptions = {}): Promise<T[]> {
	const where = ['scope = $1'];
	const params: unknown[] = [checkKey(scope, 'Scope')];
	const add = (column: string, value: string | undefined, what: string) => {
		if (value === undefined) return;
		params.push(checkKey(value, what));
		where.push(`${column} = $${params.length}`);
	};
	add('owner_id', options.ownerId, 'Owner id');
	add('team', options.team, 'Team');
	add('lead_key', options.leadKey, 'Lead key');
	if (!options.includeClosed) where.push('closed_at IS NULL');
	params.push(checkLimit(options.limit ?? 1000));
	const rows = await driver.all<TimerRow>(`SELECT state, policy_key, assignment_key, next_stage, next_due_at FROM lh.sla_timers WHERE ${where.join(' AND ')} ORDER BY started_at, handoff_key LIMIT $${params.length}`, params);
	return rows.map((row) => readTimer<T>(driver, row));
}

/** The stages a hand-off has fired, oldest first: what was escalated, when, and how late. */
export async function slaEscalations(driver: Driver, scope: string, handoffKey: string): Promise<Array<{ stage: string; dueAt: number; firedAt: number }>> {
	const rows = await driver.all<{ stage: string; due_at: number; fired_at: number }>(
		'SELECT stage, due_at, fired_at FROM lh.sla_escalations WHERE scope = $1 AND handoff_key = $2 ORDER BY fired_at, due_at, stage',
		[checkKey(scope, 'Scope'), checkKey(handoffKey, 'Hand-off key')],
	);
	return rows.map((r) => ({ stage: r.stage, dueAt: Number(r.due_at), firedAt: Number(r.fired_at) }));
}
