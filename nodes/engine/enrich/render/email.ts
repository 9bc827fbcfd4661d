/** Email: a subject, an HTML body in which every value is escaped, and a plain-text body. */
import type { SalesBrief } from '../brief';
import type { Template } from '../template';
import { escapeHtml, headline, noEscape, oneLine, scoreLine, sectionsOf, truncate, whoLine } from './text';

export interface EmailRendering {
	subject: string;
	html: string;
	text: string;
}

export interface EmailTemplates {
	subject?: Template;
	html?: Template;
	text?: Template;
}

const SUBJECT_MAX = 200;

export function renderEmail(brief: SalesBrief, templates: EmailTemplates = {}): EmailRendering {
	const defaultSubject = [
		brief.tier ? `[${brief.tier.toUpperCase()}]` : undefined,
		`New lead: ${headline(brief)}`,
		brief.score ? `— ${brief.score.grade}, score ${brief.score.total}` : undefined,
	]
		.filter(Boolean)
		.join(' ');
	const subject = truncate(oneLine(templates.subject ? templates.subject.render(brief, noEscape) : defaultSubject), SUBJECT_MAX);
	return {
		subject,
		html: templates.html ? templates.html.render(brief, escapeHtml) : defaultHtml(brief),
		text: templates.text ? templates.text.render(brief, noEscape) : defaultText(brief),
	};
}

function defaultHtml(brief: SalesBrief): string {
	const h = escapeHtml;
	const out: string[] = [
		'<!DOCTYPE html>',
		'<html><head><meta charset="utf-8"></head>',
		'<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2328;max-width:640px">',
		`<h1 style="font-size:20px;margin:0 0 4px">${h(headline(brief))}</h1>`,
	];
	const who = whoLine(brief);
	if (who) out.push(`<p style="margin:0;color:#57606a">${h(who)}</p>`);
	out.push(`<p style="margin:8px 0 0"><strong>${h(scoreLine(brief))}</strong><br>${h(brief.stage.reason)}</p>`);
	const contact = [brief.who.email, brief.who.phone].filter((c): c is string => !!c);
	if (contact.length) out.push(`<p style="margin:4px 0 0">${contact.map(h).join(' · ')}</p>`);
	for (const section of sectionsOf(brief)) {
		out.push(`<h2 style="font-size:15px;margin:16px 0 4px">${h(section.title)}</h2>`);
		if (section.list) out.push(`<ul style="margin:0;padding-left:20px">${section.lines.map((l) => `<li>${h(l)}</li>`).join('')}</ul>`);
		else out.push(section.lines.map((l) => `<p style="margin:0">${h(l)}</p>`).join(''));
	}
	if (brief.crmUrl) {
		out.push(`<p style="margin:16px 0"><a href="${h(brief.crmUrl)}" style="background:#1f6feb;color:#ffffff;padding:8px 14px;border-radius:6px;text-decoration:none">Open in CRM</a></p>`);
	}
	out.push(`<p style="color:#8c959f;font-size:12px">Brief as of ${h(brief.asOfLocal)}</p>`, '</body></html>', '');
	return out.join('\n');
}

function defaultText(brief: SalesBrief): string {
	const out: string[] = [headline(brief)];
	const who = whoLine(brief);
	if (who) out.push(who);
	out.push(scoreLine(brief), brief.stage.reason);
	const contact = [brief.who.email, brief.who.phone].filter(Boolean);
	if (contact.length) out.push(contact.join(' · '));
	for (const section of sectionsOf(brief)) {
		out.push('', `${section.title}:`);
		out.push(...section.lines.map((l) => (section.list ? `- ${oneLine(l)}` : l)));
	}
	if (brief.crmUrl) out.push('', `Open in CRM: ${brief.crmUrl}`);
	out.push('', `Brief as of ${brief.asOfLocal}`, '');
	return out.join('\n');
}
