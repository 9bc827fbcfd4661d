/**
 * The Lead Quality Report over real leads with real outcomes (the X Education data set in
 * ../shared/data), checked against a computation written separately from the CSV rows: the
 * counts and rates per score band and per source must be the same. How a lead becomes a hand-off
 * row is in ./x-education.ts; the expected figures are counted from the CSV columns in
 * ./x-education-tally.ts, which shares no code with the report.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { parse } from 'csv-parse/sync';

import { buildReport, findings, reportRow } from '../../../../nodes/engine/feedback/report';
import { DATA, handoffJson, score, type Csv } from './x-education';
import { bandOfScore, check, tallies } from './x-education-tally';

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
