/**
 * A rep's load, kept on the rep's row in `rep_loads` so an assignment reads it in one row instead
 * of counting history: the open hand-offs (`open_count`), and the rep's assignments at or after
 * the start of their current day and week (`day_count` since `day_start`, `week_count` since
 * `week_start`; the starts are the rep's, in their zone, as the assigning router computed them).
 *
 * Invariant, for every row whose window start is set: the count is the number of the rep's
 * assignments with `assigned_at` at or after it. Every writer keeps it in the transaction that
 * changes the rows: a new assignment (routed or reassigned) adds 1 when it falls in the window,
 * a deleted one (release, erasure) takes 1 off; closing changes nothing (closed assignments still
 * count against a day's capacity). A read for a later window (the next day) moves the row to it,
 * counting that window once from assignments (an index range); a read for an earlier one (a lead
 * evaluated as of a past time) counts it from assignments and leaves the row as it is.
 */
import type { Queryable } from './dialect';
import type { RepLoadCounts } from './types';

export interface RepRow {
	rep_id: string;
	open_count: number;
	day_start: number | null;
	day_count: number;
	week_start: number | null;
	week_count: number;
	last_assigned_at: number | null;
}

export type Period = 'day' | 'week';

export interface RepWindows {
	id: string;
	dayStart: number;
	weekStart: number;
}

const COLUMNS: Record<Period, readonly ['day_start' | 'week_start', 'day_count' | 'week_count']> = { day: ['day_start', 'day_count'], week: ['week_start', 'week_count'] };
const SINCE = 'SELECT COUNT(*) FROM lh.assignments WHERE scope = $1 AND rep_id = $2 AND assigned_at >= $3';

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Locks the reps' rows (creating missing ones) in id order, and reads them. Two statements. */
export async function lockRepRows(tx: Queryable, scope: string, ids: readonly string[]): Promise<Map<string, RepRow>> {
	const rows = new Map<string, RepRow>();
	const sorted = [...new Set(ids)].sort(byId);
	if (sorted.length === 0) return rows;
	const idParams = sorted.map((_, i) => `$${i + 2}`).join(', ');
	await tx.run(`INSERT INTO lh.rep_loads (scope, rep_id, assigned_total) VALUES ${sorted.map((_, i) => `($1, $${i + 2}, 0)`).join(', ')} ON CONFLICT (scope, rep_id) DO NOTHING`, [scope, ...sorted]);
	const locked = await tx.all<RepRow>(
		`SELECT rep_id, open_count, day_start, day_count, week_start, week_count, last_assigned_at FROM lh.rep_loads WHERE scope = $1 AND rep_id IN (${idParams}) ORDER BY rep_id FOR UPDATE`,
		[scope, ...sorted],
	);
	for (const row of locked) {
		rows.set(row.rep_id, {
			rep_id: row.rep_id,
			open_count: Number(row.open_count),
			day_start: row.day_start === null ? null : Number(row.day_start),
			day_count: Number(row.day_count),
			week_start: row.week_start === null ? null : Number(row.week_start),
			week_count: Number(row.week_count),
			last_assigned_at: row.last_assigned_at === null ? null : Number(row.last_assigned_at),
		});
	}
	return rows;
}

/**
 * The rep's assignments at or after `start` (the row locked): the kept count for the row's own
 * window; a later window becomes the row's, counted once from assignments; an earlier one is
 * counted from assignments.
 */
export async function windowCount(tx: Queryable, scope: string, row: RepRow, period: Period, start: number): Promise<number> {
	const [startColumn, countColumn] = COLUMNS[period];
	const kept = row[startColumn];
	if (kept === start) return row[countColumn];
	if (kept !== null && start < kept) {
		const [counted] = await tx.all<{ n: number }>(`${SINCE.replace('COUNT(*)', 'COUNT(*) AS n')}`, [scope, row.rep_id, start]);
		return Number(counted.n);
	}
	const [moved] = await tx.all<{ n: number }>(`UPDATE lh.rep_loads SET ${startColumn} = $3, ${countColumn} = (${SINCE}) WHERE scope = $1 AND rep_id = $2 RETURNING ${countColumn} AS n`, [
		scope,
		row.rep_id,
		start,
	]);
	row[startColumn] = start;
	row[countColumn] = Number(moved.n);
	return row[countColumn];
}

/** The loads of the reps (rows locked), each for its own day and week. */
export async function loadsOf(tx: Queryable, scope: string, rows: Map<string, RepRow>, reps: readonly RepWindows[]): Promise<Record<string, RepLoadCounts>> {
	const loads: Record<string, RepLoadCounts> = {};
	for (const rep of [...reps].sort((a, b) => byId(a.id, b.id))) {
		const row = rows.get(rep.id);
		if (!row) continue;
		loads[rep.id] = {
			open: row.open_count,
			assignedToday: await windowCount(tx, scope, row, 'day', rep.dayStart),
			assignedThisWeek: await windowCount(tx, scope, row, 'week', rep.weekStart),
			...(row.last_assigned_at === null ? {} : { lastAssignedAt: row.last_assigned_at }),
		};
	}
	return loads;
}

/**
 * SET clause parts that count `n` assignments made at `at` (parameters) in the row's day and week,
 * when they fall in them. `table` qualifies the columns (an upsert's existing row).
 */
export function countIn(at: string, n: string, table = ''): string {
	const c = (column: string) => `${table}${column}`;
	return (['day', 'week'] as const)
		.map((p) => `${COLUMNS[p][1]} = ${c(COLUMNS[p][1])} + CASE WHEN ${c(COLUMNS[p][0])} <= ${at} THEN ${n} ELSE 0 END`)
		.join(', ');
}

/**
 * Assignments about to be deleted (a release, an erasure): their reps' open, daily and weekly
 * counts drop. Reps in id order, as every writer takes them.
 */
export async function forgetAssignments(tx: Queryable, rows: ReadonlyArray<{ scope: string; rep_id: string | null; assigned_at: number; closed_at: number | null }>): Promise<void> {
	const sorted = rows.filter((r) => r.rep_id !== null).sort((a, b) => byId(a.scope, b.scope) || byId(a.rep_id!, b.rep_id!));
	for (const row of sorted) {
		await tx.run(`UPDATE lh.rep_loads SET open_count = open_count - $3, ${countIn('$4', '-1')} WHERE scope = $1 AND rep_id = $2`, [
			row.scope,
			row.rep_id,
			row.closed_at === null ? 1 : 0,
			Number(row.assigned_at),
		]);
	}
}
