/**
 * The two real backends the store suite runs on: the embedded store in temporary folders, and
 * the PostgreSQL at 127.0.0.1:5432 (database `test`, trust auth) in schemas made for this run and
 * dropped afterwards. Whether PostgreSQL is there is found out once by the global setup
 * (`test/setup/services.ts`): in CI its absence fails the run, elsewhere its suites are skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

import { createStore, type HandoffStore, type PostgresStoreConfig, type StoreConfig } from '../../nodes/store';
import { PG_DATABASE, PG_HOST, PG_PORT, pgUser } from '../setup/env';

export { PG_DATABASE, PG_HOST, PG_PORT };

export interface Backend {
	name: 'embedded' | 'postgres';
	/** False when PostgreSQL is unreachable outside CI: the backend's suites are then skipped. */
	available: boolean;
	/** A configuration for a new, empty store, cleaned up by `cleanup()`. */
	fresh(): Promise<StoreConfig>;
	cleanup(): Promise<void>;
}

const runId = `${process.pid}_${Date.now().toString(36)}`;

export function embeddedBackend(): Backend {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-store-'));
	let n = 0;
	return {
		name: 'embedded',
		available: true,
		fresh: async () => ({ kind: 'embedded', folder: path.join(root, `store-${++n}`) }),
		cleanup: async () => rmSync(root, { recursive: true, force: true }),
	};
}

/** The PostgreSQL user the global setup found, or undefined when PostgreSQL is unreachable. */
export function postgresUser(): string | undefined {
	return pgUser();
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
		available: pgUser() !== undefined,
		fresh: async () => {
			user = pgUser();
			if (!user) throw new Error(`PostgreSQL is not reachable: ${process.env.LH_TEST_PG_SKIP}`);
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

/** `describe` for a backend's suite, or `describe.skip` when the backend is not available. */
export function describeOn(backend: Backend): jest.Describe {
	return (backend.available ? describe : describe.skip) as jest.Describe;
}

/**
 * Fresh stores on a backend for one suite: `fresh()` opens a new empty store, `closeAll()` (for
 * `afterAll`) closes every one still open and cleans the backend up.
 */
export function storesOn(backend: Backend): { fresh(): Promise<HandoffStore>; closeAll(): Promise<void> } {
	const opened: HandoffStore[] = [];
	return {
		async fresh() {
			const store = await createStore(await backend.fresh());
			opened.push(store);
			return store;
		},
		async closeAll() {
			// A test may have closed its store already.
			await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
			await backend.cleanup();
		},
	};
}
