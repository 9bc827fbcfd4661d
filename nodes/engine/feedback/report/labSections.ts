/**
 * The report's sections about scoring changes: champion/challenger arms compared, and each logged
 * scoring version's expected impact beside the actual one. Markdown and HTML from one table model,
 * every value from the data escaped, as in the rest of the summary.
 */
import { IMPACT_METRICS, type ChangeImpact, type ImpactFigure } from './changes';
import { ARM_METHOD, type ArmComparison } from './experiments';
import { percent } from './format';
import { escapeHtml, escapeMarkdown } from './summary';

interface Section {
	title: string;
	lines: string[];
	head: string[];
	rows: string[][];
	notes: string[];
}

const day = (ms: number | undefined) => (ms === undefined ? '–' : new Date(ms).toISOString().slice(0, 10));

function figure(f: ImpactFigure, value: number | undefined): string {
	if (value === undefined) return '–';
	const kind = (IMPACT_METRICS as Record<string, { kind: string }>)[f.metric]?.kind;
	if (kind === 'rate') return percent(value, 1);
	if (kind === 'ratio') return value.toFixed(3);
	if (kind === 'count') return value.toFixed(1);
	return String(value);
}

function actual(f: ImpactFigure): string {
	if (f.actual === undefined) return f.n === 0 ? 'no hand-offs yet' : '–';
	const interval = f.low !== undefined && f.high !== undefined ? ` (${percent(f.low, 1)}–${percent(f.high, 1)})` : '';
	return `${figure(f, f.actual)}${interval}${f.n !== undefined ? `, n = ${f.n}` : ''}`;
}

function experimentSections(comparisons: readonly ArmComparison[]): Section[] {
	return comparisons.map((c) => ({
		title: `Experiment ${c.experiment}: challenger on ${c.sharePercent} % of leads`,
		lines: [
			`Champion ${c.champion.modelId ?? '(model not recorded)'}: ${c.champion.handoffs} hand-offs. Challenger ${c.challenger.modelId ?? '(model not recorded)'}: ${c.challenger.handoffs} hand-offs.`,
		],
		head: ['Rate', 'Champion (95 %)', 'Challenger (95 %)', 'Difference (95 %)', 'Verdict'],
		rows: c.metrics.map((m) => [
			m.label,
			m.champion.rate === undefined ? '–' : `${percent(m.champion.rate, 1)} (${percent(m.champion.low, 1)}–${percent(m.champion.high, 1)})`,
			m.challenger.rate === undefined ? '–' : `${percent(m.challenger.rate, 1)} (${percent(m.challenger.low, 1)}–${percent(m.challenger.high, 1)})`,
			m.difference === undefined ? '–' : `${(m.difference * 100).toFixed(1)} pt (${(m.low! * 100).toFixed(1)} to ${(m.high! * 100).toFixed(1)})`,
			m.significant ? `significant (p ${m.pValue! < 0.001 ? '< 0.001' : `= ${m.pValue!.toFixed(3)}`})` : m.moreHandoffs !== undefined ? `not yet: ~${m.moreHandoffs.toLocaleString('en-US')} more hand-offs` : m.difference === undefined ? 'not enough data' : 'no difference so far',
		]),
		notes: c.metrics.map((m) => m.text),
	}));
}

function changeSection(impacts: readonly ChangeImpact[]): Section | undefined {
	if (impacts.length === 0) return undefined;
	const rows: string[][] = [];
	for (const i of impacts) {
		const who = `${day(i.change.at)}${i.change.by ? `, ${i.change.by}` : ''}`;
		const name = `${i.change.title ? `${i.change.title} ` : ''}(${i.change.modelId})`;
		if (i.figures.length === 0) rows.push([name, who, '–', '–', '–']);
		for (const f of i.figures) rows.push([name, who, f.label, figure(f, f.expected), actual(f)]);
	}
	return {
		title: 'Scoring changes: expected and actual impact',
		lines: impacts.map((i) => `${i.change.title ?? i.change.modelId}: ${i.change.rationale}`),
		head: ['Version', 'Published', 'Figure', 'Expected', 'Actual in this period'],
		rows,
		notes: ["Actual figures count the hand-offs scored by that version in this report's period, from its publish time."],
	};
}

function sections(comparisons: readonly ArmComparison[], impacts: readonly ChangeImpact[]): Section[] {
	const out = experimentSections(comparisons);
	const changes = changeSection(impacts);
	if (changes) out.push(changes);
	return out;
}

/** The sections in Markdown ('' when there is nothing to show). */
export function labMarkdown(comparisons: readonly ArmComparison[], impacts: readonly ChangeImpact[]): string {
	const parts: string[] = [];
	for (const s of sections(comparisons, impacts)) {
		parts.push('', `## ${escapeMarkdown(s.title)}`, '', ...s.lines.map(escapeMarkdown), '');
		parts.push(`| ${s.head.map(escapeMarkdown).join(' | ')} |`, `|${s.head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
		for (const r of s.rows) parts.push(`| ${r.map(escapeMarkdown).join(' | ')} |`);
		if (s.notes.length) parts.push('', ...s.notes.map((n) => `- ${escapeMarkdown(n)}`));
	}
	if (comparisons.length > 0) parts.push('', `_${escapeMarkdown(ARM_METHOD)}_`);
	return parts.length ? parts.join('\n') + '\n' : '';
}

const CELL = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:right"';
const FIRST = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:left"';

/** The sections in HTML ('' when there is nothing to show). */
export function labHtml(comparisons: readonly ArmComparison[], impacts: readonly ChangeImpact[]): string {
	const parts: string[] = [];
	for (const s of sections(comparisons, impacts)) {
		parts.push(`<h2 style="font-size:16px">${escapeHtml(s.title)}</h2>`, ...s.lines.map((l) => `<p>${escapeHtml(l)}</p>`), '<table style="border-collapse:collapse">');
		parts.push(`<tr>${s.head.map((h, i) => `<th ${i === 0 ? FIRST : CELL}>${escapeHtml(h)}</th>`).join('')}</tr>`);
		for (const r of s.rows) parts.push(`<tr>${r.map((c, i) => `<td ${i === 0 ? FIRST : CELL}>${escapeHtml(c)}</td>`).join('')}</tr>`);
		parts.push('</table>');
		if (s.notes.length) parts.push('<ul>', ...s.notes.map((n) => `<li>${escapeHtml(n)}</li>`), '</ul>');
	}
	if (comparisons.length > 0) parts.push(`<p style="color:#666;font-size:12px"><em>${escapeHtml(ARM_METHOD)}</em></p>`);
	return parts.length ? `<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">\n${parts.join('\n')}\n</div>\n` : '';
}
