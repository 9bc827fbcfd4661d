/**
 * Source attribution over a lead's marketing touches (activities with a utm source, medium,
 * campaign or a referrer). Each model gives credits per campaign and per source / medium that
 * add up to 1.
 */
import { MS_PER_DAY } from '../common/time';
import type { Activity } from '../common/types';

export type AttributionModel = 'firstTouch' | 'lastTouch' | 'linear' | 'uShaped' | 'timeDecay';
export const ATTRIBUTION_MODELS: AttributionModel[] = ['firstTouch', 'lastTouch', 'linear', 'uShaped', 'timeDecay'];
export const MODEL_LABELS: Record<AttributionModel, string> = {
	firstTouch: 'first touch',
	lastTouch: 'last touch',
	linear: 'linear',
	uShaped: 'U-shaped',
	timeDecay: 'time decay',
};

export interface Touch {
	at: number;
	campaign: string;
	/** "google / cpc", "linkedin.com / referral", "(direct) / (none)". */
	sourceMedium: string;
}

export interface Credit {
	key: string;
	credit: number;
}

export interface ModelCredits {
	byCampaign: Credit[];
	bySourceMedium: Credit[];
}

export interface Attribution {
	touches: Touch[];
	firstTouch?: Touch;
	lastTouch?: Touch;
	/** Empty lists when the lead has no touches. */
	models: Record<AttributionModel, ModelCredits>;
}

export const NO_CAMPAIGN = '(no campaign)';

export interface AttributionOptions {
	halfLifeDays: number;
	sessionMinutes: number;
}

/** The touches among activities, oldest first; repeats of one visit (same keys, within a session) count once. */
export function touchesOf(activities: readonly Activity[], sessionMinutes: number): Touch[] {
	const sorted = activities.filter((a) => a.campaign || a.source || a.medium || a.referrer).sort((a, b) => a.at - b.at);
	const touches: Touch[] = [];
	const lastSeen = new Map<string, number>();
	for (const a of sorted) {
		const touch = toTouch(a);
		const key = `${touch.campaign}\u0000${touch.sourceMedium}`;
		const previous = lastSeen.get(key);
		lastSeen.set(key, a.at);
		if (previous !== undefined && a.at - previous <= sessionMinutes * 60_000) continue;
		touches.push(touch);
	}
	return touches;
}

function toTouch(a: Activity): Touch {
	const referrerHost = a.referrer ? hostOf(a.referrer) : undefined;
	// An email activity with only a campaign came by email, not directly.
	const email = /email/i.test(a.type) ? 'email' : undefined;
	const source = clean(a.source) ?? referrerHost ?? email ?? '(direct)';
	const medium = clean(a.medium) ?? (referrerHost ? 'referral' : (email ?? '(none)'));
	return { at: a.at, campaign: clean(a.campaign) ?? NO_CAMPAIGN, sourceMedium: `${source.toLowerCase()} / ${medium.toLowerCase()}` };
}

function clean(value: string | undefined): string | undefined {
	const t = value?.trim();
	return t ? t : undefined;
}

function hostOf(url: string): string | undefined {
	const host = url.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#:].*$/, '').replace(/^www\./, '');
	return host || undefined;
}

/** Each touch's weight under a model (not yet normalised). Touches are oldest first. */
export function touchWeights(model: AttributionModel, touches: readonly Touch[], halfLifeDays: number): number[] {
	const n = touches.length;
	if (n === 0) return [];
	switch (model) {
		case 'firstTouch':
			return touches.map((_, i) => (i === 0 ? 1 : 0));
		case 'lastTouch':
			return touches.map((_, i) => (i === n - 1 ? 1 : 0));
		case 'linear':
			return touches.map(() => 1);
		case 'uShaped':
			if (n === 1) return [1];
			if (n === 2) return [0.5, 0.5];
			return touches.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
		case 'timeDecay': {
			// Relative to the latest touch: normalising removes the constant, and the newest keeps
			// weight 1, so very old touches cannot underflow every weight to zero.
			const latest = touches[n - 1].at;
			return touches.map((t) => 2 ** (-(latest - t.at) / (halfLifeDays * MS_PER_DAY)));
		}
	}
}

export function attribute(activities: readonly Activity[], options: AttributionOptions): Attribution {
	const touches = touchesOf(activities, options.sessionMinutes);
	const models = Object.fromEntries(
		ATTRIBUTION_MODELS.map((model) => {
			const weights = touchWeights(model, touches, options.halfLifeDays);
			return [
				model,
				{
					byCampaign: creditsBy(touches, weights, (t) => t.campaign),
					bySourceMedium: creditsBy(touches, weights, (t) => t.sourceMedium),
				},
			];
		}),
	) as Record<AttributionModel, ModelCredits>;
	return { touches, ...(touches.length ? { firstTouch: touches[0], lastTouch: touches[touches.length - 1] } : {}), models };
}

/**
 * Credits per key, largest first, summing to exactly 1 when added up in list order: the
 * rounding error of the division is put on the largest credit, where it is smallest relatively.
 */
export function creditsBy(touches: readonly Touch[], weights: readonly number[], keyOf: (t: Touch) => string): Credit[] {
	const total = weights.reduce((s, w) => s + w, 0);
	if (touches.length === 0 || !(total > 0)) return [];
	const sums = new Map<string, number>();
	touches.forEach((t, i) => sums.set(keyOf(t), (sums.get(keyOf(t)) ?? 0) + weights[i]));
	const credits = [...sums]
		.map(([key, w]) => ({ key, credit: w / total }))
		.filter((c) => c.credit > 0)
		.sort((a, b) => b.credit - a.credit || a.key.localeCompare(b.key));
	const sum = credits.reduce((s, c) => s + c.credit, 0);
	credits[0].credit += 1 - sum;
	// The last bits go on the last credit: with the others summing to S >= 0.5, 1 - S is exact
	// (Sterbenz), so adding it last gives exactly 1.
	// When the others already exceed 1 by a rounding, take that off the largest first.
	const last = credits[credits.length - 1];
	for (let i = 0; i < 4 && credits.length > 1; i++) {
		const rest = credits.slice(0, -1).reduce((s, c) => s + c.credit, 0);
		if (rest <= 1) {
			if (rest + last.credit !== 1) last.credit = 1 - rest;
			break;
		}
		credits[0].credit -= Math.max(rest - 1, Number.EPSILON / 2);
	}
	return credits;
}
