/**
 * The X Education data set (../shared/data, 9,240 real leads with outcomes) as the lab's rows:
 * one lead per row with its attributes, the activities a tracking tool would have recorded,
 * and whether it converted. The columns sales fills in after first contact are left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';

import type { AttributeSpec, OutcomeRow } from '../../../nodes/engine/lab';
import { DEFAULT_PROTOCOL, type AttributeRule, type ScoringProtocolInput } from '../../../nodes/engine/scoring';

export const DATA = join(__dirname, '../../../../shared/data/x-education-leads.csv');
export const hasData = () => existsSync(DATA);

/** Filled in by sales after first contact (the data set's README): never learned from. */
export const LEAKAGE = ['Tags', 'Lead Quality', 'Lead Profile', 'Asymmetrique Activity Index', 'Asymmetrique Profile Index', 'Asymmetrique Activity Score', 'Asymmetrique Profile Score', 'Last Notable Activity'];

const CATEGORIES = [
	'Lead Origin',
	'Lead Source',
	'Do Not Email',
	'Do Not Call',
	'Last Activity',
	'Country',
	'Specialization',
	'How did you hear about X Education',
	'What is your current occupation',
	'What matters most to you in choosing a course',
	'Search',
	'Magazine',
	'Newspaper Article',
	'X Education Forums',
	'Newspaper',
	'Digital Advertisement',
	'Through Recommendations',
	'Receive More Updates About Our Courses',
	'Update me on Supply Chain Content',
	'Get updates on DM Content',
	'City',
	'I agree to pay the amount through cheque',
	'A free copy of Mastering The Interview',
];
const NUMBERS = ['TotalVisits', 'Total Time Spent on Website', 'Page Views Per Visit'];

export const ATTRIBUTES: AttributeSpec[] = [
	...CATEGORIES.map((field) => ({ field, kind: 'category' as const })),
	...NUMBERS.map((field) => ({ field, kind: 'number' as const })),
];

/** The data set has no dates; lead numbers grow with time, so each number is one minute from 2026-01-01. */
const EPOCH = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
export const AS_OF = Date.UTC(2026, 6, 1);

type Row = Record<string, string>;

export function readRows(): Row[] {
	return parse(readFileSync(DATA), { columns: true, skip_empty_lines: true }) as Row[];
}

export function toOutcomeRow(row: Row, firstLeadNumber: number): OutcomeRow {
	const at = EPOCH + (Number(row['Lead Number']) - firstLeadNumber) * 60_000;
	const lead: Record<string, unknown> = {};
	for (const field of CATEGORIES) {
		const value = row[field];
		// "Select" is the form's "not chosen": as good as empty.
		if (value !== undefined && value !== '' && value !== 'Select') lead[field] = value;
	}
	// Numbers as a CRM export gives them (the file leaves some empty).
	for (const field of NUMBERS) if (row[field] !== undefined && row[field] !== '') lead[field] = Number(row[field]);
	lead.emailBounced = row['Last Activity'] === 'Email Bounced';
	// Behaviour columns become the activities a tracking tool would have recorded (as in
	// test/engine/scoring/real-leads.test.ts), each mapped onto the default table's types.
	const activities: Array<{ type: string; timestamp: number; url?: string; asset?: string }> = [];
	const visits = Math.min(Number(row.TotalVisits) || 0, 30);
	for (let i = 0; i < visits; i++) activities.push({ type: 'page_view', timestamp: at - (i + 1) * 24 * HOUR, url: '/blog/course-article' });
	if (Number(row['Total Time Spent on Website']) >= 600) activities.push({ type: 'page_view', timestamp: at - 2 * HOUR, url: '/pricing' });
	if (row['A free copy of Mastering The Interview'] === 'Yes') activities.push({ type: 'content_download', timestamp: at - 48 * HOUR, asset: 'Case study: Mastering the interview' });
	const lastActivity: Record<string, string> = { 'Email Opened': 'email_open', 'SMS Sent': 'webinar_attended', 'Had a Phone Conversation': 'webinar_attended' };
	const type = lastActivity[row['Last Activity']];
	if (type) activities.push({ type, timestamp: at - 3 * HOUR });
	lead.activities = activities;
	return { lead, converted: row.Converted === '1', at };
}

export function outcomeRows(): OutcomeRow[] {
	const rows = readRows();
	const first = Math.min(...rows.map((r) => Number(r['Lead Number'])));
	return rows.map((r) => toOutcomeRow(r, first));
}

/** The standard guide's table, its fields mapped onto this data set (as real-leads.test.ts maps it). */
const [directorPlus, targetIndustry, companySize] = DEFAULT_PROTOCOL.fit;
export const CURRENT_TABLE: ScoringProtocolInput = {
	...DEFAULT_PROTOCOL,
	fit: [
		{ ...directorPlus, field: 'What is your current occupation', operator: 'oneOf', value: ['Working Professional', 'Businessman'] },
		{ ...targetIndustry, field: 'Specialization', operator: 'exists', value: undefined },
		{ ...companySize, field: 'Lead Origin', operator: 'oneOf', value: ['Lead Add Form', 'Quick Add Form'] },
	].map(({ value, ...rule }) => (value === undefined ? rule : { ...rule, value })) as AttributeRule[],
	negative: DEFAULT_PROTOCOL.negative.map((rule) => {
		if (rule.label === 'Unsubscribed') return { ...rule, field: 'Do Not Email' };
		if (rule.label === 'Student or job-seeker title') return { ...rule, field: 'What is your current occupation', operator: 'contains', value: ['student'] };
		return rule;
	}),
};
