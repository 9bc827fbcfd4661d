/**
 * Lead feedback: the outcome events sales' CRM sends about handed-off leads, the outcome of each
 * hand-off folded from them, and the replay keys of accepted signed webhook requests.
 *
 * - An event is kept once per (scope, source, event id): its insert is the idempotency claim, so
 *   a redelivered webhook, or two deliveries racing, record it once (the second waits on the
 *   first's row and then finds it taken).
 * - The outcome is not a running total: under the outcome's row lock, every event of the hand-off
 *   is read and folded by the engine (a pure function passed in), so events in any order end in
 *   the same outcome.
 * - Lock order, the same for every writer: the event row, the outcome row, then what the SLA
 *   timer change takes (touch rows, timer rows, assignment and rep load rows, as sla.ts does).
 */
import type { Driver, Queryable } from './dialect';
import { checkKey, checkNumber, checkTime, invalid, toJson } from './checks';
import { leadValues } from './errors';
import { ReportChanges } from './reportRows';
import { changeSlaTimersIn } from './sla';
import type {
	OutcomeFold,
	OutcomeLinks,
	OutcomeRecordInput,
	OutcomeRecordOutcome,
	OutcomeSummary,
	SlaChangeOutcome,
	SlaTimerRecord,
	StoredOutcome,
	StoredOutcomeEvent,
} from './types';

/** The stages whose first-reached time has a column of its own (the report reads them). */
const REACHED = ['accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected'] as const;
const MAX_PAYLOAD = 2000;

interface OutcomeRow {
	scope: string;
	lead_key: string;
	handoff_key: string;
	handed_off_at: number | null;
	stage: string;
	closed: number;
	code: string | null;
	reason: string | null;
	reason_text: string | null;
	amount: number | null;
	currency: string | null;
	accepted_at: number | null;
	contacted_at: number | null;
	meeting_at: number | null;
	opportunity_at: number | null;
	won_at: number | null;
	lost_at: number | null;
	rejected_at: number | null;
	closed_at: number | null;
	corrections: number;
	event_count: number;
	assignment_key: string | null;
	rep_id: string | null;
	team: string | null;
	sla_timer_key: string | null;
	model_id: string | null;
	outcome: unknown;
	updated_at: number;
}

const OUTCOME_COLUMNS =
	'scope, lead_key, handoff_key, handed_off_at, stage, closed, code, reason, reason_text, amount, currency, accepted_at, contacted_at, meeting_at, opportunity_at, won_at, lost_at, rejected_at, closed_at, corrections, event_count, assignment_key, rep_id, team, sla_timer_key, model_id, outcome, updated_at';

function optional<K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> {
	return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function num(value: number | null): number | undefined {
	return value === null ? undefined : Number(value);
}

function toOutcome(driver: Driver, row: OutcomeRow): StoredOutcome {
	const reached: Record<string, number> = {};
	for (const stage of REACHED) {
		const at = row[`${stage}_at`];
		if (at !== null) reached[stage] = Number(at);
	}
	return {
		scope: row.scope,
		leadKey: row.lead_key,
		handoffKey: row.handoff_key,
		...optional('handedOffAt', num(row.handed_off_at)),
		stage: row.stage,
		closed: Number(row.closed) === 1,
		...optional('code', row.code),
		...optional('reason', row.reason),
		...optional('reasonText', row.reason_text),
		...optional('amount', row.amount === null ? undefined : Number(row.amount)),
		...optional('currency', row.currency),
		reached,
		...optional('closedAt', num(row.closed_at)),
		corrections: Number(row.corrections),
		eventCount: Number(row.event_count),
		...optional('assignmentKey', row.assignment_key),
		...optional('repId', row.rep_id),
		...optional('team', row.team),
		...optional('slaTimerKey', row.sla_timer_key),
		...optional('modelId', row.model_id),
		details: driver.dialect.readJson(row.outcome),
		updatedAt: Number(row.updated_at),
	};
}

interface CheckedEvent {
	source: string;
	eventId: string;
	params: unknown[];
}

function checkEvent(input: OutcomeRecordInput['event']): CheckedEvent {
	if (typeof input !== 'object' || input === null) throw invalid('The outcome event must be an object.');
	const source = checkKey(input.source, 'Outcome event source');
	const eventId = checkKey(input.eventId, 'Outcome event id');
	const text = (value: unknown, what: string) => (value === undefined || value === null ? null : checkKey(value, what));
	const payload = input.payload === undefined || input.payload === null ? null : String(input.payload).slice(0, MAX_PAYLOAD).replace(/\u0000/g, '');
	return {
		source,
		eventId,
		params: [
			text(input.code, 'Outcome code'),
			text(input.stage, 'Outcome stage'),
			text(input.reason, 'Outcome reason'),
			input.amount === undefined || input.amount === null ? null : checkNumber(input.amount, 'Outcome amount'),
			text(input.currency, 'Outcome currency'),
			checkTime(input.occurredAt, 'Outcome occurredAt'),
			toJson(input.event, 'The outcome event'),
			payload,
		],
	};
}

/** The hand-off an event belongs to, and what the hand-off was linked to. */
async function findLinks(tx: Queryable, scope: string, leadKey: string | undefined, handoffKey: string | undefined, at: number): Promise<{ leadKey: string; links: OutcomeLinks }> {
	let found: { lead_key: string; event_key: string; handed_off_at: number | null } | undefined;
	if (handoffKey !== undefined) {
		const lead = leadKey === undefined ? '' : ' AND lead_key = $3';
		const params = leadKey === undefined ? [scope, handoffKey] : [scope, handoffKey, leadKey];
		[found] = await tx.all(`SELECT lead_key, event_key, handed_off_at FROM lh.handoffs WHERE scope = $1 AND event_key = $2${lead} ORDER BY handed_off_at DESC LIMIT 1`, params);
		// A timer started by SLA Timer's Start (an assignment made outside Tier Router) names its hand-off too.
		found ??= (
			await tx.all<{ lead_key: string; event_key: string; handed_off_at: number | null }>(
				`SELECT lead_key, handoff_key AS event_key, started_at AS handed_off_at FROM lh.sla_timers WHERE scope = $1 AND handoff_key = $2${lead}`,
				params,
			)
		)[0];
		if (!found && leadKey === undefined) throw invalid('The outcome names a hand-off key the store does not know, and no lead key was given to file the outcome under.', leadValues({ handoff: handoffKey, scope }));
	} else if (leadKey !== undefined) {
		// The lead's hand-off the event came after; the first one, when it came before them all (clocks differ).
		[found] = await tx.all(
			'SELECT lead_key, event_key, handed_off_at FROM lh.handoffs WHERE scope = $1 AND lead_key = $2 AND handed_off_at <= $3 ORDER BY handed_off_at DESC, event_key DESC LIMIT 1',
			[scope, leadKey, at],
		);
		found ??= (
			await tx.all<{ lead_key: string; event_key: string; handed_off_at: number | null }>(
				'SELECT lead_key, event_key, handed_off_at FROM lh.handoffs WHERE scope = $1 AND lead_key = $2 ORDER BY handed_off_at, event_key LIMIT 1',
				[scope, leadKey],
			)
		)[0];
		found ??= (
			await tx.all<{ lead_key: string; event_key: string; handed_off_at: number | null }>(
				'SELECT lead_key, handoff_key AS event_key, started_at AS handed_off_at FROM lh.sla_timers WHERE scope = $1 AND lead_key = $2 ORDER BY (started_at <= $3) DESC, started_at DESC LIMIT 1',
				[scope, leadKey, at],
			)
		)[0];
	} else {
		throw invalid('An outcome needs a lead key or a hand-off key.');
	}
	if (!found) return { leadKey: leadKey!, links: { handoffKey: handoffKey ?? '' } };
	const lead = found.lead_key;
	const key = found.event_key;
	const handedOffAt = found.handed_off_at === null ? undefined : Number(found.handed_off_at);
	const [assignment] = await tx.all<{ rep_id: string | null; team: string | null }>('SELECT rep_id, team FROM lh.assignments WHERE scope = $1 AND lead_key = $2 AND event_key = $3', [scope, lead, key]);
	const [timer] = await tx.all<{ handoff_key: string; owner_id: string | null; team: string | null }>('SELECT handoff_key, owner_id, team FROM lh.sla_timers WHERE scope = $1 AND handoff_key = $2', [scope, key]);
	const [model] = await tx.all<{ model_id: string }>(
		'SELECT model_id FROM lh.score_snapshots WHERE lead_key = $1 AND scope = $2 AND as_of <= $3 ORDER BY as_of DESC, recorded_at DESC LIMIT 1',
		[lead, scope, handedOffAt ?? at],
	);
	return {
		leadKey: lead,
		links: {
			handoffKey: key,
			...optional('handedOffAt', handedOffAt),
			...(assignment ? { assignmentKey: key, ...optional('repId', assignment.rep_id), ...optional('team', assignment.team) } : {}),
			...(timer ? { slaTimerKey: timer.handoff_key, ...(assignment ? {} : { ...optional('repId', timer.owner_id), ...optional('team', timer.team) }) } : {}),
			...optional('modelId', model?.model_id),
		},
	};
}

function checkSummary(summary: OutcomeSummary): OutcomeSummary {
	if (typeof summary !== 'object' || summary === null) throw invalid('The folded outcome must be an object.');
	checkKey(summary.stage, 'Outcome stage');
	for (const stage of REACHED) if (summary.reached?.[stage] !== undefined) checkTime(summary.reached[stage], `Outcome reached ${stage}`);
	if (summary.amount !== undefined) checkNumber(summary.amount, 'Outcome amount');
	if (summary.closedAt !== undefined) checkTime(summary.closedAt, 'Outcome closedAt');
	return summary;
}

async function readOutcome(tx: Queryable, driver: Driver, scope: string, leadKey: string, handoffKey: string, lock = false): Promise<StoredOutcome | undefined> {
	const [row] = await tx.all<OutcomeRow>(`SELECT ${OUTCOME_COLUMNS} FROM lh.outcomes WHERE scope = $1 AND lead_key = $2 AND handoff_key = $3${lock ? ' FOR UPDATE' : ''}`, [scope, leadKey, handoffKey]);
	return row ? toOutcome(driver, row) : undefined;
}

export async function recordOutcomeEvent<T extends SlaTimerRecord>(driver: Driver, input: OutcomeRecordInput<T>, fold: OutcomeFold, now: number): Promise<OutcomeRecordOutcome<T>> {
	if (typeof input !== 'object' || input === null) throw invalid('The outcome to record must be an object.');
	const scope = checkKey(input.scope, 'Scope');
	const givenLead = input.leadKey === undefined ? undefined : checkKey(input.leadKey, 'Lead key');
	const givenHandoff = input.handoffKey === undefined ? undefined : checkKey(input.handoffKey, 'Hand-off key');
	const receivedAt = checkTime(input.receivedAt, 'Outcome receivedAt');
	const event = checkEvent(input.event);
	const occurredAt = event.params[5] as number;
	if (input.sla) checkTime(input.sla.at, 'The SLA change time');
	return driver.transaction(async (tx) => {
		const [seen] = await tx.all<{ lead_key: string; handoff_key: string }>('SELECT lead_key, handoff_key FROM lh.outcome_events WHERE scope = $1 AND source = $2 AND event_id = $3', [
			scope,
			event.source,
			event.eventId,
		]);
		if (seen) return { status: 'duplicate', ...optional('outcome', await readOutcome(tx, driver, scope, seen.lead_key, seen.handoff_key)) };
		const { leadKey, links } = await findLinks(tx, scope, givenLead, givenHandoff, occurredAt);
		// The claim: a concurrent delivery of the same event waits on this row, then inserts nothing.
		const inserted = await tx.run(
			`INSERT INTO lh.outcome_events (scope, source, event_id, lead_key, handoff_key, code, stage, reason, amount, currency, occurred_at, event, payload, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (scope, source, event_id) DO NOTHING`,
			[scope, event.source, event.eventId, leadKey, links.handoffKey, ...event.params, receivedAt],
		);
		if (inserted === 0) {
			const [row] = await tx.all<{ lead_key: string; handoff_key: string }>('SELECT lead_key, handoff_key FROM lh.outcome_events WHERE scope = $1 AND source = $2 AND event_id = $3', [
				scope,
				event.source,
				event.eventId,
			]);
			return { status: 'duplicate', ...optional('outcome', row ? await readOutcome(tx, driver, scope, row.lead_key, row.handoff_key) : undefined) };
		}
		// The outcome's row is the lock: other events of the hand-off wait here, then fold with this one.
		await tx.run(
			`INSERT INTO lh.outcomes (scope, lead_key, handoff_key, stage, closed, corrections, event_count, outcome, updated_at) VALUES ($1, $2, $3, 'handedOff', 0, 0, 0, '{}', $4)
			ON CONFLICT (scope, lead_key, handoff_key) DO NOTHING`,
			[scope, leadKey, links.handoffKey, now],
		);
		const before = await readOutcome(tx, driver, scope, leadKey, links.handoffKey, true);
		const rows = await tx.all<{ event: unknown }>('SELECT event FROM lh.outcome_events WHERE scope = $1 AND lead_key = $2 AND handoff_key = $3 ORDER BY occurred_at, source, event_id', [
			scope,
			leadKey,
			links.handoffKey,
		]);
		const summary = checkSummary(fold(rows.map((r) => driver.dialect.readJson(r.event))));
		const r = summary.reached ?? {};
		await tx.run(
			`UPDATE lh.outcomes SET handed_off_at = $4, stage = $5, closed = $6, code = $7, reason = $8, reason_text = $9, amount = $10, currency = $11,
			accepted_at = $12, contacted_at = $13, meeting_at = $14, opportunity_at = $15, won_at = $16, lost_at = $17, rejected_at = $18, closed_at = $19,
			corrections = $20, event_count = $21, assignment_key = $22, rep_id = $23, team = $24, sla_timer_key = $25, model_id = $26, outcome = $27, updated_at = $28
			WHERE scope = $1 AND lead_key = $2 AND handoff_key = $3`,
			[
				scope,
				leadKey,
				links.handoffKey,
				links.handedOffAt ?? null,
				summary.stage,
				summary.closed ? 1 : 0,
				summary.code ?? null,
				summary.reason ?? null,
				summary.reasonText ?? null,
				summary.amount ?? null,
				summary.currency ?? null,
				...REACHED.map((stage) => r[stage] ?? null),
				summary.closedAt ?? null,
				summary.corrections,
				rows.length,
				links.assignmentKey ?? null,
				links.repId ?? null,
				links.team ?? null,
				links.slaTimerKey ?? null,
				links.modelId ?? null,
				toJson(summary.details ?? {}, 'The outcome details'),
				now,
			],
		);
		const outcome = (await readOutcome(tx, driver, scope, leadKey, links.handoffKey))!;
		let sla: SlaChangeOutcome<T> | undefined;
		const report = new ReportChanges();
		if (input.sla) {
			const target = links.slaTimerKey !== undefined ? { scope, handoffKey: links.slaTimerKey } : links.handoffKey !== '' ? { scope, handoffKey: links.handoffKey } : { scope, leadKey };
			sla = await changeSlaTimersIn<T>(tx, driver, target, input.sla.at, input.sla.change, { keepContact: input.sla.keepContact, now, report });
		}
		// Last: the hand-off's report row, with its outcome and its timer's change.
		if (links.handoffKey !== '') report.handoff(scope, leadKey, links.handoffKey);
		await report.apply(tx, driver.dialect.kind);
		return { status: 'recorded', outcome, ...(before && before.eventCount > 0 ? { before } : {}), ...(sla ? { sla } : {}) };
	});
}

export async function getOutcome(driver: Driver, scope: string, leadKey: string, handoffKey: string): Promise<StoredOutcome | undefined> {
	if (typeof handoffKey !== 'string') throw invalid('Hand-off key must be a string.');
	return readOutcome(driver, driver, checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key'), handoffKey);
}

export async function listOutcomes(driver: Driver, scope: string, leadKey: string): Promise<StoredOutcome[]> {
	const rows = await driver.all<OutcomeRow>(`SELECT ${OUTCOME_COLUMNS} FROM lh.outcomes WHERE scope = $1 AND lead_key = $2 ORDER BY handed_off_at, handoff_key`, [
		checkKey(scope, 'Scope'),
		checkKey(leadKey, 'Lead key'),
	]);
	return rows.map((row) => toOutcome(driver, row));
}

export async function listOutcomeEvents(driver: Driver, scope: string, leadKey: string, handoffKey: string): Promise<StoredOutcomeEvent[]> {
	const rows = await driver.all<{
		source: string;
		event_id: string;
		handoff_key: string;
		code: string | null;
		stage: string | null;
		reason: string | null;
		amount: number | null;
		currency: string | null;
		occurred_at: number;
		received_at: number;
		event: unknown;
		payload: string | null;
	}>(
		'SELECT source, event_id, handoff_key, code, stage, reason, amount, currency, occurred_at, received_at, event, payload FROM lh.outcome_events WHERE scope = $1 AND lead_key = $2 AND handoff_key = $3 ORDER BY occurred_at, source, event_id',
		[checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key'), handoffKey],
	);
	return rows.map((row) => ({
		scope,
		leadKey,
		handoffKey: row.handoff_key,
		source: row.source,
		eventId: row.event_id,
		...optional('code', row.code),
		...optional('stage', row.stage),
		...optional('reason', row.reason),
		...optional('amount', row.amount === null ? undefined : Number(row.amount)),
		...optional('currency', row.currency),
		occurredAt: Number(row.occurred_at),
		receivedAt: Number(row.received_at),
		event: driver.dialect.readJson(row.event),
		...optional('payload', row.payload),
	}));
}

export async function rememberReplayKey(driver: Driver, scope: string, key: string, keepUntil: number, now: number): Promise<boolean> {
	const params = [checkKey(scope, 'Scope'), checkKey(key, 'Replay key'), checkTime(keepUntil, 'Replay keepUntil'), checkTime(now, 'now')];
	return driver.transaction(async (tx) => {
		// Lazily: keys whose signatures the timestamp check refuses by itself now are no longer needed.
		await tx.run('DELETE FROM lh.webhook_replays WHERE keep_until < $1', [now]);
		const inserted = await tx.run('INSERT INTO lh.webhook_replays (scope, replay_key, accepted_at, keep_until) VALUES ($1, $2, $4, $3) ON CONFLICT (scope, replay_key) DO NOTHING', params);
		return inserted === 1;
	});
}
