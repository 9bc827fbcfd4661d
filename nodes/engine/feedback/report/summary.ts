/**
 * The report as a summary to read: Markdown (Slack, email, a wiki) and HTML (email). Both come from
 * one table model, so they say the same; every value from the data is escaped.
 */
import { findingsRule, type Finding } from './findings';
import { days, duration, money, percent } from './format';
import { reasonsText } from './items';
import { DIMENSION_LABELS, DIMENSIONS, type Dimension, type GroupFigures, type Report } from './report';
import type { Rate } from './stats';

export interface SummaryOptions {
	title?: string;
	/** At most this many findings are listed (the rest are counted). */
	maxFindings?: number;
	/** Breakdowns to show, in order; all by default. */
	dimensions?: readonly Dimension[];
	/** At most this many groups per breakdown (the largest; bands and grades all). */
	maxGroups?: number;
}

interface Table {
	title: string;
	head: string[];
	rows: string[][];
	more: number;
}

const HEAD = [
	'',
	'Hand-offs',
	'Accepted',
	'First touch, median (p90), business',
	'Same, on the clock',
	'SLA met',
	'Meetings',
	'Opportunities',
	'Won (95 % interval)',
	'Cycle, median',
	'Revenue per lead',
	'Top rejection reasons',
];

const rate = (r: Rate) => (r.rate === undefined ? '–' : percent(r.rate));
const rateWithInterval = (r: Rate) => (r.rate === undefined ? '–' : `${percent(r.rate)} (${percent(r.low)}–${percent(r.high)})`);
const speed = (s: GroupFigures['speedClock']) => (s.n === 0 ? '–' : `${duration(s.median)} (${duration(s.p90)})`);

function row(g: GroupFigures): string[] {
	return [
		g.group,
		String(g.handoffs),
		rate(g.acceptance),
		speed(g.speedBusiness),
		speed(g.speedClock),
		rate(g.slaMet),
		rate(g.meeting),
		rate(g.opportunity),
		rateWithInterval(g.win),
		days(g.cycleDays.median),
		money(g.revenuePerLead, g.currency),
		reasonsText(g.rejectionReasons) || '–',
	];
}

function tables(report: Report, o: SummaryOptions): Table[] {
	const max = o.maxGroups ?? 15;
	return (o.dimensions ?? DIMENSIONS).map((dimension) => {
		const groups = report.breakdowns[dimension];
		const shown = dimension === 'scoreBand' || dimension === 'grade' ? groups : groups.slice(0, max);
		return { title: `By ${DIMENSION_LABELS[dimension].toLowerCase()}`, head: [DIMENSION_LABELS[dimension], ...HEAD.slice(1)], rows: shown.map(row), more: groups.length - shown.length };
	});
}

function period(report: Report): string {
	const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
	if (report.from !== undefined && report.to !== undefined) return `Hand-offs from ${day(report.from)} to ${day(report.to - 1)}`;
	if (report.from !== undefined) return `Hand-offs from ${day(report.from)}`;
	if (report.to !== undefined) return `Hand-offs before ${day(report.to)}`;
	return 'All hand-offs';
}

function headline(report: Report): string[] {
	const t = report.total;
	return [
		`${period(report)}: ${t.handoffs}, ${t.pending} with nothing heard from sales yet.`,
		`Leading: ${rate(t.acceptance)} accepted, first touch ${duration(t.speedBusiness.median ?? t.speedClock.median)} median` +
			`${t.speedBusiness.n > 0 ? ' (business time)' : ''}, SLA met ${rate(t.slaMet)}, meetings ${rate(t.meeting)}.`,
		`Lagging: opportunities ${rate(t.opportunity)}, won ${rateWithInterval(t.win)}, cycle ${days(t.cycleDays.median)}, revenue per lead ${money(t.revenuePerLead, t.currency)}.`,
	];
}

function listed(found: readonly Finding[], o: SummaryOptions): { shown: Finding[]; more: number } {
	const max = o.maxFindings ?? 10;
	return { shown: found.slice(0, max), more: Math.max(0, found.length - max) };
}

export function escapeMarkdown(text: string): string {
	return text.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]|<>#])/g, '\\$1');
}

export function reportMarkdown(report: Report, found: readonly Finding[], o: SummaryOptions = {}): string {
	const lines = [`# ${escapeMarkdown(o.title ?? 'Lead Quality Report')}`, '', ...headline(report).map((l) => escapeMarkdown(l)), '', '## Findings', ''];
	const { shown, more } = listed(found, o);
	if (shown.length === 0) lines.push('No finding is carried by the numbers of this period.');
	for (const f of shown) lines.push(`- ${escapeMarkdown(f.text)}`);
	if (more > 0) lines.push(`- and ${more} more`);
	lines.push('', `_${escapeMarkdown(findingsRule(report.options.minCount))}_`);
	for (const t of tables(report, o)) {
		lines.push('', `## ${escapeMarkdown(t.title)}`, '', `| ${t.head.map(escapeMarkdown).join(' | ')} |`, `|${t.head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
		for (const r of t.rows) lines.push(`| ${r.map(escapeMarkdown).join(' | ')} |`);
		if (t.more > 0) lines.push('', `${t.more} smaller groups not shown.`);
	}
	lines.push('', 'Leading indicators (accepted, first touch, SLA met, meetings) move within days; lagging ones (opportunities, won, cycle, revenue) follow weeks later.');
	return lines.join('\n') + '\n';
}

export function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CELL = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:right"';
const FIRST = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:left"';

export function reportHtml(report: Report, found: readonly Finding[], o: SummaryOptions = {}): string {
	const parts = [
		'<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">',
		`<h1 style="font-size:20px">${escapeHtml(o.title ?? 'Lead Quality Report')}</h1>`,
		...headline(report).map((l) => `<p>${escapeHtml(l)}</p>`),
		'<h2 style="font-size:16px">Findings</h2>',
	];
	const { shown, more } = listed(found, o);
	if (shown.length === 0) parts.push('<p>No finding is carried by the numbers of this period.</p>');
	else parts.push('<ul>', ...shown.map((f) => `<li>${escapeHtml(f.text)}</li>`), ...(more > 0 ? [`<li>and ${more} more</li>`] : []), '</ul>');
	parts.push(`<p style="color:#666;font-size:12px"><em>${escapeHtml(findingsRule(report.options.minCount))}</em></p>`);
	for (const t of tables(report, o)) {
		parts.push(`<h2 style="font-size:16px">${escapeHtml(t.title)}</h2>`, '<table style="border-collapse:collapse">');
		parts.push(`<tr>${t.head.map((h, i) => `<th ${i === 0 ? FIRST : CELL}>${escapeHtml(h)}</th>`).join('')}</tr>`);
		for (const r of t.rows) parts.push(`<tr>${r.map((c, i) => `<td ${i === 0 ? FIRST : CELL}>${escapeHtml(c)}</td>`).join('')}</tr>`);
		parts.push('</table>');
		if (t.more > 0) parts.push(`<p>${t.more} smaller groups not shown.</p>`);
	}
	parts.push('<p style="color:#666;font-size:12px">Leading indicators (accepted, first touch, SLA met, meetings) move within days; lagging ones (opportunities, won, cycle, revenue) follow weeks later.</p>', '</div>');
	return parts.join('\n') + '\n';
}
