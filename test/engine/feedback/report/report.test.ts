/** The report's figures, each on rows whose answer is worked out by hand, and its invariants for any rows. */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { ProtocolError } from '../../../../nodes/engine/common/errors';
import { bandLabels, bandOf, buildReport, DIMENSIONS, FUNNEL, reportRow, type GroupFigures, type ReportRow } from '../../../../nodes/engine/feedback/report';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

function row(partial: Partial<ReportRow> = {}): ReportRow {
	return { handedOffAt: T0, stage: 'handedOff', reached: {}, ...partial };
}

const group = (figures: GroupFigures[], name: string) => {
	const g = figures.find((f) => f.group === name);
	assert.ok(g, `no group ${name} in ${figures.map((f) => f.group).join(', ')}`);
	return g;
};

describe('score bands', () => {
	it('are named from their lower bounds, and a score falls in the band whose bound it reaches', () => {
		assert.deepEqual(bandLabels([40, 60, 80]), ['< 40', '40-59', '60-79', '80+']);
		assert.deepEqual(bandLabels([50, 51]), ['< 50', '50', '51+']);
		assert.equal(bandOf(39.9, [40, 60, 80]), 0);
		assert.equal(bandOf(40, [40, 60, 80]), 1);
		assert.equal(bandOf(79, [40, 60, 80]), 2);
		assert.equal(bandOf(80, [40, 60, 80]), 3);
		assert.equal(bandOf(-5, [40, 60, 80]), 0);
	});

	it('are listed in band order, rows without a score last', () => {
		const report = buildReport([row({ score: 90 }), row({ score: 10 }), row(), row({ score: 65 }), row({ score: 10 })]);
		assert.deepEqual(
			report.breakdowns.scoreBand.map((g) => [g.group, g.handoffs]),
			[
				['< 40', 2],
				['60-79', 1],
				['80+', 1],
				['(no score)', 1],
			],
		);
	});

	it('refuse bounds that are not ascending whole numbers, naming the place', () => {
		assert.throws(() => buildReport([], { bands: [40, 40] }), (e: Error) => e instanceof ProtocolError && e.message.startsWith('/bands/1: bands must ascend'));
		assert.throws(() => buildReport([], { bands: [40.5] }), /\/bands\/0: a band's lower bound must be a whole number/);
		assert.throws(() => buildReport([], { minCount: 0 }), /\/minCount/);
		assert.throws(() => buildReport([], { ratio: 1 }), /\/ratio/);
		assert.throws(() => buildReport([], { from: T0, to: T0 }), /\/to: the period must end after it starts/);
	});
});

describe('figures', () => {
	const rows: ReportRow[] = [
		// Won: accepted, touched after 30 business / 45 clock minutes within a 60 minute SLA, won after 10 days for 1,000 EUR.
		row({ source: 'Organic', rep: 'Ana', slaMinutes: 60, slaBasis: 'business', firstTouchBusinessMinutes: 30, firstTouchClockMinutes: 45, metSla: true, stage: 'won', reached: { accepted: T0 + MIN, won: T0 + 10 * DAY }, wonAmount: 1000, currency: 'EUR' }),
		// Won without any earlier stage recorded: it still counts as accepted, contacted, met and an opportunity.
		row({ source: 'Organic', rep: 'Ana', slaMinutes: 60, slaBasis: 'business', metSla: false, stage: 'won', reached: { won: T0 + 20 * DAY }, wonAmount: 3000, currency: 'EUR' }),
		// Lost after a meeting: the clock minutes come from the first contact time.
		row({ source: 'Paid', rep: 'Ben', slaMinutes: 60, slaBasis: 'business', firstTouchBusinessMinutes: 300, metSla: false, stage: 'lost', reached: { contacted: T0 + 400 * MIN, meeting: T0 + 2 * DAY, lost: T0 + 30 * DAY }, lostReason: 'price' }),
		// Rejected as not qualified, never accepted.
		row({ source: 'Paid', rep: 'Ben', slaMinutes: 240, slaBasis: 'clock', stage: 'rejected', reached: { rejected: T0 + 5 * MIN }, rejectionReason: 'not qualified' }),
		// Rejected after an acceptance: it was accepted.
		row({ source: 'Paid', rep: 'Ben', stage: 'rejected', reached: { accepted: T0 + MIN, rejected: T0 + DAY }, rejectionReason: 'not qualified' }),
		// Rejected for bad data, with no reason given on another.
		row({ source: 'Paid', stage: 'rejected', reached: {}, rejectionReason: 'bad data' }),
		row({ source: 'Paid', stage: 'rejected', reached: {} }),
		// Nothing heard.
		row({ source: 'Organic' }),
	];
	const report = buildReport(rows);
	const t = report.total;

	it('counts hand-offs, and those with nothing heard', () => {
		assert.equal(t.handoffs, 8);
		assert.equal(t.pending, 1);
	});

	it('acceptance: accepted, or further along, or lost; a rejection after an acceptance was accepted', () => {
		assert.deepEqual([t.acceptance.count, t.acceptance.of], [4, 8]);
		assert.equal(t.acceptance.rate, 0.5);
		assert.deepEqual([t.rejection.count, t.rejection.of], [4, 8]);
	});

	it('funnel: each stage counts the leads that reached it or a later one, and never grows down the funnel', () => {
		assert.deepEqual(t.funnel, { handedOff: 8, accepted: 4, contacted: 3, meeting: 3, opportunity: 2, won: 2 });
		assert.deepEqual([t.meeting.count, t.opportunity.count, t.win.count], [3, 2, 2]);
	});

	it('close rate: won out of won and lost', () => {
		assert.deepEqual([t.close.count, t.close.of], [2, 3]);
	});

	it('speed to contact: business minutes as given; clock minutes as given or from the first contact time', () => {
		assert.deepEqual([t.speedBusiness.n, t.speedBusiness.median], [2, 165]);
		assert.deepEqual([t.speedClock.n, t.speedClock.median], [2, 222.5]);
		// p90 of [45, 400] by interpolation: 45 + 0.9 * 355.
		assert.equal(t.speedClock.p90, 364.5);
	});

	it('SLA met: out of the hand-offs whose SLA is decided', () => {
		assert.deepEqual([t.slaMet.count, t.slaMet.of], [1, 3]);
	});

	it('cycle length in days from hand-off to won; revenue over all hand-offs', () => {
		assert.deepEqual([t.cycleDays.n, t.cycleDays.median], [2, 15]);
		assert.equal(t.revenue, 4000);
		assert.equal(t.revenuePerLead, 500);
		assert.equal(t.currency, 'EUR');
	});

	it('rejection and lost reasons, most frequent first', () => {
		assert.deepEqual(t.rejectionReasons, [
			{ reason: 'not qualified', count: 2 },
			{ reason: 'bad data', count: 1 },
			{ reason: 'no reason given', count: 1 },
		]);
		assert.deepEqual(t.lostReasons, [{ reason: 'price', count: 1 }]);
	});

	it('per group, the same figures over its rows; groups by hand-offs, most first; no value last', () => {
		assert.deepEqual(
			report.breakdowns.source.map((g) => g.group),
			['Paid', 'Organic'],
		);
		const organic = group(report.breakdowns.source, 'Organic');
		assert.deepEqual([organic.handoffs, organic.win.count, organic.revenue, organic.revenuePerLead], [3, 2, 4000, 4000 / 3]);
		assert.deepEqual(
			report.breakdowns.rep.map((g) => [g.group, g.handoffs]),
			[
				['Ben', 3],
				['Ana', 2],
				['(none)', 3],
			],
		);
	});

	it("a group's SLA is the one most of its hand-offs had", () => {
		assert.deepEqual(group(report.breakdowns.rep, 'Ben').sla, { minutes: 60, basis: 'business' });
		const ben = report.speedBySla.filter((s) => s.group === 'Ben');
		// Speed against an SLA counts the first touches in the SLA's basis; the 4-hour lead was never touched.
		assert.deepEqual(
			ben.map((s) => [s.slaMinutes, s.basis, s.speed.n, s.speed.median]),
			[[60, 'business', 1, 300]],
		);
	});

	it('won amounts in different currencies are marked mixed', () => {
		const mixed = buildReport([row({ stage: 'won', wonAmount: 1, currency: 'EUR' }), row({ stage: 'won', wonAmount: 1, currency: 'USD' })]);
		assert.equal(mixed.total.currency, 'mixed');
	});

	it('keeps the hand-offs of the period: from inclusive, to exclusive', () => {
		const r = buildReport([row({ handedOffAt: T0 - 1 }), row({ handedOffAt: T0 }), row({ handedOffAt: T0 + DAY - 1 }), row({ handedOffAt: T0 + DAY })], { from: T0, to: T0 + DAY });
		assert.equal(r.total.handoffs, 2);
	});

	it('an empty period has no rates rather than zero ones', () => {
		const r = buildReport([]);
		assert.equal(r.total.handoffs, 0);
		assert.equal(r.total.win.rate, undefined);
		assert.equal(r.total.revenuePerLead, undefined);
		assert.deepEqual(r.breakdowns.source, []);
	});
});

describe('report rows from JSON', () => {
	it('reads times as ISO or epoch, stages in any case, numbers as text', () => {
		const r = reportRow({ handedOffAt: '2026-11-02T09:00:00Z', score: '72', stage: 'Meeting', reached: { Accepted: 1793610000, meeting: '2026-11-03T10:00:00Z' }, metSla: 'true', slaMinutes: 60, slaBasis: 'clock' });
		assert.equal(r.handedOffAt, T0);
		assert.equal(r.score, 72);
		assert.equal(r.stage, 'meeting');
		assert.equal(r.reached.accepted, 1793610000_000);
		assert.equal(r.reached.meeting, Date.parse('2026-11-03T10:00:00Z'));
		assert.equal(r.metSla, true);
	});

	it('names the field at fault and what it must be', () => {
		assert.throws(() => reportRow({}), /Field "handedOffAt": expected an ISO 8601 date-time/);
		assert.throws(() => reportRow({ handedOffAt: T0, stage: 'closed' }), /Field "stage": expected one of handedOff, accepted/);
		assert.throws(() => reportRow({ handedOffAt: T0, score: 'high' }), /Field "score": expected a number, got a text of 4 characters/);
		assert.throws(() => reportRow({ handedOffAt: T0, reached: { signed: T0 } }), /Field "reached.signed": expected a stage/);
		assert.throws(() => reportRow({ handedOffAt: T0, firstTouchClockMinutes: -3 }), /Field "firstTouchClockMinutes": expected minutes \(0 or more\)/);
		assert.throws(() => reportRow({ handedOffAt: T0, slaBasis: 'weekdays' }), /Field "slaBasis": expected "business", or "clock"/);
		assert.throws(() => reportRow({ handedOffAt: T0, metSla: 'maybe' }), /Field "metSla": expected true or false/);
	});
});

const STAGES = ['handedOff', 'accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected'] as const;
const rowArb: fc.Arbitrary<ReportRow> = fc
	.record({
		offset: fc.integer({ min: 0, max: 60 * DAY }),
		score: fc.option(fc.integer({ min: -20, max: 130 }), { nil: undefined }),
		grade: fc.option(fc.constantFrom('A', 'B', 'C'), { nil: undefined }),
		tier: fc.constantFrom('Hot', 'Warm', 'MQL'),
		source: fc.option(fc.constantFrom('Organic', 'Paid', 'Referral'), { nil: undefined }),
		campaign: fc.option(fc.constantFrom('Q3', 'Q4'), { nil: undefined }),
		rep: fc.option(fc.constantFrom('Ana', 'Ben', 'Mei'), { nil: undefined }),
		team: fc.constantFrom('EMEA', 'US'),
		stage: fc.constantFrom(...STAGES),
		reached: fc.subarray(['accepted', 'contacted', 'meeting', 'opportunity', 'won'] as const),
		touch: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
		metSla: fc.option(fc.boolean(), { nil: undefined }),
		amount: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
		reason: fc.option(fc.constantFrom('not qualified', 'no budget'), { nil: undefined }),
	})
	.map((r) => ({
		handedOffAt: T0 + r.offset,
		score: r.score,
		grade: r.grade,
		tier: r.tier,
		source: r.source,
		campaign: r.campaign,
		rep: r.rep,
		team: r.team,
		slaMinutes: 60,
		slaBasis: 'business' as const,
		firstTouchBusinessMinutes: r.touch,
		metSla: r.metSla,
		stage: r.stage,
		reached: Object.fromEntries(r.reached.map((s, i) => [s, T0 + r.offset + (i + 1) * DAY])),
		wonAmount: r.stage === 'won' ? r.amount : undefined,
		rejectionReason: r.stage === 'rejected' ? r.reason : undefined,
	}));

describe('for any rows', () => {
	const COUNTS: Array<(g: GroupFigures) => number> = [
		(g) => g.handoffs,
		(g) => g.pending,
		(g) => g.acceptance.count,
		(g) => g.rejection.count,
		(g) => g.slaMet.count,
		(g) => g.slaMet.of,
		(g) => g.win.count,
		(g) => g.close.of,
		(g) => g.speedBusiness.n,
		(g) => g.cycleDays.n,
		(g) => g.revenue,
		...FUNNEL.map((s) => (g: GroupFigures) => g.funnel[s]),
	];

	it('the counts over the groups of every breakdown add up to the total', () => {
		fc.assert(
			fc.property(fc.array(rowArb, { maxLength: 120 }), (rows) => {
				const report = buildReport(rows);
				for (const dimension of DIMENSIONS) {
					for (const count of COUNTS) {
						const sum = report.breakdowns[dimension].reduce((s, g) => s + count(g), 0);
						assert.equal(sum, count(report.total), `${dimension}: ${count.toString()}`);
					}
				}
			}),
		);
	});

	it('the funnel never grows from one stage to the next, and every rate lies in its interval', () => {
		fc.assert(
			fc.property(fc.array(rowArb, { maxLength: 120 }), (rows) => {
				const report = buildReport(rows);
				for (const g of [report.total, ...DIMENSIONS.flatMap((d) => report.breakdowns[d])]) {
					for (let i = 1; i < FUNNEL.length; i++) assert.ok(g.funnel[FUNNEL[i]] <= g.funnel[FUNNEL[i - 1]]);
					for (const r of [g.acceptance, g.win, g.meeting, g.opportunity, g.slaMet, g.close]) {
						if (r.of === 0) continue;
						assert.ok(r.low! <= r.rate! + 1e-12 && r.rate! <= r.high! + 1e-12);
					}
				}
			}),
		);
	});

	it('the order of the rows changes nothing', () => {
		fc.assert(
			fc.property(
				fc.array(rowArb, { maxLength: 60 }).chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }))),
				([rows, shuffled]) => {
					assert.deepEqual(buildReport(shuffled), buildReport(rows));
				},
			),
		);
	});
});
