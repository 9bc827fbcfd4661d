/** Deterministic synthetic leads and a 20-rule protocol for benchmarks. */
import { DEFAULT_PROTOCOL, type ScoringProtocolInput } from '../../nodes/engine/scoring';

export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const TITLES = ['VP Marketing', 'Director of Sales', 'Marketing Manager', 'Software Engineer', 'CEO', 'Student', 'Head of Growth', 'Analyst'];
export const INDUSTRIES = ['Software', 'Retail', 'Financial Services', 'Education', 'Healthcare', 'SaaS'];
export const DOMAINS = ['acme.com', 'gmail.com', 'globex.io', 'initech.com', 'yahoo.com', 'umbrella.org'];
export const ACTIVITIES = [
	{ type: 'page_view', url: 'https://example.com/pricing' },
	{ type: 'page_view', url: 'https://example.com/blog/lead-scoring' },
	{ type: 'page_view', url: 'https://example.com/docs/api' },
	{ type: 'content_download', asset: 'Case study: Globex' },
	{ type: 'webinar_attended' },
	{ type: 'email_open' },
	{ type: 'email_click' },
	{ type: 'form_submit' },
];

export function makeLeads(count: number, now: number, seed = 42): Array<Record<string, unknown>> {
	const random = seededRandom(seed);
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
	return Array.from({ length: count }, (_, i) => ({
		id: i,
		email: `lead${i}@${pick(DOMAINS)}`,
		jobTitle: pick(TITLES),
		industry: pick(INDUSTRIES),
		companySize: Math.floor(random() * 2000),
		country: pick(['US', 'DE', 'GB', 'IN']),
		unsubscribed: random() < 0.05,
		activities: Array.from({ length: Math.floor(random() * 12) }, () => ({
			...pick(ACTIVITIES),
			timestamp: new Date(now - Math.floor(random() * 90 * 86_400_000)).toISOString(),
		})),
	}));
}

/** The standard table plus common extras: 20 rules. */
export const TWENTY_RULES: ScoringProtocolInput = {
	...DEFAULT_PROTOCOL,
	fit: [
		...DEFAULT_PROTOCOL.fit,
		{ label: 'Target country', field: 'country', operator: 'oneOf', value: ['US', 'GB', 'DE'], points: 5 },
		{ label: 'Enterprise', field: 'companySize', operator: 'greaterThan', value: 1000, points: 5 },
		{ label: 'Has phone', field: 'phone', operator: 'exists', points: 3 },
	],
	engagement: [
		...DEFAULT_PROTOCOL.engagement,
		{ label: 'Docs visit', activity: ['page_view'], contentContains: ['/docs'], points: 5 },
		{ label: 'Email click', activity: ['email_click'], points: 3, cap: { points: 9, windowDays: 30 } },
		{ label: 'Form submit', activity: ['form_submit'], points: 10 },
		{ label: 'Demo request', activity: ['demo_request'], points: 40 },
	],
	negative: DEFAULT_PROTOCOL.negative,
};
