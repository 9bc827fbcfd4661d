/** The behavioural profile: what the lead read, opened and visited, its interests and buying stage. */
import { MS_PER_DAY, relativeTime } from '../common/time';
import type { Activity } from '../common/types';
import type { Classifier } from './activities';

export interface ContentItem {
	title: string;
	asset?: string;
	type: string;
	topic: string;
	times: number;
	lastAt: number;
}

export interface EmailEngagement {
	email: string;
	opens: number;
	clicks: number;
	replies: number;
	lastAt: number;
}

export interface PageGroup {
	topic: string;
	label: string;
	visits: number;
	lastAt: number;
	pages: Array<{ url: string; title?: string; visits: number; lastAt: number }>;
}

export type BuyingStage = 'researching' | 'comparing' | 'readyToTalk';
export const STAGE_LABELS: Record<BuyingStage, string> = { researching: 'researching', comparing: 'comparing', readyToTalk: 'ready to talk' };

export interface BehaviouralProfile {
	content: ContentItem[];
	emails: EmailEngagement[];
	/** Most visited topic first. */
	pages: PageGroup[];
	/** Topics by weight (a download counts 3, a visit or click 1), "Other" and careers left out. */
	interests: Array<{ topic: string; label: string; weight: number }>;
	jobSeeker: { likely: boolean; careersVisits: number; reason?: string };
	stage: { stage: BuyingStage; label: string; reason: string };
}

export interface ProfileConfig {
	stageWindowDays: number;
	pricingDaysForReady: number;
	comparingTopics: string[];
}

const CONTENT_WEIGHT = 3;

export function buildProfile(activities: readonly Activity[], now: number, classify: Classifier, config: ProfileConfig): BehaviouralProfile {
	const content = new Map<string, ContentItem>();
	const emails = new Map<string, EmailEngagement>();
	const pages = new Map<string, PageGroup>();
	const weights = new Map<string, { label: string; weight: number }>();
	const addWeight = (topic: { id: string; label: string }, w: number) => {
		const entry = weights.get(topic.id) ?? { label: topic.label, weight: 0 };
		entry.weight += w;
		weights.set(topic.id, entry);
	};

	for (const a of activities) {
		const kind = classify.kind(a);
		if (kind === 'page') {
			const topic = classify.topic(a);
			const group = pages.get(topic.id) ?? { topic: topic.id, label: topic.label, visits: 0, lastAt: a.at, pages: [] };
			group.visits++;
			group.lastAt = Math.max(group.lastAt, a.at);
			// The same page with another query string (utm tags, a plan) is the same page.
			const url = a.url ? a.url.trim().replace(/[?#].*$/, '') : '(no URL)';
			const page = group.pages.find((p) => p.url === url);
			if (page) {
				page.visits++;
				if (a.at >= page.lastAt) {
					page.lastAt = a.at;
					if (a.title) page.title = a.title;
				}
			} else group.pages.push({ url, ...(a.title ? { title: a.title } : {}), visits: 1, lastAt: a.at });
			pages.set(topic.id, group);
			addWeight(topic, 1);
		} else if (kind === 'email') {
			const name = a.title?.trim() || a.campaign?.trim() || '(untitled email)';
			const entry = emails.get(name) ?? { email: name, opens: 0, clicks: 0, replies: 0, lastAt: a.at };
			if (classify.isEmailClick(a)) {
				entry.clicks++;
				if (a.url) addWeight(classify.topic(a), 1);
			} else if (/repl/.test(a.type.toLowerCase())) entry.replies++;
			else entry.opens++;
			entry.lastAt = Math.max(entry.lastAt, a.at);
			emails.set(name, entry);
		} else if (kind === 'content' || (kind !== 'passive' && kind !== 'intent' && a.asset)) {
			const title = classify.title(a) ?? a.type;
			const key = `${a.type}\u0000${a.asset ?? title}`;
			const topic = classify.topic(a);
			const item = content.get(key) ?? { title, ...(a.asset ? { asset: a.asset } : {}), type: a.type, topic: topic.id, times: 0, lastAt: a.at };
			item.times++;
			item.lastAt = Math.max(item.lastAt, a.at);
			content.set(key, item);
			addWeight(topic, CONTENT_WEIGHT);
		}
	}

	const pageGroups = [...pages.values()]
		.map((g) => ({ ...g, pages: g.pages.sort((x, y) => y.visits - x.visits || y.lastAt - x.lastAt) }))
		.sort((x, y) => y.visits - x.visits || y.lastAt - x.lastAt);
	const careersVisits = pages.get('careers')?.visits ?? 0;
	const buyingVisits = pageGroups.filter((g) => g.topic !== 'careers' && g.topic !== 'other' && g.topic !== 'blog').reduce((s, g) => s + g.visits, 0);
	// A few careers visits next to product research is a buyer checking the company out;
	// careers visits outnumbering buying pages is someone looking for a job.
	const likely = careersVisits >= 2 && careersVisits > buyingVisits;
	return {
		content: [...content.values()].sort((x, y) => y.lastAt - x.lastAt),
		emails: [...emails.values()].sort((x, y) => y.lastAt - x.lastAt),
		pages: pageGroups,
		interests: [...weights]
			.filter(([id]) => id !== 'other' && id !== 'careers')
			.map(([topic, w]) => ({ topic, label: w.label, weight: w.weight }))
			.sort((x, y) => y.weight - x.weight || x.label.localeCompare(y.label)),
		jobSeeker: {
			likely,
			careersVisits,
			...(careersVisits > 0
				? { reason: `${careersVisits} careers page visit${careersVisits === 1 ? '' : 's'}${likely ? `, more than visits to pricing, product, docs or case studies (${buyingVisits}): possibly a job seeker` : ''}` }
				: {}),
		},
		stage: buyingStage(activities, now, classify, config),
	};
}

/**
 * Ready to talk: asked for sales, or came back to pricing on different days. Comparing: looked
 * at pricing, case studies, product pages or docs. Researching: everything else.
 */
export function buyingStage(activities: readonly Activity[], now: number, classify: Classifier, config: ProfileConfig): BehaviouralProfile['stage'] {
	const since = now - config.stageWindowDays * MS_PER_DAY;
	const recent = activities.filter((a) => a.at >= since && a.at <= now + MS_PER_DAY).sort((a, b) => b.at - a.at);
	const window = `in the last ${config.stageWindowDays} days`;
	const intent = recent.find((a) => classify.kind(a) === 'intent');
	if (intent) return { stage: 'readyToTalk', label: STAGE_LABELS.readyToTalk, reason: `${capitalize(classify.label(intent))} ${relativeTime(intent.at, now)}` };

	const evaluating = recent.filter((a) => classify.kind(a) !== 'passive' && classify.kind(a) !== 'email' && config.comparingTopics.includes(classify.topic(a).id));
	const pricing = evaluating.filter((a) => classify.kind(a) === 'page' && classify.topic(a).id === 'pricing');
	const pricingDays = new Set(pricing.map((a) => Math.floor(a.at / MS_PER_DAY))).size;
	if (pricingDays >= config.pricingDaysForReady) {
		return { stage: 'readyToTalk', label: STAGE_LABELS.readyToTalk, reason: `Came back to the pricing page on ${pricingDays} different days ${window}` };
	}
	if (evaluating.length > 0) {
		const seen = [...new Set(evaluating.map((a) => classify.label(a)))].slice(0, 3);
		return { stage: 'comparing', label: STAGE_LABELS.comparing, reason: `${capitalize(joinWords(seen))} ${window}` };
	}
	const engaged = recent.filter((a) => classify.kind(a) !== 'passive').length;
	return {
		stage: 'researching',
		label: STAGE_LABELS.researching,
		reason: engaged === 0 ? `No activity ${window}` : `${engaged} activit${engaged === 1 ? 'y' : 'ies'} ${window}, none on pricing, product, case studies or docs`,
	};
}

export function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

export function joinWords(items: readonly string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
