/**
 * A champion/challenger experiment on real leads, and the report's arm comparison: the X Education
 * data set in ../shared/data (9,240 leads with outcomes). The champion is the guide's table mapped
 * onto the data set; the challenger is the table the scoring lab learns from the older 70 % of the
 * leads. The newer 30 % run through the experiment: each lead's arm comes from the experiment name
 * and its lead number (30 % challenger), it is scored by its arm's table and handed off at that
 * table's MQL threshold; a converted lead counts as won, the others as lost (the data set says
 * nothing of acceptance or meetings, so only the win rate tells the arms apart).
 *
 *   node --import tsx scripts/experiment-report.ts
 */
import { armOf } from '../nodes/engine/experiment';
import { compareArms } from '../nodes/engine/feedback/report/experiments';
import { labMarkdown } from '../nodes/engine/feedback/report/labSections';
import type { ReportRow } from '../nodes/engine/feedback/report';
import { learnTable } from '../nodes/engine/lab';
import { compileScorer } from '../nodes/engine/scoring';
import { AS_OF, ATTRIBUTES, CURRENT_TABLE, DATA, hasData, outcomeRows } from '../test/engine/lab/xEducation';

if (!hasData()) {
	console.log(`No data set at ${DATA} (it sits in shared/data beside the project).`);
	process.exit(0);
}
const EXPERIMENT = 'learned-vs-guide';
const SHARE = 0.3;
const rows = outcomeRows().sort((a, b) => (a.at as number) - (b.at as number));
const cut = Math.round(rows.length * 0.7);
const learned = learnTable(rows.slice(0, cut), { current: CURRENT_TABLE, asOf: AS_OF, attributes: ATTRIBUTES, seed: 1 });
const champion = compileScorer(CURRENT_TABLE);
const challenger = compileScorer(learned.table);
const mql = (table: { protocol: { thresholds: Array<{ name: string; score: number }> } }) => table.protocol.thresholds.find((t) => t.name === 'MQL')?.score ?? 50;

const reportRows: ReportRow[] = [];
const dealt = { champion: 0, challenger: 0 };
rows.slice(cut).forEach((row, i) => {
	const key = `lead-${i + cut}`;
	const arm = armOf(EXPERIMENT, key, SHARE);
	dealt[arm]++;
	const scorer = arm === 'challenger' ? challenger : champion;
	const at = row.at as number;
	const score = scorer.score(row.lead, at, 'UTC').total;
	if (score < mql(scorer)) return;
	const stage = row.converted ? 'won' : 'lost';
	reportRows.push({ handedOffAt: at, score, stage, reached: { accepted: at + 3_600_000, [stage]: at + 7 * 86_400_000 }, modelId: scorer.modelId });
});
console.log(`${rows.length - cut} newer leads dealt: ${dealt.champion} champion, ${dealt.challenger} challenger (${((100 * dealt.challenger) / (rows.length - cut)).toFixed(1)} %).`);
console.log(`Champion ${champion.modelId} hands off at ${mql(champion)}, challenger ${challenger.modelId} (${learned.ruleCount} rules) at ${mql(challenger)}.`);
const comparisons = compareArms(reportRows, [{ name: EXPERIMENT, championModelId: champion.modelId, challengerModelId: challenger.modelId, sharePercent: SHARE * 100 }]);
console.log(labMarkdown(comparisons, []));
