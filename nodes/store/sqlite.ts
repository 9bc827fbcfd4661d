/**
 * Embedded backend: one SQLite file through `node:sqlite` (built into Node >= 22.5, so into every
 * n8n 2.x). WAL lets readers run beside a writer; `BEGIN IMMEDIATE` takes the write lock at the
 * start of a transaction, so two processes on one file queue up instead of failing half-way.
 *
 * node:sqlite is synchronous: a statement that waits for a lock inside SQLite (busy_timeout)
 * freezes the whole n8n process, every workflow with it. So SQLite is told to wait only a few
 * milliseconds; when the file stays locked by another process, the work is retried after an
 * awaited, growing, jittered pause (the event loop runs meanwhile), up to the lock wait limit,
 * then fails with a StoreError that says so. A unit of work (one statement, or one transaction)
 * that met the lock is rolled back and run again whole: it changed nothing.
 *
 * All work on one file inside this process goes through one queue: a transaction that awaits
 * between statements must not meet a second connection's statement, which would wait for a lock
 * this same thread holds.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

import { sqliteDialect, type Driver, type Queryable, type TransactionOptions } from './dialect';
import { StoreError, sqliteError } from './errors';

type SqliteModule = typeof import('node:sqlite');

export const STORE_FILE = 'store.sqlite';
/** How long SQLite itself may block this thread waiting for a lock: short, the rest is awaited. */
const BUSY_TIMEOUT_MS = 2;
/** How long work waits in all for another process's lock before failing. */
export const LOCK_WAIT_MS = 10_000;
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

export interface SqliteDriverOptions {
	/** How long work waits in all for another process's write lock; default LOCK_WAIT_MS. */
	lockWaitMs?: number;
}

/** SQLITE_BUSY (another connection holds the lock) or SQLITE_LOCKED, extended codes included. */
function isLockError(error: unknown): boolean {
	const code = (error as { errcode?: unknown } | null)?.errcode;
	return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
	private configured = false;
	private readonly lockWaitMs: number;

	constructor(
		readonly folder: string,
		options: SqliteDriverOptions = {},
	) {
		const module = loadSqlite();
		this.location = path.join(folder, STORE_FILE);
		this.lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
		try {
			mkdirSync(folder, { recursive: true });
			const db = new module.DatabaseSync(this.location);
			try {
				db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
			} catch (error) {
				db.close();
				throw error;
			}
			this.db = db;
		} catch (error) {
			throw sqliteError(error, this.location);
		}
	}

	/** WAL and its sync level, set on first use: switching a new file to WAL needs a lock another opener may hold. */
	private configure(db: DatabaseSync): void {
		if (this.configured) return;
		db.exec('PRAGMA journal_mode = WAL');
		// NORMAL is durable in WAL mode except for the last commits before a power cut.
		db.exec('PRAGMA synchronous = NORMAL');
		this.configured = true;
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

	/**
	 * Runs `work` in this file's queue. Work that meets another process's lock is run again after
	 * an awaited pause (see the file comment), until the lock wait limit.
	 */
	private serial<T>(work: (db: DatabaseSync) => Promise<T>): Promise<T> {
		return enqueue(this.location, async () => {
			const deadline = Date.now() + this.lockWaitMs;
			for (let attempt = 0; ; attempt++) {
				try {
					const db = this.open;
					this.configure(db);
					return await work(db);
				} catch (error) {
					if (!isLockError(error)) throw sqliteError(error, this.location);
					const left = deadline - Date.now();
					if (left <= 0) {
						throw new StoreError(
							'locked',
							`The embedded store ${this.location} stayed locked by another process for more than ${Number((this.lockWaitMs / 1000).toFixed(1))} s. If several n8n processes share it, use PostgreSQL instead.`,
							{ cause: error },
						);
					}
					// Growing pauses with jitter, so processes waiting for one lock do not retry in step.
					const longest = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt);
					await pause(Math.min(left, longest / 2 + Math.random() * (longest / 2)));
				}
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

	transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
		return this.serial(async (db) => {
			if (this.inTransaction) throw new StoreError('unknown', 'Nested store transactions are not supported.');
			db.exec('BEGIN IMMEDIATE');
			this.inTransaction = true;
			try {
				const result = await fn(this.direct);
				db.exec(options.rollback ? 'ROLLBACK' : 'COMMIT');
				return result;
			} catch (error) {
				// isTransaction is missing before Node 22.16: then try, and ignore "no transaction is active"
				// (SQLite rolls back by itself after some errors). A COMMIT that met a lock leaves the
				// transaction open: rolled back here, the whole transaction runs again.
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
