/** The rows of the assignment tables of a store, in key order: to compare two stores' states. */
import { DatabaseSync } from 'node:sqlite';
import * as path from 'node:path';

import { STORE_FILE } from '../../nodes/store/sqlite';
import type { StoreConfig } from '../../nodes/store';
import { withPg } from './backends';

const QUERIES: Record<string, string> = {
	assignments: 'SELECT scope, lead_key, event_key, team, rep_id, queue, assigned_at, closed_at FROM %s.assignments ORDER BY scope, lead_key, event_key',
	rep_loads: 'SELECT scope, rep_id, assigned_total, open_count, last_assigned_at, day_start, day_count, week_start, week_count FROM %s.rep_loads ORDER BY scope, rep_id',
	rr_cursors: 'SELECT scope, team, counter FROM %s.rr_cursors ORDER BY scope, team',
	sla_timers: 'SELECT scope, handoff_key, lead_key, owner_id, status, due_at, closed_at, assignment_key FROM %s.sla_timers ORDER BY scope, handoff_key',
	report_rows: 'SELECT scope, lead_key, handoff_key, handed_off_at, report_row FROM %s.report_rows ORDER BY scope, handoff_key, lead_key',
};

/** Numbers as numbers on both backends (PostgreSQL's BIGINT comes back as text here). */
function plain(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
	return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+$/.test(v) && k.match(/_at$|_start$|_count$|_total$|counter/)) ? Number(v) : v])));
}

export async function storeRows(config: StoreConfig, tables = Object.keys(QUERIES)): Promise<Record<string, Array<Record<string, unknown>>>> {
	const result: Record<string, Array<Record<string, unknown>>> = {};
	if (config.kind === 'embedded') {
		const db = new DatabaseSync(path.join(config.folder!, STORE_FILE), { readOnly: true });
		try {
			for (const table of tables) result[table] = plain(db.prepare(QUERIES[table].replace('%s.', '')).all() as Array<Record<string, unknown>>);
		} finally {
			db.close();
		}
		return result;
	}
	return withPg(config.user, async (client) => {
		for (const table of tables) result[table] = plain((await client.query(QUERIES[table].replace('%s', `"${config.schema}"`))).rows);
		return result;
	});
}
