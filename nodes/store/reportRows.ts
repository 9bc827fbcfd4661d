/**
 * The Lead Quality Report's rows from the store: one row per hand-off of a period, with what it
 * was linked to and what became of it. One query per batch joins
 *   - the hand-off (lh.handoffs): its lead, key and time;
 *   - its assignment (lh.assignments): rep id and team;
 *   - its SLA timer (lh.sla_timers): tier, and from the timer's JSON the SLA (minutes, basis), the
 *     first touch in business and clock minutes, whether it met the SLA and the owner's name;
 *   - its outcome (lh.outcomes): stage, first time each stage was reached, amount, reasons, and
 *     the rep, team and scoring model it was linked to;
 *   - the lead's latest score snapshot at or before the hand-off (lh.score_snapshots): score,
 *     grade and model id;
 *   - source and campaign by first touch: those of the lead's earliest recorded activity at or
 *     before the hand-off that has them (`source` or `utm_source`, `campaign` or `utm_campaign`
 *     in the activity as Lead Score recorded it). A hand-off keeps no source of its own.
 *
 * Batches are read in hand-off time order by keyset (time, lead, key) over the handoffs_by_time
 * index, so memory stays bounded and no batch re-reads an earlier one. JSON fields are read in
 * SQL (`->>`, which PostgreSQL and SQLite 3.38+ both have): nothing else of the timer is parsed.
 */
import { checkKey, checkTime, invalid } from './checks';
import type { Driver } from './dialect';
import type { ReportRowQuery, StoredReportRow } from './types';

export const REPORT_BATCH = 5000;
/** SQLite's page cache while the report reads: 64 MiB (negative: KiB). */
const READ_CACHE_KIB = -65536;
const REACHED = ['accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected'] as const;
const OUTCOME_STAGES = new Set(['handedOff', ...REACHED]);

interface Row {
	lead_key: string;
	event_key: string;
	handed_off_at: number | string;
	a_rep: string | null;
	a_team: string | null;
	tier: string | null;
	t_owner: string | null;
	t_team: string | null;
	owner_name: string | null;
	sla_minutes: number | string | null;
	sla_basis: string | null;
	touch_business: number | string | null;
	touch_clock: number | string | null;
	met_sla: number | string | boolean | null;
	stage: string | null;
	reason: string | null;
	amount: number | string | null;
	currency: string | null;
	accepted_at: number | string | null;
	contacted_at: number | string | null;
	meeting_at: number | string | null;
	opportunity_at: number | string | null;
	won_at: number | string | null;
	lost_at: number | string | null;
	rejected_at: number | string | null;
	o_rep: string | null;
	o_team: string | null;
	o_model: string | null;
	score: number | string | null;
	grade: string | null;
	s_model: string | null;
	source: string | null;
	campaign: string | null;
}

/** A field of the lead's earliest activity at or before the hand-off that has it. */
function firstTouch(field: string, utm: string): string {
	const value = `COALESCE(v.data ->> '${field}', v.data ->> '${utm}')`;
	return `(SELECT ${value} FROM lh.activities v WHERE v.lead_key = h.lead_key AND v.scope = h.scope AND v.occurred_at <= h.handed_off_at AND ${value} IS NOT NULL
		ORDER BY v.occurred_at, v.activity_key LIMIT 1)`;
}

// SQLite: the batch's hand-offs first (an index range on handoffs_by_time, after the last batch's
// last row), then an index lookup in each joined table for them. PostgreSQL: the whole period in
// one query (hash joins, each table read once) through a cursor, fetched a batch at a time.
// The lead's latest score snapshot at or before the hand-off, found once per hand-off.
const PAGE_COLUMNS = `p.scope, p.lead_key, p.event_key, p.handed_off_at, (
	SELECT x.snapshot_key FROM lh.score_snapshots x WHERE x.lead_key = p.lead_key AND x.scope = p.scope AND x.as_of <= p.handed_off_at
	ORDER BY x.as_of DESC, x.recorded_at DESC LIMIT 1) AS snapshot_key`;
const PAGE_WHERE = 'p.scope = $1 AND p.handed_off_at >= $2 AND p.handed_off_at < $3';
const PAGE_ORDER = 'ORDER BY p.handed_off_at, p.lead_key, p.event_key LIMIT $4';
const PAGE_FIRST = `SELECT ${PAGE_COLUMNS} FROM lh.handoffs p WHERE ${PAGE_WHERE} ${PAGE_ORDER}`;
const PAGE_NEXT = `SELECT ${PAGE_COLUMNS} FROM lh.handoffs p WHERE ${PAGE_WHERE} AND (p.handed_off_at, p.lead_key, p.event_key) > ($5, $6, $7) ${PAGE_ORDER}`;
// PostgreSQL: the snapshot's figures by LATERAL, found once per hand-off with no join back (as a
// column the key is planned into the join and looked up twice).
const PERIOD = `SELECT p.scope, p.lead_key, p.event_key, p.handed_off_at, x.total, x.grade, x.model_id FROM lh.handoffs p
	LEFT JOIN LATERAL (SELECT x.total, x.grade, x.model_id FROM lh.score_snapshots x WHERE x.lead_key = p.lead_key AND x.scope = p.scope AND x.as_of <= p.handed_off_at
		ORDER BY x.as_of DESC, x.recorded_at DESC LIMIT 1) x ON TRUE
	WHERE ${PAGE_WHERE}`;

const select = (page: string, snapshotInPage = false) => `SELECT h.lead_key, h.event_key, h.handed_off_at,
	a.rep_id AS a_rep, a.team AS a_team,
	t.tier, t.owner_id AS t_owner, t.team AS t_team,
	t.state -> 'details' -> 'owner' ->> 'name' AS owner_name,
	t.state ->> 'slaMinutes' AS sla_minutes, t.state ->> 'slaBasis' AS sla_basis,
	t.state ->> 'firstTouchBusinessMinutes' AS touch_business, t.state ->> 'firstTouchClockMinutes' AS touch_clock,
	t.state ->> 'metSla' AS met_sla,
	o.stage, o.reason, o.amount, o.currency,
	o.accepted_at, o.contacted_at, o.meeting_at, o.opportunity_at, o.won_at, o.lost_at, o.rejected_at,
	o.rep_id AS o_rep, o.team AS o_team, o.model_id AS o_model,
	${snapshotInPage ? 'h.total AS score, h.grade, h.model_id AS s_model' : 's.total AS score, s.grade, s.model_id AS s_model'},
	${firstTouch('source', 'utm_source')} AS source,
	${firstTouch('campaign', 'utm_campaign')} AS campaign
FROM (${page}) h
LEFT JOIN lh.assignments a ON a.scope = h.scope AND a.lead_key = h.lead_key AND a.event_key = h.event_key
LEFT JOIN lh.sla_timers t ON t.scope = h.scope AND t.handoff_key = h.event_key
LEFT JOIN lh.outcomes o ON o.scope = h.scope AND o.lead_key = h.lead_key AND o.handoff_key = h.event_key
${snapshotInPage ? '' : 'LEFT JOIN lh.score_snapshots s ON s.lead_key = h.lead_key AND s.scope = h.scope AND s.snapshot_key = h.snapshot_key'}
ORDER BY h.handed_off_at, h.lead_key, h.event_key`;
const FIRST = select(PAGE_FIRST);
const NEXT = select(PAGE_NEXT);
/** The whole period in one query (PostgreSQL reads it through a cursor); the benchmark prints its plan. */
export const PERIOD_SQL = select(PERIOD, true);
const WHOLE = PERIOD_SQL;

function num(value: number | string | null): number | undefined {
	if (value === null) return undefined;
	const n = Number(value);
	return Number.isFinite(n) ? n : undefined;
}

function text(value: string | null): string | undefined {
	return value === null || value === '' ? undefined : value;
}

/** `->>` gives 'true'/'false' on PostgreSQL and 1/0 on SQLite. */
function bool(value: number | string | boolean | null): boolean | undefined {
	if (value === null) return undefined;
	return value === true || value === 1 || value === 'true' || value === '1';
}

function toRow(r: Row): StoredReportRow {
	const reached: StoredReportRow['reached'] = {};
	for (const stage of REACHED) {
		const at = num(r[`${stage}_at`]);
		if (at !== undefined) reached[stage] = at;
	}
	const stage = r.stage !== null && OUTCOME_STAGES.has(r.stage) ? (r.stage as StoredReportRow['stage']) : 'handedOff';
	const basis = r.sla_basis === 'business' || r.sla_basis === 'clock' ? r.sla_basis : undefined;
	const row: StoredReportRow = { leadKey: r.lead_key, handoffKey: r.event_key, handedOffAt: Number(r.handed_off_at), stage, reached };
	const set = <K extends keyof StoredReportRow>(key: K, value: StoredReportRow[K] | undefined) => {
		if (value !== undefined) row[key] = value;
	};
	set('score', num(r.score));
	set('grade', text(r.grade));
	set('tier', text(r.tier));
	set('source', text(r.source));
	set('campaign', text(r.campaign));
	set('rep', text(r.owner_name) ?? text(r.a_rep) ?? text(r.o_rep) ?? text(r.t_owner));
	set('team', text(r.a_team) ?? text(r.o_team) ?? text(r.t_team));
	set('slaMinutes', num(r.sla_minutes));
	set('slaBasis', basis);
	set('firstTouchBusinessMinutes', num(r.touch_business));
	set('firstTouchClockMinutes', num(r.touch_clock));
	set('metSla', bool(r.met_sla));
	set('wonAmount', stage === 'won' ? num(r.amount) : undefined);
	set('currency', stage === 'won' ? text(r.currency) : undefined);
	// The reason's code in words: not_qualified reads "not qualified".
	const reason = text(r.reason)?.replace(/_/g, ' ');
	set('rejectionReason', stage === 'rejected' ? reason : undefined);
	set('lostReason', stage === 'lost' ? reason : undefined);
	set('modelId', text(r.o_model) ?? text(r.s_model));
	return row;
}

/**
 * Calls `onBatch` with the report rows of the period's hand-offs, in hand-off time order, at most
 * `batchSize` at a time; resolves to how many there were.
 */
export async function readReportRows(driver: Driver, query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	if (typeof query !== 'object' || query === null) throw invalid('The report row query must be an object.');
	const scope = checkKey(query.scope, 'Scope');
	const from = query.from === undefined ? -Number.MAX_SAFE_INTEGER : checkTime(query.from, 'Report from');
	const to = query.to === undefined ? Number.MAX_SAFE_INTEGER : checkTime(query.to, 'Report to');
	const size = query.batchSize ?? REPORT_BATCH;
	if (!Number.isInteger(size) || size < 1) throw invalid('The report batch size must be a whole number above 0.');
	if (driver.dialect.kind === 'postgres') return readWithCursor(driver, [scope, from, to], size, onBatch);
	// A period's rows touch pages all over five tables: a page cache larger than SQLite's 2 MB
	// default for the read halves its time; the connection's own setting is put back after.
	const [cache] = await driver.all<{ cache_size: number }>('PRAGMA cache_size');
	await driver.exec(`PRAGMA cache_size = ${READ_CACHE_KIB}`);
	try {
		return await readInBatches(driver, [scope, from, to], size, onBatch);
	} finally {
		if (cache) await driver.exec(`PRAGMA cache_size = ${Number(cache.cache_size)}`);
	}
}

async function readInBatches(driver: Driver, params: unknown[], size: number, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	let total = 0;
	let last: Row | undefined;
	for (;;) {
		const rows: Row[] = last
			? await driver.all<Row>(NEXT, [...params, size, Number(last.handed_off_at), last.lead_key, last.event_key])
			: await driver.all<Row>(FIRST, [...params, size]);
		if (rows.length === 0) break;
		total += rows.length;
		await onBatch(rows.map(toRow));
		if (rows.length < size) break;
		last = rows[rows.length - 1];
	}
	return total;
}

async function readWithCursor(driver: Driver, params: unknown[], size: number, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	return driver.transaction(async (tx) => {
		// One plan for the whole period: every row is fetched, so plan for all of them (a cursor is
		// otherwise planned for its first tenth: nested loops), and without JIT, which costs more
		// than it saves on a report's joins.
		await tx.run('SET LOCAL cursor_tuple_fraction = 1.0');
		await tx.run('SET LOCAL jit = off');
		await tx.run(`DECLARE report_rows NO SCROLL CURSOR FOR ${WHOLE}`, params);
		let total = 0;
		for (;;) {
			const rows = await tx.all<Row>(`FETCH ${size} FROM report_rows`);
			if (rows.length === 0) break;
			total += rows.length;
			await onBatch(rows.map(toRow));
			if (rows.length < size) break;
		}
		await tx.run('CLOSE report_rows');
		return total;
	});
}
