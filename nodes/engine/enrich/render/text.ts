/** Escaping and truncation shared by the renderers. */
import type { SalesBrief } from '../brief';

export function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Slack mrkdwn: only &, < and > are control characters (<!channel>, <url|text>). */
export function escapeSlack(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown: a lead's name must not become a link, a heading or bold text in the CRM. */
export function escapeMarkdown(text: string): string {
	return text.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

export const noEscape = (text: string) => text;

/** One line: newlines from lead data must not break a layout (or a subject header). */
export function oneLine(text: string): string {
	return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * At most `max` UTF-16 units, ending in "…" when cut; never splits a surrogate pair (an emoji)
 * or, in escaped text, an entity such as `&amp;`.
 */
export function truncate(text: string, max: number, ellipsis = '…'): string {
	if (text.length <= max) return text;
	let cut = text.slice(0, Math.max(0, max - ellipsis.length));
	if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
	cut = cut.replace(/&[a-z#0-9]*$/i, '');
	return cut + ellipsis;
}

export interface Section {
	id: 'whyNow' | 'flags' | 'score' | 'interests' | 'talkingPoints' | 'source' | 'company';
	title: string;
	lines: string[];
	list: boolean;
}

/** The brief's sections in reading order, the same for every channel; empty ones left out. */
export function sectionsOf(brief: SalesBrief): Section[] {
	const sections: Section[] = [
		{ id: 'whyNow', title: 'Why now', lines: [...brief.whyNow.reasons, ...freshSignals(brief).map((s) => s.text)], list: true },
		{ id: 'flags', title: 'Heads-up', lines: brief.flags, list: true },
		{ id: 'score', title: 'Top scoring rules', lines: brief.score?.topRules.map((r) => r.text) ?? [], list: true },
		{ id: 'interests', title: 'Interests', lines: brief.interests.length ? [brief.interests.join(', ')] : [], list: false },
		{ id: 'talkingPoints', title: 'Talking points', lines: brief.talkingPoints, list: true },
		{
			id: 'source',
			title: 'Where they came from',
			lines: [
				...(brief.source.firstTouch ? [`First touch: ${brief.source.firstTouch}`] : []),
				...(brief.source.lastTouch && brief.source.lastTouch !== brief.source.firstTouch ? [`Last touch: ${brief.source.lastTouch}`] : []),
				...(brief.source.campaigns.length ? [`Campaign credit (${brief.source.model}): ${brief.source.campaigns.map((c) => c.text).join(', ')}`] : []),
			],
			list: false,
		},
		{
			id: 'company',
			title: 'Company',
			lines: [
				...(brief.company.description ? [brief.company.description] : []),
				...(brief.company.techStack?.length ? [`Tech stack: ${brief.company.techStack.join(', ')}`] : []),
				...(brief.company.funding ? [`Funding: ${brief.company.funding}`] : []),
			],
			list: false,
		},
	];
	return sections.filter((s) => s.lines.length > 0);
}

/** "Jane Doe · Acme Corp", falling back to whatever names the lead. */
export function headline(brief: SalesBrief): string {
	const parts = [brief.who.name, brief.who.company].filter((p): p is string => !!p);
	return parts.length ? parts.join(' · ') : brief.who.email ?? 'New lead';
}

/** "VP Marketing · 240 employees · Software · Germany". */
export function whoLine(brief: SalesBrief): string {
	return [brief.who.title, brief.who.size, brief.who.industry, brief.who.country].filter(Boolean).join(' · ');
}

/** "Score 82 (A1) · ready to talk · tier hot". */
export function scoreLine(brief: SalesBrief): string {
	return [
		brief.score ? `Score ${brief.score.total} (${brief.score.grade})` : undefined,
		`Stage: ${brief.stage.label}`,
		brief.tier ? `Tier: ${brief.tier}` : undefined,
	]
		.filter(Boolean)
		.join(' · ');
}

/** Signals a hand-off reason does not already say ("Requested a demo (40 minutes ago)"). */
export function freshSignals(brief: SalesBrief): SalesBrief['whyNow']['signals'] {
	const reasons = brief.whyNow.reasons.map((r) => r.toLowerCase());
	return brief.whyNow.signals.filter((s) => !reasons.some((r) => r.startsWith(s.label.toLowerCase())));
}
