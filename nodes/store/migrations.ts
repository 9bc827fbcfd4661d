/**
 * Versioned schema migrations, applied in order on first use and recorded in
 * `schema_migrations`. Rules for adding one (hand-offs, round-robin cursors, SLA timers, ...):
 *   - append a step with the next version; never edit or reorder a released step;
 *   - write shared SQL (see dialect.ts): `lh.<table>`, BIGINT epoch milliseconds, JSONB, TEXT,
 *     DOUBLE PRECISION; one statement per array entry;
 *   - list every table that holds data about a lead in `leadTables` (with its lead column), so
 *     privacy erasure deletes from it; the store tests check that no such table is missed;
 *   - give every such table a `scope` column in its keys: leads of different scopes share nothing,
 *     and erasure in one scope deletes `WHERE lead = ? AND scope = ?`;
 *   - SQLite cannot change a primary key: rebuild the table (create the new shape, copy the rows,
 *     drop the old one, rename the new one), in shared SQL that PostgreSQL runs the same way.
 */
import type { Driver, Queryable } from './dialect';
import { StoreError } from './errors';
import { backfillReportRows, REPORT_ROWS_TABLE } from './reportRows';
import { DEFAULT_SCOPE } from './scope';

export interface LeadTable {
	table: string;
	/** The lead key column; every lead table also has a `scope` column. */
	column: string;
}

export interface Migration {
	version: number;
	name: string;
	/** Shared SQL, or a step that runs in the migration's transaction (a backfill computed in code). */
	statements: Array<string | ((tx: Queryable) => Promise<void>)>;
	leadTables: LeadTable[];
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'activity ledger, score snapshots, threshold crossings, idempotency claims',
		statements: [
			`CREATE TABLE lh.activities (
				lead_key TEXT NOT NULL,
				activity_key TEXT NOT NULL,
				type TEXT NOT NULL,
				occurred_at BIGINT NOT NULL,
				data JSONB NOT NULL,
				recorded_at BIGINT NOT NULL,
				PRIMARY KEY (lead_key, activity_key)
			)`,
			`CREATE INDEX activities_by_time ON lh.activities (lead_key, occurred_at)`,
			`CREATE TABLE lh.score_snapshots (
				lead_key TEXT NOT NULL,
				snapshot_key TEXT NOT NULL,
				model_id TEXT NOT NULL,
				as_of BIGINT NOT NULL,
				total DOUBLE PRECISION NOT NULL,
				fit DOUBLE PRECISION NOT NULL,
				engagement DOUBLE PRECISION NOT NULL,
				negative DOUBLE PRECISION NOT NULL,
				velocity DOUBLE PRECISION,
				grade TEXT,
				score JSONB NOT NULL,
				recorded_at BIGINT NOT NULL,
				PRIMARY KEY (lead_key, snapshot_key)
			)`,
			`CREATE INDEX score_snapshots_latest ON lh.score_snapshots (lead_key, as_of)`,
			`CREATE TABLE lh.threshold_crossings (
				lead_key TEXT NOT NULL,
				threshold TEXT NOT NULL,
				first_crossed_at BIGINT NOT NULL,
				PRIMARY KEY (lead_key, threshold)
			)`,
			`CREATE TABLE lh.claims (
				scope TEXT NOT NULL,
				claim_key TEXT NOT NULL,
				lead_key TEXT,
				claimed_at BIGINT NOT NULL,
				PRIMARY KEY (scope, claim_key)
			)`,
			`CREATE INDEX claims_by_lead ON lh.claims (lead_key)`,
		],
		leadTables: [
			{ table: 'activities', column: 'lead_key' },
			{ table: 'score_snapshots', column: 'lead_key' },
			{ table: 'threshold_crossings', column: 'lead_key' },
			{ table: 'claims', column: 'lead_key' },
		],
	},
	{
		version: 2,
		name: 'hand-offs (fire once, recycle), round-robin cursors, rep loads, assignments',
		statements: [
			// One row per lead and scope: the lock a gate takes, and the state its cool-down reads.
			`CREATE TABLE lh.handoff_leads (
				scope TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				last_handoff_at BIGINT,
				last_event_key TEXT,
				handoff_count BIGINT NOT NULL,
				recycled_at BIGINT,
				PRIMARY KEY (scope, lead_key)
			)`,
			// Every hand-off, keyed by the event that caused it: a redelivered event hands off nothing.
			`CREATE TABLE lh.handoffs (
				scope TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				event_key TEXT NOT NULL,
				handed_off_at BIGINT NOT NULL,
				details JSONB NOT NULL,
				PRIMARY KEY (scope, lead_key, event_key)
			)`,
			`CREATE TABLE lh.rr_cursors (
				scope TEXT NOT NULL,
				team TEXT NOT NULL,
				counter BIGINT NOT NULL,
				PRIMARY KEY (scope, team)
			)`,
			// The row a rep's capacity is checked under; counts come from assignments (one source of truth).
			`CREATE TABLE lh.rep_loads (
				scope TEXT NOT NULL,
				rep_id TEXT NOT NULL,
				assigned_total BIGINT NOT NULL,
				last_assigned_at BIGINT,
				PRIMARY KEY (scope, rep_id)
			)`,
			`CREATE TABLE lh.assignments (
				scope TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				event_key TEXT NOT NULL,
				team TEXT,
				rep_id TEXT,
				queue TEXT,
				assigned_at BIGINT NOT NULL,
				closed_at BIGINT,
				details JSONB NOT NULL,
				PRIMARY KEY (scope, lead_key, event_key)
			)`,
			`CREATE INDEX assignments_by_rep ON lh.assignments (scope, rep_id, assigned_at)`,
			// A rep's open hand-offs are counted on every assignment: only open rows are indexed.
			`CREATE INDEX assignments_open_by_rep ON lh.assignments (scope, rep_id) WHERE closed_at IS NULL`,
		],
		leadTables: [
			{ table: 'handoff_leads', column: 'lead_key' },
			{ table: 'handoffs', column: 'lead_key' },
			{ table: 'assignments', column: 'lead_key' },
		],
	},
	{
		version: 3,
		name: 'company data cache (Lead Enrich firmographics)',
		statements: [
			// Keyed by provider (URL template and mapping) and company domain: one fetch per domain
			// until it expires. status 'found' has data; 'notFound' remembers an unknown domain.
			`CREATE TABLE lh.company_data (
				provider TEXT NOT NULL,
				domain TEXT NOT NULL,
				status TEXT NOT NULL,
				data JSONB NOT NULL,
				fetched_at BIGINT NOT NULL,
				expires_at BIGINT NOT NULL,
				PRIMARY KEY (provider, domain)
			)`,
		],
		// Company domains, not people: nothing here is erased with a lead.
		leadTables: [],
	},
	{
		version: 4,
		name: 'store scope on the activity ledger, score snapshots and threshold crossings',
		statements: [
			// Rows stored before scopes separated leads belong to the default scope, which is where
			// nodes left at their default keep writing. Keys lead first, then scope: a lead's rows in
			// one scope, and in all scopes (erasure), are each one index range.
			...rebuild(
				'activities',
				`lead_key TEXT NOT NULL,
				scope TEXT NOT NULL,
				activity_key TEXT NOT NULL,
				type TEXT NOT NULL,
				occurred_at BIGINT NOT NULL,
				data JSONB NOT NULL,
				recorded_at BIGINT NOT NULL,
				CONSTRAINT activities_by_lead PRIMARY KEY (lead_key, scope, activity_key)`,
				['lead_key', 'activity_key', 'type', 'occurred_at', 'data', 'recorded_at'],
			),
			`CREATE INDEX activities_by_time ON lh.activities (lead_key, scope, occurred_at)`,
			...rebuild(
				'score_snapshots',
				`lead_key TEXT NOT NULL,
				scope TEXT NOT NULL,
				snapshot_key TEXT NOT NULL,
				model_id TEXT NOT NULL,
				as_of BIGINT NOT NULL,
				total DOUBLE PRECISION NOT NULL,
				fit DOUBLE PRECISION NOT NULL,
				engagement DOUBLE PRECISION NOT NULL,
				negative DOUBLE PRECISION NOT NULL,
				velocity DOUBLE PRECISION,
				grade TEXT,
				score JSONB NOT NULL,
				recorded_at BIGINT NOT NULL,
				CONSTRAINT score_snapshots_by_lead PRIMARY KEY (lead_key, scope, snapshot_key)`,
				['lead_key', 'snapshot_key', 'model_id', 'as_of', 'total', 'fit', 'engagement', 'negative', 'velocity', 'grade', 'score', 'recorded_at'],
			),
			`CREATE INDEX score_snapshots_latest ON lh.score_snapshots (lead_key, scope, as_of)`,
			...rebuild(
				'threshold_crossings',
				`lead_key TEXT NOT NULL,
				scope TEXT NOT NULL,
				threshold TEXT NOT NULL,
				first_crossed_at BIGINT NOT NULL,
				CONSTRAINT threshold_crossings_by_lead PRIMARY KEY (lead_key, scope, threshold)`,
				['lead_key', 'threshold', 'first_crossed_at'],
			),
			// The hand-off tables have had a scope since migration 2, keyed scope first; erasure in
			// every scope finds a lead's rows through these.
			`CREATE INDEX handoff_leads_by_lead ON lh.handoff_leads (lead_key)`,
			`CREATE INDEX handoffs_by_lead ON lh.handoffs (lead_key)`,
			`CREATE INDEX assignments_by_lead ON lh.assignments (lead_key)`,
		],
		leadTables: [],
	},
	{
		version: 5,
		name: 'SLA timers: timers with their next stage due, fired escalations, kept contacts, policies',
		statements: [
			// Policies are content-addressed: a million timers of one tier share one row.
			`CREATE TABLE lh.sla_policies (
				policy_key TEXT PRIMARY KEY,
				policy JSONB NOT NULL,
				created_at BIGINT NOT NULL
			)`,
			`CREATE TABLE lh.sla_timers (
				scope TEXT NOT NULL,
				handoff_key TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				owner_id TEXT,
				team TEXT,
				tier TEXT NOT NULL,
				policy_key TEXT NOT NULL,
				status TEXT NOT NULL,
				started_at BIGINT NOT NULL,
				due_at BIGINT NOT NULL,
				closed_at BIGINT,
				next_stage TEXT,
				next_due_at BIGINT,
				assignment_key TEXT,
				state JSONB NOT NULL,
				updated_at BIGINT NOT NULL,
				PRIMARY KEY (scope, handoff_key)
			)`,
			// The poll: an index range over the timers that have a next stage, in due order.
			`CREATE INDEX sla_timers_next_due ON lh.sla_timers (scope, next_due_at, handoff_key) WHERE next_due_at IS NOT NULL`,
			`CREATE INDEX sla_timers_by_lead ON lh.sla_timers (lead_key, scope, started_at)`,
			`CREATE INDEX sla_timers_running_by_owner ON lh.sla_timers (scope, owner_id) WHERE closed_at IS NULL`,
			`CREATE INDEX sla_timers_running_by_team ON lh.sla_timers (scope, team) WHERE closed_at IS NULL`,
			`CREATE TABLE lh.sla_escalations (
				scope TEXT NOT NULL,
				handoff_key TEXT NOT NULL,
				stage TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				due_at BIGINT NOT NULL,
				fired_at BIGINT NOT NULL,
				PRIMARY KEY (scope, handoff_key, stage)
			)`,
			`CREATE INDEX sla_escalations_by_lead ON lh.sla_escalations (lead_key)`,
			// The lock rows of a lead and of a hand-off, and a contact kept until its timer starts.
			`CREATE TABLE lh.sla_touches (
				scope TEXT NOT NULL,
				touch_on TEXT NOT NULL,
				lead_key TEXT,
				touched_at BIGINT,
				PRIMARY KEY (scope, touch_on)
			)`,
			`CREATE INDEX sla_touches_by_lead ON lh.sla_touches (lead_key)`,
		],
		// sla_policies holds SLAs, calendars and ladders, nothing about a lead.
		leadTables: [
			{ table: 'sla_timers', column: 'lead_key' },
			{ table: 'sla_escalations', column: 'lead_key' },
			{ table: 'sla_touches', column: 'lead_key' },
		],
	},
	{
		version: 6,
		name: 'hand-off releases',
		statements: [
			// A released hand-off, kept as such: what was handed off and to whom, who released it,
			// when and why. Numbered per lead and scope (a lead may be released more than once).
			`CREATE TABLE lh.handoff_releases (
				scope TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				release_no BIGINT NOT NULL,
				event_key TEXT NOT NULL,
				handed_off_at BIGINT NOT NULL,
				released_at BIGINT NOT NULL,
				released_by TEXT,
				reason TEXT NOT NULL,
				details JSONB NOT NULL,
				PRIMARY KEY (scope, lead_key, release_no)
			)`,
			`CREATE INDEX handoff_releases_by_lead ON lh.handoff_releases (lead_key)`,
		],
		leadTables: [{ table: 'handoff_releases', column: 'lead_key' }],
	},
	{
		version: 7,
		name: "a rep's open hand-offs counted on the rep's load row",
		statements: [
			// Kept by every change of an open assignment (assign, close, recycle, reassign, contact,
			// release, erase), so an assignment reads a rep's open load in one row, not row by row.
			`ALTER TABLE lh.rep_loads ADD COLUMN open_count BIGINT NOT NULL DEFAULT 0`,
			`INSERT INTO lh.rep_loads (scope, rep_id, assigned_total)
				SELECT DISTINCT scope, rep_id, 0 FROM lh.assignments WHERE rep_id IS NOT NULL AND closed_at IS NULL
				ON CONFLICT (scope, rep_id) DO NOTHING`,
			`UPDATE lh.rep_loads SET open_count = (
				SELECT COUNT(*) FROM lh.assignments a WHERE a.scope = lh.rep_loads.scope AND a.rep_id = lh.rep_loads.rep_id AND a.closed_at IS NULL
			)`,
		],
		leadTables: [],
	},
	{
		version: 8,
		name: 'lead feedback: outcome events, the outcome of each hand-off, webhook replay keys',
		statements: [
			// Every outcome event sales' CRM sent, once per (scope, source, event id): a redelivered
			// webhook inserts nothing. `event` is the event as the outcome is folded from it;
			// `payload` a short excerpt of what the CRM sent, kept for support, never the whole body.
			// `handoff_key` is '' when no hand-off of the lead was found.
			`CREATE TABLE lh.outcome_events (
				scope TEXT NOT NULL,
				source TEXT NOT NULL,
				event_id TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				handoff_key TEXT NOT NULL,
				code TEXT,
				stage TEXT,
				reason TEXT,
				amount DOUBLE PRECISION,
				currency TEXT,
				occurred_at BIGINT NOT NULL,
				received_at BIGINT NOT NULL,
				event JSONB NOT NULL,
				payload TEXT,
				PRIMARY KEY (scope, source, event_id)
			)`,
			`CREATE INDEX outcome_events_by_handoff ON lh.outcome_events (scope, lead_key, handoff_key, occurred_at)`,
			`CREATE INDEX outcome_events_by_lead ON lh.outcome_events (lead_key)`,
			// The outcome of each hand-off, folded from its events: where it stands, when it first
			// reached each stage, what it was linked to at hand-off (assignment, SLA timer, model).
			`CREATE TABLE lh.outcomes (
				scope TEXT NOT NULL,
				lead_key TEXT NOT NULL,
				handoff_key TEXT NOT NULL,
				handed_off_at BIGINT,
				stage TEXT NOT NULL,
				closed BIGINT NOT NULL,
				code TEXT,
				reason TEXT,
				reason_text TEXT,
				amount DOUBLE PRECISION,
				currency TEXT,
				accepted_at BIGINT,
				contacted_at BIGINT,
				meeting_at BIGINT,
				opportunity_at BIGINT,
				won_at BIGINT,
				lost_at BIGINT,
				rejected_at BIGINT,
				closed_at BIGINT,
				corrections BIGINT NOT NULL,
				event_count BIGINT NOT NULL,
				assignment_key TEXT,
				rep_id TEXT,
				team TEXT,
				sla_timer_key TEXT,
				model_id TEXT,
				outcome JSONB NOT NULL,
				updated_at BIGINT NOT NULL,
				PRIMARY KEY (scope, lead_key, handoff_key)
			)`,
			`CREATE INDEX outcomes_by_handoff ON lh.outcomes (scope, handoff_key)`,
			`CREATE INDEX outcomes_by_time ON lh.outcomes (scope, handed_off_at)`,
			`CREATE INDEX outcomes_by_lead ON lh.outcomes (lead_key)`,
			// A hand-off named by its key alone (a CRM that sends the key back) is found in one step.
			`CREATE INDEX handoffs_by_event ON lh.handoffs (scope, event_key)`,
			// Signed webhook requests accepted, until their signature's window closes: a request
			// sent again is a replay. Pruned lazily as new ones arrive.
			`CREATE TABLE lh.webhook_replays (
				scope TEXT NOT NULL,
				replay_key TEXT NOT NULL,
				accepted_at BIGINT NOT NULL,
				keep_until BIGINT NOT NULL,
				PRIMARY KEY (scope, replay_key)
			)`,
			`CREATE INDEX webhook_replays_expiry ON lh.webhook_replays (keep_until)`,
		],
		// Replay keys are hashes of signatures, nothing about a lead.
		leadTables: [
			{ table: 'outcome_events', column: 'lead_key' },
			{ table: 'outcomes', column: 'lead_key' },
		],
	},
	{
		version: 9,
		name: 'hand-offs by time (the Lead Quality Report reads a period in batches)',
		statements: [`CREATE INDEX handoffs_by_time ON lh.handoffs (scope, handed_off_at, lead_key, event_key)`],
		leadTables: [],
	},
	{
		version: 10,
		name: 'report rows: the Lead Quality Report row of each hand-off, kept by every write that changes it',
		statements: [
			// The report reads a period as one index range; writes keep each row as the join of its
			// hand-off, assignment, SLA timer, outcome, score and first touch computes it (reportRows.ts).
			REPORT_ROWS_TABLE,
			`CREATE INDEX report_rows_by_time ON lh.report_rows (scope, handed_off_at, lead_key, handoff_key)`,
			// A lead's rows, for erasure.
			`CREATE INDEX report_rows_by_lead ON lh.report_rows (lead_key)`,
			// Hand-offs made before this version get their rows from the same join.
			backfillReportRows,
		],
		leadTables: [{ table: 'report_rows', column: 'lead_key' }],
	},
	{
		version: 11,
		name: 'scoring change log and champion/challenger experiments',
		statements: [
			// Every published scoring version, once per scope and model id (the first record wins):
			// its rules, why, the impact expected in numbers, who published it and when.
			`CREATE TABLE lh.scoring_changes (
				scope TEXT NOT NULL,
				model_id TEXT NOT NULL,
				published_at BIGINT NOT NULL,
				published_by TEXT,
				title TEXT,
				rationale TEXT NOT NULL,
				rules JSONB NOT NULL,
				expected JSONB NOT NULL,
				previous_model_id TEXT,
				recorded_at BIGINT NOT NULL,
				PRIMARY KEY (scope, model_id)
			)`,
			`CREATE INDEX scoring_changes_by_time ON lh.scoring_changes (scope, published_at)`,
			// Which models ran as champion and challenger of an experiment, first and last seen.
			`CREATE TABLE lh.experiments (
				scope TEXT NOT NULL,
				name TEXT NOT NULL,
				champion_model_id TEXT NOT NULL,
				challenger_model_id TEXT NOT NULL,
				share_percent DOUBLE PRECISION NOT NULL,
				first_seen_at BIGINT NOT NULL,
				last_seen_at BIGINT NOT NULL,
				PRIMARY KEY (scope, name, champion_model_id, challenger_model_id)
			)`,
		],
		// Scoring versions and experiments describe the protocol, nothing about a lead.
		leadTables: [],
	},
	{
		version: 12,
		name: "a rep's assignments of the day and the week counted on the rep's load row",
		statements: [
			// The window each count is for (its start, in the rep's zone) and the rep's assignments at or
			// after it. A read for a later window counts it once from assignments and keeps it; every
			// assignment, reassignment, release and erasure keeps the count right in the same transaction.
			// NULL until the rep is first read: that read counts it.
			`ALTER TABLE lh.rep_loads ADD COLUMN day_start BIGINT`,
			`ALTER TABLE lh.rep_loads ADD COLUMN day_count BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE lh.rep_loads ADD COLUMN week_start BIGINT`,
			`ALTER TABLE lh.rep_loads ADD COLUMN week_count BIGINT NOT NULL DEFAULT 0`,
		],
		leadTables: [],
	},
	{
		version: 13,
		name: "a hand-off's delivery: when its messages were confirmed sent",
		statements: [
			// Set once by Confirm Delivery (the first confirmation wins); NULL while the hand-off's
			// messages are not known to have gone, so a redelivered event may send them again. On the
			// assignment's row: erased, released and copied with it.
			`ALTER TABLE lh.assignments ADD COLUMN delivered_at BIGINT`,
		],
		// A column of lh.assignments, which migration 1 lists: erasure deletes it with the row.
		leadTables: [],
	},
	{
		version: 14,
		name: "a hand-off's messages in flight: when they were last being sent",
		statements: [
			// Set by the database's clock when the assignment is made and when a redelivery takes over
			// the sending: a redelivery resends only once this is older than the router's lease, so
			// the same event delivered while its messages are being sent does not send them twice.
			`ALTER TABLE lh.assignments ADD COLUMN sending_since BIGINT`,
		],
		leadTables: [],
	},
];

/**
 * A table in a new shape, its rows copied with the default scope: create it beside the old one,
 * copy, drop the old one (its indexes go with it), and give the new one the old name.
 */
function rebuild(table: string, columns: string, copied: string[]): string[] {
	const next = `${table}_next`;
	return [
		`CREATE TABLE lh.${next} (${columns})`,
		`INSERT INTO lh.${next} (scope, ${copied.join(', ')}) SELECT '${DEFAULT_SCOPE}', ${copied.join(', ')} FROM lh.${table}`,
		`DROP TABLE lh.${table}`,
		`ALTER TABLE lh.${next} RENAME TO ${table}`,
	];
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Every table holding lead data, over all migrations, in creation order. */
export function leadTables(migrations: readonly Migration[] = MIGRATIONS): LeadTable[] {
	return migrations.flatMap((m) => m.leadTables);
}

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS lh.schema_migrations (
	version BIGINT PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at BIGINT NOT NULL
)`;

async function appliedVersions(q: Pick<Queryable, 'all'>): Promise<number[]> {
	const rows = await q.all<{ version: number }>('SELECT version FROM lh.schema_migrations ORDER BY version');
	return rows.map((r) => Number(r.version));
}

function checkNotNewer(versions: number[], latest: number, location: string): void {
	const highest = versions.length ? versions[versions.length - 1] : 0;
	if (highest > latest) {
		// An older package must not write to a schema it does not fully know: erasure would miss
		// the newer tables. Happens when n8n instances run different versions of this package.
		throw new StoreError(
			'schema-too-new',
			`The store at ${location} was upgraded to schema version ${highest} by a newer n8n-nodes-lead-handoff; this one knows up to version ${latest}. Update n8n-nodes-lead-handoff on every n8n instance (main and workers).`,
		);
	}
}

export interface MigrationResult {
	version: number;
	/** Versions this call applied (empty when another process, or an earlier open, did). */
	applied: number[];
}

/**
 * Brings the store to the latest schema. Safe when several processes call it at once: the work
 * happens under the driver's exclusive lock, and the list of applied versions is read under it.
 */
export async function migrate(driver: Driver, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): Promise<MigrationResult> {
	const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
	// Fast path without the lock: already up to date (every open after the first).
	if (await driver.tableExists('schema_migrations')) {
		const versions = await appliedVersions(driver);
		checkNotNewer(versions, latest, driver.location);
		if (migrations.every((m) => versions.includes(m.version))) return { version: latest, applied: [] };
	}
	return driver.exclusive(async (tx) => {
		await tx.exec(BOOTSTRAP);
		const versions = await appliedVersions(tx);
		checkNotNewer(versions, latest, driver.location);
		const applied: number[] = [];
		for (const migration of migrations) {
			if (versions.includes(migration.version)) continue;
			try {
				for (const statement of migration.statements) await (typeof statement === 'string' ? tx.exec(statement) : statement(tx));
			} catch (error) {
				const cause = driver.explain(error);
				throw new StoreError(cause.code === 'unknown' ? 'migration' : cause.code, `Store migration ${migration.version} (${migration.name}) failed at ${driver.location}: ${cause.message}`, { cause: error });
			}
			await tx.run('INSERT INTO lh.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now()]);
			applied.push(migration.version);
		}
		return { version: latest, applied };
	});
}

export async function currentVersion(q: Pick<Queryable, 'all'>): Promise<number> {
	const rows = await q.all<{ version: number | null }>('SELECT max(version) AS version FROM lh.schema_migrations');
	return Number(rows[0]?.version ?? 0);
}
