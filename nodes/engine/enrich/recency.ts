/** Recency and frequency: when the lead was last active, how often, the trend, and gone dark. */
import { MS_PER_DAY, relativeTime } from '../common/time';
import type { Activity } from '../common/types';
import type { Classifier } from './activities';

export type Trend = 'heatingUp' | 'steady' | 'cooling';
export const TREND_LABELS: Record<Trend, string> = { heatingUp: 'heating up', steady: 'steady', cooling: 'cooling' };

export interface Recency {
	lastActivity?: { type: string; label: string; at: number; ago: string };
	/** Engagement only: what was done to the lead (an email sent) is not counted. */
	counts: { last7Days: number; last30Days: number; last90Days: number; total: number };
	trend: { trend: Trend; label: string; recent: number; previous: number; windowDays: number; reason: string };
	goneDark: { goneDark: boolean; silentDays?: number; thresholdDays: number; reason: string };
	/** Why activities were not counted, when some were dated after now beyond the clock skew. */
	ignored?: string;
}

export interface RecencyConfig {
	goneDarkDays: number;
	goneDarkMinActivities: number;
	trendWindowDays: number;
	trendRatio: number;
	trendMinChange: number;
}

export function buildRecency(activities: readonly Activity[], now: number, classify: Classifier, config: RecencyConfig): Recency {
	// Activity after `now` counts as just now; enrich leaves out what lies beyond the clock skew (common/asOf.ts).
	const engaged = activities.filter((a) => classify.kind(a) !== 'passive');
	const age = (a: Activity) => Math.max(0, now - a.at);
	const within = (days: number) => engaged.filter((a) => age(a) < days * MS_PER_DAY).length;
	const last = engaged.reduce<Activity | undefined>((best, a) => (best === undefined || a.at > best.at ? a : best), undefined);

	const w = config.trendWindowDays * MS_PER_DAY;
	const recent = engaged.filter((a) => age(a) < w).length;
	const previous = engaged.filter((a) => age(a) >= w && age(a) < 2 * w).length;
	const trend = trendOf(recent, previous, config);
	const windows = `${recent} in the last ${config.trendWindowDays} days vs ${previous} in the ${config.trendWindowDays} days before`;

	let goneDark: Recency['goneDark'] = { goneDark: false, thresholdDays: config.goneDarkDays, reason: 'No engagement yet' };
	if (last) {
		const silentDays = Math.floor(age(last) / MS_PER_DAY);
		const dark = silentDays >= config.goneDarkDays && engaged.length >= config.goneDarkMinActivities;
		goneDark = {
			goneDark: dark,
			silentDays,
			thresholdDays: config.goneDarkDays,
			reason: dark
				? `Engaged ${engaged.length} times, then silent for ${silentDays} days (threshold ${config.goneDarkDays})`
				: silentDays >= config.goneDarkDays
					? `Silent for ${silentDays} days, but engaged only ${engaged.length} time${engaged.length === 1 ? '' : 's'} before (needs ${config.goneDarkMinActivities})`
					: `Last active ${relativeTime(last.at, now)}`,
		};
	}

	return {
		...(last ? { lastActivity: { type: last.type, label: classify.label(last), at: last.at, ago: relativeTime(last.at, now) } } : {}),
		counts: { last7Days: within(7), last30Days: within(30), last90Days: within(90), total: engaged.length },
		trend: { trend, label: TREND_LABELS[trend], recent, previous, windowDays: config.trendWindowDays, reason: capitalize(windows) },
		goneDark,
	};
}

/** Heating up when the recent window has `ratio` times the previous one and `minChange` more; cooling the other way round. */
export function trendOf(recent: number, previous: number, config: Pick<RecencyConfig, 'trendRatio' | 'trendMinChange'>): Trend {
	if (recent - previous >= config.trendMinChange && recent >= previous * config.trendRatio) return 'heatingUp';
	if (previous - recent >= config.trendMinChange && previous >= recent * config.trendRatio) return 'cooling';
	return 'steady';
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
