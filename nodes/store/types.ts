/**
 * The handoff store: the only state that outlives one n8n execution. One interface, two
 * backends (embedded `node:sqlite`, PostgreSQL) with the same behaviour. All times are UTC
 * epoch milliseconds. Every write carries an idempotency key, so a webhook delivered twice
 * changes nothing the second time.
 */

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
	leadKey: string;
	recordedAt: number;
}

export interface ThresholdCrossing {
	name: string;
	at: number;
}

export interface HandoffStore {
	readonly kind: 'embedded' | 'postgres';
	/** Where the data lives, for messages: a file path, or `host:port/database schema`. */
	readonly location: string;
	/**
	 * Appends activities to a lead's ledger; an activity whose key is already stored for the lead
	 * (or repeated within the batch) changes nothing. Atomic: all or nothing.
	 */
	recordActivities(leadKey: string, activities: LedgerActivityInput[]): Promise<{ inserted: number; duplicates: number }>;
	/** The lead's whole ledger, or the part at or after `since`, oldest first. */
	listActivities(leadKey: string, options?: { since?: number }): Promise<LedgerActivity[]>;
	/** Latest score snapshot of the lead (greatest `asOf`), or undefined; `excluding` leaves one snapshot key out. */
	latestScore(leadKey: string, options?: { excluding?: string }): Promise<ScoreSnapshot | undefined>;
	/**
	 * Saves a snapshot and records, for each threshold, when the lead first crossed it (the first
	 * write wins, so a fire-once gate sees a stable time). Returns every first-crossed time the
	 * lead has. Idempotent on (leadKey, snapshotKey). Atomic.
	 */
	saveScore(leadKey: string, snapshot: ScoreSnapshotInput, crossedThresholds: ThresholdCrossing[]): Promise<{ firstCrossed: Record<string, number>; saved: boolean }>;
	/** Privacy erasure: deletes everything stored about one lead, in every table; counts per table. */
	eraseLead(leadKey: string): Promise<{ deleted: Record<string, number> }>;
	/**
	 * Generic idempotency claim: true the first time a key is seen in a scope, false after.
	 * Atomic across processes. Pass `leadKey` when the claim concerns a lead, so erasure removes it.
	 */
	claimOnce(scope: string, key: string, at: number, options?: { leadKey?: string }): Promise<boolean>;
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
