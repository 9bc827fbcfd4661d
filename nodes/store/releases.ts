/**
 * Releasing a hand-off: sales ops correcting a mistake, or someone testing a workflow, takes a
 * lead's current hand-off back so its next qualifying event hands off again. The hand-off and
 * the assignments it caused leave the live tables (so the same event may hand off and route
 * anew, and the rep's open, daily and weekly loads drop) and are kept in a release record with
 * who released it, when and why. Under the lead's row lock, like every hand-off decision.
 */
import type { Driver } from './dialect';
import { checkKey, checkTime, invalid, toJson } from './checks';
import { forgetAssignments } from './repLoads';
import { ReportChanges } from './reportRows';
import type { AssignmentRecord, HandoffHistory, HandoffRecord, HandoffRelease, HandoffReleaseInput, HandoffReleaseOutcome, HandoffState } from './types';

const MAX_REASON_LENGTH = 2000;

interface LeadRow {
	last_handoff_at: number | null;
	last_event_key: string | null;
	handoff_count: number;
	recycled_at: number | null;
}

interface AssignmentRow {
	event_key: string;
	team: string | null;
	rep_id: string | null;
	queue: string | null;
	assigned_at: number;
	closed_at: number | null;
	details: unknown;
}

interface ReleaseRow {
	release_no: number;
	event_key: string;
	handed_off_at: number;
	released_at: number;
	released_by: string | null;
	reason: string;
	details: unknown;
}

function checkText(value: unknown, what: string): string {
	if (typeof value !== 'string' || value.trim() === '') throw invalid(`${what} must be a non-empty text, got ${value === undefined ? 'nothing' : typeof value === 'string' ? 'an empty text' : typeof value}.`);
	if (value.length > MAX_REASON_LENGTH) throw invalid(`${what} is ${value.length} characters long; at most ${MAX_REASON_LENGTH} are kept.`);
	if (value.includes('\u0000')) throw invalid(`${what} contains a NUL character.`);
	return value.trim();
}

function stateOf(row: LeadRow | undefined): HandoffState | undefined {
	if (!row || (row.last_handoff_at === null && row.recycled_at === null)) return undefined;
	return {
		...(row.last_handoff_at === null ? {} : { lastHandoffAt: Number(row.last_handoff_at), lastEventKey: row.last_event_key ?? undefined }),
		handoffCount: Number(row.handoff_count),
		...(row.recycled_at === null ? {} : { recycledAt: Number(row.recycled_at) }),
	};
}

/** A hand-off sales still has: made, and neither released nor recycled since. */
function currentHandoff(row: LeadRow | undefined): { at: number; eventKey: string } | undefined {
	if (!row || row.last_handoff_at === null || row.last_event_key === null) return undefined;
	if (row.recycled_at !== null && Number(row.recycled_at) >= Number(row.last_handoff_at)) return undefined;
	return { at: Number(row.last_handoff_at), eventKey: row.last_event_key };
}

function toAssignment(scope: string, leadKey: string, row: AssignmentRow, driver: Driver): AssignmentRecord & { closedAt?: number } {
	return {
		scope,
		leadKey,
		eventKey: row.event_key,
		...(row.team === null ? {} : { team: row.team }),
		...(row.rep_id === null ? {} : { repId: row.rep_id }),
		...(row.queue === null ? {} : { queue: row.queue }),
		at: Number(row.assigned_at),
		...(row.closed_at === null ? {} : { closedAt: Number(row.closed_at) }),
		details: driver.dialect.readJson(row.details),
	};
}

function toRelease(scope: string, leadKey: string, row: ReleaseRow, driver: Driver): HandoffRelease {
	const { handoffDetails, assignments, ...details } = driver.dialect.readJson(row.details) as { handoffDetails?: Record<string, unknown>; assignments?: AssignmentRecord[] } & Record<string, unknown>;
	return {
		scope,
		leadKey,
		releaseNo: Number(row.release_no),
		handoff: { scope, leadKey, eventKey: row.event_key, at: Number(row.handed_off_at), details: handoffDetails ?? {} },
		assignments: assignments ?? [],
		releasedAt: Number(row.released_at),
		...(row.released_by === null ? {} : { releasedBy: row.released_by }),
		reason: row.reason,
		details,
	};
}

export async function releaseHandoff(driver: Driver, input: HandoffReleaseInput): Promise<HandoffReleaseOutcome> {
	if (typeof input !== 'object' || input === null) throw invalid('The release input must be an object.');
	const scope = checkKey(input.scope, 'Scope');
	const leadKey = checkKey(input.leadKey, 'Lead key');
	const at = checkTime(input.at, 'Release time');
	const reason = checkText(input.reason, 'Release reason');
	const by = input.by === undefined || input.by.trim() === '' ? null : checkText(input.by, 'Released by');
	toJson(input.details ?? {}, 'Release details');
	const lead = [scope, leadKey];
	return driver.transaction(async (tx) => {
		// The lead's row first, as every hand-off decision takes it: a gate deciding for this lead meanwhile waits.
		const [row] = await tx.all<LeadRow>('SELECT last_handoff_at, last_event_key, handoff_count, recycled_at FROM lh.handoff_leads WHERE scope = $1 AND lead_key = $2 FOR UPDATE', lead);
		const current = currentHandoff(row);
		if (!current) {
			const previous = stateOf(row);
			return { status: 'nothingToRelease', ...(previous ? { previous } : {}) };
		}
		const [handed] = await tx.all<{ handed_off_at: number; details: unknown }>('SELECT handed_off_at, details FROM lh.handoffs WHERE scope = $1 AND lead_key = $2 AND event_key = $3', [
			...lead,
			current.eventKey,
		]);
		const handoff: HandoffRecord = {
			scope,
			leadKey,
			eventKey: current.eventKey,
			at: handed ? Number(handed.handed_off_at) : current.at,
			details: handed ? driver.dialect.readJson(handed.details) : {},
		};
		// The open assignments, and the released event's own (so that event may be routed again).
		const owned = 'scope = $1 AND lead_key = $2 AND (closed_at IS NULL OR event_key = $3)';
		const assignmentRows = await tx.all<AssignmentRow>(`SELECT event_key, team, rep_id, queue, assigned_at, closed_at, details FROM lh.assignments WHERE ${owned} ORDER BY assigned_at, event_key`, [
			...lead,
			current.eventKey,
		]);
		const assignments = assignmentRows.map((a) => toAssignment(scope, leadKey, a, driver));
		await tx.run(`DELETE FROM lh.assignments WHERE ${owned}`, [...lead, current.eventKey]);
		await forgetAssignments(tx, assignmentRows.map((a) => ({ ...a, scope })));
		await tx.run('DELETE FROM lh.handoffs WHERE scope = $1 AND lead_key = $2 AND event_key = $3', [...lead, current.eventKey]);
		await tx.run(
			`UPDATE lh.handoff_leads SET last_handoff_at = NULL, last_event_key = NULL, handoff_count = CASE WHEN handoff_count > 0 THEN handoff_count - 1 ELSE 0 END
			WHERE scope = $1 AND lead_key = $2`,
			lead,
		);
		const [{ next }] = await tx.all<{ next: number }>('SELECT COALESCE(MAX(release_no), 0) + 1 AS next FROM lh.handoff_releases WHERE scope = $1 AND lead_key = $2', lead);
		const details = toJson({ ...(input.details ?? {}), handoffDetails: handoff.details, assignments }, 'Release details');
		await tx.run(
			`INSERT INTO lh.handoff_releases (scope, lead_key, release_no, event_key, handed_off_at, released_at, released_by, reason, details)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			[...lead, Number(next), current.eventKey, handoff.at, at, by, reason, details],
		);
		// The released hand-off leaves the report; the lead's others lose the assignments released with it.
		await new ReportChanges().drop(scope, leadKey, current.eventKey).lead(scope, leadKey).apply(tx, driver.dialect.kind);
		const release: HandoffRelease = {
			scope,
			leadKey,
			releaseNo: Number(next),
			handoff,
			assignments,
			releasedAt: at,
			...(by === null ? {} : { releasedBy: by }),
			reason,
			details: input.details ?? {},
		};
		return { status: 'released', release };
	});
}

export async function handoffHistory(driver: Driver, scope: string, leadKey: string): Promise<HandoffHistory> {
	const lead = [checkKey(scope, 'Scope'), checkKey(leadKey, 'Lead key')];
	const [row] = await driver.all<LeadRow>('SELECT last_handoff_at, last_event_key, handoff_count, recycled_at FROM lh.handoff_leads WHERE scope = $1 AND lead_key = $2', lead);
	const handoffs = await driver.all<{ event_key: string; handed_off_at: number; details: unknown }>(
		'SELECT event_key, handed_off_at, details FROM lh.handoffs WHERE scope = $1 AND lead_key = $2 ORDER BY handed_off_at, event_key',
		lead,
	);
	const releases = await driver.all<ReleaseRow>(
		'SELECT release_no, event_key, handed_off_at, released_at, released_by, reason, details FROM lh.handoff_releases WHERE scope = $1 AND lead_key = $2 ORDER BY release_no',
		lead,
	);
	const state = stateOf(row);
	return {
		...(state ? { state } : {}),
		handoffs: handoffs.map((h) => ({ scope, leadKey, eventKey: h.event_key, at: Number(h.handed_off_at), details: driver.dialect.readJson(h.details) })),
		releases: releases.map((r) => toRelease(scope, leadKey, r, driver)),
	};
}
