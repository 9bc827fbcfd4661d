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
				'Drop: Target industry (no lift: matching leads converted at 1.1x the base rate, n = 900)',
				'Unsubscribed: -25 → -14 (matching leads converted at 0.5x the base rate, n = 300)',
				'Webinar attendance: +15 → +25 (matching leads converted at 2.1x the base rate, n = 412)',
				'Email open: +1 → +5 (matching leads converted at 1.0x the base rate, n = 2,000)',
				'Keep: Demo request +40 (never matched in the 5,000 closed leads: no evidence either way)',
				'New rule: Minutes on site over 15 +6 (matching leads converted at 1.5x the base rate, n = 500)',
				'New rule: Lead Source = Reference or Partner +20 (matching leads converted at 2.5x the base rate, n = 270)',
				'New rule: Lead Source = Ads -8 (matching leads converted at 0.5x the base rate, n = 80)',
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

	it('says "once the other rules count" when a rule that lifts alone is dropped', () => {
		const lifted = [...evidence];
		lifted[0] = e(900, 0.3);
		const d = draftTable(weights, scale, { current, candidates, evidence: lifted, baseRate: 0.2, trainingLeads: 5000 });
		assert.equal(d.changes[0].text, 'Drop: Target industry (no lift once the other rules count: alone, matching leads converted at 1.5x the base rate, n = 900)');
	});
});
