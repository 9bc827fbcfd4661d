/**
 * The two real backends the store suite runs on: the embedded store in temporary folders, and
 * the PostgreSQL at 127.0.0.1:5432 (database `test`, trust auth) in schemas made for this run and
 * dropped afterwards. In CI an unreachable PostgreSQL fails the tests; elsewhere they are skipped
 * with the reason printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { Client } from 'pg';

import type { PostgresStoreConfig, StoreConfig } from '../../nodes/store';

export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;
export const PG_DATABASE = 'test';

export interface Backend {
	name: 'embedded' | 'postgres';
	/**
	 * A configuration for a new, empty store, or undefined when the test was skipped because
	 * PostgreSQL is unreachable outside CI. Cleaned up by `cleanup()`.
	 */
	fresh(t: TestContext): Promise<StoreConfig | undefined>;
	cleanup(): Promise<void>;
}

const runId = `${process.pid}_${Date.now().toString(36)}`;

export function embeddedBackend(): Backend {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-store-'));
	let n = 0;
	return {
		name: 'embedded',
		fresh: async () => ({ kind: 'embedded', folder: path.join(root, `store-${++n}`) }),
		cleanup: async () => rmSync(root, { recursive: true, force: true }),
	};
}

let skipPrinted = false;
let pgProbe: Promise<{ user: string } | { reason: string }> | undefined;

/** Finds a user the local PostgreSQL accepts (`postgres`, else `root`), once per test file. */
function probePostgres(): Promise<{ user: string } | { reason: string }> {
	pgProbe ??= (async () => {
		const reasons: string[] = [];
		for (const user of ['postgres', 'root']) {
			const client = new Client({ host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user, connectionTimeoutMillis: 3000 });
			try {
				await client.connect();
				await client.query('SELECT 1');
				return { user };
			} catch (error) {
				reasons.push(`${user}: ${(error as Error).message}`);
			} finally {
				await client.end().catch(() => undefined);
			}
		}
		return { reason: `PostgreSQL at ${PG_HOST}:${PG_PORT}/${PG_DATABASE} is not reachable (${reasons.join('; ')})` };
	})();
	return pgProbe;
}

export async function postgresUser(t: TestContext): Promise<string | undefined> {
	const probe = await probePostgres();
	if ('user' in probe) return probe.user;
	if (process.env.CI) throw new Error(`${probe.reason}; CI must run the PostgreSQL store suite.`);
	if (!skipPrinted) console.log(`# PostgreSQL store tests skipped: ${probe.reason}`);
	skipPrinted = true;
	t.skip(probe.reason);
	return undefined;
}

export function postgresConfig(user: string, schema: string): PostgresStoreConfig {
	return { kind: 'postgres', host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user, password: '', ssl: 'disable', schema, connectTimeoutMs: 5000 };
}

/** Runs SQL on the test database outside the store (inspection, clean-up). */
export async function withPg<T>(user: string, fn: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

export function postgresBackend(): Backend {
	const schemas: string[] = [];
	let user: string | undefined;
	return {
		name: 'postgres',
		fresh: async (t) => {
			user = await postgresUser(t);
			if (!user) return undefined;
			const schema = `lh_test_${runId}_${schemas.length + 1}`;
			schemas.push(schema);
			return postgresConfig(user, schema);
		},
		cleanup: async () => {
			if (!user || schemas.length === 0) return;
			await withPg(user, async (client) => {
				for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			});
		},
	};
}

export const BACKENDS: Array<() => Backend> = [embeddedBackend, postgresBackend];
