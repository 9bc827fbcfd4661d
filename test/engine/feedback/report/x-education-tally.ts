/**
 * The X Education leads' figures computed from the CSV alone, without the report's code: counts
 * and rates per group (hand-offs, won, rejected, not qualified, accepted, nothing heard) and the
 * textbook Wilson interval; `check` compares a breakdown of the report with them.
 */
import assert from 'node:assert/strict';

import type { GroupFigures } from '../../../../nodes/engine/feedback/report';
import { BAD_DATA, NOT_QUALIFIED, type Csv } from './x-education';

export interface Tally {
	n: number;
	won: number;
	rejected: number;
	notQualified: number;
	accepted: number;
	pending: number;
}

/** The figures computed from the CSV alone, without the report's code. */
export function tallies(leads: Csv[], keyOf: (lead: Csv) => string): Map<string, Tally> {
	const map = new Map<string, Tally>();
	for (const lead of leads) {
		const key = keyOf(lead);
		const t = map.get(key) ?? { n: 0, won: 0, rejected: 0, notQualified: 0, accepted: 0, pending: 0 };
		t.n += 1;
		const won = lead.Converted === '1';
		const notQualified = !won && NOT_QUALIFIED.includes(lead.Tags);
		const rejected = notQualified || (!won && BAD_DATA.includes(lead.Tags));
		if (won) t.won += 1;
		if (rejected) t.rejected += 1;
		if (notQualified) t.notQualified += 1;
		// Accepted: won, lost, being called or contacted; a rejected lead was not, nor one with nothing heard.
		if (!rejected && (won || lead.Tags !== '')) t.accepted += 1;
		if (!won && lead.Tags === '') t.pending += 1;
		map.set(key, t);
	}
	return map;
}

/** The textbook Wilson interval, written out again here. */
export function wilsonTextbook(k: number, n: number): [number, number] {
	const z = 1.96;
	const p = k / n;
	const centre = p + (z * z) / (2 * n);
	const spread = z * Math.sqrt((p * (1 - p) + (z * z) / (4 * n)) / n);
	const scale = 1 + (z * z) / n;
	return [(centre - spread) / scale, (centre + spread) / scale];
}

export function bandOfScore(s: number): string {
	if (s >= 80) return '80+';
	if (s >= 60) return '60-79';
	if (s >= 40) return '40-59';
	return '< 40';
}

export function check(figures: GroupFigures[], expected: Map<string, Tally>, label: string): void {
	assert.deepEqual(figures.map((g) => g.group).sort(), [...expected.keys()].sort(), `${label}: groups`);
	for (const g of figures) {
		const t = expected.get(g.group)!;
		const where = `${label} ${g.group}`;
		assert.equal(g.handoffs, t.n, `${where}: hand-offs`);
		assert.equal(g.win.count, t.won, `${where}: won`);
		assert.equal(g.win.rate, t.won / t.n, `${where}: win rate`);
		assert.equal(g.rejection.count, t.rejected, `${where}: rejected`);
		assert.equal(g.acceptance.count, t.accepted, `${where}: accepted`);
		assert.equal(g.acceptance.rate, t.accepted / t.n, `${where}: acceptance rate`);
		assert.equal(g.pending, t.pending, `${where}: nothing heard`);
		assert.equal(g.rejectionReasons.find((r) => r.reason === 'not qualified')?.count ?? 0, t.notQualified, `${where}: not qualified`);
		const [low, high] = wilsonTextbook(t.won, t.n);
		assert.ok(Math.abs(g.win.low! - low) < 1e-4 && Math.abs(g.win.high! - high) < 1e-4, `${where}: win interval`);
	}
}


/** The same check on the report's Rows items (rates rounded to 4 places there, reasons as "reason count, ..."). */
export function checkItems(items: Array<Record<string, unknown>>, expected: Map<string, Tally>, label: string): void {
	assert.deepEqual(items.map((g) => String(g.group)).sort(), [...expected.keys()].sort(), `${label}: groups`);
	// Rounded to 4 places on Rows; the interval also within the 1e-4 that `check` allows.
	const near = (actual: unknown, wanted: number, what: string, within = 0.00005) => assert.ok(typeof actual === 'number' && Math.abs(actual - wanted) <= within + 1e-12, `${what}: ${String(actual)} against ${wanted}`);
	for (const g of items) {
		const t = expected.get(String(g.group))!;
		const where = `${label} ${String(g.group)}`;
		assert.equal(g.handoffs, t.n, `${where}: hand-offs`);
		assert.equal(g.won, t.won, `${where}: won`);
		near(g.winRate, t.won / t.n, `${where}: win rate`);
		assert.equal(g.rejected, t.rejected, `${where}: rejected`);
		assert.equal(g.accepted, t.accepted, `${where}: accepted`);
		near(g.acceptanceRate, t.accepted / t.n, `${where}: acceptance rate`);
		assert.equal(g.pending, t.pending, `${where}: nothing heard`);
		const notQualified = /(?:^|, )not qualified (\d+)/.exec(String(g.rejectionReasons ?? ''));
		assert.equal(notQualified ? Number(notQualified[1]) : 0, t.notQualified, `${where}: not qualified`);
		const [low, high] = wilsonTextbook(t.won, t.n);
		near(g.winRateLow, low, `${where}: win interval low`, 0.00015);
		near(g.winRateHigh, high, `${where}: win interval high`, 0.00015);
	}
}
