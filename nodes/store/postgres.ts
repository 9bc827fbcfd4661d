/**
 * PostgreSQL backend through a `pg` Pool: for teams, and required in n8n queue mode, where the
 * main process and workers on other machines must share one store.
 */
import { Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';

import { postgresDialect, type Driver, type Queryable, type TransactionOptions } from './dialect';
import { postgresError, StoreError } from './errors';
import type { PostgresStoreConfig } from './types';

/** Epoch milliseconds and counts fit a JS number; pg would hand BIGINT back as a string. */
const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);
const typeParsers = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === INT8_OID && format !== 'binary' ? parseInt8 : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

/** Deadlock and serialization failures: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

export class PostgresDriver implements Driver {
	readonly dialect;
	readonly location: string;
	private pool: Pool;
	private closed = false;

	private constructor(
		private readonly config: PostgresStoreConfig,
		ssl: boolean,
	) {
		this.dialect = postgresDialect(config.schema);
		this.location = `${config.host}:${config.port}/${config.database} schema ${config.schema}`;
		this.pool = this.makePool(ssl);
	}

	/** Opens a pool and makes one round trip, so a wrong host or password fails here, clearly. */
	static async connect(config: PostgresStoreConfig): Promise<PostgresDriver> {
		const driver = new PostgresDriver(config, config.ssl !== 'disable');
		try {
			await driver.pool.query('SELECT 1');
		} catch (error) {
			// "Allow": use SSL when the server offers it, plain TCP when it has none.
			if (config.ssl === 'allow' && /does not support SSL/i.test(String((error as Error)?.message))) {
				await driver.pool.end();
				driver.pool = driver.makePool(false);
				try {
					await driver.pool.query('SELECT 1');
				} catch (retryError) {
					await driver.close();
					throw driver.explain(retryError);
				}
				return driver;
			}
			await driver.close();
			throw driver.explain(error);
		}
		return driver;
	}

	private makePool(ssl: boolean): Pool {
		const tls: ConnectionOptions | false = ssl ? { rejectUnauthorized: !this.config.ignoreSslIssues } : false;
		const options: PoolConfig = {
			host: this.config.host,
			port: this.config.port,
			database: this.config.database,
			user: this.config.user,
			password: this.config.password,
			ssl: tls,
			max: this.config.maxConnections ?? 10,
			connectionTimeoutMillis: this.config.connectTimeoutMs ?? 10_000,
			idleTimeoutMillis: 10_000,
			application_name: 'n8n-nodes-lead-handoff',
			types: typeParsers,
		};
		const pool = new Pool(options);
		// An idle connection dropped by the server emits 'error' on the pool; without a listener
		// Node would crash n8n. The pool discards that connection and the next query opens a new one.
		pool.on('error', () => undefined);
		return pool;
	}

	private on(client: Pick<PoolClient, 'query'>): Queryable {
		const { dialect } = this;
		return {
			all: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(dialect.sql(sql), params as unknown[])).rows as R[],
			run: async (sql: string, params: readonly unknown[] = []) => (await client.query(dialect.sql(sql), params as unknown[])).rowCount ?? 0,
			exec: async (sql: string) => {
				await client.query(dialect.sql(sql));
			},
		};
	}

	private checkOpen(): void {
		if (this.closed) throw new StoreError('closed', `The PostgreSQL store ${this.location} is closed.`);
	}

	async all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
		this.checkOpen();
		try {
			return await this.on(this.pool).all<R>(sql, params);
		} catch (error) {
			throw this.explain(error);
		}
	}

	async run(sql: string, params?: readonly unknown[]): Promise<number> {
		this.checkOpen();
		try {
			return await this.on(this.pool).run(sql, params);
		} catch (error) {
			throw this.explain(error);
		}
	}

	async exec(sql: string): Promise<void> {
		this.checkOpen();
		try {
			await this.on(this.pool).exec(sql);
		} catch (error) {
			throw this.explain(error);
		}
	}

	private async inTransaction<T>(setup: ((client: PoolClient) => Promise<void>) | undefined, fn: (tx: Queryable) => Promise<T>, rollback = false): Promise<T> {
		this.checkOpen();
		for (let attempt = 1; ; attempt++) {
			let client: PoolClient;
			try {
				client = await this.pool.connect();
			} catch (error) {
				throw this.explain(error);
			}
			let broken = false;
			// A checked-out connection that the server drops (a restart, a failover) emits 'error' on
			// the client; unheard, Node would crash n8n. Its query fails on its own; the client is
			// not given back to the pool.
			const lost = () => {
				broken = true;
			};
			client.on('error', lost);
			let begun = false;
			try {
				await client.query('BEGIN');
				begun = true;
				if (setup) await setup(client);
				const result = await fn(this.on(client));
				await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
				return result;
			} catch (error) {
				try {
					await client.query('ROLLBACK');
				} catch {
					// The connection itself failed: do not return it to the pool.
					broken = true;
				}
				const code = (error as { code?: string })?.code;
				if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
				const failure = this.explain(error);
				// A pooled connection the server closed a moment ago (a restart) can be handed out
				// before its close is seen; BEGIN fails on it and nothing ran, so a fresh one may try.
				if (!begun && attempt < MAX_ATTEMPTS && failure.code === 'connection') continue;
				throw failure;
			} finally {
				client.removeListener('error', lost);
				client.release(broken);
			}
		}
	}

	transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
		return this.inTransaction(undefined, fn, options.rollback);
	}

	exclusive<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
		const { schema } = this.config;
		return this.inTransaction(async (client) => {
			// Held until COMMIT: a second n8n process starting at the same moment waits here, then
			// finds the migrations applied.
			await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`n8n-nodes-lead-handoff:${schema}`]);
			// Create the schema only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the
			// database even when the schema exists, which a DBA may have withheld.
			const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
			if (found.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
		}, fn);
	}

	async tableExists(table: string): Promise<boolean> {
		const rows = await this.all<{ found: string | null }>('SELECT to_regclass($1) AS found', [`"${this.config.schema}".${table}`]);
		return rows[0].found !== null;
	}

	explain(error: unknown): StoreError {
		return postgresError(error, this.config);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.pool.end();
	}
}
