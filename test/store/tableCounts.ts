/** Rows in every table of a store (migration bookkeeping aside): to check that something changed nothing. */
import { DatabaseSync } from 'node:sqlite';
import * as path from 'node:path';

import { STORE_FILE } from '../../nodes/store/sqlite';
import type { StoreConfig } from '../../nodes/store';
import { withPg } from './backends';

export async function tableCounts(config: StoreConfig): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE), { readOnly: true });
		try {
			const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`).all() as Array<{ name: string }>;
			for (const { name } of tables) counts[name] = Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n);
		} finally {
			db.close();
		}
		return counts;
	}
	return withPg(config.user, async (client) => {
		const { rows } = await client.query<{ table_name: string }>(
			`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations' ORDER BY table_name`,
			[config.schema],
		);
		for (const { table_name: name } of rows) counts[name] = Number((await client.query(`SELECT count(*) AS n FROM "${config.schema}"."${name}"`)).rows[0].n);
		return counts;
	});
}
