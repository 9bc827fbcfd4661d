/** Weights back to points, and the words for every change: exact texts on known evidence. */
import assert from 'node:assert/strict';

import type { Candidate } from '../../../nodes/engine/lab/features';
import { draftTable, type Evidence } from '../../../nodes/engine/lab/table';
import { normalizeProtocol } from '../../../nodes/engine/scoring';

const current = normalizeProtocol({
	fit: [{ label: 'Target industry', field: 'industry', operator: 'oneOf', value: ['Software'], points: 10 }],
	engagement: [
		{ label: 'Webinar attendance', activity: ['webinar_attended'], points: 15 },
		{ label: 'Email open', activity: ['email_open'], points: 1, cap: { points: 5, windowDays: 30 } },
		{ label: 'Demo request', activity: ['demo_request'], points: 40 },
	],
	negative: [{ label: 'Unsubscribed', field: 'unsubscribed', operator: 'isTrue', points: -25 }],
});
const source = { field: 'source', kind: 'category' as const, label: 'Lead Source' };
const candidates: Candidate[] = [
	{ kind: 'current', group: 'fit', index: 0, id: 'c0', nonNegative: false },
	{ kind: 'current', group: 'negative', index: 0, id: 'c1', nonNegative: false },
	{ kind: 'current', group: 'engagement', index: 0, id: 'c2', nonNegative: false },
	{ kind: 'current', group: 'engagement', index: 1, id: 'c3', nonNegative: true },
	{ kind: 'current', group: 'engagement', index: 2, id: 'c4', nonNegative: false },
	{ kind: 'level', spec: source, key: 'reference', value: 'Reference', mergeable: true, id: 'l0' },
	{ kind: 'level', spec: source, key: 'partner', value: 'Partner', mergeable: true, id: 'l1' },
	{ kind: 'level', spec: source, key: 'ads', value: 'Ads', mergeable: true, id: 'l2' },
	{ kind: 'missing', spec: { field: 'country', kind: 'category' }, id: 'm0' },
	{ kind: 'above', spec: { field: 'minutes', kind: 'number', label: 'Minutes on site' }, threshold: 15, id: 'a0' },
];
const e = (leads: number, rate: number): Evidence => ({ leads, conversions: Math.round(leads * rate), rate, lift: rate / 0.2 });
const evidence = [e(900, 0.22), e(300, 0.1), e(412, 0.42), e(2000, 0.2), e(0, 0), e(150, 0.5), e(120, 0.5), e(80, 0.1), e(200, 0.12), e(500, 0.3)];
const scale = 10 / Math.LN2;
// Log-odds per unit: industry nothing; unsubscribed -1; webinar +1.73 (25 points); opens +0.35 (5 points each).
const weights = [0, -1, 25 / scale, 5 / scale, 0, 20 / scale, 20 / scale, -8 / scale, 0.02, 6 / scale];
const draft = draftTable(weights, scale, { current, candidates, evidence, baseRate: 0.2, trainingLeads: 5000 });

describe('drafting the learned table', () => {
	it('says what changed, with the evidence, in the words of the table', () => {
		assert.deepEqual(
			draft.changes.map((c) => c.text),
			[
				'Drop: Target industry (no effect on the odds once the other rules are counted; alone, matching leads converted at 1.1x the base rate, n = 900)',
				'Unsubscribed: -25 → -14 (cuts the odds of converting to 0.38x once the other rules are counted; alone, matching leads converted at 0.5x the base rate, n = 300)',
				'Webinar attendance: +15 → +25 (raises the odds of converting 5.7x per activity once the other rules are counted; alone, matching leads converted at 2.1x the base rate, n = 412)',
				'Email open: +1 → +5 (raises the odds of converting 1.4x per activity once the other rules are counted; alone, matching leads converted at 1.0x the base rate, n = 2,000)',
				'Keep: Demo request +40 (never matched in the 5,000 closed leads: no evidence either way)',
				'New rule: Minutes on site over 15 +6 (raises the odds of converting 1.5x once the other rules are counted; alone, matching leads converted at 1.5x the base rate, n = 500)',
				'New rule: Lead Source = Reference or Partner +20 (raises the odds of converting 4.0x once the other rules are counted; alone, matching leads converted at 2.5x the base rate, n = 270)',
				'New rule: Lead Source = Ads -8 (cuts the odds of converting to 0.57x once the other rules are counted; alone, matching leads converted at 0.5x the base rate, n = 80)',
			],
		);
	});

	it('keeps a rule never seen, merges levels with the same points, scales a cap with the points', () => {
		assert.equal(draft.ruleCount, 7);
		assert.deepEqual(
			draft.engagement.map((r) => [r.label, r.points, r.cap]),
			[
				['Webinar attendance', 25, undefined],
				// Five opens counted before (5 points at 1 each), five now.
				['Email open', 5, { points: 25, windowDays: 30 }],
				['Demo request', 40, undefined],
			],
		);
		const reference = draft.fit.find((r) => r.label === 'Lead Source = Reference or Partner')!;
		assert.deepEqual([reference.field, reference.operator, reference.value, reference.points], ['source', 'oneOf', ['Reference', 'Partner'], 20]);
		assert.deepEqual(
			draft.negative.map((r) => r.label),
			['Unsubscribed', 'Lead Source = Ads'],
		);
		// 0.02 log-odds rounds to no points: no rule for "country not given".
		assert.ok(![...draft.fit, ...draft.negative].some((r) => r.field === 'country'));
		assert.doesNotThrow(() => normalizeProtocol({ fit: draft.fit, negative: draft.negative, engagement: draft.engagement }));
	});

	it('keeps the multiplier the points encode beside the evidence, and the same words in a new rule\'s why', () => {
		const detail = (rule: string) => draft.changes.find((c) => c.rule === rule)!.evidence!;
		// 10 points double the odds: +25 is 2^2.5, -8 is 2^-0.8; a dropped rule leaves the odds alone.
		assert.equal(detail('Webinar attendance').oddsMultiplier, Math.exp(25 / scale));
		assert.ok(Math.abs(detail('Webinar attendance').oddsMultiplier! - 2 ** 2.5) < 1e-9);
		assert.ok(Math.abs(detail('Lead Source = Ads').oddsMultiplier! - 2 ** -0.8) < 1e-9);
		assert.equal(detail('Target industry').oddsMultiplier, 1);
		assert.equal(detail('Demo request').oddsMultiplier, undefined, 'never matched: no effect to state');
		const ads = draft.negative.find((r) => r.label === 'Lead Source = Ads')!;
		assert.equal(ads.why, 'Learned from 5,000 closed leads: cuts the odds of converting to 0.57x once the other rules are counted; alone, matching leads converted at 0.5x the base rate, n = 80');
	});

	it('names the other rules when the leads alone converted the other way from the points', () => {
		// 20 leads: the first 10 open emails (+5 each), 6 of them unsubscribed (-14); none of them
		// attended a webinar (+25, leads 12-17) or came from Reference (+20, leads 10-11).
		const rows = (...list: number[]) => ({ rows: Int32Array.from(list), values: Float64Array.from(list, () => 1) });
		const columns = candidates.map(() => rows());
		columns[1] = rows(0, 1, 2, 3, 4, 5);
		columns[2] = rows(12, 13, 14, 15, 16, 17);
		columns[3] = rows(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		columns[5] = rows(10, 11);
		columns[7] = rows(19);
		columns[9] = rows(18);
		const low = [...evidence];
		low[3] = e(2000, 0.14); // email openers alone: 0.7x the base rate
		const d = draftTable(weights, scale, { current, candidates, evidence: low, baseRate: 0.2, trainingLeads: 5000, design: { rowCount: 20, columns } });
		const open = d.changes.find((c) => c.rule === 'Email open')!;
		assert.equal(
			open.text,
			'Email open: +1 → +5 (raises the odds of converting 1.4x per activity once the other rules are counted; alone, matching leads converted at 0.7x the base rate, n = 2,000; ' +
				'other rules explain their low rate: they less often match Webinar attendance (+25), more often match Unsubscribed (-14) and less often match Lead Source = Reference or Partner (+20))',
		);
		// Average points on the openers less on all leads: 25 x (0 - 0.3), -14 x (0.6 - 0.3), 20 x (0 - 0.1).
		assert.deepEqual(open.evidence!.explainedBy, [
			{ rule: 'Webinar attendance', points: 25, shift: -7.5 },
			{ rule: 'Unsubscribed', points: -14, shift: -4.2 },
			{ rule: 'Lead Source = Reference or Partner', points: 20, shift: -2 },
		]);
		// Where the leads went the points' way, nothing to explain.
		assert.ok(d.changes.every((c) => c === open || c.evidence?.explainedBy === undefined));
	});

	it('says a dropped rule that lifts alone has no effect once the other rules are counted', () => {
		const lifted = [...evidence];
		lifted[0] = e(900, 0.3);
		const d = draftTable(weights, scale, { current, candidates, evidence: lifted, baseRate: 0.2, trainingLeads: 5000 });
		assert.equal(d.changes[0].text, 'Drop: Target industry (no effect on the odds once the other rules are counted; alone, matching leads converted at 1.5x the base rate, n = 900)');
	});
});
