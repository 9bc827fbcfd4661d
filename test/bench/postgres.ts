import { Client } from 'pg';
import type { PostgresStoreConfig } from '../../nodes/store';

/** The user the local PostgreSQL (127.0.0.1:5432, database `test`) accepts, or undefined when it is away. */
export async function postgresUser(): Promise<string | undefined> {
	for (const user of ['postgres', 'root']) {
		const client = new Client({ host: '127.0.0.1', port: 5432, database: 'test', user, connectionTimeoutMillis: 3000 });
		try {
			await client.connect();
			return user;
		} catch {
			// Try the next user.
		} finally {
			await client.end().catch(() => undefined);
		}
	}
	return undefined;
}

/** A store configuration on the local PostgreSQL, in a schema of its own. */
export function benchPostgres(user: string, schema: string): PostgresStoreConfig {
	return { kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user, password: '', ssl: 'disable', schema };
}

/** Drops the benchmark's schemas, whatever the run left in them. */
export async function dropSchemas(user: string, schemas: readonly string[]): Promise<void> {
	const client = new Client({ host: '127.0.0.1', port: 5432, database: 'test', user });
	await client.connect();
	try {
		for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	} finally {
		await client.end();
	}
}
