/** Each finding rule: shown when its numbers carry it, in the words a review meeting reads, and not otherwise. */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { buildReport, findings, findingsRule, reportRow, wilson, type Finding, type ReportOptions, type ReportRow } from '../../../../nodes/engine/feedback/report';
import type { SlaBasis } from '../../../../nodes/engine/sla';

const T0 = Date.parse('2026-11-02T09:00:00Z');

function rows(count: number, partial: Partial<ReportRow>, won = 0): ReportRow[] {
	return Array.from({ length: count }, (_, i) => ({ handedOffAt: T0 + i, stage: i < won ? 'won' : 'contacted', reached: {}, ...partial }) as ReportRow).map((r, i) => (i < won ? { ...r, stage: 'won' as const } : r));
}

const of = (rule: Finding['rule'], list: Finding[]) => list.filter((f) => f.rule === rule);
const run = (data: ReportRow[], options?: ReportOptions) => findings(buildReport(data, options));

describe('score bands', () => {
	it('a higher band whose interval reaches down to the lower band\'s rate "converts no better"', () => {
		const found = of('scoreBandNoBetter', run([...rows(140, { score: 85 }, 17), ...rows(310, { score: 70 }, 34)]));
		assert.deepEqual(
			found.map((f) => f.text),
			['Leads scoring 80+ convert no better than 60-79 (12 % vs 11 %, n = 140 / 310)'],
		);
	});

	it('a higher band whose interval lies wholly below the lower band\'s "converts worse"', () => {
		const found = run([...rows(140, { score: 85 }, 3), ...rows(310, { score: 70 }, 60)]);
		assert.deepEqual(
			of('scoreBandWorse', found).map((f) => f.text),
			['Leads scoring 80+ convert worse than 60-79 (2 % vs 19 %, n = 140 / 310)'],
		);
		assert.equal(of('scoreBandNoBetter', found).length, 0);
	});

	it('says nothing when the higher band converts better beyond doubt', () => {
		const found = run([...rows(140, { score: 85 }, 50), ...rows(310, { score: 70 }, 34)]);
		assert.equal(found.filter((f) => f.dimension === 'scoreBand').length, 0);
	});

	it('says nothing below the minimum count, nor when nothing was won in either band', () => {
		assert.equal(of('scoreBandNoBetter', run([...rows(29, { score: 85 }, 3), ...rows(310, { score: 70 }, 34)])).length, 0);
		assert.equal(of('scoreBandNoBetter', run([...rows(29, { score: 85 }, 3), ...rows(310, { score: 70 }, 34)], { minCount: 29 })).length, 1);
		assert.equal(run([...rows(100, { score: 85 }), ...rows(100, { score: 70 })]).filter((f) => f.dimension === 'scoreBand').length, 0);
	});
});

describe('rejection reasons by source and campaign', () => {
	const rejected = (count: number, source: string, reason: string) => rows(count, { source, stage: 'rejected', rejectionReason: reason });

	it('a source rejected for a reason at the ratio times the average or more, with its interval above the average', () => {
		const data = [...rejected(24, 'Organic', 'not qualified'), ...rows(76, { source: 'Organic' }), ...rejected(16, 'Paid', 'not qualified'), ...rows(384, { source: 'Paid' })];
		assert.deepEqual(
			of('rejectionReason', run(data)).map((f) => f.text),
			['Organic leads are rejected as not qualified 3x more than average (24 % vs 8 %, n = 100)'],
		);
	});

	it('names a campaign as such', () => {
		const data = [...rows(24, { campaign: 'Spring Webinar', stage: 'rejected', rejectionReason: 'wrong timing' }), ...rows(76, { campaign: 'Spring Webinar' }), ...rows(400, { campaign: 'Always On' })];
		assert.match(of('rejectionReason', run(data))[0].text, /^Leads from the Spring Webinar campaign are rejected as wrong timing 5x more than average \(24 % vs 5 %, n = 100\)$/);
	});

	it('says nothing under the ratio, or when the interval does not clear the average', () => {
		// 1.5 times the average.
		const under = [...rejected(12, 'Organic', 'no budget'), ...rows(88, { source: 'Organic' }), ...rejected(28, 'Paid', 'no budget'), ...rows(372, { source: 'Paid' })];
		assert.equal(of('rejectionReason', run(under)).length, 0);
		// 3 of 30 (10 %) against 4 %: 2.5 times the average, but 3 of 30's interval reaches down to 3.5 %.
		const small = [...rejected(3, 'Organic', 'no budget'), ...rows(27, { source: 'Organic' }), ...rejected(37, 'Paid', 'no budget'), ...rows(933, { source: 'Paid' })];
		assert.ok(wilson(3, 30).low < 0.04);
		assert.equal(of('rejectionReason', run(small)).length, 0);
		// Ten times as many rejections of the same share clear it.
		const large = [...rejected(30, 'Organic', 'no budget'), ...rows(270, { source: 'Organic' }), ...rejected(10, 'Paid', 'no budget'), ...rows(690, { source: 'Paid' })];
		assert.equal(of('rejectionReason', run(large)).length, 1);
		assert.equal(of('rejectionReason', run(large, { ratio: 4 })).length, 0);
	});
});

describe('speed to first touch against the SLA', () => {
	const touched = (rep: string, minutes: number[], sla = 60) => minutes.map((m, i) => ({ handedOffAt: T0 + i, stage: 'contacted', reached: {}, rep, slaMinutes: sla, slaBasis: 'business', firstTouchBusinessMinutes: m }) as ReportRow);

	it("a rep's median over the SLA, its interval wholly above it", () => {
		const ben = touched('Ben Okafor', Array.from({ length: 40 }, (_, i) => 240 + i * 3)); // 240..357, median 298.5
		const found = of('slowFirstTouch', run([...ben, ...touched('Ana Silva', Array.from({ length: 40 }, () => 20))]));
		assert.deepEqual(
			found.map((f) => f.text),
			['Ben Okafor\'s median first touch is 5 h against a 1 h business SLA (n = 40; 95 % interval of the median 4.6 h to 5.4 h)'],
		);
		assert.equal(found[0].dimension, 'rep');
	});

	it('a team too; clock-time SLAs say so by saying nothing of business time', () => {
		const data = Array.from({ length: 30 }, (_, i) => ({ handedOffAt: T0 + i, stage: 'contacted', reached: {}, team: 'EMEA', slaMinutes: 240, slaBasis: 'clock', firstTouchClockMinutes: 600 }) as ReportRow);
		assert.deepEqual(
			of('slowFirstTouch', run(data)).map((f) => f.text),
			["Team EMEA's median first touch is 10 h against a 4 h SLA (n = 30; 95 % interval of the median 10 h to 10 h)"],
		);
	});

	// SLA timers name the clock "calendar"; read as business time, an overnight wait of 10 clock
	// hours would count as a few business minutes and hide a slow team.
	it('reads every SLA basis a timer can carry in its own minutes', () => {
		const TIMER_BASES: Record<SlaBasis, { touch: string; minutes: number }> = {
			business: { touch: 'firstTouchBusinessMinutes', minutes: 300 },
			calendar: { touch: 'firstTouchClockMinutes', minutes: 600 },
		};
		for (const [basis, { touch, minutes }] of Object.entries(TIMER_BASES)) {
			const data = Array.from({ length: 30 }, (_, i) =>
				reportRow({ handedOffAt: T0 + i, stage: 'contacted', team: 'EMEA', slaMinutes: 60, slaBasis: basis, firstTouchBusinessMinutes: 5, firstTouchClockMinutes: 5, [touch]: minutes }),
			);
			const [finding] = of('slowFirstTouch', run(data));
			assert.ok(finding, `a ${basis} SLA: no finding on a ${minutes} minute median first touch`);
			assert.match(finding.text, new RegExp(`median first touch is ${minutes / 60} h against a 1 h`), basis);
		}
	});

	it('says nothing when the interval of the median reaches the SLA, or below the minimum count', () => {
		const spread = touched('Ben Okafor', Array.from({ length: 40 }, (_, i) => (i < 18 ? 30 : 300)));
		assert.equal(of('slowFirstTouch', run(spread)).length, 0);
		assert.equal(of('slowFirstTouch', run(touched('Ben Okafor', Array.from({ length: 29 }, () => 300)))).length, 0);
	});
});

describe('above or below the overall rate', () => {
	it('a tier whose acceptance interval lies wholly below the overall rate', () => {
		const data = [...rows(100, { tier: 'MQL', stage: 'rejected' }).map((r, i) => (i < 40 ? { ...r, stage: 'accepted' as const } : r)), ...rows(300, { tier: 'Hot', stage: 'accepted' })];
		const found = run(data).filter((f) => f.metric === 'acceptance');
		assert.deepEqual(
			found.map((f) => [f.rule, f.text]),
			[
				['belowAverage', 'MQL leads are accepted 40 % of the time against 85 % overall (n = 100; below average)'],
				['aboveAverage', 'Hot leads are accepted 100 % of the time against 85 % overall (n = 300; above average)'],
			],
		);
	});

	it("a rep's SLA met rate, out of the hand-offs whose SLA is decided", () => {
		const data = [...rows(50, { rep: 'Ben Okafor', metSla: false }), ...rows(50, { rep: 'Ana Silva', metSla: true }), ...rows(50, { rep: 'Mei Chen', metSla: true })];
		const found = run(data).filter((f) => f.metric === 'slaMet');
		assert.deepEqual(
			found.map((f) => f.text),
			[
				"Ana Silva's leads get a first touch within the SLA 100 % of the time against 67 % overall (n = 50; above average)",
				"Ben Okafor's leads get a first touch within the SLA 0 % of the time against 67 % overall (n = 50; below average)",
				"Mei Chen's leads get a first touch within the SLA 100 % of the time against 67 % overall (n = 50; above average)",
			],
		);
	});

	it('says nothing when the interval holds the overall rate', () => {
		const data = [...rows(40, { source: 'A' }, 10), ...rows(40, { source: 'B' }, 14)];
		assert.equal(run(data).filter((f) => f.metric === 'win').length, 0);
	});
});

it('states its rule with the minimum count', () => {
	assert.match(findingsRule(25), /at least 25 hand-offs .* 95 % confidence interval .* Wilson score intervals for rates, a distribution-free interval for medians/);
});

describe('for any rows', () => {
	const rowArb = fc.record({
		score: fc.integer({ min: 0, max: 100 }),
		source: fc.constantFrom('Organic', 'Paid', 'Referral', 'Events'),
		rep: fc.constantFrom('Ana', 'Ben', 'Mei'),
		tier: fc.constantFrom('Hot', 'Warm'),
		stage: fc.constantFrom('handedOff', 'accepted', 'contacted', 'won', 'lost', 'rejected'),
		touch: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
		metSla: fc.option(fc.boolean(), { nil: undefined }),
		reason: fc.constantFrom('not qualified', 'no budget', 'bad data'),
	});
	const dataArb = fc.array(rowArb, { maxLength: 400 }).map((list) =>
		list.map(
			(r, i): ReportRow => ({
				handedOffAt: T0 + i,
				score: r.score,
				source: r.source,
				rep: r.rep,
				tier: r.tier,
				stage: r.stage as ReportRow['stage'],
				reached: {},
				slaMinutes: 60,
				slaBasis: 'business',
				firstTouchBusinessMinutes: r.touch,
				metSla: r.metSla,
				rejectionReason: r.stage === 'rejected' ? r.reason : undefined,
			}),
		),
	);

	it('a finding never names a group below the minimum count, and its interval supports it', () => {
		fc.assert(
			fc.property(dataArb, fc.integer({ min: 1, max: 60 }), (data, minCount) => {
				const report = buildReport(data, { minCount });
				for (const f of findings(report)) {
					for (const n of f.n) assert.ok(n >= minCount, `${f.text} below ${minCount}`);
					if (f.rule === 'belowAverage' || f.rule === 'aboveAverage') {
						const g = report.breakdowns[f.dimension].find((x) => x.group === f.group)!;
						const r = g[f.metric as 'acceptance' | 'win' | 'slaMet'];
						const overall = report.total[f.metric as 'acceptance' | 'win' | 'slaMet'].rate!;
						assert.ok(f.rule === 'belowAverage' ? r.high! < overall : r.low! > overall, f.text);
					}
					if (f.rule === 'slowFirstTouch') {
						const s = report.speedBySla.find((x) => x.dimension === f.dimension && x.group === f.group)!;
						assert.ok(s.speed.medianLow! > s.slaMinutes, f.text);
					}
				}
			}),
			{ numRuns: 60 },
		);
	});
});
