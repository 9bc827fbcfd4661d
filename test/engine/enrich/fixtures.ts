import type { Activity, Lead } from '../../../nodes/engine/common/types';
import type { EnrichContext } from '../../../nodes/engine/enrich';
import type { EnrichOptions } from '../../../nodes/engine/enrich';
import type { LeadScoreResult, ScoreLine } from '../../../nodes/engine/scoring/result';

export const NOW = Date.parse('2026-03-16T12:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function act(type: string, ago: number, extra: Partial<Activity> = {}): Activity {
	return { type, at: NOW - ago, ...extra };
}

export function score(parts: Partial<LeadScoreResult> = {}): LeadScoreResult {
	return { total: 0, fit: 0, engagement: 0, negative: 0, velocity: 0, velocityWindowDays: 7, grade: 'D4', breakdown: [], modelId: 'lsm_test', asOf: new Date(NOW).toISOString(), ...parts };
}

const line = (rule: string, label: string, group: ScoreLine['group'], points: number, why: string): ScoreLine => ({ rule, label, group, points, why });

export const OPTIONS: EnrichOptions = {
	crmUrlTemplate: 'https://app.hubspot.com/contacts/4411/record/0-1/{{id}}',
	firmographics: {
		table: {
			'northwind.io': {
				name: 'Northwind Logistics',
				employees: 240,
				industry: 'Logistics software',
				country: 'Germany',
				techStack: ['Salesforce', 'Segment', 'Snowflake'],
				funding: { stage: 'Series B', totalUsd: 42_000_000 },
				description: 'Route planning for regional carriers.',
			},
		},
	},
};

export const CONTEXT: Omit<EnrichContext, 'handoffReasons'> = { now: NOW, timezone: 'Europe/Berlin' };

export interface Case {
	name: string;
	lead: Lead;
	activities: Activity[];
	score?: LeadScoreResult;
	context: EnrichContext;
}

/** A hot lead: webinar, case study, pricing twice, then a demo request. */
export const HOT: Case = {
	name: 'hot-demo-request',
	lead: { id: 90210, firstName: 'Priya', lastName: 'Raman', jobTitle: 'VP Operations', email: 'priya.raman@northwind.io', phone: '+49 30 1234567', tier: 'hot' },
	activities: [
		act('page_view', 24 * DAY, { url: 'https://example.com/blog/route-planning-costs', title: 'What route planning really costs', source: 'google', medium: 'organic' }),
		act('email_open', 18 * DAY, { title: 'Webinar invite: Scoring that sales trusts', campaign: 'webinar-q1' }),
		act('email_click', 18 * DAY - 5 * MINUTE, { title: 'Webinar invite: Scoring that sales trusts', campaign: 'webinar-q1', url: 'https://example.com/webinars/q1' }),
		act('webinar_attended', 11 * DAY, { title: 'Scoring that sales trusts', campaign: 'webinar-q1', source: 'email', medium: 'email' }),
		act('content_download', 5 * DAY, { asset: 'cs-globex', title: 'Case study: Globex cut empty miles by 18%', campaign: 'linkedin-cs', source: 'linkedin', medium: 'paid-social' }),
		act('page_view', 3 * DAY, { url: 'https://example.com/pricing', title: 'Pricing' }),
		act('page_view', 2 * HOUR, { url: 'https://example.com/pricing?plan=team', title: 'Pricing' }),
		act('page_view', 90 * MINUTE, { url: 'https://example.com/product/integrations', title: 'Integrations' }),
		act('demo_request', 40 * MINUTE, { campaign: 'spring-promo', source: 'google', medium: 'cpc' }),
		act('email_sent', 30 * MINUTE, { title: 'Thanks for your demo request' }),
	],
	score: score({
		total: 86,
		fit: 35,
		engagement: 61,
		negative: -10,
		velocity: 45,
		grade: 'A1',
		breakdown: [
			line('director', 'Director+ title', 'fit', 15, 'Decision-making authority'),
			line('industry', 'Target industry', 'fit', 10, 'Product-market fit'),
			line('size', 'Company size 50-500', 'fit', 10, 'Ideal customer profile'),
			line('pricing', 'Pricing page visit', 'engagement', 20, 'High purchase intent'),
			line('pricing', 'Pricing page visit', 'engagement', 17.4, 'High purchase intent'),
			line('case-study', 'Case study download', 'engagement', 13.3, 'Evaluating solutions'),
			line('webinar', 'Webinar attendance', 'engagement', 11.2, 'Active research phase'),
			line('cap', 'Total cap', 'cap', -0.9, ''),
		],
	}),
	context: { ...CONTEXT, handoffReasons: ['Requested a demo (40 minutes ago)', 'Score 86 ≥ 60 and visited the pricing page'] },
};

/** A free-mail lead with a non-Latin name and an emoji, comparing; careers pages too. */
export const COMPARING: Case = {
	name: 'comparing-free-mail',
	lead: { id: 'c-77', name: 'Ирина Соколова 🚀', jobTitle: 'Head of Growth', company: 'Балтика Трейд', companySize: 80, email: 'irina.sokolova@gmail.com', phone: '+7 495 000 00 00', tier: 'warm' },
	activities: [
		act('page_view', 9 * DAY, { url: 'https://example.com/', referrer: 'https://www.linkedin.com/feed/' }),
		act('page_view', 9 * DAY - 2 * MINUTE, { url: 'https://example.com/careers', title: 'Careers' }),
		act('page_view', 6 * DAY, { url: 'https://example.com/compare/example-vs-acme', title: 'Example vs Acme', source: 'bing', medium: 'cpc', campaign: 'competitor-terms' }),
		act('page_view', 4 * DAY, { url: 'https://docs.example.com/api/authentication', title: 'API authentication' }),
		act('page_view', 4 * DAY - 10 * MINUTE, { url: 'https://docs.example.com/api/webhooks', title: 'Webhooks' }),
		act('page_view', 1 * DAY, { url: 'https://example.com/customers/baltic-freight', title: 'How Baltic Freight ships faster' }),
	],
	score: score({
		total: 58,
		fit: 20,
		engagement: 48,
		negative: -10,
		grade: 'B2',
		breakdown: [
			line('director', 'Director+ title', 'fit', 15, 'Decision-making authority'),
			line('case-study', 'Case study download', 'engagement', 14, 'Evaluating solutions'),
			line('free-mail', 'Free email domain (B2B)', 'negative', -10, 'Personal address: weaker company signal'),
			line('docs', 'Docs visit', 'engagement', 8, 'Technical evaluation'),
		],
	}),
	context: { ...CONTEXT, handoffReasons: ['Score 58 ≥ 50 and read a case study'] },
};

/** Hostile data, gone dark, no score, and the company provider failed. */
export const HOSTILE: Case = {
	name: 'gone-dark-hostile',
	lead: { id: 'a/b?c=1&d', firstName: '<script>alert(1)</script>', lastName: "O'Neil & <b>Sons</b>", jobTitle: 'CTO "Chief" <img src=x onerror=alert(1)>', company: '<!channel> & Co', email: 'sam@oneil-sons.example' },
	activities: [
		act('page_view', 60 * DAY, { url: 'https://example.com/blog/<script>', title: '<script>alert("blog")</script>', campaign: '<b>q4</b>', source: 'newsletter', medium: 'email' }),
		act('email_click', 50 * DAY, { title: 'Tips & tricks <i>', url: 'https://example.com/blog/tips' }),
		act('page_view', 45 * DAY, { url: 'https://example.com/features', title: 'Features & more' }),
		act('page_view', 40 * DAY, { url: 'https://example.com/jobs/engineer', title: 'Jobs' }),
	],
	context: {
		...CONTEXT,
		handoffReasons: ['Recycled by sales: <reason>'],
		firmographics: { status: 'failed', reason: 'provider timed out after 3 attempts' },
	},
};

export const CASES = [HOT, COMPARING, HOSTILE];
