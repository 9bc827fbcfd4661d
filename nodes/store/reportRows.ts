/**
 * The Lead Quality Report's rows: one row per hand-off of a period, with what it was linked to and
 * what became of it. A row is what one join computes for its hand-off:
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
 * Each row is kept, as the report reads it (JSON text), in `lh.report_rows` (migration 10): every
 * write that changes what a row shows names the rows it touched (ReportChanges), and at the end of
 * its transaction the join computes them again, restricted to them. So the report reads one index
 * range: no join, and one text column per row (the join took 3 to 6 s for 100,000 hand-offs; the
 * kept rows are read and parsed in a fraction of a second). The join read directly
 * (`readJoinedReportRows`) fills the table when the migration runs and is what the tests compare
 * the kept rows with.
 *
 * Rows are read in hand-off time order by keyset (time, lead, key) on SQLite, through one cursor
 * on PostgreSQL, so memory stays bounded and no batch re-reads an earlier one.
 */
import { reportSlaBasis } from '../engine/feedback/report/rows';
import { checkKey, checkTime, invalid } from './checks';
import type { Driver, Queryable, StoreKind } from './dialect';
import type { ReportRowQuery, StoredReportRow } from './types';

export const REPORT_BATCH = 5000;
/** SQLite's page cache while the report reads: 64 MiB (negative: KiB). */
const READ_CACHE_KIB = -65536;
const REACHED = ['accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected'] as const;
const OUTCOME_STAGES = new Set(['handedOff', ...REACHED]);

interface Row {
	scope: string;
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

// The join read directly (how the report read its rows before report_rows; now the tests' oracle
// and the benchmark's comparison). SQLite: the batch's hand-offs first (an index range on
// handoffs_by_time, after the last batch's last row), then an index lookup in each joined table
// for them. PostgreSQL: the whole period in one query (hash joins, each table read once) through a
// cursor, fetched a batch at a time.
// The lead's latest score snapshot at or before the hand-off, found once per hand-off.
const PAGE_COLUMNS = `p.scope, p.lead_key, p.event_key, p.handed_off_at, (
	SELECT x.snapshot_key FROM lh.score_snapshots x WHERE x.lead_key = p.lead_key AND x.scope = p.scope AND x.as_of <= p.handed_off_at
	ORDER BY x.as_of DESC, x.recorded_at DESC, x.snapshot_key DESC LIMIT 1) AS snapshot_key`;
const PAGE_WHERE = 'p.scope = $1 AND p.handed_off_at >= $2 AND p.handed_off_at < $3';
const PAGE_ORDER = 'ORDER BY p.handed_off_at, p.lead_key, p.event_key LIMIT $4';
const PAGE_FIRST = `SELECT ${PAGE_COLUMNS} FROM lh.handoffs p WHERE ${PAGE_WHERE} ${PAGE_ORDER}`;
const PAGE_NEXT = `SELECT ${PAGE_COLUMNS} FROM lh.handoffs p WHERE ${PAGE_WHERE} AND (p.handed_off_at, p.lead_key, p.event_key) > ($5, $6, $7) ${PAGE_ORDER}`;
// PostgreSQL: the snapshot's figures by LATERAL, found once per hand-off with no join back (as a
// column the key is planned into the join and looked up twice).
const PERIOD = `SELECT p.scope, p.lead_key, p.event_key, p.handed_off_at, x.total, x.grade, x.model_id FROM lh.handoffs p
	LEFT JOIN LATERAL (SELECT x.total, x.grade, x.model_id FROM lh.score_snapshots x WHERE x.lead_key = p.lead_key AND x.scope = p.scope AND x.as_of <= p.handed_off_at
		ORDER BY x.as_of DESC, x.recorded_at DESC, x.snapshot_key DESC LIMIT 1) x ON TRUE
	WHERE ${PAGE_WHERE}`;

const select = (page: string, snapshotInPage = false) => `SELECT h.scope, h.lead_key, h.event_key, h.handed_off_at,
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
LEFT JOIN lh.sla_timers t ON t.scope = h.scope AND t.handoff_key = h.event_key AND t.lead_key = h.lead_key
LEFT JOIN lh.outcomes o ON o.scope = h.scope AND o.lead_key = h.lead_key AND o.handoff_key = h.event_key
${snapshotInPage ? '' : 'LEFT JOIN lh.score_snapshots s ON s.lead_key = h.lead_key AND s.scope = h.scope AND s.snapshot_key = h.snapshot_key'}
ORDER BY h.handed_off_at, h.lead_key, h.event_key`;
const FIRST = select(PAGE_FIRST);
const NEXT = select(PAGE_NEXT);
const WHOLE = select(PERIOD, true);
/**
 * The join for hand-offs named by (lead, key) pairs in one scope: what a write computes again. The
 * pairs come as a VALUES list joined on the hand-offs' primary key, so a batch of 200 assignments
 * is one statement, not one per lead.
 */
const forHandoffs = (count: number) =>
	select(`WITH k (lead_key, event_key) AS (VALUES ${Array.from({ length: count }, (_, i) => `($${2 * i + 2}, $${2 * i + 3})`).join(', ')})
	SELECT ${PAGE_COLUMNS} FROM k JOIN lh.handoffs p ON p.scope = $1 AND p.lead_key = k.lead_key AND p.event_key = k.event_key`);

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
	const basis = reportSlaBasis(r.sla_basis);
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

/** Migration 10's table: each hand-off's report row, as JSON, keyed as its SLA timer finds it (scope, key). */
export const REPORT_ROWS_TABLE = `CREATE TABLE lh.report_rows (
	scope TEXT NOT NULL,
	lead_key TEXT NOT NULL,
	handoff_key TEXT NOT NULL,
	handed_off_at BIGINT NOT NULL,
	report_row TEXT NOT NULL,
	PRIMARY KEY (scope, handoff_key, lead_key)
)`;

/** Rows per upsert: 5 parameters each. */
const ROWS_PER_UPSERT = 200;
/** Leads or hand-off keys per lookup statement (an SLA batch names many). */
const KEYS_PER_STATEMENT = 500;
/** (lead, key) pairs per join statement: 2 parameters each. */
const PAIRS_PER_STATEMENT = 250;

function chunks<T>(all: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let start = 0; start < all.length; start += size) out.push(all.slice(start, start + size));
	return out;
}

/** `$from, $from+1, ...`: `count` numbered placeholders. */
const placeholders = (count: number, from: number) => Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');

/** Distinct values at `index` of each target, grouped by the target's scope. */
function groupByScope(targets: Iterable<[string, string, unknown]>, index: 1 | 2 = 1): Map<string, string[]> {
	const byScope = new Map<string, Set<string>>();
	for (const target of targets) {
		const values = byScope.get(target[0]) ?? new Set<string>();
		values.add(target[index] as string);
		byScope.set(target[0], values);
	}
	return new Map([...byScope].map(([scope, values]) => [scope, [...values]]));
}

/** Stores rows the join computed, as the report reads them. */
async function keep(tx: Queryable, rows: Iterable<Row>): Promise<void> {
	const all = [...rows];
	for (let start = 0; start < all.length; start += ROWS_PER_UPSERT) {
		const chunk = all.slice(start, start + ROWS_PER_UPSERT);
		await tx.run(
			`INSERT INTO lh.report_rows (scope, lead_key, handoff_key, handed_off_at, report_row) VALUES ${chunk.map((_, i) => `($${5 * i + 1}, $${5 * i + 2}, $${5 * i + 3}, $${5 * i + 4}, $${5 * i + 5})`).join(', ')}
			ON CONFLICT (scope, handoff_key, lead_key) DO UPDATE SET handed_off_at = excluded.handed_off_at, report_row = excluded.report_row`,
			chunk.flatMap((r) => [r.scope, r.lead_key, r.event_key, Number(r.handed_off_at), JSON.stringify(toRow(r))]),
		);
	}
}

/**
 * Migration 10's backfill: every hand-off's row, scope by scope, read from the join in batches as
 * the report read it before (keyset on handoffs_by_time) and kept.
 */
export async function backfillReportRows(tx: Queryable): Promise<void> {
	const scopes = await tx.all<{ scope: string }>('SELECT DISTINCT scope FROM lh.handoffs ORDER BY scope');
	for (const { scope } of scopes) {
		const params = [scope, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
		let last: Row | undefined;
		for (;;) {
			const rows: Row[] = last
				? await tx.all<Row>(NEXT, [...params, REPORT_BATCH, Number(last.handed_off_at), last.lead_key, last.event_key])
				: await tx.all<Row>(FIRST, [...params, REPORT_BATCH]);
			await keep(tx, rows);
			if (rows.length < REPORT_BATCH) break;
			last = rows[rows.length - 1];
		}
	}
}

/**
 * The report rows a transaction's writes touched, computed again by the join at its end (`apply`):
 * after every other write and lock of the transaction, so the rows' locks come last in every lock
 * order. On PostgreSQL `apply` first takes a transaction lock per lead (sorted), then computes in
 * a new statement: two transactions that change one hand-off's row (an outcome and an SLA contact
 * at the same moment) take turns, and the second sees the first's change committed. SQLite runs
 * one write transaction at a time.
 */
export class ReportChanges {
	private readonly handoffs = new Map<string, [scope: string, leadKey: string, handoffKey: string]>();
	private readonly keys = new Map<string, [scope: string, leadKey: string, handoffKey: string]>();
	private readonly leads = new Map<string, [scope: string, leadKey: string, since: number]>();
	private readonly dropped = new Map<string, [scope: string, leadKey: string, handoffKey: string]>();

	/** One hand-off's row (its hand-off, assignment or outcome changed). */
	handoff(scope: string, leadKey: string, handoffKey: string): this {
		this.handoffs.set(JSON.stringify([scope, leadKey, handoffKey]), [scope, leadKey, handoffKey]);
		return this;
	}

	/** The rows of the hand-offs an SLA timer is joined to: those with its key, whatever their lead (as the join finds them). */
	timer(scope: string, leadKey: string, handoffKey: string): this {
		this.keys.set(JSON.stringify([scope, handoffKey]), [scope, leadKey, handoffKey]);
		return this;
	}

	/** A lead's rows of hand-offs at or after `since` (an earlier activity or score snapshot arrived). */
	lead(scope: string, leadKey: string, since = Number.MIN_SAFE_INTEGER): this {
		const key = JSON.stringify([scope, leadKey]);
		const known = this.leads.get(key);
		if (!known || since < known[2]) this.leads.set(key, [scope, leadKey, since]);
		return this;
	}

	/** A hand-off that no longer exists (released): its row goes. */
	drop(scope: string, leadKey: string, handoffKey: string): this {
		this.dropped.set(JSON.stringify([scope, leadKey, handoffKey]), [scope, leadKey, handoffKey]);
		return this;
	}

	async apply(tx: Queryable, kind: StoreKind): Promise<void> {
		const targets = [...this.handoffs.values(), ...this.keys.values(), ...this.leads.values(), ...this.dropped.values()];
		if (targets.length === 0) return;
		if (kind === 'postgres') {
			const leads = [...new Set(targets.map(([scope, leadKey]) => `${scope}\u001f${leadKey}`))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
			await tx.all("SELECT pg_advisory_xact_lock(hashtextextended('lead-handoff report ' || k, 0)) FROM unnest($1::text[]) AS k", [leads]);
		}
		for (const [scope, leadKey, handoffKey] of this.dropped.values()) {
			await tx.run('DELETE FROM lh.report_rows WHERE scope = $1 AND handoff_key = $2 AND lead_key = $3', [scope, handoffKey, leadKey]);
		}
		// The hand-offs whose rows are computed again, as (lead, key) pairs per scope: those named,
		// and those found for a lead or a timer's key by index lookups in batches. The join then runs
		// once per batch of pairs; a pair with no hand-off (an assignment or timer before its
		// hand-off) joins to nothing.
		const pairs = new Map<string, Map<string, [leadKey: string, handoffKey: string]>>();
		const add = (scope: string, leadKey: string, handoffKey: string) => {
			const inScope = pairs.get(scope) ?? new Map<string, [string, string]>();
			inScope.set(JSON.stringify([leadKey, handoffKey]), [leadKey, handoffKey]);
			pairs.set(scope, inScope);
		};
		for (const [scope, leadKey, handoffKey] of this.handoffs.values()) add(scope, leadKey, handoffKey);
		const since = new Map<string, number>();
		for (const [scope, leadKey, from] of this.leads.values()) since.set(JSON.stringify([scope, leadKey]), from);
		for (const [scope, leadKeys] of groupByScope(this.leads.values())) {
			for (const chunk of chunks(leadKeys, KEYS_PER_STATEMENT)) {
				// A lead's hand-offs by key (a lead has few), filtered on time here: on its time, SQLite would range over the scope's.
				const handed = await tx.all<{ lead_key: string; event_key: string; handed_off_at: number | string }>(
					`SELECT lead_key, event_key, handed_off_at FROM lh.handoffs WHERE scope = $1 AND lead_key IN (${placeholders(chunk.length, 2)})`,
					[scope, ...chunk],
				);
				for (const h of handed) {
					if (Number(h.handed_off_at) >= (since.get(JSON.stringify([scope, h.lead_key])) ?? Number.MAX_SAFE_INTEGER)) add(scope, h.lead_key, h.event_key);
				}
			}
		}
		for (const [scope, handoffKeys] of groupByScope(this.keys.values(), 2)) {
			for (const chunk of chunks(handoffKeys, KEYS_PER_STATEMENT)) {
				const handed = await tx.all<{ lead_key: string; event_key: string }>(`SELECT lead_key, event_key FROM lh.handoffs WHERE scope = $1 AND event_key IN (${placeholders(chunk.length, 2)})`, [scope, ...chunk]);
				for (const h of handed) add(scope, h.lead_key, h.event_key);
			}
		}
		const rows: Row[] = [];
		for (const [scope, inScope] of pairs) {
			for (const chunk of chunks([...inScope.values()], PAIRS_PER_STATEMENT)) {
				rows.push(...(await tx.all<Row>(forHandoffs(chunk.length), [scope, ...chunk.flat()])));
			}
		}
		await keep(tx, rows);
		this.handoffs.clear();
		this.keys.clear();
		this.leads.clear();
		this.dropped.clear();
	}
}

const KEPT_WHERE = 'scope = $1 AND handed_off_at >= $2 AND handed_off_at < $3';
const KEPT_ORDER = 'ORDER BY handed_off_at, lead_key, handoff_key';
const KEPT_FIRST = `SELECT report_row FROM lh.report_rows WHERE ${KEPT_WHERE} ${KEPT_ORDER} LIMIT $4`;
const KEPT_NEXT = `SELECT report_row FROM lh.report_rows WHERE ${KEPT_WHERE} AND (handed_off_at, lead_key, handoff_key) > ($5, $6, $7) ${KEPT_ORDER} LIMIT $4`;
const KEPT_WHOLE = `SELECT report_row FROM lh.report_rows WHERE ${KEPT_WHERE} ${KEPT_ORDER}`;

interface Reader<R> {
	first: string;
	next: string;
	whole: string;
	row(raw: R): StoredReportRow;
}

const KEPT: Reader<{ report_row: string }> = { first: KEPT_FIRST, next: KEPT_NEXT, whole: KEPT_WHOLE, row: (raw) => JSON.parse(raw.report_row) as StoredReportRow };
const JOINED: Reader<Row> = { first: FIRST, next: NEXT, whole: WHOLE, row: toRow };

/**
 * Calls `onBatch` with the report rows of the period's hand-offs, in hand-off time order, at most
 * `batchSize` at a time; resolves to how many there were.
 */
export function readReportRows(driver: Driver, query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	return read(driver, KEPT, query, onBatch);
}

/** The same rows computed by the join at read time: what the kept rows must always equal. */
export function readJoinedReportRows(driver: Driver, query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	return read(driver, JOINED, query, onBatch);
}

async function read<R>(driver: Driver, reader: Reader<R>, query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	if (typeof query !== 'object' || query === null) throw invalid('The report row query must be an object.');
	const scope = checkKey(query.scope, 'Scope');
	const from = query.from === undefined ? -Number.MAX_SAFE_INTEGER : checkTime(query.from, 'Report from');
	const to = query.to === undefined ? Number.MAX_SAFE_INTEGER : checkTime(query.to, 'Report to');
	const size = query.batchSize ?? REPORT_BATCH;
	if (!Number.isInteger(size) || size < 1) throw invalid('The report batch size must be a whole number above 0.');
	if (driver.dialect.kind === 'postgres') return readWithCursor(driver, reader, [scope, from, to], size, onBatch);
	// A period's rows touch many pages: a page cache larger than SQLite's 2 MB default for the read
	// halves its time; the connection's own setting is put back after.
	const [cache] = await driver.all<{ cache_size: number }>('PRAGMA cache_size');
	await driver.exec(`PRAGMA cache_size = ${READ_CACHE_KIB}`);
	try {
		return await readInBatches(driver, reader, [scope, from, to], size, onBatch);
	} finally {
		if (cache) await driver.exec(`PRAGMA cache_size = ${Number(cache.cache_size)}`);
	}
}

async function readInBatches<R>(driver: Driver, reader: Reader<R>, params: unknown[], size: number, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	let total = 0;
	let last: StoredReportRow | undefined;
	for (;;) {
		const raw = last ? await driver.all<R>(reader.next, [...params, size, last.handedOffAt, last.leadKey, last.handoffKey]) : await driver.all<R>(reader.first, [...params, size]);
		if (raw.length === 0) break;
		total += raw.length;
		const rows = raw.map(reader.row);
		await onBatch(rows);
		if (raw.length < size) break;
		last = rows[rows.length - 1];
	}
	return total;
}

async function readWithCursor<R>(driver: Driver, reader: Reader<R>, params: unknown[], size: number, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
	return driver.transaction(async (tx) => {
		// One plan for the whole period: every row is fetched, so plan for all of them (a cursor is
		// otherwise planned for its first tenth: nested loops), and without JIT, which costs more
		// than it saves here.
		await tx.run('SET LOCAL cursor_tuple_fraction = 1.0');
		await tx.run('SET LOCAL jit = off');
		await tx.run(`DECLARE report_rows NO SCROLL CURSOR FOR ${reader.whole}`, params);
		let total = 0;
		for (;;) {
			const raw = await tx.all<R>(`FETCH ${size} FROM report_rows`);
			if (raw.length === 0) break;
			total += raw.length;
			await onBatch(raw.map(reader.row));
			if (raw.length < size) break;
		}
		await tx.run('CLOSE report_rows');
		return total;
	});
}
