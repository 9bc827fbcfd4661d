/** What kind of thing an activity is, and how it reads in a brief. */
import type { Activity } from '../common/types';
import type { ActivityTypes } from './options';
import type { Topic, TopicClassifier } from './topics';

export type ActivityKind = 'page' | 'email' | 'content' | 'intent' | 'passive' | 'other';

export function normalizeType(type: string): string {
	return type.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export const DEFAULT_ACTIVITY_LABELS: Record<string, string> = {
	content_download: 'downloaded',
	download: 'downloaded',
	webinar_attended: 'attended webinar',
	webinar_registered: 'registered for webinar',
	video_watched: 'watched',
	event_attended: 'attended',
	email_open: 'opened email',
	email_opened: 'opened email',
	email_click: 'clicked email',
	email_clicked: 'clicked email',
	email_reply: 'replied to email',
	email_replied: 'replied to email',
	form_submit: 'submitted form',
	demo_request: 'requested a demo',
	contact_sales: 'asked sales to get in touch',
	meeting_booked: 'booked a meeting',
	trial_signup: 'started a trial',
};

export interface Classifier {
	readonly topics: TopicClassifier;
	kind(activity: Activity): ActivityKind;
	isEmailClick(activity: Activity): boolean;
	/** The topic of what the activity was about: its URL, else its title or asset. */
	topic(activity: Activity): Topic;
	/** "pricing page", "downloaded “The ROI guide”", "requested a demo". */
	label(activity: Activity): string;
	/** The title a person would recognise: title, else asset, else the URL's path. */
	title(activity: Activity): string | undefined;
}

export function compileClassifier(types: ActivityTypes, topics: TopicClassifier, labels: Record<string, string>): Classifier {
	const sets = Object.fromEntries(Object.entries(types).map(([k, list]) => [k, new Set((list as string[]).map(normalizeType))])) as Record<keyof ActivityTypes, Set<string>>;
	const labelOf = new Map<string, string>([...Object.entries(DEFAULT_ACTIVITY_LABELS), ...Object.entries(labels).map(([k, v]) => [normalizeType(k), v] as [string, string])]);
	const kindCache = new Map<string, ActivityKind>();
	const kindOfType = (type: string): ActivityKind => {
		let kind = kindCache.get(type);
		if (kind === undefined) {
			const t = normalizeType(type);
			kind = sets.passive.has(t) ? 'passive' : sets.intent.has(t) ? 'intent' : sets.page.has(t) ? 'page' : sets.email.has(t) ? 'email' : sets.content.has(t) ? 'content' : 'other';
			kindCache.set(type, kind);
		}
		return kind;
	};
	const title = (a: Activity) => a.title?.trim() || a.asset?.trim() || pathOf(a.url);
	const topic = (a: Activity): Topic => {
		const byUrl = topics.ofUrl(a.url);
		if (byUrl.id !== 'other' || kindOfType(a.type) === 'page') return byUrl;
		return topics.ofText(`${a.title ?? ''} ${a.asset ?? ''}`);
	};
	return {
		topics,
		kind: (a) => kindOfType(a.type),
		isEmailClick: (a) => sets.emailClick.has(normalizeType(a.type)),
		topic,
		title,
		label(a) {
			const kind = kindOfType(a.type);
			const t = title(a);
			if (kind === 'page') {
				const tp = topic(a);
				// "pricing page" says it all; an unrecognised page needs its title.
				return tp.id === 'pricing' || tp.id === 'careers' || !t ? tp.signal : `${tp.signal} “${t}”`;
			}
			const verb = labelOf.get(normalizeType(a.type)) ?? normalizeType(a.type).replace(/_/g, ' ');
			return t && kind !== 'intent' ? `${verb} “${t}”` : verb;
		},
	};
}

function pathOf(url: string | undefined): string | undefined {
	if (!url) return undefined;
	const path = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
	return path && path !== '/' ? path : undefined;
}
