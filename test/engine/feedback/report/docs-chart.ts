/**
 * Draws the README's example chart from the X Education leads: conversion by score band with its
 * confidence interval, as the Lead Quality Report draws it.
 *
 *   node --import tsx test/engine/feedback/report/docs-chart.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';

import { buildReport, findings, reportRow } from '../../../../nodes/engine/feedback/report';
import { reportCharts } from '../../../../nodes/engine/feedback/report/charts';
import { DATA, handoffJson, type Csv } from './x-education';

const leads = parse(readFileSync(DATA), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Csv[];
const report = buildReport(leads.map((lead, i) => reportRow(handoffJson(lead, i))));
const chart = reportCharts(report).find((c) => c.name === 'conversionByScoreBand')!;
const out = join(__dirname, '../../../../docs/lead-quality-report-conversion-by-score-band.png');
writeFileSync(out, chart.png);
if (process.argv[2] === "--all") console.log(findings(report).map((f) => f.text).join("\n"));
console.log(`${out}\n${findings(report).filter((f) => f.dimension === 'scoreBand').map((f) => f.text).join('\n')}`);
