/**
 * Slack Block Kit. Limits (api.slack.com/reference/block-kit): 50 blocks per message, section
 * text 3000 characters, header plain_text 150, at most 10 fields of 2000 each, button text 75,
 * button URL 3000, context 10 elements. Whatever the lead's data, the payload stays within them.
 */
import type { SalesBrief } from '../brief';
import type { Template } from '../template';
import { escapeSlack, headline, oneLine, scoreLine, sectionsOf, truncate } from './text';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, header: 150, fields: 10, fieldText: 2000, buttonText: 75, url: 3000, contextText: 2000, fallbackText: 3000 } as const;

type Text = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackBlock =
	| { type: 'header'; text: Text }
	| { type: 'section'; text?: Text; fields?: Text[] }
	| { type: 'context'; elements: Text[] }
	| { type: 'divider' }
	| { type: 'actions'; elements: Array<{ type: 'button'; text: Text; url: string; style?: 'primary' }> };

export interface SlackMessage {
	/** Notification and fallback text. */
	text: string;
	blocks: SlackBlock[];
}

const mrkdwn = (text: string, max: number): Text => ({ type: 'mrkdwn', text: truncate(text, max) });

export function renderSlack(brief: SalesBrief, template?: Template): SlackMessage {
	const e = (s: string) => escapeSlack(s);
	const tierMark = brief.tier ? `[${brief.tier.toUpperCase()}] ` : '';
	const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(oneLine(`${tierMark}${headline(brief)}`), SLACK_LIMITS.header), emoji: true } }];

	if (template) {
		for (const chunk of chunks(template.render(brief, escapeSlack), SLACK_LIMITS.sectionText)) {
			blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
		}
	} else {
		const fields: Array<[string, string | undefined]> = [
			['Title', brief.who.title],
			['Company', brief.who.company],
			['Size', brief.who.size],
			['Industry', brief.who.industry],
			['Score', brief.score ? `${brief.score.total} (${brief.score.grade})` : undefined],
			['Stage', brief.stage.label],
			['Tier', brief.tier],
			['Last activity', brief.activity.last],
			['Email', brief.who.email],
			['Phone', brief.who.phone],
		];
		const present = fields.filter((f): f is [string, string] => !!f[1]).slice(0, SLACK_LIMITS.fields);
		if (present.length) blocks.push({ type: 'section', fields: present.map(([k, v]) => mrkdwn(`*${k}*\n${e(oneLine(v))}`, SLACK_LIMITS.fieldText)) });
		for (const section of sectionsOf(brief)) {
			if (section.id === 'source') continue;
			const body = section.list ? section.lines.map((l) => `• ${e(oneLine(l))}`).join('\n') : section.lines.map((l) => e(l)).join('\n');
			blocks.push({ type: 'section', text: mrkdwn(`*${section.title}*\n${body}`, SLACK_LIMITS.sectionText) });
		}
		const source = sectionsOf(brief).find((s) => s.id === 'source');
		if (source) blocks.push({ type: 'context', elements: [mrkdwn(source.lines.map((l) => e(oneLine(l))).join('  ·  '), SLACK_LIMITS.contextText)] });
	}

	const actions: SlackBlock[] =
		brief.crmUrl && brief.crmUrl.length <= SLACK_LIMITS.url
			? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in CRM' }, url: brief.crmUrl, style: 'primary' }] }]
			: [];
	const room = SLACK_LIMITS.blocks - actions.length;
	if (blocks.length > room) {
		blocks.length = room;
		const last = blocks[room - 1];
		if (last.type === 'section' && last.text) last.text.text = truncate(`${last.text.text}\n…`, SLACK_LIMITS.sectionText);
	}
	blocks.push(...actions);

	const fallback = [`New lead: ${headline(brief)}`, scoreLine(brief), brief.whyNow.reasons[0]].filter(Boolean).join(' — ');
	return { text: truncate(oneLine(escapeSlack(fallback)), SLACK_LIMITS.fallbackText), blocks };
}

/** Splits text into pieces of at most `max`, at line ends where it can. */
function chunks(text: string, max: number): string[] {
	const out: string[] = [];
	let rest = text.trim();
	while (rest.length > max) {
		let at = rest.lastIndexOf('\n', max);
		if (at < max / 2) at = max;
		let piece = rest.slice(0, at);
		if (/[\uD800-\uDBFF]$/.test(piece)) piece = piece.slice(0, -1);
		const entity = /&[a-z#0-9]*$/i.exec(piece);
		if (entity) piece = piece.slice(0, entity.index);
		out.push(piece);
		rest = rest.slice(piece.length).replace(/^\n/, '');
	}
	if (rest) out.push(rest);
	return out.length ? out : ['_(the template rendered nothing)_'];
}
