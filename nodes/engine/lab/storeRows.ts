/**
 * Closed hand-offs as the store reports them (one row per hand-off, with what became of it),
 * read as the lab's history: converted when the hand-off reached the chosen stage, not converted
 * when it closed (lost, rejected) without reaching it, left out while it is still open.
 */
import { setOwn } from '../common/paths';
import type { Lead } from '../common/types';
import type { OutcomeRow } from './history';

export type ConvertedStage = 'won' | 'opportunity' | 'meeting' | 'accepted';

/** What the lab reads of a stored hand-off (a StoredReportRow). */
export interface HandoffOutcomeRow {
	leadKey: string;
	handedOffAt: number;
	score?: number;
	stage: string;
	reached: Partial<Record<string, number>>;
	source?: string;
	campaign?: string;
}

/** true / false once decided, undefined while the hand-off is still open. */
export function convertedAt(row: Pick<HandoffOutcomeRow, 'stage' | 'reached'>, stage: ConvertedStage): boolean | undefined {
	if (row.reached[stage] !== undefined) return true;
	if (row.stage === 'lost' || row.stage === 'rejected' || row.reached.lost !== undefined || row.reached.rejected !== undefined) return false;
	return undefined;
}

/**
 * A closed hand-off as a lab row: the lead's source and campaign (by first touch), its fields
 * given from elsewhere (a CRM export matched by lead key), and its recorded activities up to the
 * hand-off, scored as of the hand-off.
 */
export function handoffHistoryRow(row: HandoffOutcomeRow, converted: boolean, activities: ReadonlyArray<{ at: number; data: Record<string, unknown> }>, activitiesField: string, fields: Record<string, unknown> = {}): OutcomeRow {
	const lead: Lead = { ...fields };
	if (row.source !== undefined && lead.source === undefined) lead.source = row.source;
	if (row.campaign !== undefined && lead.campaign === undefined) lead.campaign = row.campaign;
	setOwn(lead, activitiesField, activities.filter((a) => a.at <= row.handedOffAt).map((a) => a.data));
	return { lead, converted, at: row.handedOffAt };
}
