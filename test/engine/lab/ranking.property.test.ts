/**
 * The learned table is the model: for any history (seed, size, rule budget, source mix), the
 * table fed back into Lead Score's scorer ranks the training leads the way the model did, up to
 * the ties that rounding weights to whole points can cause.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { learnWithModel } from '../../../nodes/engine/lab';
import { compileScorer } from '../../../nodes/engine/scoring';
import { SOURCES, START, SYNTHETIC_TABLE, syntheticRows } from './synthetic';

describe('the learned table ranks as the model does', () => {
	it('for any history: every pair of training leads the model tells apart by more than rounding is ordered the same by Lead Score', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 1_000_000 }),
				fc.integer({ min: 600, max: 1500 }),
				fc.integer({ min: 8, max: 25 }),
				fc.array(fc.integer({ min: 1, max: 5 }), { minLength: SOURCES.length, maxLength: SOURCES.length }),
				(seed, count, maxRules, sourceWeights) => {
					const rows = syntheticRows(count, { seed, sourceWeights });
					const { proposal, model } = learnWithModel(rows, { current: SYNTHETIC_TABLE, asOf: START, maxRules, seed });
					assert.ok(proposal.ruleCount <= maxRules);
					// The table as pasted into Lead Score: JSON and back.
					const scorer = compileScorer(JSON.parse(JSON.stringify(proposal.table)));
					const scores = model.rows.map((row) => scorer.score(row.lead, row.at ?? START, 'UTC').total);
					// Lead Score rounds each decayed activity to hundredths of a point (at most 20 activities a lead here).
					const slack = (i: number) => model.roundingBound[i] + (0.01 * 20) / model.pointsPerLogit;
					const n = model.rows.length;
					let compared = 0;
					for (let k = 0; k < 400; k++) {
						const i = (k * 7919 + seed) % n;
						const j = (k * 104_729 + 3 * seed + 1) % n;
						const gap = model.logits[i] - model.logits[j];
						if (Math.abs(gap) <= slack(i) + slack(j)) continue;
						compared++;
						assert.equal(Math.sign(scores[i] - scores[j]), Math.sign(gap), `seed ${seed}: leads ${i} and ${j}, model gap ${gap}, scores ${scores[i]} and ${scores[j]}`);
					}
					// Most pairs are further apart than rounding can move them: the check is not vacuous.
					assert.ok(compared > 100, `seed ${seed}: only ${compared} of 400 pairs compared`);
				},
			),
			{ numRuns: 12 },
		);
	});
});
