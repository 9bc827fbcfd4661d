/**
 * Topics of a site, recognised from page URLs (and from content titles for downloads), so a
 * profile can say "3 pricing visits, 2 case studies" instead of listing 40 URLs.
 */
export interface TopicRule {
	id: string;
	label: string;
	/** Matched against host + path, lower-cased, without scheme, query or fragment. A pattern
	 * with `*` is a wildcard pattern over the whole of it; otherwise it may occur anywhere. */
	urlPatterns?: string[];
	/** Whole words or phrases in a content title or asset name (downloads, webinars). */
	keywords?: string[];
	/** How a visit reads in a brief: "pricing page". */
	signal?: string;
}

/** Order matters: the first rule that matches wins, so a blog post about pricing is a blog post. */
export const DEFAULT_TOPICS: TopicRule[] = [
	{ id: 'blog', label: 'Blog', urlPatterns: ['/blog', '/articles/', '/news/', '/insights/'], signal: 'blog post' },
	{ id: 'careers', label: 'Careers', urlPatterns: ['/careers', '/jobs', 'careers.', 'jobs.', '/join-us', '/open-positions', '/vacancies'], signal: 'careers page' },
	{
		id: 'caseStudies',
		label: 'Case studies',
		urlPatterns: ['/customers', '/case-stud', '/customer-stor', '/success-stor'],
		keywords: ['case study', 'case studies', 'customer story', 'success story'],
		signal: 'case study',
	},
	{
		id: 'docs',
		label: 'Docs',
		urlPatterns: ['docs.', '/docs', '/documentation', '/developers', '/api-reference', 'help.', '/help/', 'support.'],
		keywords: ['documentation', 'api', 'developer guide', 'implementation guide'],
		signal: 'docs',
	},
	{ id: 'pricing', label: 'Pricing', urlPatterns: ['/pricing', '/plans', '/quote'], keywords: ['pricing', 'price', 'roi', 'tco'], signal: 'pricing page' },
	{
		id: 'product',
		label: 'Product',
		urlPatterns: ['/product', '/features', '/platform', '/solutions', '/integrations', '/compare', '-vs-', '/vs/', '/alternatives', '/tour', '/security'],
		keywords: ['product tour', 'comparison', 'buyer’s guide', "buyer's guide", 'evaluation', 'datasheet', 'features'],
		signal: 'product page',
	},
];

export const OTHER_TOPIC = { id: 'other', label: 'Other', signal: 'page' } as const;

export interface Topic {
	id: string;
	label: string;
	signal: string;
}

export interface TopicClassifier {
	readonly topics: readonly Topic[];
	ofUrl(url: string | undefined): Topic;
	/** The topic of a title or asset name; `other` when no keyword occurs. */
	ofText(text: string | undefined): Topic;
	byId(id: string): Topic | undefined;
}

export function compileTopics(rules: readonly TopicRule[]): TopicClassifier {
	const compiled = rules.map((rule) => ({
		topic: { id: rule.id, label: rule.label, signal: rule.signal ?? `${rule.label.toLowerCase()} page` },
		url: (rule.urlPatterns ?? []).map(urlMatcher),
		keywords: wordsRegExp(rule.keywords ?? []),
	}));
	const other: Topic = { ...OTHER_TOPIC };
	const topics = [...compiled.map((c) => c.topic), other];
	const byId = new Map(topics.map((t) => [t.id, t]));
	return {
		topics,
		ofUrl(url) {
			if (!url) return other;
			const normalized = normalizeUrl(url);
			return compiled.find((c) => c.url.some((m) => m(normalized)))?.topic ?? other;
		},
		ofText(text) {
			if (!text) return other;
			return compiled.find((c) => c.keywords?.test(text))?.topic ?? other;
		},
		byId: (id) => byId.get(id),
	};
}

/** `https://www.Acme.com/Pricing?utm=x#top` -> `www.acme.com/pricing`. */
export function normalizeUrl(url: string): string {
	return url
		.trim()
		.toLowerCase()
		.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
		.replace(/[?#].*$/, '');
}

function urlMatcher(pattern: string): (url: string) => boolean {
	const p = pattern.trim().toLowerCase();
	if (!p.includes('*')) return (url) => url.includes(p);
	const re = new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`);
	return (url) => re.test(url);
}

/** Whole words, case-insensitive: "api" matches "API guide", not "rapid". */
export function wordsRegExp(words: readonly string[]): RegExp | undefined {
	const cleaned = words.map((w) => w.trim()).filter((w) => w !== '');
	if (cleaned.length === 0) return undefined;
	return new RegExp(`(?<![\\p{L}\\p{N}])(?:${cleaned.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
