/**
 * The X Education leads (../shared/data) as hand-off rows for the Lead Quality Report. The data set
 * is not a CRM export, so each lead becomes a hand-off as follows: a point score from what is known
 * before hand-off (time on the site, visits, the lead form); the source is the lead source and the
 * campaign the lead origin; `Converted` is won; sales' tags give the other outcomes (a student or
 * someone after another course is rejected as not qualified, a wrong number as bad data, a lead
 * lost to a rival is lost, "Ringing" or "Busy" is accepted and being called, any other tag has been
 * contacted; no tag is nothing heard yet).
 */
import { join } from 'node:path';

export const DATA = join(__dirname, '../../../../../shared/data/x-education-leads.csv');
const T0 = Date.parse('2026-10-01T08:00:00Z');
const DAY = 86_400_000;

export type Csv = Record<string, string>;

export const NOT_QUALIFIED = ['Already a student', 'Not doing further education', 'Interested in other courses', 'Diploma holder (Not Eligible)', 'Graduation in progress', 'Lateral student', 'University not recognized', 'Recognition issue (DEC approval)', 'Interested  in full time MBA'];
export const BAD_DATA = ['invalid number', 'wrong number given', 'number not provided'];
export const LOST = ['Lost to EINS', 'Lost to Others'];
export const CALLING = ['Ringing', 'Busy', 'switched off', 'opp hangup'];

export function score(lead: Csv): number {
	const seconds = Number(lead['Total Time Spent on Website']) || 0;
	const visits = Math.min(Number(lead.TotalVisits) || 0, 10);
	return Math.min(100, (seconds >= 1200 ? 50 : seconds >= 600 ? 30 : seconds >= 120 ? 10 : 0) + visits * 3 + (lead['Lead Origin'] === 'Lead Add Form' ? 20 : 0));
}

/** A lead as the JSON a workflow would give the report: one hand-off with its outcome. */
export function handoffJson(lead: Csv, index: number): Record<string, unknown> {
	const handedOffAt = T0 + index * 10 * 60_000;
	const tag = lead.Tags;
	const json: Record<string, unknown> = {
		handoffKey: lead['Prospect ID'],
		handedOffAt: new Date(handedOffAt).toISOString(),
		score: score(lead),
		source: lead['Lead Source'] || undefined,
		campaign: lead['Lead Origin'],
		rep: ['Ben Okafor', 'Ana Silva', 'Mei Chen', 'Tom Berg'][Number(lead['Lead Number']) % 4],
		team: Number(lead['Lead Number']) % 2 === 0 ? 'EMEA' : 'Americas',
		reached: {},
	};
	if (lead.Converted === '1') Object.assign(json, { stage: 'won', reached: { won: new Date(handedOffAt + 21 * DAY).toISOString() }, wonAmount: 800, currency: 'USD' });
	else if (NOT_QUALIFIED.includes(tag)) Object.assign(json, { stage: 'rejected', rejectionReason: 'not qualified' });
	else if (BAD_DATA.includes(tag)) Object.assign(json, { stage: 'rejected', rejectionReason: 'bad data' });
	else if (LOST.includes(tag)) Object.assign(json, { stage: 'lost', lostReason: 'chose competitor' });
	else if (CALLING.includes(tag)) json.stage = 'accepted';
	else if (tag !== '') json.stage = 'contacted';
	return json;
}

