/**
 * The store's operations, written once over a Driver: the same SQL text and the same checks run
 * on both backends. Every write is one statement or one transaction, keyed for idempotency;
 * nothing is read, changed in JavaScript and written back.
 */
import type { Driver } from './dialect';
import { checkKey, checkNumber, checkTime, invalid, toJson } from './checks';
import { leadValues } from './errors';
import { assignLeads } from './assignBatch';
import * as changes from './changes';
import * as handoffs from './handoffs';
import * as outcomes from './outcomes';
import { readJoinedReportRows, readReportRows, ReportChanges } from './reportRows';
import { TransactionDriver } from './preview';
import * as releases from './releases';
import { forgetAssignments } from './repLoads';
import { currentVersion, leadTables, type LeadTable } from './migrations';
import { ALL_SCOPES, type AllScopes } from './scope';
import * as sla from './sla';
import type { AssignmentRecord, AssignmentRequest, AssignmentResult, AssignmentSlaStart, DeliveryConfirmation, ResendClaim } from './types';
import type { SlaAdvance, SlaChange, SlaChangeOutcome, SlaClaims, SlaHold, SlaListOptions, SlaReassignDecider, SlaReassignInput, SlaReassignOutcome, SlaStart, SlaStartDecider, SlaStartInput, SlaStartOutcome, SlaTarget, SlaTimerRecord } from './types';
import type { AssignmentDecider, AssignmentInput, AssignmentOutcome, HandoffDecider, HandoffInput, HandoffOutcome, HandoffState } from './types';
import type { HandoffStore, LedgerActivity, LedgerActivityInput, ScoreSnapshot, ScoreSnapshotInput, ThresholdCrossing } from './types';
import type { CompanyDataEntry, HandoffHistory, HandoffReleaseInput, HandoffReleaseOutcome } from './types';
import type { ExperimentRecordInput, ScoringChange, ScoringChangeInput, ScoringChangeOutcome, StoredExperiment } from './types';
import type { OutcomeFold, OutcomeRecordInput, OutcomeRecordOutcome, ReportRowQuery, StoredOutcome, StoredOutcomeEvent, StoredReportRow } from './types';

/** Rows per INSERT: 4 parameters each stays far below both engines' parameter limits. */
const ROWS_PER_INSERT = 500;
const EARLIEST = Number.MIN_SAFE_INTEGER;
/** The activity fields a report row's first touch is read from. */
const FIRST_TOUCH_FIELDS = ['source', 'utm_source', 'campaign', 'utm_campaign'];

interface ActivityRow {
	activity_key: string;
	type: string;
	occurred_at: number;
	data: unknown;
	recorded_at: number;
}

interface SnapshotRow {
	snapshot_key: string;
	model_id: string;
	as_of: number;
	total: number;
	fit: number;
	engagement: number;
	negative: number;
	velocity: number | null;
	grade: string | null;
	score: unknown;
	recorded_at: number;
}

export class SqlHandoffStore implements HandoffStore {
	readonly kind;
	readonly location;
	private readonly leadTables: LeadTable[];

	constructor(
		private readonly driver: Driver,
		private readonly now: () => number = Date.now,
		private readonly onClose?: () => void,
	) {
		this.kind = driver.dialect.kind;
		this.location = driver.location;
		this.leadTables = leadTables();
	}

	async recordActivities(scope: string, leadKey: string, activities: LedgerActivityInput[]): Promise<{ inserted: number; duplicates: number }> {
		checkKey(scope, 'Scope');
		checkKey(leadKey, 'Lead key');
		if (!Array.isArray(activities)) throw invalid('Activities must be a list.');
		// Validate everything before writing anything; keep the first of keys repeated in the batch.
		const rows = new Map<string, unknown[]>();
		// The earliest activity that may be a first touch (it has a source or campaign).
		let touchAt: number | undefined;
		activities.forEach((activity, index) => {
			// The lead key (usually an email address) goes in the description, never in the message.
			const what = `Activity ${index + 1} of the lead`;
			const values = leadValues({ lead: leadKey });
			if (typeof activity !== 'object' || activity === null) throw invalid(`${what} must be an object.`, values);
			const key = checkKey(activity.key, `${what}: key`, values);
			const row = [key, checkKey(activity.type, `${what}: type`, values), checkTime(activity.at, `${what}: at`, values), toJson(activity.data, `${what}: data`, values)];
			if (!rows.has(key)) rows.set(key, row);
			if (FIRST_TOUCH_FIELDS.some((field) => activity.data[field] !== undefined && activity.data[field] !== null)) touchAt = Math.min(touchAt ?? activity.at, activity.at);
		});
		if (rows.size === 0) return { inserted: 0, duplicates: activities.length };
		// One key order for every writer: concurrent batches for a lead then wait on each other
		// instead of deadlocking.
		const sorted = [...rows.values()].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0));
		const recordedAt = this.now();
		const inserted = await this.driver.transaction(async (tx) => {
			let count = 0;
			for (let start = 0; start < sorted.length; start += ROWS_PER_INSERT) {
				const chunk = sorted.slice(start, start + ROWS_PER_INSERT);
				const params: unknown[] = [leadKey, scope, recordedAt];
				const values = chunk.map((row) => {
					const at = params.length + 1;
					params.push(...row);
					return `($1, $2, $${at}, $${at + 1}, $${at + 2}, $${at + 3}, $3)`;
				});
				count += await tx.run(
					`INSERT INTO lh.activities (lead_key, scope, activity_key, type, occurred_at, data, recorded_at) VALUES ${values.join(', ')} ON CONFLICT (lead_key, scope, activity_key) DO NOTHING`,
					params,
				);
			}
			// A source or campaign earlier than a hand-off of the lead may be its first touch now.
			if (count > 0 && touchAt !== undefined) await new ReportChanges().lead(scope, leadKey, touchAt).apply(tx, this.driver.dialect.kind);
			return count;
		});
		return { inserted, duplicates: activities.length - inserted };
	}

	async listActivities(scope: string, leadKey: string, options: { since?: number } = {}): Promise<LedgerActivity[]> {
		checkKey(scope, 'Scope');
		checkKey(leadKey, 'Lead key');
		const since = options.since === undefined ? EARLIEST : checkTime(options.since, 'since');
		const rows = await this.driver.all<ActivityRow>(
			'SELECT activity_key, type, occurred_at, data, recorded_at FROM lh.activities WHERE lead_key = $1 AND scope = $2 AND occurred_at >= $3 ORDER BY occurred_at, activity_key',
			[leadKey, scope, since],
		);
		return rows.map((r) => ({
			scope,
			leadKey,
			key: r.activity_key,
			type: r.type,
			at: Number(r.occurred_at),
			data: this.driver.dialect.readJson(r.data),
			recordedAt: Number(r.recorded_at),
		}));
	}

	async latestScore(scope: string, leadKey: string, options: { excluding?: string } = {}): Promise<ScoreSnapshot | undefined> {
		checkKey(scope, 'Scope');
		checkKey(leadKey, 'Lead key');
		const excluding = options.excluding === undefined ? '' : checkKey(options.excluding, 'Excluded snapshot key');
		const [row] = await this.driver.all<SnapshotRow>(
			`SELECT snapshot_key, model_id, as_of, total, fit, engagement, negative, velocity, grade, score, recorded_at
			FROM lh.score_snapshots WHERE lead_key = $1 AND scope = $2 AND snapshot_key <> $3
			ORDER BY as_of DESC, recorded_at DESC, snapshot_key DESC LIMIT 1`,
			[leadKey, scope, excluding],
		);
		if (!row) return undefined;
		return {
			scope,
			leadKey,
			snapshotKey: row.snapshot_key,
			modelId: row.model_id,
			asOf: Number(row.as_of),
			total: row.total,
			fit: row.fit,
			engagement: row.engagement,
			negative: row.negative,
			velocity: row.velocity,
			grade: row.grade,
			score: this.driver.dialect.readJson(row.score),
			recordedAt: Number(row.recorded_at),
		};
	}

	async saveScore(scope: string, leadKey: string, snapshot: ScoreSnapshotInput, crossedThresholds: ThresholdCrossing[]): Promise<{ firstCrossed: Record<string, number>; saved: boolean }> {
		checkKey(scope, 'Scope');
		checkKey(leadKey, 'Lead key');
		if (typeof snapshot !== 'object' || snapshot === null) throw invalid('The score snapshot must be an object.');
		const s = snapshot;
		const params = [
			leadKey,
			scope,
			checkKey(s.snapshotKey, 'Snapshot key'),
			checkKey(s.modelId, 'Model id'),
			checkTime(s.asOf, 'Snapshot asOf'),
			checkNumber(s.total, 'Score total'),
			checkNumber(s.fit, 'Score fit'),
			checkNumber(s.engagement, 'Score engagement'),
			checkNumber(s.negative, 'Score negative'),
			s.velocity === null || s.velocity === undefined ? null : checkNumber(s.velocity, 'Score velocity'),
			s.grade === null || s.grade === undefined ? null : checkKey(s.grade, 'Score grade'),
			toJson(s.score, 'Score object'),
			this.now(),
		];
		// The earliest time per threshold within this call, in one order for every writer.
		const crossings = new Map<string, number>();
		for (const [index, crossing] of (crossedThresholds ?? []).entries()) {
			const name = checkKey(crossing?.name, `Threshold ${index + 1}: name`);
			const at = checkTime(crossing.at, `Threshold "${name}": at`);
			const earlier = crossings.get(name);
			if (earlier === undefined || at < earlier) crossings.set(name, at);
		}
		const names = [...crossings.keys()].sort();
		return this.driver.transaction(async (tx) => {
			const saved =
				(await tx.run(
					`INSERT INTO lh.score_snapshots (lead_key, scope, snapshot_key, model_id, as_of, total, fit, engagement, negative, velocity, grade, score, recorded_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
					ON CONFLICT (lead_key, scope, snapshot_key) DO NOTHING`,
					params,
				)) === 1;
			if (names.length > 0) {
				const values: string[] = [];
				const crossingParams: unknown[] = [leadKey, scope];
				for (const name of names) {
					values.push(`($1, $2, $${crossingParams.length + 1}, $${crossingParams.length + 2})`);
					crossingParams.push(name, crossings.get(name));
				}
				await tx.run(
					`INSERT INTO lh.threshold_crossings (lead_key, scope, threshold, first_crossed_at) VALUES ${values.join(', ')} ON CONFLICT (lead_key, scope, threshold) DO NOTHING`,
					crossingParams,
				);
			}
			// A snapshot at or before a hand-off of the lead may be the score it was handed off with.
			if (saved) await new ReportChanges().lead(scope, leadKey, params[4] as number).apply(tx, this.driver.dialect.kind);
			const rows = await tx.all<{ threshold: string; first_crossed_at: number }>(
				'SELECT threshold, first_crossed_at FROM lh.threshold_crossings WHERE lead_key = $1 AND scope = $2 ORDER BY threshold',
				[leadKey, scope],
			);
			const firstCrossed: Record<string, number> = {};
			// A threshold named `__proto__` is a threshold like any other: an own key, not the prototype.
			for (const row of rows) Object.defineProperty(firstCrossed, row.threshold, { value: Number(row.first_crossed_at), enumerable: true, writable: true, configurable: true });
			return { firstCrossed, saved };
		});
	}

	async eraseLead(scope: string | AllScopes, leadKey: string): Promise<{ deleted: Record<string, number> }> {
		const everywhere = scope === ALL_SCOPES;
		const params = everywhere ? [checkKey(leadKey, 'Lead key')] : [checkKey(leadKey, 'Lead key'), checkKey(scope, 'Scope')];
		return this.driver.transaction(async (tx) => {
			// The lead's assignments stop counting in their reps' open, daily and weekly loads.
			await forgetAssignments(
				tx,
				await tx.all<{ scope: string; rep_id: string; assigned_at: number; closed_at: number | null }>(
					`SELECT scope, rep_id, assigned_at, closed_at FROM lh.assignments WHERE lead_key = $1${everywhere ? '' : ' AND scope = $2'} AND rep_id IS NOT NULL`,
					params,
				),
			);
			// The report finds an SLA timer by its hand-off key alone: another lead's hand-off of that key loses it too.
			const timers = await tx.all<{ scope: string; handoff_key: string }>(`SELECT scope, handoff_key FROM lh.sla_timers WHERE lead_key = $1${everywhere ? '' : ' AND scope = $2'}`, params);
			const deleted: Record<string, number> = {};
			for (const { table, column } of this.leadTables) {
				const where = everywhere ? `${column} = $1` : `${column} = $1 AND scope = $2`;
				deleted[table] = (deleted[table] ?? 0) + (await tx.run(`DELETE FROM lh.${table} WHERE ${where}`, params));
			}
			const report = new ReportChanges();
			for (const timer of timers) report.timer(timer.scope, params[0] as string, timer.handoff_key);
			await report.apply(tx, this.driver.dialect.kind);
			return { deleted };
		});
	}

	async claimOnce(scope: string, key: string, at: number, options: { leadKey?: string } = {}): Promise<boolean> {
		const params = [
			checkKey(scope, 'Claim scope'),
			checkKey(key, 'Claim key'),
			options.leadKey === undefined ? null : checkKey(options.leadKey, 'Lead key'),
			checkTime(at, 'Claim time'),
		];
		const inserted = await this.driver.run('INSERT INTO lh.claims (scope, claim_key, lead_key, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (scope, claim_key) DO NOTHING', params);
		return inserted === 1;
	}

	async getCompanyData(provider: string, domain: string, now: number): Promise<CompanyDataEntry | undefined> {
		const params = [checkKey(provider, 'Provider key'), checkKey(domain, 'Company domain'), checkTime(now, 'now')];
		const [row] = await this.driver.all<{ status: string; data: unknown; fetched_at: number; expires_at: number }>(
			'SELECT status, data, fetched_at, expires_at FROM lh.company_data WHERE provider = $1 AND domain = $2 AND expires_at > $3',
			params,
		);
		if (!row) return undefined;
		return {
			status: row.status === 'found' ? 'found' : 'notFound',
			data: this.driver.dialect.readJson(row.data),
			fetchedAt: Number(row.fetched_at),
			expiresAt: Number(row.expires_at),
		};
	}

	async putCompanyData(provider: string, domain: string, entry: CompanyDataEntry): Promise<void> {
		if (typeof entry !== 'object' || entry === null) throw invalid('The company data entry must be an object.');
		if (entry.status !== 'found' && entry.status !== 'notFound') throw invalid(`Company data status must be "found" or "notFound", got ${String(entry.status)}.`);
		const fetchedAt = checkTime(entry.fetchedAt, 'Company data fetchedAt');
		const expiresAt = checkTime(entry.expiresAt, 'Company data expiresAt');
		if (expiresAt < fetchedAt) throw invalid('Company data expiresAt must not be before fetchedAt.');
		const params = [checkKey(provider, 'Provider key'), checkKey(domain, 'Company domain'), entry.status, toJson(entry.data, 'Company data'), fetchedAt, expiresAt];
		// Concurrent fetches of one domain both hold fresh data: the later answer wins, in one statement.
		await this.driver.run(
			`INSERT INTO lh.company_data (provider, domain, status, data, fetched_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (provider, domain) DO UPDATE SET status = excluded.status, data = excluded.data, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at
			WHERE lh.company_data.fetched_at <= excluded.fetched_at`,
			params,
		);
	}

	decideHandoff(input: HandoffInput, decide: HandoffDecider): Promise<HandoffOutcome> {
		return handoffs.decideHandoff(this.driver, input, decide);
	}

	handoffState(scope: string, leadKey: string): Promise<HandoffState | undefined> {
		return handoffs.handoffState(this.driver, scope, leadKey);
	}

	recycleLead(scope: string, leadKey: string, at: number): Promise<{ recycledAt: number; closedAssignments: number }> {
		return handoffs.recycleLead(this.driver, scope, leadKey, at);
	}

	assignLead(input: AssignmentInput, decide: AssignmentDecider): Promise<AssignmentOutcome> {
		return handoffs.assignLead(this.driver, input, decide);
	}

	async assignLeadWithSlaTimer<T extends SlaTimerRecord>(
		input: AssignmentInput,
		decide: AssignmentDecider,
		slaStart: AssignmentSlaStart<T>,
	): Promise<AssignmentOutcome & { slaTimer?: SlaStartOutcome<T> }> {
		if (typeof input !== 'object' || input === null || typeof slaStart !== 'object' || slaStart === null) throw invalid('The assignment and its SLA timer must be objects.');
		if (slaStart.input?.scope !== input.scope || slaStart.input.leadKey !== input.leadKey || slaStart.input.handoffKey !== input.eventKey) {
			throw invalid("The SLA timer an assignment starts must be its hand-off's: the same scope, lead key and event key.");
		}
		let assignment: AssignmentRecord | undefined;
		const now = this.now();
		const prepared = await sla.prepareSlaStarts<T>(this.driver, [{ input: slaStart.input, decide: (state) => slaStart.decide(assignment!, state) }], now);
		const { then, ...outcome } = await handoffs.assignLead(this.driver, input, decide, async (tx, record) => {
			assignment = record;
			return (await sla.startPreparedSlaTimers(tx, this.driver, prepared, now))[0];
		});
		return { ...outcome, ...(then ? { slaTimer: then } : {}) };
	}

	assignLeads<T extends SlaTimerRecord>(requests: ReadonlyArray<AssignmentRequest<T>>, options?: { perTransaction?: number }): Promise<Array<AssignmentResult<T>>> {
		return assignLeads<T>(this.driver, requests, this.now(), options?.perTransaction);
	}

	closeAssignments(scope: string, leadKey: string, at: number): Promise<number> {
		return handoffs.closeAssignments(this.driver, scope, leadKey, at);
	}

	confirmDelivery(scope: string, leadKey: string, eventKey: string, at: number): Promise<DeliveryConfirmation> {
		return handoffs.confirmDelivery(this.driver, scope, leadKey, eventKey, at);
	}

	claimResend(scope: string, leadKey: string, eventKey: string, leaseMs: number): Promise<ResendClaim> {
		return handoffs.claimResend(this.driver, scope, leadKey, eventKey, leaseMs);
	}

	releaseHandoff(input: HandoffReleaseInput): Promise<HandoffReleaseOutcome> {
		return releases.releaseHandoff(this.driver, input);
	}

	handoffHistory(scope: string, leadKey: string): Promise<HandoffHistory> {
		return releases.handoffHistory(this.driver, scope, leadKey);
	}

	preview<T>(work: (store: HandoffStore) => Promise<T>): Promise<T> {
		// Already inside a test run: its transaction is the one to roll back.
		if (this.driver instanceof TransactionDriver) return work(this);
		return this.driver.transaction((tx) => work(new SqlHandoffStore(new TransactionDriver(this.driver, tx), this.now)), { rollback: true });
	}

	startSlaTimers<T extends SlaTimerRecord>(starts: ReadonlyArray<SlaStart<T>>): Promise<Array<SlaStartOutcome<T>>> {
		return sla.startSlaTimers(this.driver, starts, this.now());
	}

	startSlaTimer<T extends SlaTimerRecord>(input: SlaStartInput, decide: SlaStartDecider<T>): Promise<SlaStartOutcome<T>> {
		return sla.startSlaTimer(this.driver, input, decide, this.now());
	}

	changeSlaTimers<T extends SlaTimerRecord>(target: SlaTarget, at: number, change: SlaChange<T>, options: { keepContact?: boolean } = {}): Promise<SlaChangeOutcome<T>> {
		return sla.changeSlaTimers(this.driver, target, at, change, { ...options, now: this.now() });
	}

	claimDueSlaStages<T extends SlaTimerRecord>(scope: string, now: number, advance: SlaAdvance<T>, options: { limit?: number; hold?: SlaHold } = {}): Promise<SlaClaims<T>> {
		return sla.claimDueSlaStages(this.driver, scope, now, advance, options.limit, options.hold);
	}

	reassignSlaTimer<T extends SlaTimerRecord>(input: SlaReassignInput, decide: SlaReassignDecider<T>): Promise<SlaReassignOutcome<T>> {
		return sla.reassignSlaTimer(this.driver, input, decide, this.now());
	}

	dueSlaTimers<T extends SlaTimerRecord>(scope: string, now: number, options: { limit?: number } = {}): Promise<T[]> {
		return sla.dueSlaTimers(this.driver, scope, now, options.limit);
	}

	getSlaTimer<T extends SlaTimerRecord>(scope: string, handoffKey: string): Promise<{ timer: T; policy: Record<string, unknown> } | undefined> {
		return sla.getSlaTimer(this.driver, scope, handoffKey);
	}

	listSlaTimers<T extends SlaTimerRecord>(scope: string, options?: SlaListOptions): Promise<T[]> {
		return sla.listSlaTimers(this.driver, scope, options);
	}

	slaEscalations(scope: string, handoffKey: string): Promise<Array<{ stage: string; dueAt: number; firedAt: number }>> {
		return sla.slaEscalations(this.driver, scope, handoffKey);
	}

	recordOutcomeEvent<T extends SlaTimerRecord>(input: OutcomeRecordInput<T>, fold: OutcomeFold): Promise<OutcomeRecordOutcome<T>> {
		return outcomes.recordOutcomeEvent(this.driver, input, fold, this.now());
	}

	getOutcome(scope: string, leadKey: string, handoffKey: string): Promise<StoredOutcome | undefined> {
		return outcomes.getOutcome(this.driver, scope, leadKey, handoffKey);
	}

	listOutcomes(scope: string, leadKey: string): Promise<StoredOutcome[]> {
		return outcomes.listOutcomes(this.driver, scope, leadKey);
	}

	listOutcomeEvents(scope: string, leadKey: string, handoffKey: string): Promise<StoredOutcomeEvent[]> {
		return outcomes.listOutcomeEvents(this.driver, scope, leadKey, handoffKey);
	}

	readReportRows(query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
		return readReportRows(this.driver, query, onBatch);
	}

	/** The same rows as `readReportRows`, computed by the join at read time (tests and the benchmark compare them). */
	readJoinedReportRows(query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number> {
		return readJoinedReportRows(this.driver, query, onBatch);
	}

	rememberReplayKey(scope: string, key: string, keepUntil: number, now: number): Promise<boolean> {
		return outcomes.rememberReplayKey(this.driver, scope, key, keepUntil, now);
	}

	recordScoringChange(scope: string, change: ScoringChangeInput): Promise<ScoringChangeOutcome> {
		return changes.recordScoringChange(this.driver, scope, change, this.now());
	}

	listScoringChanges(scope: string, options?: { modelIds?: readonly string[] }): Promise<ScoringChange[]> {
		return changes.listScoringChanges(this.driver, scope, options);
	}

	recordExperiment(scope: string, experiment: ExperimentRecordInput, at: number): Promise<void> {
		return changes.recordExperiment(this.driver, scope, experiment, at);
	}

	listExperiments(scope: string): Promise<StoredExperiment[]> {
		return changes.listExperiments(this.driver, scope);
	}

	async ping(): Promise<void> {
		await this.driver.all('SELECT 1 AS ok');
	}

	schemaVersion(): Promise<number> {
		return currentVersion(this.driver);
	}

	async close(): Promise<void> {
		this.onClose?.();
		await this.driver.close();
	}
}
