/**
 * Threshold What-If: hand-offs per week, team and rep load against capacity, conversions and
 * precision per threshold; the recommendation fills the team without overflowing it.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { candidateThresholds, thresholdWhatIf, whatIfMarkdown, type WhatIfLead } from '../../../nodes/engine/lab';
import { LeadDataError, ProtocolError } from '../../../nodes/engine/common/errors';

const WEEK = 7 * 86_400_000;
const T0 = Date.UTC(2026, 0, 5);

/** 10 weeks; each week 10 leads at each score 10, 20, ..., 100; a lead at score s converts in s/10 of every 10. */
function history(): WhatIfLead[] {
	const leads: WhatIfLead[] = [];
	for (let w = 0; w < 10; w++) {
		for (let s = 10; s <= 100; s += 10) {
			// The last lead closes the tenth week, so the history spans 10 weeks exactly.
			for (let k = 0; k < 10; k++) leads.push({ score: s, converted: k < s / 10, at: w === 9 && s === 100 && k === 9 ? T0 + 10 * WEEK : T0 + w * WEEK + k * 3_600_000 });
		}
	}
	return leads;
}

const roster = [
	{ id: 'ana', name: 'Ana Silva', perWeek: 20 },
	{ id: 'ben', name: 'Ben Okafor', perDay: 4 },
	{ id: 'cy', name: 'Cy Tran', perWeek: 50, active: false },
];

describe('Threshold What-If', () => {
	const leads = history();

	it('counts hand-offs and conversions per week for each threshold, and the load against capacity', () => {
		const report = thresholdWhatIf(leads, { current: 90, roster, candidates: [50, 70, 90] });
		assert.equal(report.weeks, 10);
		assert.equal(report.capacityPerWeek, 40, 'Ana 20 a week, Ben 4 a day for 5 days; Cy is inactive');
		const at70 = report.rows.find((r) => r.threshold === 70)!;
		// Scores 70, 80, 90, 100: 40 leads a week, 7 + 8 + 9 + 10 converting of each 40.
		assert.equal(at70.handoffsPerWeek, 40);
		assert.equal(at70.conversionsPerWeek, 34);
		assert.equal(at70.precision, 34 / 40);
		assert.equal(at70.recall, 340 / 550);
		assert.equal(at70.utilization, 1);
		assert.deepEqual(at70.reps.map((r) => [r.id, r.loadPerWeek, r.utilization]), [['ana', 20, 1], ['ben', 20, 1]]);
		assert.equal(report.rows.find((r) => r.threshold === 50)!.overflows, true);
	});

	it('recommends the lowest threshold the team can take, and says what moving there gains', () => {
		const report = thresholdWhatIf(leads, { current: 90, roster, candidates: [50, 60, 70, 80, 90] });
		assert.equal(report.recommended.threshold, 70);
		assert.equal(
			report.verdict,
			"Lower the threshold from 90 to 70: the current 90 leaves capacity unused (20 hand-offs a week, 50 % of the team's 40); at 70, 40 hand-offs a week, 100 % of the team's 40. That is 20 more hand-offs and 15 more conversions a week, precision 85 % instead of 95 %.",
		);
	});

	it('raises an overflowing threshold, saying what it costs', () => {
		const report = thresholdWhatIf(leads, { current: 50, roster, candidates: [50, 60, 70, 80] });
		assert.equal(report.recommended.threshold, 70);
		assert.match(report.verdict, /^Raise the threshold from 50 to 70: the current 50 overflows the team \(60 hand-offs a week, 150 % of the team's 40\); .* That is 20 fewer hand-offs and 11 fewer conversions a week, precision 85 % instead of 75 %\.$/);
	});

	it('says when no threshold fits, and keeps the highest', () => {
		const report = thresholdWhatIf(leads, { current: 50, roster: [{ id: 'solo', perWeek: 5 }], candidates: [50, 90] });
		assert.equal(report.recommended.threshold, 90);
		assert.match(report.notes.join(' '), /over the team's capacity of 5: the team needs more capacity/);
	});

	it('leaves out thresholds below the scores the history knows (hand-offs only)', () => {
		const report = thresholdWhatIf(leads.filter((l) => l.score >= 60), { current: 60, roster, knownFrom: 60, candidates: [40, 50, 60, 70] });
		assert.deepEqual(report.rows.map((r) => r.threshold), [60, 70]);
		assert.match(report.notes[0], /Thresholds below 60 are left out/);
	});

	it('names the rep without a capacity and the lead with a bad score', () => {
		assert.throws(() => thresholdWhatIf(leads, { current: 50, roster: [{ id: 'ana', perWeek: 10 }, { id: 'ben' }] }), (e: unknown) => e instanceof ProtocolError && /\/roster\/1\/capacity/.test(e.message) && /rep "ben" needs a capacity/.test(e.message));
		const bad = [...leads.slice(0, 5), { score: 'high' as unknown as number, converted: true, at: T0 }];
		assert.throws(() => thresholdWhatIf(bad, { current: 50, roster }), (e: unknown) => e instanceof LeadDataError && e.field === 'leads[5].score');
	});

	it('writes the table in Markdown with the current and recommended rows marked', () => {
		const md = whatIfMarkdown(thresholdWhatIf(leads, { current: 90, roster, candidates: [70, 90] }));
		assert.match(md, /\| 70 \| 40 \| 100 % \| 34 \| 85 % \| 62 % \| recommended \|/);
		assert.match(md, /\| 90 \| 20 \| 50 % \| 19 \| 95 % \| 35 % \| current \|/);
		assert.match(md, /\| Ana Silva \| 20 \| 20 \| 100 % \|/);
	});

	it('picks readable candidates across the scores seen, the current one among them', () => {
		const c = candidateThresholds(leads.map((l) => l.score), 65);
		assert.ok(c.includes(65) && c.includes(10) && c.includes(100));
		assert.ok(c.length <= 25);
	});

	it('for any history and roster: more hand-offs at lower thresholds, and the recommendation is the lowest that fits', () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ score: fc.integer({ min: -20, max: 150 }), converted: fc.boolean(), at: fc.integer({ min: T0, max: T0 + 20 * WEEK }) }), { minLength: 1, maxLength: 300 }),
				fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 }),
				fc.integer({ min: -20, max: 150 }),
				(history, capacities, current) => {
					const report = thresholdWhatIf(history, { current, roster: capacities.map((perWeek, i) => ({ id: `r${i}`, perWeek })) });
					for (let k = 1; k < report.rows.length; k++) {
						assert.ok(report.rows[k].handoffs <= report.rows[k - 1].handoffs);
						assert.ok(report.rows[k].conversions <= report.rows[k - 1].conversions);
					}
					const index = report.rows.indexOf(report.recommended);
					if (!report.recommended.overflows) assert.ok(index === 0 || report.rows[index - 1].overflows);
					else assert.ok(report.rows.every((r) => r.overflows));
				},
			),
			{ numRuns: 200 },
		);
	});
});
