/**
 * The one place where the two SQL dialects differ. Queries and migrations are written once, in
 * PostgreSQL style, and translated here:
 *   - `lh.<table>` names a store table: `"<schema>".<table>` on PostgreSQL, `<table>` on SQLite
 *     (the file is the store's own);
 *   - `$1` placeholders become SQLite's numbered `?1` (same numbers, so a parameter may repeat);
 *   - `JSONB` columns are `TEXT` on SQLite, so JSON is parsed on the way out there;
 *   - `SELECT ... FOR UPDATE [SKIP LOCKED]` (a row lock on PostgreSQL) drops the clause on SQLite,
 *     whose write transactions (BEGIN IMMEDIATE) already exclude every other writer.
 * BIGINT, TEXT, DOUBLE PRECISION, `ON CONFLICT ... DO NOTHING / DO UPDATE` and `RETURNING`
 * mean the same in both.
 */
import { StoreError } from './errors';

export type StoreKind = 'embedded' | 'postgres';

export interface Dialect {
	readonly kind: StoreKind;
	/** Translates shared SQL text into this dialect (memoised: the same texts recur). */
	sql(text: string): string;
	/** A JSON column's value as read back from the driver. */
	readJson(value: unknown): Record<string, unknown>;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): string {
	if (!SCHEMA_NAME.test(schema)) {
		throw new StoreError('invalid-input', `Schema "${schema}" is not a plain PostgreSQL name: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters.`);
	}
	return schema;
}

function memoise(translate: (text: string) => string): (text: string) => string {
	const cache = new Map<string, string>();
	return (text) => {
		let out = cache.get(text);
		if (out === undefined) {
			out = translate(text);
			cache.set(text, out);
		}
		return out;
	};
}

export function postgresDialect(schema: string): Dialect {
	const prefix = `"${checkSchemaName(schema)}".`;
	return {
		kind: 'postgres',
		// lh_now_ms(): the database server's clock in epoch ms, the same for every n8n process whatever its own clock.
		sql: memoise((text) => text.replace(/\blh\./g, prefix).replace(/\blh_now_ms\(\)/g, '(floor(extract(epoch from clock_timestamp()) * 1000))::bigint')),
		// pg parses JSONB itself.
		readJson: (value) => value as Record<string, unknown>,
	};
}

export function sqliteDialect(): Dialect {
	return {
		kind: 'embedded',
		sql: memoise((text) =>
			text
				.replace(/\blh\./g, '')
				.replace(/\blh_now_ms\(\)/g, "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)")
				.replace(/\bJSONB\b/g, 'TEXT')
				// Row locks: SQLite has none, and needs none: BEGIN IMMEDIATE already excludes every other writer
				// (so there is nothing to skip either: a second poller waits, then finds the rows claimed).
				.replace(/\s+FOR UPDATE(\s+SKIP LOCKED)?\b/g, '')
				.replace(/\$(\d+)/g, '?$1'),
		),
		readJson: (value) => JSON.parse(value as string) as Record<string, unknown>,
	};
}

/** A connection (or transaction) that runs shared SQL. */
export interface Queryable {
	/** Rows of a query. */
	all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
	/** Runs one statement; returns the number of rows it inserted, updated or deleted. */
	run(sql: string, params?: readonly unknown[]): Promise<number>;
	/** Runs several parameterless statements (DDL in migrations). */
	exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
	/** Roll back at the end instead of committing (a test run that must keep nothing). */
	rollback?: boolean;
}

/** What each backend provides to the store; everything above it is shared. */
export interface Driver extends Queryable {
	readonly dialect: Dialect;
	readonly location: string;
	/**
	 * Runs `fn` in a write transaction: committed if it resolves, rolled back if it throws. With
	 * `rollback`, rolled back either way: the same work, under the same locks, and nothing kept.
	 */
	transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
	/**
	 * Runs `fn` in a write transaction that no other process can run at the same time on this
	 * store (migrations). Creates the schema first where the dialect has one.
	 */
	exclusive<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** Whether a store table exists (the migration fast path checks it without locking). */
	tableExists(table: string): Promise<boolean>;
	/** Translates a driver error into a StoreError that says what to check. */
	explain(error: unknown): StoreError;
	close(): Promise<void>;
}
