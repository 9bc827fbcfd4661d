/**
 * Embedded backend: one SQLite file through `node:sqlite` (built into Node >= 22.5, so into every
 * n8n 2.x). WAL lets readers run beside a writer; `BEGIN IMMEDIATE` takes the write lock at the
 * start of a transaction, so two processes on one file queue up (busy_timeout) instead of
 * failing half-way. node:sqlite is synchronous, so all work on one file inside this process goes
 * through one queue: a transaction that awaits between statements must not meet a second
 * connection's statement, which would wait for a lock this same thread holds.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

import { sqliteDialect, type Driver, type Queryable } from './dialect';
import { StoreError, sqliteError } from './errors';

type SqliteModule = typeof import('node:sqlite');

export const STORE_FILE = 'store.sqlite';
/** How long a statement waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 10_000;

function loadSqlite(): SqliteModule {
	// getBuiltinModule (not a static import) keeps the package loadable on Node 20, where only the
	// PostgreSQL store is available.
	const mod = process.getBuiltinModule?.('node:sqlite') as SqliteModule | undefined;
	if (!mod) {
		throw new StoreError(
			'unsupported-runtime',
			`The embedded store needs node:sqlite, which this n8n's Node.js ${process.versions.node} does not have (it needs Node.js 22.13 or newer, or 22.5+ started with --experimental-sqlite; every n8n 2.x runs on such a Node.js). Choose PostgreSQL in the "Lead Handoff Store" credential, or run n8n on a newer Node.js.`,
		);
	}
	return mod;
}

/** One queue per file in this process (see the file comment). */
const fileQueues = new Map<string, Promise<unknown>>();

function enqueue<T>(file: string, work: () => Promise<T>): Promise<T> {
	const previous = fileQueues.get(file) ?? Promise.resolve();
	const next = previous.then(work, work);
	const tail = next.then(
		() => undefined,
		() => undefined,
	);
	fileQueues.set(file, tail);
	void tail.then(() => {
		if (fileQueues.get(file) === tail) fileQueues.delete(file);
	});
	return next;
}

export class SqliteDriver implements Driver {
	readonly dialect = sqliteDialect();
	readonly location: string;
	private db: DatabaseSync | undefined;
	private readonly statements = new Map<string, StatementSync>();
	private inTransaction = false;

	constructor(readonly folder: string) {
		const module = loadSqlite();
		this.location = path.join(folder, STORE_FILE);
		try {
			mkdirSync(folder, { recursive: true });
			const db = new module.DatabaseSync(this.location);
			try {
				// busy_timeout first: switching to WAL itself needs a lock another opener may hold.
				db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
				db.exec('PRAGMA journal_mode = WAL');
				// NORMAL is durable in WAL mode except for the last commits before a power cut.
				db.exec('PRAGMA synchronous = NORMAL');
			} catch (error) {
				db.close();
				throw error;
			}
			this.db = db;
		} catch (error) {
			throw sqliteError(error, this.location);
		}
	}

	private get open(): DatabaseSync {
		if (!this.db) throw new StoreError('closed', `The embedded store ${this.location} is closed.`);
		return this.db;
	}

	private prepare(sql: string): StatementSync {
		let statement = this.statements.get(sql);
		if (!statement) {
			statement = this.open.prepare(this.dialect.sql(sql));
			this.statements.set(sql, statement);
		}
		return statement;
	}

	private readonly direct: Queryable = {
		all: async <R>(sql: string, params: readonly unknown[] = []) => this.prepare(sql).all(...(params as never[])) as R[],
		run: async (sql: string, params: readonly unknown[] = []) => Number(this.prepare(sql).run(...(params as never[])).changes),
		exec: async (sql: string) => this.open.exec(this.dialect.sql(sql)),
	};

	private serial<T>(work: () => Promise<T>): Promise<T> {
		return enqueue(this.location, async () => {
			try {
				return await work();
			} catch (error) {
				throw sqliteError(error, this.location);
			}
		});
	}

	all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
		return this.serial(() => this.direct.all<R>(sql, params));
	}

	run(sql: string, params?: readonly unknown[]): Promise<number> {
		return this.serial(() => this.direct.run(sql, params));
	}

	exec(sql: string): Promise<void> {
		return this.serial(() => this.direct.exec(sql));
	}

	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
		return this.serial(async () => {
			if (this.inTransaction) throw new StoreError('unknown', 'Nested store transactions are not supported.');
			const db = this.open;
			db.exec('BEGIN IMMEDIATE');
			this.inTransaction = true;
			try {
				const result = await fn(this.direct);
				db.exec('COMMIT');
				return result;
			} catch (error) {
				// isTransaction is missing before Node 22.16: then try, and ignore "no transaction is active"
				// (SQLite rolls back by itself after some errors).
				if (db.isTransaction !== false) {
					try {
						db.exec('ROLLBACK');
					} catch {
						// Already rolled back.
					}
				}
				throw error;
			} finally {
				this.inTransaction = false;
			}
		});
	}

	exclusive<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
		// BEGIN IMMEDIATE already excludes every other writer of the file.
		return this.transaction(fn);
	}

	async tableExists(table: string): Promise<boolean> {
		const rows = await this.all<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1`, [table]);
		return rows[0].n > 0;
	}

	explain(error: unknown): StoreError {
		return sqliteError(error, this.location);
	}

	async close(): Promise<void> {
		const db = this.db;
		if (!db) return;
		// Wait for queued work on this file, then close.
		await enqueue(this.location, async () => {
			this.db = undefined;
			this.statements.clear();
			db.close();
		});
	}
}
