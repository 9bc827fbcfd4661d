/**
 * Reading what Lead Enrich needs from an n8n item: the activities (with their marketing touch:
 * utm source, medium, campaign, referrer), Lead Score's result and the hand-off reasons.
 */
import { LeadDataError } from '../common/errors';
import { compilePath, type PathGetter } from '../common/paths';
import { parseTimestamp } from '../common/time';
import type { Activity, Lead } from '../common/types';
import type { LeadScoreResult, ScoreLine } from '../scoring/result';
import type { ActivityFields } from './options';

export type ActivityReader = (lead: Lead, zone: string) => Activity[];

const UTM = { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign' } as const;

/** Compiles the paths once; the reader throws LeadDataError naming the bad entry. */
export function compileActivityReader(fields: ActivityFields): ActivityReader {
	const get = Object.fromEntries(Object.entries(fields).map(([k, p]) => [k, compilePath(p)])) as Record<keyof ActivityFields, PathGetter>;
	const optional = ['id', 'url', 'asset', 'title', 'campaign', 'source', 'medium', 'referrer'] as const;
	return (lead, zone) => {
		const raw = get.activities(lead);
		if (raw === undefined || raw === null) return [];
		if (!Array.isArray(raw)) throw new LeadDataError(fields.activities, 'an array of activities', raw);
		return raw.map((entry: unknown, index) => {
			const path = `${fields.activities}[${index}]`;
			if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
				throw new LeadDataError(path, `an activity object with ${fields.type} and ${fields.time}`, entry);
			}
			const type = get.type(entry);
			if (typeof type !== 'string' || type.trim() === '') throw new LeadDataError(`${path}.${fields.type}`, 'an activity type such as page_view or email_open', type);
			const activity: Activity = { type: type.trim(), at: parseTimestamp(get.time(entry), `${path}.${fields.time}`, zone) };
			for (const key of optional) {
				const value = text(get[key](entry));
				if (value !== undefined) activity[key] = value;
			}
			// Web analytics often keep the touch only as utm_* fields or in the landing page's URL.
			for (const key of ['source', 'medium', 'campaign'] as const) {
				if (activity[key] === undefined) {
					const value = text((entry as Record<string, unknown>)[UTM[key]]) ?? utmFromUrl(activity.url, UTM[key]);
					if (value !== undefined) activity[key] = value;
				}
			}
			return activity;
		});
	};
}

function utmFromUrl(url: string | undefined, name: string): string | undefined {
	if (!url || !url.includes(`${name}=`)) return undefined;
	const query = url.replace(/#.*$/, '').split('?')[1];
	if (!query) return undefined;
	try {
		return text(new URLSearchParams(query).get(name));
	} catch {
		return undefined;
	}
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * Lead Score's result on the lead, or undefined when the lead was not scored. A score without
 * its breakdown (Include Breakdown off) still gives total and grade.
 */
export function readScore(value: unknown, field: string): LeadScoreResult | undefined {
	if (value === undefined || value === null) return undefined;
	const expected = 'Lead Score\'s result: an object with a numeric total and a grade';
	if (typeof value !== 'object' || Array.isArray(value)) throw new LeadDataError(field, expected, value);
	const s = value as Partial<LeadScoreResult>;
	if (typeof s.total !== 'number' || !Number.isFinite(s.total)) throw new LeadDataError(`${field}.total`, 'a number', s.total);
	if (s.breakdown !== undefined && !Array.isArray(s.breakdown)) throw new LeadDataError(`${field}.breakdown`, 'a list of score lines', s.breakdown);
	const num = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
	const breakdown = (s.breakdown ?? []).filter(
		(line): line is ScoreLine => typeof line === 'object' && line !== null && typeof line.rule === 'string' && typeof line.points === 'number' && Number.isFinite(line.points),
	);
	return {
		...(s as LeadScoreResult),
		fit: num(s.fit),
		engagement: num(s.engagement),
		negative: num(s.negative),
		grade: (typeof s.grade === 'string' ? s.grade : '') as LeadScoreResult['grade'],
		breakdown: breakdown.map((line) => ({ ...line, label: typeof line.label === 'string' ? line.label : line.rule, why: typeof line.why === 'string' ? line.why : '' })),
	};
}

/** Hand-off reasons: a list of texts or one text; anything else is a data error. */
export function readReasons(value: unknown, field: string): string[] {
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string') return [value.trim()].filter(Boolean);
	if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v: string) => v.trim()).filter(Boolean);
	throw new LeadDataError(field, 'the hand-off reasons: a list of texts or one text', value);
}
