/**
 * The Lead Quality Report over real leads with real outcomes (the X Education data set in
 * ../shared/data), checked against a computation written separately here from the CSV rows: the
 * counts and rates per score band and per source must be the same. How a lead becomes a hand-off
 * row is in ./x-education.ts; the expected figures are counted here from the CSV columns.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { parse } from 'csv-parse/sync';

import { buildReport, findings, reportRow, type GroupFigures } from '../../../../nodes/engine/feedback/report';
import { BAD_DATA, DATA, handoffJson, NOT_QUALIFIED, score, type Csv } from './x-education';

interface Tally {
	n: number;
	won: number;
	rejected: number;
	notQualified: number;
	accepted: number;
	pending: number;
}

/** The figures computed from the CSV alone, without the report's code. */
function tallies(leads: Csv[], keyOf: (lead: Csv) => string): Map<string, Tally> {
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
function wilsonTextbook(k: number, n: number): [number, number] {
	const z = 1.96;
	const p = k / n;
	const centre = p + (z * z) / (2 * n);
	const spread = z * Math.sqrt((p * (1 - p) + (z * z) / (4 * n)) / n);
	const scale = 1 + (z * z) / n;
	return [(centre - spread) / scale, (centre + spread) / scale];
}

function bandOfScore(s: number): string {
	if (s >= 80) return '80+';
	if (s >= 60) return '60-79';
	if (s >= 40) return '40-59';
	return '< 40';
}

function check(figures: GroupFigures[], expected: Map<string, Tally>, label: string): void {
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

const describeData = existsSync(DATA) ? describe : describe.skip;

describeData('the report over the X Education leads', () => {
	const leads = parse(readFileSync(DATA), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Csv[];
	const report = buildReport(leads.map((lead, i) => reportRow(handoffJson(lead, i))));

	it('counts every lead once, and its 3,561 conversions', () => {
		assert.equal(leads.length, 9240);
		assert.equal(report.total.handoffs, 9240);
		assert.equal(report.total.win.count, 3561);
	});

	it('per score band: the same counts and rates as computed from the CSV', () => {
		check(report.breakdowns.scoreBand, tallies(leads, (lead) => bandOfScore(score(lead))), 'band');
		// Conversion rises with the score on this data: the lowest band converts least.
		const rates = report.breakdowns.scoreBand.map((g) => g.win.rate!);
		assert.ok(rates[0] < rates[rates.length - 1]);
	});

	it('per source: the same counts and rates as computed from the CSV', () => {
		check(report.breakdowns.source, tallies(leads, (lead) => lead['Lead Source'] || '(none)'), 'source');
	});

	it('findings name no source below the minimum count', () => {
		const small = new Set(report.breakdowns.source.filter((g) => g.handoffs < 30).map((g) => g.group));
		assert.ok(small.size > 0, 'the data has small sources');
		for (const f of findings(report)) if (f.dimension === 'source') assert.ok(!small.has(f.group), f.text);
	});
});
