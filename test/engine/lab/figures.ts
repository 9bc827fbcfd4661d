/**
 * Prints the lab's figures on the real leads in ../shared/data: the proposal with its changes,
 * and the holdout figures of the current table and the proposal side by side.
 *
 *   node --import tsx test/engine/lab/figures.ts
 */
import { keptWithoutEvidence, type LabReport, type Validation } from '../../../nodes/engine/lab';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const range = (from: number, to: number) => (from === -Infinity ? `below ${to}` : to === Infinity ? `${from} and up` : `${from} to ${to}`);

export function formatValidation(v: Validation): string {
	const lines = [
		`                     current   proposal   (${v.leads.toLocaleString('en-US')} leads, ${v.conversions.toLocaleString('en-US')} converted)`,
		`AUC                  ${v.current.auc.toFixed(3)}     ${v.proposal.auc.toFixed(3)}`,
		`top 30 % holds       ${pct(v.current.top30).padEnd(9)} ${pct(v.proposal.top30)}   of the conversions`,
		`worst band gap       ${pct(v.current.worstBandGap).padEnd(9)} ${pct(v.proposal.worstBandGap)}`,
		v.verdict,
		'Score bands (proposal): observed / predicted conversion',
		...v.proposal.bands.map((b) => `  ${range(b.from, b.to).padEnd(14)} ${String(b.leads).padStart(5)} leads  ${pct(b.observed).padStart(6)} / ${pct(b.predicted).padStart(6)}`),
		'Score bands (current table): observed / predicted conversion',
		...v.current.bands.map((b) => `  ${range(b.from, b.to).padEnd(14)} ${String(b.leads).padStart(5)} leads  ${pct(b.observed).padStart(6)} / ${pct(b.predicted).padStart(6)}`),
	];
	return lines.join('\n');
}

export function formatReport(report: LabReport): string {
	const p = report.proposal;
	return [
		`Proposal ${p.modelId}: ${p.ruleCount} rules, ${p.pointsToDoubleOdds} points double the odds, learned on ${p.trainedOn.leads.toLocaleString('en-US')} leads`,
		...(p.keptWithoutEvidence ? [`  ${keptWithoutEvidence(p)}`] : []),
		...p.changes.map((c) => `  ${c.text}`),
		'',
		'Random 30 % holdout',
		formatValidation(report.random),
		...(report.timeOrdered
			? ['', 'Most recent 30 % (learned on the earlier leads)', formatValidation(report.timeOrdered.validation), '', 'Drift (largest PSI first)', ...report.timeOrdered.drift.fields.slice(0, 6).map((f) => `  ${f.label.padEnd(48)} PSI ${f.psi.toFixed(3)}  ${f.level}  (${f.largestMove})`)]
			: []),
		'',
		`Offer as better: ${report.offer.better ? 'yes' : 'no'}`,
		...report.offer.reasons.map((r) => `  ${r}`),
	].join('\n');
}

if (require.main === module) {
	// Loaded here so that the test importing formatValidation does not read the data twice.
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { runLab } = require('../../../nodes/engine/lab') as typeof import('../../../nodes/engine/lab');
	const x = require('./xEducation') as typeof import('./xEducation');
	/* eslint-enable @typescript-eslint/no-require-imports */
	if (!x.hasData()) {
		console.log(`No data set at ${x.DATA}`);
		process.exit(0);
	}
	const started = process.hrtime.bigint();
	const report = runLab(x.outcomeRows(), { current: x.CURRENT_TABLE, asOf: x.AS_OF, attributes: x.ATTRIBUTES, seed: 1 });
	console.log(formatReport(report));
	console.log(`\n(${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
	console.log('\nProposed table (JSON for Lead Score):');
	console.log(JSON.stringify(report.proposal.table, null, 2));
}
