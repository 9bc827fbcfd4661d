/**
 * The protocol document's engine: conditions in words, and escaping that lets no configured text
 * become markup (fast-check over any string), in Markdown and in HTML.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { conditionWords, escapeHtmlText, escapeMarkdownText, expectedWords, protocolDocument, type ProtocolSource } from '../../../nodes/engine/lab/protocolDocument';
import { normalizeProtocol } from '../../../nodes/engine/scoring';

const MARKUP = '\\`*_[]|<>#~&';

/** Whether every markup character is escaped (preceded by an odd run of backslashes). */
function allEscaped(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		if (!MARKUP.includes(text[i]) || text[i] === '\\') continue;
		let slashes = 0;
		for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) slashes++;
		if (slashes % 2 === 0) return false;
	}
	return true;
}

const unescapeMarkdown = (text: string) => text.replace(/\\(.)/g, '$1');
const unescapeHtml = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('protocol document', () => {
	it('escapes any configured text: no markup character left bare in Markdown, no tag or quote in HTML, and the text itself kept', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
				const md = escapeMarkdownText(text);
				assert.ok(allEscaped(md), md);
				assert.ok(!/\n/.test(md));
				assert.equal(unescapeMarkdown(md), text.replace(/\r?\n/g, ' '));
				const html = escapeHtmlText(text);
				assert.ok(!/[<>"']/.test(html));
				assert.equal(unescapeHtml(html), text);
			}),
		);
		assert.equal(escapeMarkdownText('- not a list'), '\\- not a list');
		assert.equal(escapeMarkdownText('1. not a list'), '1\\. not a list');
	});

	it('says conditions in words, nested groups in brackets', () => {
		assert.equal(
			conditionWords({ any: [{ activity: ['demo_request'], withinDays: 7, label: 'asked for a demo' }, { all: [{ score: 'total', atLeast: 60 }, { not: { field: 'country', operator: 'oneOf', value: ['US', 'CA'], label: 'Country' } }] }] }),
			'asked for a demo in the last 7 days or (score 60 or more and not Country is one of US, CA)',
		);
		assert.equal(conditionWords({ score: 'fit', atLeast: 10, below: 20 }), 'fit score 10 to below 20');
		assert.equal(conditionWords({ negativeRule: ['Competitor domain'] }), 'scoring rule "Competitor domain" applied');
		assert.equal(conditionWords(undefined), 'every lead that reaches it');
		assert.equal(expectedWords({ auc: 0.876, winRate: 0.085, pipeline: 3 }), 'AUC 0.88, 8.5 % won, pipeline 3');
	});

	it('renders the same blocks to Markdown and HTML, and names what is missing', () => {
		const source: ProtocolSource = {
			title: 'Protocol',
			workflow: { name: 'W', version: 'published' },
			generatedAt: Date.parse('2026-12-03T07:00:00Z'),
			scoring: [{ node: 'Lead Score', protocol: normalizeProtocol({ fit: [{ label: 'VP', field: 'jobTitle', operator: 'contains', value: 'vp', points: 10, why: 'Buys' }] }), modelId: 'lsm_x', mode: 'score' }],
			gates: [],
			routers: [],
			slaTimers: [],
			feedback: [],
			expressions: [],
		};
		const { markdown, html, blocks } = protocolDocument(source);
		assert.ok(markdown.includes('| VP | jobTitle contains vp | \\+10 | Buys |'));
		assert.ok(html.includes('<td style="padding:4px 8px;border:1px solid #ddd;text-align:left;vertical-align:top">jobTitle contains vp</td>'));
		assert.ok(markdown.includes('No Handoff Gate node in this workflow.'));
		assert.equal(blocks.filter((b) => b.kind === 'heading').length, (html.match(/<h[123]>/g) ?? []).length);
		assert.ok(!markdown.includes('## Change log'), 'no change log section unless asked for');
	});
});
