import { Client } from 'pg';

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
