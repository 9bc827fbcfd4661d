/**
 * The Lead Quality Report's champion/challenger comparison and the change log's expected-against-
 * actual figures: the statistics against reference values, the false-alarm rate and power of the
 * test by simulation, arms found by model id (and by the row's own arm), and the impact of each
 * logged version measured on its own hand-offs.
 */
import assert from 'node:assert/strict';

import { seededRandom } from '../../../nodes/engine/lab/random';
import { changeImpacts, type LoggedChange } from '../../../nodes/engine/feedback/report/changes';
import { compareArms, normalCdf, requiredPerArm, twoProportionP } from '../../../nodes/engine/feedback/report/experiments';
import { labHtml, labMarkdown } from '../../../nodes/engine/feedback/report/labSections';
import { reportRow, type ReportRow } from '../../../nodes/engine/feedback/report';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A hand-off that reached `stage` (won leads passed every stage before). */
function row(modelId: string, at: number, stage: ReportRow['stage'], score?: number): ReportRow {
	const order = ['accepted', 'contacted', 'meeting', 'opportunity', 'won'] as const;
	const reached: ReportRow['reached'] = {};
	const depth = stage === 'lost' ? 1 : order.indexOf(stage as (typeof order)[number]) + 1;
	order.slice(0, Math.max(0, depth)).forEach((s, i) => (reached[s] = at + (i + 1) * HOUR));
	if (stage === 'lost') reached.lost = at + 5 * DAY;
	if (stage === 'rejected') reached.rejected = at + HOUR;
	return { handedOffAt: at, stage, reached, modelId, ...(score === undefined ? {} : { score }) };
}

/** `n` hand-offs of a model, `won` of them won, the rest accepted then lost. */
const arm = (modelId: string, n: number, won: number, start = T0) => Array.from({ length: n }, (_, i) => row(modelId, start + i * HOUR, i < won ? 'won' : 'lost'));

describe('two-proportion statistics', () => {
	it('match reference values', () => {
		assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-6);
		assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
		// 6.0 % against 9.1 % of 1,000 each: z = 2.62, p = 0.0087.
		assert.ok(Math.abs(twoProportionP(60, 1000, 91, 1000) - 0.0087) < 1e-4);
		// 6 % against 9 % needs 1,209 per arm at 80 % power (Fleiss, no continuity correction); with a 10 % challenger 5,653 and 629.
		const even = requiredPerArm(0.06, 0.09, 1)!;
		assert.deepEqual([Math.ceil(even.champion), Math.ceil(even.challenger)], [1209, 1209]);
		const tenth = requiredPerArm(0.06, 0.09, 1 / 9)!;
		assert.deepEqual([Math.ceil(tenth.champion), Math.ceil(tenth.challenger)], [5653, 629]);
		assert.equal(requiredPerArm(0.06, 0.06, 1), undefined);
	});

	it('calls 5 % of equal arms significant, and finds 80 % of true differences at the size it says it needs', () => {
		const random = seededRandom(12);
		const draw = (n: number, p: number) => {
			let x = 0;
			for (let i = 0; i < n; i++) if (random() < p) x++;
			return x;
		};
		let falseAlarms = 0;
		for (let i = 0; i < 1000; i++) if (twoProportionP(draw(800, 0.1), 800, draw(200, 0.1), 200) < 0.05) falseAlarms++;
		assert.ok(falseAlarms / 1000 > 0.03 && falseAlarms / 1000 < 0.07, `false alarms ${falseAlarms} of 1000`);
		const need = requiredPerArm(0.1, 0.15, 0.25)!;
		const [n1, n2] = [Math.ceil(need.champion), Math.ceil(need.challenger)];
		let found = 0;
		for (let i = 0; i < 1000; i++) if (twoProportionP(draw(n1, 0.1), n1, draw(n2, 0.15), n2) < 0.05) found++;
		assert.ok(found / 1000 > 0.76 && found / 1000 < 0.84, `power ${found} of 1000 at ${n1} + ${n2}`);
	});
});

describe('arm comparison', () => {
	const experiment = { name: 'webinar-weight', championModelId: 'lsm_champ', challengerModelId: 'lsm_chall', sharePercent: 20, firstSeenAt: T0 };

	it('finds the arms by model id, leaves out the champion before the experiment, and says when a difference is significant', () => {
		const rows = [...arm('lsm_champ', 2000, 120), ...arm('lsm_chall', 500, 55), ...arm('lsm_champ', 300, 300, T0 - 30 * DAY), ...arm('lsm_other', 50, 50)];
		const [c] = compareArms(rows, [experiment]);
		assert.equal(c.experiment, 'webinar-weight');
		assert.deepEqual([c.champion.handoffs, c.challenger.handoffs], [2000, 500], 'the champion before the experiment and other models are left out');
		const win = c.metrics.find((m) => m.metric === 'win')!;
		assert.deepEqual([win.champion.rate, win.challenger.rate], [0.06, 0.11]);
		assert.equal(win.significant, true);
		assert.ok(win.low! > 0 && win.high! > win.difference! && win.difference! > win.low!, `interval ${win.low} to ${win.high}`);
		assert.match(win.text, /^Won: challenger 11\.0 % \(8\.5 %–14\.0 %\) against champion 6\.0 % \(5\.0 %–7\.1 %\), \+5\.0 points \(95 % interval \+2\.\d to \+8\.\d\): significant \(p < 0\.001\), the challenger higher\.$/);
		const acceptance = c.metrics.find((m) => m.metric === 'acceptance')!;
		assert.match(acceptance.text, /no difference so far/);
	});

	it('says how many more hand-offs a difference that is not significant yet needs', () => {
		const [c] = compareArms([...arm('lsm_champ', 400, 24), ...arm('lsm_chall', 100, 9)], [experiment]);
		const win = c.metrics.find((m) => m.metric === 'win')!;
		assert.equal(win.significant, false);
		// 6 % against 9 % with a 20 % challenger: 3,000 + 750 hand-offs for 80 % power (Fleiss), of which 400 + 100 are in.
		const need = requiredPerArm(0.06, 0.09, 0.25)!;
		assert.equal(win.moreHandoffs, Math.ceil(Math.max((need.champion - 400) / 0.8, (need.challenger - 100) / 0.2)));
		assert.ok(win.moreHandoffs! > 3000 && win.moreHandoffs! < 4000, String(win.moreHandoffs));
		assert.match(win.text, /not significant yet \(p = 0\.\d+\); about [\d,]+ more hand-offs with outcomes \([\d,]+ of them in the challenger arm\) would show a difference this size with 80 % power\.$/);
	});

	it('takes the arm a row names, and compares nothing while an arm has no hand-offs', () => {
		const tagged = [...arm('a', 30, 3), ...arm('b', 10, 2)].map((r) => ({ ...r, experiment: 'items', arm: r.modelId === 'a' ? ('champion' as const) : ('challenger' as const) }));
		const [c] = compareArms(tagged, []);
		assert.deepEqual([c.experiment, c.sharePercent, c.champion.handoffs, c.challenger.handoffs], ['items', 25, 30, 10]);
		assert.deepEqual(compareArms(arm('lsm_champ', 100, 5), [experiment]), []);
	});

	it('reads the experiment and arm of a row given as an item, and names a half-given pair', () => {
		const at = '2026-05-01T10:00:00Z';
		assert.deepEqual([reportRow({ handedOffAt: at, experiment: 'x', arm: 'Challenger' }).arm, reportRow({ handedOffAt: at }).arm], ['challenger', undefined]);
		assert.throws(() => reportRow({ handedOffAt: at, arm: 'challenger' }), /Field "experiment": expected both experiment and arm, or neither, got nothing/);
		assert.throws(() => reportRow({ handedOffAt: at, experiment: 'x', arm: 'b' }), /Field "arm": expected "champion" or "challenger", got a text of 1 character/);
	});

	it('renders the comparison with every value escaped', () => {
		const sneaky = { ...experiment, name: '<img src=x onerror=alert(1)>|*x*' };
		const comparisons = compareArms([...arm('lsm_champ', 200, 12), ...arm('lsm_chall', 50, 5)], [sneaky]);
		const html = labHtml(comparisons, []);
		assert.ok(!html.includes('<img'), html);
		assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
		assert.match(labMarkdown(comparisons, []), /## Experiment &lt;img|## Experiment \\<img src=x onerror=alert\(1\)\\>\\\|\\\*x\\\*/);
	});
});

describe('expected against actual impact', () => {
	const v1: LoggedChange = { modelId: 'lsm_v1', at: T0, rationale: 'First table', expected: { handoffsPerWeek: 100 } };
	const v2: LoggedChange = { modelId: 'lsm_v2', at: T0 + 14 * DAY, rationale: 'Webinar +15 → +25', expected: { auc: 0.8, handoffsPerWeek: 60, winRate: 0.1, pipelineValue: 1e6 }, previousModelId: 'lsm_v1', by: 'maria@acme.test' };

	it("measures each version on its own hand-offs, over the weeks it ran in the period", () => {
		// v1: 14 days, 2 hand-offs a day; v2: from day 14 to the period's end at day 28, 10 a day, scores separating won from lost.
		const rows: ReportRow[] = [];
		for (let d = 0; d < 14; d++) for (let h = 0; h < 2; h++) rows.push(row('lsm_v1', T0 + d * DAY + h * HOUR, 'lost', 40));
		for (let d = 14; d < 28; d++) {
			for (let h = 0; h < 10; h++) rows.push(row('lsm_v2', T0 + d * DAY + h * HOUR, h === 0 ? 'won' : h < 6 ? 'lost' : 'handedOff', h === 0 ? 90 : 30 + h));
		}
		const [a, b] = changeImpacts(rows, [v2, v1], { from: T0, to: T0 + 28 * DAY });
		assert.equal(a.change.modelId, 'lsm_v1', 'oldest first');
		assert.deepEqual(a.figures.map((f) => [f.metric, f.expected, f.actual]), [
			['handoffsPerWeek', 100, 14],
			['acceptanceRate', undefined, 1],
			['meetingRate', undefined, 0],
			['winRate', undefined, 0],
		]);
		const byMetric = Object.fromEntries(b.figures.map((f) => [f.metric, f]));
		assert.equal(b.handoffs, 140);
		assert.equal(byMetric.handoffsPerWeek.actual, 70);
		assert.equal(byMetric.winRate.actual, 14 / 140);
		assert.equal(byMetric.auc.actual, 1, 'every won lead scored above every lost one');
		assert.equal(byMetric.auc.n, 84, 'closed hand-offs only');
		assert.deepEqual([byMetric.pipelineValue.expected, byMetric.pipelineValue.actual], [1e6, undefined], 'a figure the report does not measure is listed as expected only');
		const md = labMarkdown([], [a, b]);
		assert.match(md, /\(lsm\\_v2\) \| 2026-05-15, maria@acme\.test \| Won \(conversion\) \| 10\.0 % \| 10\.0 % \(/);
	});
});
