/** A note for the CRM record: Markdown (escaped, so lead data cannot format or link) or plain text. */
import type { SalesBrief } from '../brief';
import type { Template } from '../template';
import { escapeMarkdown, headline, noEscape, oneLine, scoreLine, sectionsOf, whoLine } from './text';

export function renderCrmNote(brief: SalesBrief, format: 'markdown' | 'text', template?: Template): string {
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
