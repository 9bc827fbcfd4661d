/**
 * A note for the CRM record: Markdown (escaped, so lead data cannot format or link), plain text,
 * or HTML for CRMs whose notes and task bodies are rich text (HubSpot, Pipedrive): every value
 * escaped, only the renderer's own tags.
 */
import type { SalesBrief } from '../brief';
import type { Template } from '../template';
import { escapeHtml, escapeMarkdown, headline, noEscape, oneLine, scoreLine, sectionsOf, whoLine } from './text';

export type CrmNoteFormat = 'markdown' | 'text' | 'html';

export function renderCrmNote(brief: SalesBrief, format: CrmNoteFormat, template?: Template): string {
	if (format === 'html') return template ? template.render(brief, escapeHtml) : crmHtml(brief);
	const e = format === 'markdown' ? escapeMarkdown : noEscape;
	if (template) return template.render(brief, e);
	const bold = (s: string) => (format === 'markdown' ? `**${s}**` : s);
	const out: string[] = [bold(`Lead hand-off: ${e(oneLine(headline(brief)))}`)];
	const who = whoLine(brief);
	if (who) out.push(e(oneLine(who)));
	out.push(e(oneLine(scoreLine(brief))), e(oneLine(brief.stage.reason)));
	for (const section of sectionsOf(brief)) {
		out.push('', bold(`${section.title}:`));
		out.push(...section.lines.map((l) => (section.list ? `- ${e(oneLine(l))}` : e(oneLine(l)))));
	}
	out.push('', `Brief as of ${brief.asOfLocal}`);
	return out.join('\n');
}

/** Paragraphs and lists only: CRMs keep these tags in notes and drop styles. */
function crmHtml(brief: SalesBrief): string {
	const h = (s: string) => escapeHtml(oneLine(s));
	const out: string[] = [`<p><strong>Lead hand-off: ${h(headline(brief))}</strong></p>`];
	const who = whoLine(brief);
	out.push(`<p>${[...(who ? [h(who)] : []), h(scoreLine(brief)), h(brief.stage.reason)].join('<br>')}</p>`);
	for (const section of sectionsOf(brief)) {
		out.push(`<p><strong>${h(section.title)}:</strong></p>`);
		out.push(section.list ? `<ul>${section.lines.map((l) => `<li>${h(l)}</li>`).join('')}</ul>` : `<p>${section.lines.map(h).join('<br>')}</p>`);
	}
	out.push(`<p>Brief as of ${h(brief.asOfLocal)}</p>`);
	return out.join('\n');
}
