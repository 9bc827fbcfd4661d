/**
 * The scoring lab's holdout figures on real leads: the X Education data set in ../shared/data
 * (9,240 leads with outcomes; the columns sales fills in after contact left out). Prints the
 * proposal and its changes, the current table and the proposal side by side on a random 30 %
 * holdout and on the most recent 30 %, drift, and a threshold what-if over the holdout scored by
 * the proposal.
 *
 *   node --import tsx scripts/lab-report.ts [--json]
 */
import { runLab, seededRandom, thresholdWhatIf, whatIfMarkdown } from '../nodes/engine/lab';
import { shuffledIndexes } from '../nodes/engine/lab/random';
import { compileScorer } from '../nodes/engine/scoring';
import { formatReport } from '../test/engine/lab/figures';
import { AS_OF, ATTRIBUTES, CURRENT_TABLE, DATA, hasData, outcomeRows } from '../test/engine/lab/xEducation';

if (!hasData()) {
	console.log(`No data set at ${DATA} (it sits in shared/data beside the project).`);
	process.exit(0);
}
const rows = outcomeRows();
const started = process.hrtime.bigint();
const report = runLab(rows, { current: CURRENT_TABLE, asOf: AS_OF, attributes: ATTRIBUTES, seed: 1 });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (process.argv.includes('--json')) {
	console.log(JSON.stringify(report.proposal.table, null, 2));
	process.exit(0);
}
console.log(formatReport(report));
console.log(`\n(the whole lab in ${seconds.toFixed(1)} s)`);

// The what-if: the random holdout's leads (the proposal never saw them) scored by the proposal.
// The data set has no dates, so the holdout is taken as 4 weeks of leads; the team is 5 reps of
// 60 hand-offs a week each, the current threshold the proposal's MQL threshold.
// The same seeded draw as the lab's random holdout.
const holdout = new Set(shuffledIndexes(rows.length, seededRandom(1)).slice(0, Math.round(rows.length * 0.3)));
const scorer = compileScorer(report.proposal.table);
const leads = rows.filter((_, i) => holdout.has(i)).map((r) => ({ score: scorer.score(r.lead, (r.at as number) ?? AS_OF, 'UTC').total, converted: r.converted }));
const mql = report.proposal.table.thresholds?.find((t) => t.name === 'MQL')?.score ?? 0;
const roster = ['Ana Silva', 'Ben Okafor', 'Chen Wei', 'Dara Nwosu', 'Eli Costa'].map((name, i) => ({ id: `rep-${i + 1}`, name, perWeek: 60 }));
console.log(`\n${whatIfMarkdown(thresholdWhatIf(leads, { current: mql, roster, weeks: 4 }), 'Threshold what-if on the random holdout (scored by the proposal, taken as 4 weeks)')}`);
