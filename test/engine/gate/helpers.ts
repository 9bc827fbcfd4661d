import type { Activity } from '../../../nodes/engine/common/types';
import type { LeadScoreResult, ScoreLine } from '../../../nodes/engine/scoring/result';

export const NOW = Date.parse('2026-03-16T12:00:00Z');
export const DAY = 86_400_000;

export const daysAgo = (days: number) => NOW - days * DAY;

export function activity(type: string, days: number, extra: Partial<Activity> = {}): Activity {
	return { type, at: daysAgo(days), ...extra };
}

/** A score as Lead Score attaches it; only what a test cares about needs saying. */
export function score(parts: Partial<LeadScoreResult> = {}): LeadScoreResult {
	return {
		total: 0,
		fit: 0,
		engagement: 0,
		negative: 0,
		velocity: 0,
		velocityWindowDays: 7,
		grade: 'D4',
		breakdown: [],
		modelId: 'lsm_test',
		asOf: new Date(NOW).toISOString(),
		...parts,
	};
}

export function engagementLine(points: number, days: number, type = 'page_view'): ScoreLine {
	return { rule: type, label: type, group: 'engagement', points, why: '', activity: { type, at: new Date(daysAgo(days)).toISOString() } };
}

export function negativeLine(rule: string, label: string, points: number): ScoreLine {
	return { rule, label, group: 'negative', points, why: '' };
}
