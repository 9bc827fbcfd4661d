/**
 * The lab's findings for people: the proposal's changes, the holdout figures of the current
 * table and the proposal side by side, drift and whether to publish, as Markdown.
 */
import type { Band } from './metrics';
import type { LabReport, Proposal, Validation } from './lab';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');
const count = (n: number) => n.toLocaleString('en-US');

/** "below 12", "12 to 30", "30 and up". */
export function bandRange(band: Pick<Band, 'from' | 'to'>): string {
	if (band.from === -Infinity && band.to === Infinity) return 'all scores';
	if (band.from === -Infinity) return `below ${band.to}`;
	if (band.to === Infinity) return `${band.from} and up`;
	return `${band.from} to under ${band.to}`;
}

function validationMarkdown(title: string, v: Validation): string[] {
	const lines = [
		`### ${title}`,
		'',
		`${count(v.leads)} leads, ${count(v.conversions)} converted.`,
		'',
		'| | Current table | Proposal |',
		'| --- | ---: | ---: |',
		`| AUC | ${v.current.auc.toFixed(3)} | ${v.proposal.auc.toFixed(3)} |`,
		`| Conversions in the top 30 % | ${pct(v.current.top30)} | ${pct(v.proposal.top30)} |`,
		`| Worst band: observed vs predicted | ${pct(v.current.worstBandGap)} | ${pct(v.proposal.worstBandGap)} |`,
		'',
		`${v.verdict}.`,
		'',
	];
	for (const [name, bands] of [['Proposal', v.proposal.bands], ['Current table', v.current.bands]] as const) {
		lines.push(`${name} by score band:`, '', '| Score | Leads | Observed | Predicted |', '| --- | ---: | ---: | ---: |');
		for (const b of bands) lines.push(`| ${bandRange(b)} | ${count(b.leads)} | ${pct(b.observed)} | ${pct(b.predicted)} |`);
		lines.push('');
	}
	return lines;
}

/**
 * How much of the rule budget goes to current rules kept only because no lead ever matched
 * them ("13 of the 25 rules allowed are kept ..."), or '' when none are.
 */
export function keptWithoutEvidence(p: Pick<Proposal, 'keptWithoutEvidence' | 'maxRules' | 'trainedOn'>): string {
	const k = p.keptWithoutEvidence;
	if (!k) return '';
	return `${k} of the ${p.maxRules} rules allowed ${k === 1 ? 'is' : 'are'} kept from the current table without evidence (never matched in the ${count(p.trainedOn.leads)} closed leads), leaving ${Math.max(0, p.maxRules - k)} for learned rules.`;
}

export function labMarkdown(report: LabReport, title = 'Scoring lab: proposed point table'): string {
	const p = report.proposal;
	const lines = [
		`# ${title}`,
		'',
		`**${report.offer.better ? 'Recommended for publishing' : 'Not recommended for publishing'}.**`,
		'',
		...report.offer.reasons.map((r) => `- ${r}`),
		'',
		`Model \`${p.modelId}\`: ${p.ruleCount} rules, ${p.pointsToDoubleOdds} points double the odds of converting, learned on ${count(p.trainedOn.leads)} closed leads (${pct(p.trainedOn.baseRate)} converted).${keptWithoutEvidence(p) ? ` ${keptWithoutEvidence(p)}` : ''}`,
		'',
		'## Changes',
		'',
		...p.changes.map((c) => `- ${c.text}`),
		'',
		'## On leads the learner never saw',
		'',
		...validationMarkdown('Random holdout', report.random),
	];
	if (report.timeOrdered) {
		const { validation, drift } = report.timeOrdered;
		lines.push(...validationMarkdown('Most recent leads (learned on the earlier ones)', validation));
		lines.push('## Drift', '');
		lines.push(
			`Base rate ${pct(drift.before.baseRate)} in the earlier ${count(drift.before.leads)} leads, ${pct(drift.recent.baseRate)} in the recent ${count(drift.recent.leads)}.`,
			'',
		);
		if (drift.warnings.length) lines.push(...drift.warnings.map((w) => `- ${w}`), '');
		else lines.push('No field moved far (PSI under the warning level).', '');
		const moved = drift.fields.filter((f) => f.level !== 'stable').slice(0, 8);
		if (moved.length) {
			lines.push('| Field | PSI | Shift | Largest move |', '| --- | ---: | --- | --- |');
			for (const f of moved) lines.push(`| ${f.label} | ${f.psi.toFixed(3)} | ${f.level} | ${f.largestMove} |`);
			lines.push('');
		}
	}
	lines.push('## The table', '', "Paste it into Lead Score's Rules (JSON), or publish it:", '', '```json', JSON.stringify(p.table, null, 2), '```', '');
	return lines.join('\n');
}
