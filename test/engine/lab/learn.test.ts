/**
 * Learning a point table from generated closed leads whose truth is known (synthetic.ts):
 * Reference and Partner sources, directors, webinars, the pricing page and long visits help;
 * students, Ads and unsubscribing hurt; email opens and the country list do nothing.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { inferAttributes, learnTable, learnWithModel, readRows, runLab, type OutcomeRow } from '../../../nodes/engine/lab';
import { LeadDataError } from '../../../nodes/engine/common/errors';
import { compileScorer, normalizeProtocol } from '../../../nodes/engine/scoring';
import { START, SYNTHETIC_TABLE, syntheticRows } from './synthetic';

const rows = syntheticRows(8000);
const options = { current: SYNTHETIC_TABLE, asOf: START };

describe('learning a point table', () => {
	const proposal = learnTable(rows, options);
	const text = (start: string) => proposal.changes.find((c) => c.text.startsWith(start))?.text;

	it('gives a table Lead Score reads (its schema and checks), within the rule budget', () => {
		assert.doesNotThrow(() => normalizeProtocol(proposal.table));
		// Pasted as JSON into Lead Score, it is the same model.
		assert.equal(compileScorer(JSON.parse(JSON.stringify(proposal.table))).modelId, proposal.modelId);
		const rules = proposal.table.fit!.length + proposal.table.negative!.length + proposal.table.engagement!.length;
		assert.equal(rules, proposal.ruleCount);
		assert.ok(rules <= 25);
		for (const rule of [...proposal.table.fit!, ...proposal.table.negative!, ...proposal.table.engagement!]) {
			assert.ok(Number.isInteger(rule.points), `${rule.label}: ${rule.points} is a whole number`);
		}
		assert.ok(proposal.table.fit!.every((r) => r.points > 0) && proposal.table.negative!.every((r) => r.points < 0));
	});

	it('keeps to a smaller budget when asked', () => {
		const small = learnTable(rows, { ...options, maxRules: 8 });
		assert.ok(small.ruleCount <= 8, `${small.ruleCount} rules`);
		assert.doesNotThrow(() => normalizeProtocol(small.table));
	});

	it('explains each change in words with its evidence', () => {
		assert.match(
			text('Webinar attendance:') ?? text('Keep: Webinar attendance') ?? '',
			/^(Keep: )?Webinar attendance: ?\+15( → \+\d+)? \(raises the odds of converting \d+\.\dx per activity once the other rules are counted; alone, matching leads converted at \d\.\dx the base rate, n = [\d,]+\)$/,
		);
		assert.match(text('New rule: source = Reference') ?? '', /^New rule: source = Reference \+\d+ \(raises the odds of converting \d+\.\dx once the other rules are counted; alone, matching leads converted at 1\.[5-9]x the base rate, n = [\d,]+\)$/);
		assert.match(text('Drop: Email open') ?? '', /^Drop: Email open \(no lift: matching leads converted at 1\.0x the base rate, n = [\d,]+\)$/);
		assert.match(text('Drop: Target country') ?? '', /^Drop: Target country \(no lift/);
		// Never seen in the history: no evidence to change it.
		assert.equal(text('Keep: Competitor domain'), 'Keep: Competitor domain -50 (never matched in the 8,000 closed leads: no evidence either way)');
		// Such rules take part of the budget, and the proposal says how much.
		const unseen = proposal.changes.filter((c) => /never matched/.test(c.text)).length;
		assert.ok(unseen > 0);
		assert.equal(proposal.keptWithoutEvidence, unseen);
		assert.equal(proposal.maxRules, 25);
		assert.match(text('Caps removed') ?? '', /^Caps removed \(total 100\)/);
		assert.match(text('MQL threshold') ?? '', /^MQL threshold: 50 → -?\d+ \(the same predicted conversion, \d+%\)$/);
		assert.match(text('Grade limits') ?? '', /review them, the points are on a new scale$/);
	});

	it('points the way the truth does: helpful attributes up, harmful ones down', () => {
		const points = (label: string) => [...proposal.table.fit!, ...proposal.table.negative!].find((r) => r.label === label)?.points;
		assert.ok(points('source = Reference')! > 0);
		assert.ok((points('role = Student') ?? 0) < 0);
		assert.ok((points('source = Ads') ?? 0) < 0);
		const reference = points('source = Reference')!;
		const partner = [...proposal.table.fit!].find((r) => /Partner/.test(r.label ?? ''))?.points ?? 0;
		assert.ok(reference > partner, 'Reference (stronger in truth) outweighs Partner');
	});

	it('finds the fields to learn from when none are named: categories, numbers, never ids or excluded fields', () => {
		const withIds = rows.slice(0, 2000).map((r, i) => ({ ...r, lead: { ...r.lead, id: `lead-${i}`, email: `p${i}@example.com` } }));
		const specs = inferAttributes(readRows(withIds, 'UTC'), 'activities', ['country']);
		assert.deepEqual(
			specs.map((s) => `${s.field}:${s.kind}`).sort(),
			['minutesOnSite:number', 'role:category', 'source:category', 'unsubscribed:category'],
		);
		const learned = learnTable(withIds, { ...options, exclude: ['source'] });
		const learnedRules = [...learned.table.fit!, ...learned.table.negative!].filter((r) => r.label !== 'Competitor domain');
		assert.ok(learnedRules.length > 3);
		assert.ok(!learnedRules.some((r) => ['source', 'id', 'email'].includes(r.field)), learnedRules.map((r) => r.label).join(', '));
	});

	it('learns the same table from the same rows', () => {
		assert.equal(learnTable(rows, options).modelId, proposal.modelId);
	});

	it('ranks the training leads in Lead Score the way the model did (up to ties from rounding)', () => {
		const { proposal: learned, model } = learnWithModel(rows.slice(0, 3000), options);
		const scorer = compileScorer(learned.table);
		const scores = model.rows.map((row) => scorer.score(row.lead, row.at ?? START, 'UTC').total);
		// Lead Score rounds each decayed activity to hundredths of a point.
		const slack = (i: number) => model.roundingBound[i] + (0.01 * 20) / model.pointsPerLogit;
		let compared = 0;
		fc.assert(
			fc.property(fc.nat(model.rows.length - 1), fc.nat(model.rows.length - 1), (i, k) => {
				const gap = model.logits[i] - model.logits[k];
				if (Math.abs(gap) <= slack(i) + slack(k)) return;
				compared++;
				assert.equal(Math.sign(scores[i] - scores[k]), Math.sign(gap), `leads ${i} and ${k}: model gap ${gap}, scores ${scores[i]} and ${scores[k]}`);
			}),
			{ numRuns: 2000 },
		);
		// Most pairs are apart by more than rounding can move them: the check is not vacuous.
		assert.ok(compared > 1000, `${compared} of 2000 pairs compared`);
	});

	it('names the row and the field of bad history', () => {
		const bad = [...rows.slice(0, 50)];
		bad[3] = { ...bad[3], converted: 'yes' as unknown as boolean };
		assert.throws(() => learnTable(bad, options), (e: unknown) => e instanceof LeadDataError && /rows\[3\]\.converted/.test(e.message) && /true or false/.test(e.message));
		const badNumber = rows.slice(0, 50).map((r, i) => (i === 7 ? { ...r, lead: { ...r.lead, minutesOnSite: 'a while' } } : r));
		assert.throws(
			() => learnTable(badNumber, { ...options, attributes: [{ field: 'minutesOnSite', kind: 'number' }] }),
			(e: unknown) => e instanceof LeadDataError && /rows\[7\]\.lead\.minutesOnSite/.test(e.message),
		);
		const oneOutcome: OutcomeRow[] = rows.slice(0, 50).map((r) => ({ ...r, converted: false }));
		assert.throws(() => learnTable(oneOutcome, options), /both converted and not converted leads/);
	});
});

describe('the whole lab on generated history', () => {
	const report = runLab(rows, { ...options, resamples: 200 });

	it('validates on a random holdout and on the most recent leads, side by side with the current table', () => {
		for (const validation of [report.random, report.timeOrdered!.validation]) {
			assert.equal(validation.leads, 2400);
			assert.ok(validation.proposal.auc > validation.current.auc);
			assert.ok(validation.better, validation.verdict);
			assert.ok(validation.proposal.top30 > validation.current.top30);
			assert.ok(validation.proposal.bands.length >= 3);
			assert.ok(validation.proposal.worstBandGap < 0.08, `worst band off by ${validation.proposal.worstBandGap}`);
			assert.match(validation.verdict, /^Better: AUC 0\.\d{3} against 0\.\d{3} \(gain \+0\.\d{3}, 95% interval \+0\.\d{3} to \+0\.\d{3}\) on 2,400 leads it never saw$/);
		}
	});

	it('offers the proposal when it is better on both holdouts and the market has not moved', () => {
		assert.deepEqual(report.timeOrdered!.drift.warnings, []);
		assert.equal(report.offer.better, true, report.offer.reasons.join('\n'));
	});

	it('does not offer a table that is no better than the current one', () => {
		// Outcomes that nothing predicts: no table can be shown to be better.
		const noise = syntheticRows(3000, { seed: 4 }).map((r, i) => ({ ...r, converted: ((i * 7919) % 13) < 5 }));
		const lab = runLab(noise, { ...options, resamples: 200 });
		assert.equal(lab.random.better, false);
		assert.equal(lab.offer.better, false);
		assert.match(lab.random.verdict, /^Not shown to be better/);
	});

	it('says why there is no time-ordered check when rows carry no time', () => {
		const timeless = rows.slice(0, 2000).map(({ at: _at, ...r }) => r);
		const lab = runLab(timeless, { ...options, resamples: 100 });
		assert.equal(lab.timeOrdered, undefined);
		assert.match(lab.offer.reasons.join(' '), /No time-ordered check: not every row has a time/);
	});
});
