/**
 * History the lab learns from: one closed lead per row, with its attributes and activities
 * (as Lead Score reads them) and whether it converted.
 */
import { LeadDataError } from '../common/errors';
import { parseTimestamp } from '../common/time';
import type { Lead } from '../common/types';

export interface OutcomeRow {
	/** The lead as Lead Score sees it: attributes, and its activities at the protocol's activities path. */
	lead: Lead;
	converted: boolean;
	/**
	 * When the lead was scored for hand-off (ISO 8601 or epoch ms). Activities are counted as of
	 * this time, and the time-ordered holdout takes the latest rows. Rows without it use the
	 * lab's `asOf`.
	 */
	at?: number | string;
}

/** A row after reading: `at` in epoch ms, or undefined. */
export interface ReadRow {
	index: number;
	lead: Lead;
	y: 0 | 1;
	at: number | undefined;
}

/** Checks and reads the rows; an error names the row and the field. */
export function readRows(rows: readonly OutcomeRow[], zone: string): ReadRow[] {
	if (!Array.isArray(rows)) throw new LeadDataError('rows', 'a list of leads with their outcomes', rows);
	return rows.map((row, index) => {
		if (typeof row !== 'object' || row === null) throw new LeadDataError(`rows[${index}]`, 'a lead with lead, converted and at', row);
		if (typeof row.lead !== 'object' || row.lead === null || Array.isArray(row.lead)) {
			throw new LeadDataError(`rows[${index}].lead`, 'the lead as an object of fields', row.lead);
		}
		if (typeof row.converted !== 'boolean') throw new LeadDataError(`rows[${index}].converted`, 'true or false', row.converted);
		const at = row.at === undefined || row.at === null ? undefined : parseTimestamp(row.at, `rows[${index}].at`, zone);
		return { index, lead: row.lead, y: row.converted ? 1 : 0, at };
	});
}

/** Runs `work` for one row; a lead data error then names the row (rows[12].lead.country). */
export function atRow<T>(row: ReadRow, work: () => T): T {
	try {
		return work();
	} catch (error) {
		if (error instanceof LeadDataError) throw new LeadDataError(`rows[${row.index}].lead.${error.field}`, error.expected, error.received);
		throw error;
	}
}
