/**
 * The handoff store: the only state that outlives one n8n execution. One interface, two
 * backends (embedded `node:sqlite`, PostgreSQL) with the same behaviour. All times are UTC
 * epoch milliseconds. Every write carries an idempotency key, so a webhook delivered twice
 * changes nothing the second time. Every lead lives in a scope (see scope.ts): each operation
 * about a lead names the scope, and sees only that scope's rows.
 */
import type { AllScopes } from './scope';

/** One activity as a node hands it to the ledger. */
export interface LedgerActivityInput {
	/** Idempotency key within the lead's ledger: the event's id, or a content hash the caller computes. */
	key: string;
	/** Activity type as the scoring protocol names it (`page_view`, `demo_request`, ...). */
	type: string;
	/** When it happened, epoch milliseconds. */
	at: number;
	/** Anything else about it (url, asset, campaign, utm_*), stored as JSON. */
	data: Record<string, unknown>;
}

export interface LedgerActivity extends LedgerActivityInput {
	scope: string;
	leadKey: string;
	/** When the store first saw it, epoch milliseconds. */
	recordedAt: number;
}

export interface ScoreSnapshotInput {
	/** Idempotency key: saving the same snapshot key twice for a lead keeps the first. */
	snapshotKey: string;
	/** Identifies the scoring model (protocol) version that produced the score. */
	modelId: string;
	/** The time the score was computed for, epoch milliseconds. */
	asOf: number;
	total: number;
	fit: number;
	engagement: number;
	negative: number;
	velocity: number | null;
	grade: string | null;
	/** The full score object (breakdown and all), stored as JSON. */
	score: Record<string, unknown>;
}

export interface ScoreSnapshot extends ScoreSnapshotInput {
	scope: string;
	leadKey: string;
	recordedAt: number;
}

export interface ThresholdCrossing {
	name: string;
	at: number;
}

/** A lead's fire-once state within a scope (one workflow's gate, or one client's). */
export interface HandoffState {
	/** Epoch ms of the last hand-off, if any. */
	lastHandoffAt?: number;
	lastEventKey?: string;
	handoffCount: number;
	/** Epoch ms of the last recycle to nurture, if any. */
	recycledAt?: number;
}

export interface HandoffInput {
	scope: string;
	leadKey: string;
	/** Idempotency key of the event being judged (its id, or a hash of it). */
	eventKey: string;
	at: number;
}

/** Runs inside the transaction: pure and synchronous. `details` is stored with a hand-off. */
export type HandoffDecider = (state: HandoffState | undefined) => { handoff: boolean; details: Record<string, unknown> };

export interface HandoffRecord {
	scope: string;
	leadKey: string;
	eventKey: string;
	at: number;
	details: Record<string, unknown>;
}

export type HandoffOutcome =
	| { status: 'handedOff'; record: HandoffRecord; previous?: HandoffState }
	| { status: 'notHandedOff'; previous?: HandoffState }
	| { status: 'duplicate'; record: HandoffRecord };

/** A rep's load as the store keeps it (repLoads.ts): open hand-offs, assignments today and this week. */
export interface RepLoadCounts {
	open: number;
	assignedToday: number;
	assignedThisWeek: number;
	lastAssignedAt?: number;
}

export interface AssignmentInput {
	scope: string;
	leadKey: string;
	eventKey: string;
	at: number;
	/** The team whose round-robin counter is locked and read; none for a named account. */
	team?: string;
	/** Reps whose loads the decision needs, with the starts (epoch ms) of their day and week. */
	reps: Array<{ id: string; dayStart: number; weekStart: number }>;
	/**
	 * A stage a claim leased (SlaClaim.held): fired in this transaction, recorded at `at`, whatever
	 * `decide` returns; 'leaseLost' (nothing changes) unless the timer still holds this lease.
	 */
	held?: { stage: string; until: number };
}

export interface AssignmentDecision {
	repId?: string;
	queue?: string;
	team?: string;
	/** The team's counter after this pick (round-robin); left out, the counter stays. */
	nextCounter?: number;
	details: Record<string, unknown>;
}

/** Runs inside the transaction: pure and synchronous. */
export type AssignmentDecider = (state: { counter: number; loads: Record<string, RepLoadCounts> }) => AssignmentDecision;

export interface AssignmentRecord {
	scope: string;
	leadKey: string;
	eventKey: string;
	team?: string;
	repId?: string;
	queue?: string;
	at: number;
	details: Record<string, unknown>;
	/** When the hand-off's messages were confirmed sent (`confirmDelivery`); read for a redelivered event. */
	deliveredAt?: number;
	/** When the assignment closed (recycled, reassigned); read for a redelivered event. */
	closedAt?: number;
}

/** What `confirmDelivery` did: confirmed now, confirmed before (the first time is kept), or no such assignment. */
export type DeliveryConfirmation =
	| { status: 'confirmed'; deliveredAt: number; repId?: string }
	| { status: 'alreadyConfirmed'; deliveredAt: number; repId?: string }
	| { status: 'noAssignment' };

/** What `claimResend` found: this redelivery sends again, or why not (confirmed, closed, or being sent by another run within the lease). */
export type ResendClaim =
	| { status: 'resend' }
	| { status: 'inFlight'; retryAfterMs: number }
	| { status: 'confirmed'; deliveredAt: number }
	| { status: 'closed'; closedAt: number }
	| { status: 'noAssignment' };

export interface AssignmentOutcome {
	status: 'assigned' | 'duplicate';
	record: AssignmentRecord;
}

/** One lead of `assignLeads`: its assignment, its decider, and the SLA timer it starts, if any. */
export interface AssignmentRequest<T extends SlaTimerRecord = SlaTimerRecord> {
	input: AssignmentInput;
	decide: AssignmentDecider;
	sla?: AssignmentSlaStart<T>;
}

export type AssignmentResult<T extends SlaTimerRecord = SlaTimerRecord> = (AssignmentOutcome & { slaTimer?: SlaStartOutcome<T> }) | { status: 'failed'; error: Error };

export interface HandoffReleaseInput {
	scope: string;
	leadKey: string;
	/** When it is released, epoch ms. */
	at: number;
	/** Why: recorded with the release. */
	reason: string;
	/** Who asked for it (a name or an email address), if known. */
	by?: string;
	/** Anything else to keep with the release (e.g. the n8n execution that did it). */
	details?: Record<string, unknown>;
}

/** A hand-off that was released: what it was, and who released it, when and why. */
export interface HandoffRelease {
	scope: string;
	leadKey: string;
	/** 1 for the lead's first release in the scope, then 2, ... */
	releaseNo: number;
	/** The released hand-off: its event, time and recorded details (reasons). */
	handoff: HandoffRecord;
	/** The lead's assignments it ended: the rep's load no longer counts them. */
	assignments: AssignmentRecord[];
	releasedAt: number;
	releasedBy?: string;
	reason: string;
	details: Record<string, unknown>;
}

export type HandoffReleaseOutcome = { status: 'released'; release: HandoffRelease } | { status: 'nothingToRelease'; previous?: HandoffState };

/** A lead's hand-off history in a scope: its state, its standing hand-offs and its releases, oldest first. */
export interface HandoffHistory {
	state?: HandoffState;
	handoffs: HandoffRecord[];
	releases: HandoffRelease[];
}

/** A provider's answer about a company domain (Lead Enrich's cache); `data` is empty for notFound. */
export interface CompanyDataEntry {
	status: 'found' | 'notFound';
	data: Record<string, unknown>;
	fetchedAt: number;
	expiresAt: number;
}

export interface HandoffStore {
	readonly kind: 'embedded' | 'postgres';
	/** Where the data lives, for messages: a file path, or `host:port/database schema`. */
	readonly location: string;
	/**
	 * Appends activities to the ledger of a lead in a scope; an activity whose key is already stored
	 * for the lead (or repeated within the batch) changes nothing. Atomic: all or nothing.
	 */
	recordActivities(scope: string, leadKey: string, activities: LedgerActivityInput[]): Promise<{ inserted: number; duplicates: number }>;
	/** The lead's whole ledger in the scope, or the part at or after `since`, oldest first. */
	listActivities(scope: string, leadKey: string, options?: { since?: number }): Promise<LedgerActivity[]>;
	/** Latest score snapshot of the lead in the scope (greatest `asOf`), or undefined; `excluding` leaves one snapshot key out. */
	latestScore(scope: string, leadKey: string, options?: { excluding?: string }): Promise<ScoreSnapshot | undefined>;
	/**
	 * Saves a snapshot and records, for each threshold, when the lead first crossed it in the scope
	 * (the first write wins, so a fire-once gate sees a stable time). Returns every first-crossed
	 * time the lead has in the scope. Idempotent on (scope, leadKey, snapshotKey). Atomic.
	 */
	saveScore(scope: string, leadKey: string, snapshot: ScoreSnapshotInput, crossedThresholds: ThresholdCrossing[]): Promise<{ firstCrossed: Record<string, number>; saved: boolean }>;
	/**
	 * Privacy erasure: deletes everything stored about one lead, in every table, in one scope or in
	 * all of them (`ALL_SCOPES`); counts per table. One transaction.
	 */
	eraseLead(scope: string | AllScopes, leadKey: string): Promise<{ deleted: Record<string, number> }>;
	/**
	 * Generic idempotency claim: true the first time a key is seen in a scope, false after.
	 * Atomic across processes. Pass `leadKey` when the claim concerns a lead, so erasure removes it
	 * (with the lead's other rows of that scope).
	 */
	claimOnce(scope: string, key: string, at: number, options?: { leadKey?: string }): Promise<boolean>;
	/**
	 * Fire once: under the lead's row lock, `decide` sees the lead's hand-off state and says whether
	 * this event hands the lead off. A hand-off is recorded once per (scope, lead, event key): an
	 * event seen before returns 'duplicate' and changes nothing. Concurrent calls for one lead queue.
	 */
	decideHandoff(input: HandoffInput, decide: HandoffDecider): Promise<HandoffOutcome>;
	/** The lead's hand-off state in a scope, or undefined when it was never handed off or recycled. */
	handoffState(scope: string, leadKey: string): Promise<HandoffState | undefined>;
	/**
	 * Sales recycled the lead to nurture at `at`: it may qualify again, and its open assignments
	 * close. The latest recycle time wins; repeating one changes nothing.
	 */
	recycleLead(scope: string, leadKey: string, at: number): Promise<{ recycledAt: number; closedAssignments: number }>;
	/**
	 * Owner assignment: under the team's round-robin row lock and the listed reps' load rows,
	 * `decide` sees the counter and the reps' loads and picks; the counter it returns, the
	 * assignment and the load change commit together. Once per (scope, lead, event key): an event
	 * seen before returns its first assignment ('duplicate') and moves nothing.
	 */
	assignLead(input: AssignmentInput, decide: AssignmentDecider): Promise<AssignmentOutcome>;
	/**
	 * An assignment that starts the hand-off's SLA timer in the same transaction: both commit or
	 * neither. The timer is decided once the owner is known; a redelivered event starts nothing.
	 */
	assignLeadWithSlaTimer<T extends SlaTimerRecord>(
		input: AssignmentInput,
		decide: AssignmentDecider,
		sla: AssignmentSlaStart<T>,
	): Promise<AssignmentOutcome & { slaTimer?: SlaStartOutcome<T> }>;
	/**
	 * Many leads' assignments (an execution's items), each with the decision one-by-one
	 * assignment (`assignLead` / `assignLeadWithSlaTimer`) would make, in order, in a few
	 * transactions. One result per request, in order, up to and including the first that failed
	 * (a bad input, or a decider that threw): the requests after it are not attempted.
	 */
	assignLeads<T extends SlaTimerRecord>(requests: ReadonlyArray<AssignmentRequest<T>>, options?: { perTransaction?: number }): Promise<Array<AssignmentResult<T>>>;
	/** Closes the lead's open assignments (hand-off worked or lost); returns how many closed. */
	closeAssignments(scope: string, leadKey: string, at: number): Promise<number>;
	/**
	 * Records that the messages of the hand-off (scope, lead, event key) were sent: a redelivered
	 * event then comes out of `assignLeads` with `deliveredAt`, so the router does not send them
	 * again. Idempotent: the first confirmation's time is kept. 'noAssignment' when the event has
	 * no assignment in the scope (never assigned, released, erased).
	 */
	confirmDelivery(scope: string, leadKey: string, eventKey: string, at: number): Promise<DeliveryConfirmation>;
	/**
	 * A redelivered event whose hand-off is assigned but not confirmed: 'resend' when no run has
	 * been sending its messages for `leaseMs` (the database's clock; the assignment and each resend
	 * start the lease), claimed atomically so concurrent redeliveries resend once; 'inFlight' with
	 * the time left otherwise.
	 */
	claimResend(scope: string, leadKey: string, eventKey: string, leaseMs: number): Promise<ResendClaim>;
	/**
	 * Releases the lead's current hand-off (a mistake, or a test): the hand-off and the lead's open
	 * assignments (and the assignment of the released event) are taken back and kept in a release
	 * record, so the lead's next qualifying event, even the same event again, hands off and routes
	 * anew, and the rep's load no longer counts them. 'nothingToRelease' when the lead has no
	 * current hand-off (never handed off, released already, or recycled since). One transaction,
	 * under the lead's row lock.
	 */
	releaseHandoff(input: HandoffReleaseInput): Promise<HandoffReleaseOutcome>;
	/** The lead's hand-off state, standing hand-offs and releases in the scope. */
	handoffHistory(scope: string, leadKey: string): Promise<HandoffHistory>;
	/**
	 * A test run: `work` runs against this store inside one transaction that is rolled back when
	 * it ends. Its operations take the same locks and make the same decisions as for real, and
	 * see each other's writes; nothing is kept. Use only the store handed to `work` inside it.
	 */
	preview<T>(work: (store: HandoffStore) => Promise<T>): Promise<T>;
	/**
	 * A cached company-data answer of a provider for a domain, if one is still fresh at `now`
	 * (expired answers are never returned).
	 */
	getCompanyData(provider: string, domain: string, now: number): Promise<CompanyDataEntry | undefined>;
	/** Caches a provider's answer for a domain until `expiresAt`; a newer answer replaces it. One statement. */
	putCompanyData(provider: string, domain: string, entry: CompanyDataEntry): Promise<void>;
	/**
	 * SLA timers, one per hand-off (see sla.ts). Starts a batch of hand-offs' timers of one scope in
	 * one transaction: a hand-off that has a timer is a duplicate and changes nothing; each new one
	 * is decided by the engine, which sees the contacts kept for it and its lead's running timers.
	 */
	startSlaTimers<T extends SlaTimerRecord>(starts: ReadonlyArray<SlaStart<T>>): Promise<Array<SlaStartOutcome<T>>>;
	/** One hand-off's timer; see `startSlaTimers`. */
	startSlaTimer<T extends SlaTimerRecord>(input: SlaStartInput, decide: SlaStartDecider<T>): Promise<SlaStartOutcome<T>>;
	/**
	 * Changes a hand-off's timer, or a lead's (its running ones, else its latest), under their row
	 * locks: contact, accept, reassign, cancel. The assignments that carry the hand-off's load
	 * close or move with it. With `keepContact`, a contact for a timer not started yet is kept and
	 * closes the timer when it starts.
	 */
	changeSlaTimers<T extends SlaTimerRecord>(target: SlaTarget, at: number, change: SlaChange<T>, options?: { keepContact?: boolean }): Promise<SlaChangeOutcome<T>>;
	/**
	 * Claims the SLA stages due by `now` of up to `limit` (default 1,000) timers of a scope, most
	 * overdue first, moving each timer on to its next stage; each stage fires exactly once, whatever
	 * the number of pollers. An index range, not a scan. With `hold`, a due stage it names is not
	 * fired but leased (see SlaHold): `reassignSlaTimer` with `held` fires it. A timer whose stored
	 * state cannot be read or advanced is set aside (`unreadable`), so it never blocks the others.
	 */
	claimDueSlaStages<T extends SlaTimerRecord>(scope: string, now: number, advance: SlaAdvance<T>, options?: { limit?: number; hold?: SlaHold }): Promise<SlaClaims<T>>;
	/**
	 * Reassigns a hand-off through the routing, under the timer's lock, the team's round-robin
	 * counter and the reps' load rows: the new owner, the counter and the moved load commit together.
	 */
	reassignSlaTimer<T extends SlaTimerRecord>(input: SlaReassignInput, decide: SlaReassignDecider<T>): Promise<SlaReassignOutcome<T>>;
	/** The timers whose next stage is due by `now`, most overdue first; claims nothing (manual runs). */
	dueSlaTimers<T extends SlaTimerRecord>(scope: string, now: number, options?: { limit?: number }): Promise<T[]>;
	/** A hand-off's timer with its policy, or undefined. */
	getSlaTimer<T extends SlaTimerRecord>(scope: string, handoffKey: string): Promise<{ timer: T; policy: Record<string, unknown> } | undefined>;
	/** Timers of a scope by owner, team or lead: the running ones unless `includeClosed`, oldest first. */
	listSlaTimers<T extends SlaTimerRecord>(scope: string, options?: SlaListOptions): Promise<T[]>;
	/** The stages a hand-off's timer has fired, oldest first. */
	slaEscalations(scope: string, handoffKey: string): Promise<Array<{ stage: string; dueAt: number; firedAt: number }>>;
	/**
	 * Lead feedback: records one outcome event of a lead's hand-off and folds the hand-off's outcome
	 * anew, under the outcome's row lock. The same event again (scope, source, event id) changes
	 * nothing and says 'duplicate', also when two deliveries race. The outcome is linked to the
	 * hand-off, its assignment, its SLA timer and the model that scored the lead at hand-off; `sla`
	 * changes the timer in the same transaction.
	 */
	recordOutcomeEvent<T extends SlaTimerRecord>(input: OutcomeRecordInput<T>, fold: OutcomeFold): Promise<OutcomeRecordOutcome<T>>;
	/** The outcome of a hand-off (or of a lead's events without one: handoffKey ''), or undefined. */
	getOutcome(scope: string, leadKey: string, handoffKey: string): Promise<StoredOutcome | undefined>;
	/** A lead's outcomes in a scope, oldest hand-off first. */
	listOutcomes(scope: string, leadKey: string): Promise<StoredOutcome[]>;
	/** A hand-off's outcome events, in the order they happened. */
	listOutcomeEvents(scope: string, leadKey: string, handoffKey: string): Promise<StoredOutcomeEvent[]>;
	/**
	 * The Lead Quality Report's rows: one per hand-off of the scope handed off in [from, to), joined
	 * with its assignment, SLA timer, outcome and the lead's score at hand-off, in hand-off time
	 * order, given to `onBatch` a batch at a time. Resolves to the number of rows.
	 */
	readReportRows(query: ReportRowQuery, onBatch: (rows: StoredReportRow[]) => void | Promise<void>): Promise<number>;
	/**
	 * Webhook replays: true the first time an accepted signed request's key is seen in the scope
	 * (it is kept until `keepUntil`), false for a replay. Keys past their time are pruned as new
	 * ones arrive.
	 */
	rememberReplayKey(scope: string, key: string, keepUntil: number, now: number): Promise<boolean>;
	/**
	 * Scoring change log: records a published scoring version once per scope and model id; the
	 * same model again is a 'duplicate' and returns the first record unchanged.
	 */
	recordScoringChange(scope: string, change: ScoringChangeInput): Promise<ScoringChangeOutcome>;
	/** The scope's logged scoring versions, oldest publish first (only `modelIds` when given). */
	listScoringChanges(scope: string, options?: { modelIds?: readonly string[] }): Promise<ScoringChange[]>;
	/** Records that an experiment ran at `at` (first and last seen times); one statement, idempotent. */
	recordExperiment(scope: string, experiment: ExperimentRecordInput, at: number): Promise<void>;
	/** The scope's experiments, first seen first. */
	listExperiments(scope: string): Promise<StoredExperiment[]>;
	/** Health check used by the credential test: one round trip to the database. */
	ping(): Promise<void>;
	/** Schema version (the highest applied migration). */
	schemaVersion(): Promise<number>;
	close(): Promise<void>;
}

export type PostgresSsl = 'disable' | 'allow' | 'require';

export interface EmbeddedStoreConfig {
	kind: 'embedded';
	/** Folder holding `store.sqlite`; default `<n8n user folder>/.n8n/lead-handoff`. */
	folder?: string;
}

export interface PostgresStoreConfig {
	kind: 'postgres';
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	ssl: PostgresSsl;
	/** Accept self-signed or otherwise unverifiable server certificates. */
	ignoreSslIssues?: boolean;
	schema: string;
	/** Connections in the pool; default 10. */
	maxConnections?: number;
	/** Give up connecting after this long; default 10 s. */
	connectTimeoutMs?: number;
}

export type StoreConfig = EmbeddedStoreConfig | PostgresStoreConfig;

/** What the environment tells the store; `process.env` unless a test passes its own. */
export interface StoreEnvironment {
	EXECUTIONS_MODE?: string;
	N8N_USER_FOLDER?: string;
}

/** SLA timers (sla.ts). */
export type SlaTimerStatus = 'open' | 'reassigned' | 'contacted' | 'accepted' | 'cancelled';

export interface SlaStageDue {
	stage: string;
	dueAt: number;
}

/**
 * What the store reads of a timer. The engine's timer has more (touch times, fired stages,
 * details); the store keeps all of it and hands it back as it was given.
 */
export interface SlaTimerRecord {
	scope: string;
	handoffKey: string;
	leadKey: string;
	ownerId?: string;
	team?: string;
	tier: string;
	policyKey: string;
	status: SlaTimerStatus;
	startedAt: number;
	dueAt: number;
	closedAt?: number;
	/** The stages still to fire, in firing order: the first is the timer's next. */
	schedule: SlaStageDue[];
	/** The stages fired, oldest first. */
	fired?: string[];
	reassignments?: number;
}

export interface SlaKeptContact {
	at: number;
	/** Kept under the hand-off's key (rather than the lead's). */
	byHandoff: boolean;
}

export interface SlaStartInput {
	scope: string;
	handoffKey: string;
	leadKey: string;
	/** The timer's policy (SLA, calendar, ladder), stored once per key. */
	policyKey: string;
	policy: Record<string, unknown>;
}

/**
 * Runs inside the start transaction: pure and synchronous. Sees the contacts kept for the
 * hand-off or the lead, and the lead's other running timers; returns the new timer and those
 * of the others it changed (a new hand-off supersedes the lead's earlier ones).
 */
export type SlaStartDecider<T extends SlaTimerRecord> = (state: { kept: SlaKeptContact[]; running: T[] }) => { timer: T; others?: T[] };

export type SlaStartOutcome<T extends SlaTimerRecord> = { status: 'started'; timer: T; others: T[] } | { status: 'duplicate'; timer: T };

/** One hand-off's timer, or the timers of a lead (its running ones, else its latest). */
export type SlaTarget = { scope: string; handoffKey: string } | { scope: string; leadKey: string };

/** Runs under the timer's row lock: the changed timer, or undefined for no change. */
export type SlaChange<T extends SlaTimerRecord> = (timer: T, policy: Record<string, unknown>) => T | undefined;

export interface SlaChangeOutcome<T extends SlaTimerRecord> {
	/** Every timer found, before and after (the same object when unchanged). */
	timers: Array<{ before: T; after: T; changed: boolean }>;
	/** No timer was found and the contact was kept for the timer's start. */
	kept: boolean;
}

/** A poll step, pure: the timer with the stages due by `now` fired, and those stages. */
export type SlaAdvance<T extends SlaTimerRecord> = (timer: T, now: number) => { timer: T; due: SlaStageDue[] };

/**
 * A due timer a poll could not read or advance (its stored state corrupt or of another shape):
 * nothing fired, its next due time moved to `retryAt`, so the poll's other timers go on and the
 * timer is reported again then, until it is repaired or erased.
 */
export interface SlaUnreadableTimer {
	handoffKey: string;
	/** The stage that was due, and when, as the timer's row says. */
	stage: string | null;
	dueAt: number | null;
	reason: string;
	retryAt: number;
}

/** A poll's claims, and the due timers it set aside as unreadable. */
export type SlaClaims<T extends SlaTimerRecord> = Array<SlaClaim<T>> & { unreadable: SlaUnreadableTimer[] };

export interface SlaClaim<T extends SlaTimerRecord> {
	timer: T;
	policy: Record<string, unknown>;
	/** The stages this poll fired, oldest first. */
	due: SlaStageDue[];
	firedAt: number;
	/** A stage of the poll's `hold` that fell due: leased until `until`, not fired yet (then `timer` still has it first). */
	held?: { stage: SlaStageDue; until: number };
}

/**
 * Stages a poll leases instead of firing, because firing them does more than one transaction can
 * safely hold (a reassignment takes the team's round-robin row and the reps' load rows). The claim
 * leaves such a stage first in the timer's schedule and sets its next due time to now + `leaseMs`;
 * `reassignSlaTimer` with `held` then fires it (records it, moves the timer on) in the same
 * transaction as the reassignment, while the lease is still the one given. A poller that dies in
 * between leaves the lease to run out: the next poll, in any process, claims the stage again.
 */
export interface SlaHold {
	stages: readonly string[];
	leaseMs: number;
}

/** The SLA timer an assignment starts: its hand-off, and the engine's decision once the owner is known. */
export interface AssignmentSlaStart<T extends SlaTimerRecord> {
	input: SlaStartInput;
	decide: (assignment: AssignmentRecord, state: { kept: SlaKeptContact[]; running: T[] }) => { timer: T; others?: T[] };
}

export interface SlaReassignInput {
	scope: string;
	handoffKey: string;
	at: number;
	/** The team whose round-robin counter is locked and read; none for a named rep. */
	team?: string;
	/** Reps whose loads the decision needs, with the starts (epoch ms) of their day and week. */
	reps: Array<{ id: string; dayStart: number; weekStart: number }>;
	/**
	 * A stage a claim leased (SlaClaim.held): fired in this transaction, recorded at `at`, whatever
	 * `decide` returns; 'leaseLost' (nothing changes) unless the timer still holds this lease.
	 */
	held?: { stage: string; until: number };
}

/** Runs inside the transaction: pure and synchronous. No timer, or the same one: nothing changes. */
export type SlaReassignDecider<T extends SlaTimerRecord> = (state: {
	timer: T;
	policy: Record<string, unknown>;
	counter: number;
	loads: Record<string, RepLoadCounts>;
}) => { timer?: T; nextCounter?: number };

export type SlaReassignOutcome<T extends SlaTimerRecord> = { status: 'notFound' } | { status: 'leaseLost' } | { status: 'unchanged' | 'reassigned'; before: T; after: T };

export interface SlaListOptions {
	ownerId?: string;
	team?: string;
	leadKey?: string;
	/** Closed timers too (default: running ones only). */
	includeClosed?: boolean;
	limit?: number;
}

/** One start of a batch: the hand-off, and the engine's decision for it. */
export interface SlaStart<T extends SlaTimerRecord> {
	input: SlaStartInput;
	decide: SlaStartDecider<T>;
}

/** Lead feedback (outcomes.ts): one outcome event from sales' CRM, as the store keeps it. */
export interface OutcomeEventInput {
	/** Where it came from: hubspot, salesforce, pipedrive, plain, manual. With `eventId`, the idempotency key. */
	source: string;
	/** Unique per scope and source: the same CRM event delivered again has the same id. */
	eventId: string;
	code?: string;
	stage?: string;
	reason?: string;
	amount?: number;
	currency?: string;
	/** When it happened in the CRM, epoch ms. */
	occurredAt: number;
	/** The event whole, as the outcome is folded from it (the engine's OutcomeEvent). */
	event: Record<string, unknown>;
	/** A short excerpt of what the CRM sent (at most 2,000 characters are kept). */
	payload?: string;
}

/** What an outcome stands at, as the engine folds it from its events. */
export interface OutcomeSummary {
	stage: string;
	closed: boolean;
	code?: string;
	reason?: string;
	reasonText?: string;
	amount?: number;
	currency?: string;
	/** When the outcome first reached each stage (epoch ms): accepted, contacted, meeting, opportunity, won, lost, rejected. */
	reached: Record<string, number>;
	closedAt?: number;
	corrections: number;
	/** Anything else to keep with it (the history), stored as JSON. */
	details: Record<string, unknown>;
}

/** Runs inside the transaction, pure and synchronous: the outcome of a hand-off's events (oldest first, as stored). */
export type OutcomeFold = (events: Array<Record<string, unknown>>) => OutcomeSummary;

/** What an outcome is linked to, found when it is recorded. */
export interface OutcomeLinks {
	/** The hand-off ('' when none of the lead's was found). */
	handoffKey: string;
	handedOffAt?: number;
	/** The assignment of the hand-off (its event key), the rep and team it went to. */
	assignmentKey?: string;
	repId?: string;
	team?: string;
	/** The hand-off's SLA timer (its key), when it has one. */
	slaTimerKey?: string;
	/** The scoring model that scored the lead last before its hand-off. */
	modelId?: string;
}

export interface StoredOutcome extends OutcomeSummary, OutcomeLinks {
	scope: string;
	leadKey: string;
	eventCount: number;
	updatedAt: number;
}

export interface OutcomeRecordInput<T extends SlaTimerRecord = SlaTimerRecord> {
	scope: string;
	/** The lead; may be left out when `handoffKey` names a hand-off the store knows. */
	leadKey?: string;
	/** The hand-off, when the CRM sends its key back; else the lead's latest hand-off at or before the event. */
	handoffKey?: string;
	/** When the event was received, epoch ms. */
	receivedAt: number;
	event: OutcomeEventInput;
	/**
	 * What a new event does to the hand-off's SLA timer (engine's slaEffect), run in the same
	 * transaction: on the linked hand-off's timer, or the lead's when no hand-off was found.
	 */
	sla?: { at: number; change: SlaChange<T>; keepContact?: boolean };
}

export type OutcomeRecordOutcome<T extends SlaTimerRecord = SlaTimerRecord> =
	| { status: 'recorded'; outcome: StoredOutcome; before?: StoredOutcome; sla?: SlaChangeOutcome<T> }
	/** The event was recorded before (same scope, source and id): nothing changed; the outcome it is part of. */
	| { status: 'duplicate'; outcome?: StoredOutcome };

export interface StoredOutcomeEvent extends OutcomeEventInput {
	scope: string;
	leadKey: string;
	handoffKey: string;
	receivedAt: number;
}

/** Which hand-offs the Lead Quality Report reads (reportRows.ts). */
export interface ReportRowQuery {
	scope: string;
	/** Hand-offs at or after this time (epoch ms); none: from the first. */
	from?: number;
	/** Hand-offs before this time (epoch ms); none: to the last. */
	to?: number;
	/** Rows per batch (default 5,000). */
	batchSize?: number;
}

/** One hand-off with what became of it, in the shape the Lead Quality Report reads. */
export interface StoredReportRow {
	leadKey: string;
	handoffKey: string;
	handedOffAt: number;
	score?: number;
	grade?: string;
	tier?: string;
	source?: string;
	campaign?: string;
	rep?: string;
	team?: string;
	slaMinutes?: number;
	slaBasis?: 'business' | 'clock';
	firstTouchBusinessMinutes?: number;
	firstTouchClockMinutes?: number;
	metSla?: boolean;
	stage: 'handedOff' | 'accepted' | 'contacted' | 'meeting' | 'opportunity' | 'won' | 'lost' | 'rejected';
	reached: Partial<Record<'accepted' | 'contacted' | 'meeting' | 'opportunity' | 'won' | 'lost' | 'rejected', number>>;
	wonAmount?: number;
	currency?: string;
	rejectionReason?: string;
	lostReason?: string;
	modelId?: string;
}

/** A published scoring version, as the change log records it (changes.ts). */
export interface ScoringChangeInput {
	/** The version's model id (Lead Score's content hash of its rules). */
	modelId: string;
	/** The rules of that version, in the JSON Lead Score reads. */
	rules: Record<string, unknown>;
	/** Why it changed, in words. */
	rationale: string;
	/** The impact expected, in figures: e.g. { auc: 0.88, handoffsPerWeek: 120, winRate: 0.08 }. */
	expected: Record<string, number>;
	/** Who published it. */
	by?: string;
	/** When it was published, epoch ms. */
	at: number;
	title?: string;
	/** The version it replaced. */
	previousModelId?: string;
}

export interface ScoringChange extends ScoringChangeInput {
	scope: string;
	recordedAt: number;
}

export type ScoringChangeOutcome = { status: 'recorded' | 'duplicate'; change: ScoringChange };

/** A champion/challenger experiment: which models ran as which arm. */
export interface ExperimentRecordInput {
	name: string;
	championModelId: string;
	challengerModelId: string;
	sharePercent: number;
}

export interface StoredExperiment extends ExperimentRecordInput {
	scope: string;
	firstSeenAt: number;
	lastSeenAt: number;
}
