/**
 * Lead Scoring Lab in n8n-core's engine. Learn Point Table from input items (a CRM export: one
 * closed lead per item, outcome and time fields named) and from the store's recorded outcomes;
 * Threshold What-If over scored leads against the roster's capacity. A bad item is named by
 * index and field, and under "continue" leaves on the error output while the rest go on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { ScoringLab } from '../../nodes/ScoringLab/ScoringLab.node';
import { normalizeProtocol } from '../../nodes/engine/scoring';
import { foldOutcome } from '../../nodes/shared/outcomeFold';
import { closeAllStores, createStore } from '../../nodes/store';
import { runNode, type OnError } from '../helpers/n8n-runner';
import { SYNTHETIC_TABLE, syntheticRows } from '../engine/lab/synthetic';

const node = new ScoringLab();

/** The generated closed leads as a CRM export: the lead's fields, its outcome as won/lost, when it was created. */
function exportItems(count: number): IDataObject[] {
	return syntheticRows(count).map((row) => ({ ...(row.lead as IDataObject), outcome: row.converted ? 'Won' : 'Lost', createdAt: new Date(row.at as number).toISOString() }));
}

async function learn(items: IDataObject[], parameters: IDataObject = {}, onError?: OnError) {
	return runNode({
		node,
		parameters: { operation: 'learnPointTable', rowsFrom: 'items', outcomeField: 'outcome', timeField: 'createdAt', currentRules: JSON.stringify(SYNTHETIC_TABLE), labOptions: { resamples: 100 }, ...parameters },
		items,
		onError,
	});
}

describe('Learn Point Table from input items', () => {
	it('sends one item with a table Lead Score reads, its changes in words, both holdouts side by side and whether to publish', async () => {
		const { outputs, error } = await learn(exportItems(3000));
		assert.equal(error, undefined);
		assert.equal(outputs[0].length, 1);
		const out = outputs[0][0].json;
		assert.doesNotThrow(() => normalizeProtocol(JSON.parse(String(out.tableJson))));
		assert.ok((out.ruleCount as number) <= 25);
		assert.match(String(out.modelId), /\S/);
		assert.ok((out.changes as string[]).some((c) => /^New rule: source = Reference \+\d+ \(raises the odds of converting \d+\.\dx once the other rules are counted; alone, matching leads converted at \d\.\dx the base rate, n = [\d,]+\)$/.test(c)));
		// The detail holds the effect the words state: the odds multiplier of the rule's points.
		const reference = (out.changesDetail as Array<{ rule: string; to: number; evidence: { oddsMultiplier: number } }>).find((c) => c.rule === 'source = Reference')!;
		assert.ok(Math.abs(reference.evidence.oddsMultiplier - 2 ** (reference.to / (out.pointsToDoubleOdds as number))) < 1e-9);
		const random = out.randomHoldout as IDataObject;
		assert.equal(random.leads, 900);
		assert.ok(((random.proposal as IDataObject).auc as number) > ((random.current as IDataObject).auc as number));
		assert.ok(out.timeOrderedHoldout);
		assert.equal(typeof out.recommended, 'boolean');
		assert.match(String(out.markdown), /^# Scoring lab: proposed point table\n/);
		assert.equal((outputs[0][0].pairedItem as unknown[]).length, 3000);
	});
});

describe('Learn Point Table: bad input', () => {
	it('names the item and the field of a bad outcome, and stops the run by default', async () => {
		const items = exportItems(300);
		items[17] = { ...items[17], outcome: 'maybe' };
		const { error } = await learn(items);
		assert.match(String(error?.message), /^Item 17: Field "outcome": expected whether the lead converted: true or false, 1 or 0, yes or no, won or lost, got a text of 5 characters$/);
		// The value itself only in the description, which n8n shows and does not log.
		assert.match(String(error?.description), /^The field "outcome" of item 17 must be whether the lead converted: .*; it is "maybe"\.$/);
	});

	it('under "continue (using error output)" sends a bad item to the error output and learns from the others', async () => {
		const items = exportItems(300);
		items[17] = { ...items[17], outcome: 'maybe' };
		items[40] = { ...items[40], activities: [{ type: 'page_view', timestamp: 'last spring' }] };
		const { outputs, error } = await learn(items, { labOptions: { resamples: 50, timeOrdered: false } }, 'continueErrorOutput');
		assert.equal(error, undefined);
		const [main, failed] = outputs;
		assert.equal(main.length, 1);
		assert.deepEqual(failed.map((f) => f.pairedItem), [{ item: 17 }, { item: 40 }]);
		assert.match(String(failed[1].json.error), /^Item 40: Field "activities\[0\]\.timestamp": expected /);
		assert.deepEqual(failed[0].json.details, { item: 17, field: 'outcome', expected: 'whether the lead converted: true or false, 1 or 0, yes or no, won or lost' });
		// Every other item is paired to the proposal: each input item left on exactly one output.
		const paired = (main[0].pairedItem as Array<{ item: number }>).map((p) => p.item);
		assert.equal(paired.length, 298);
		assert.ok(!paired.includes(17) && !paired.includes(40));
		assert.match((main[0].json.reasons as string[]).join(' '), /No time-ordered check: switched off/);
	});

	it('says which rules are wrong before reading any lead', async () => {
		const { error } = await learn(exportItems(50), { currentRules: '{"fit": [{"label": "x", "field": "role", "operator": "sameAs", "points": 5}]}' });
		assert.match(String(error?.message), /^Invalid protocol: .*fit\/0\/operator/);
	});
});

/** 10 weeks of scored leads: each week 10 at each score 10..100, a lead at s converting in s/10 of 10. */
function scoredItems(): IDataObject[] {
	const items: IDataObject[] = [];
	const T0 = Date.UTC(2026, 0, 5);
	const WEEK = 7 * 86_400_000;
	for (let w = 0; w < 10; w++) {
		for (let s = 10; s <= 100; s += 10) {
			for (let k = 0; k < 10; k++) items.push({ email: `w${w}-s${s}-${k}@x.com`, score: { total: s, grade: 'B' }, converted: k < s / 10 ? 1 : 0, createdAt: new Date(T0 + w * WEEK + k * 3_600_000).toISOString() });
		}
	}
	return items;
}

async function whatIf(items: IDataObject[], parameters: IDataObject = {}, onError?: OnError) {
	return runNode({
		node,
		parameters: {
			operation: 'thresholdWhatIf',
			rowsFrom: 'items',
			currentThreshold: 90,
			reps: { rep: [{ id: 'ana', name: 'Ana Silva', perWeek: 20 }, { id: 'ben', name: 'Ben Okafor', perWeek: 20 }] },
			whatIfOptions: { candidates: '50, 60, 70, 80, 90', weeks: 10 },
			...parameters,
		},
		items,
		onError,
	});
}

describe('Threshold What-If from input items', () => {
	it('recommends the threshold that fills the team, with the table of every threshold and the load per rep', async () => {
		const { outputs, error } = await whatIf(scoredItems());
		assert.equal(error, undefined);
		assert.equal(outputs[0].length, 1);
		const out = outputs[0][0].json;
		assert.equal(out.recommendedThreshold, 70);
		assert.match(String(out.verdict), /^Lower the threshold from 90 to 70: .* That is 20 more hand-offs and 15 more conversions a week, precision 85 % instead of 95 %\.$/);
		assert.deepEqual((out.thresholds as IDataObject[]).map((t) => [t.threshold, t.handoffsPerWeek, t.overflows]), [[50, 60, true], [60, 50, true], [70, 40, false], [80, 30, false], [90, 20, false]]);
		assert.deepEqual(((out.recommended as IDataObject).reps as IDataObject[]).map((r) => [r.name, r.loadPerWeek, r.capacityPerWeek]), [['Ana Silva', 20, 20], ['Ben Okafor', 20, 20]]);
		assert.match(String(out.markdown), /\| 70 \| 40 \| 100 % \| 34 \| 85 % \| 62 % \| recommended \|/);
	});

	it("takes the roster as Tier Router's routing JSON (capacity per day or week, inactive reps left out)", async () => {
		const routing = { assignment: { roster: [{ id: 'ana', capacity: { perDay: 4 } }, { id: 'ben', capacity: { perWeek: 10 } }, { id: 'cy', capacity: { perWeek: 99 }, active: false }] } };
		const { outputs } = await whatIf(scoredItems(), { rosterFrom: 'json', rosterJson: JSON.stringify(routing) });
		const out = outputs[0][0].json;
		assert.equal(out.capacityPerWeek, 30);
		assert.equal(out.recommendedThreshold, 80);
	});

	it('counts the weeks from the time field when none are given', async () => {
		const { outputs } = await whatIf(scoredItems(), { whatIfOptions: { candidates: '70, 90' } });
		assert.ok(Math.abs((outputs[0][0].json.weeks as number) - (9 + 9 / 168)) < 1e-9, String(outputs[0][0].json.weeks));
	});

	it('names the item and field of a bad score; under "continue" it leaves on the error output and the rest are weighed', async () => {
		const items = scoredItems();
		items[5] = { ...items[5], score: 'hot' };
		const stopped = await whatIf(items);
		assert.match(String(stopped.error?.message), /^Item 5: Field "score": expected the lead's score: a number \(or Lead Score's score object\), got a text of 3 characters$/);
		const { outputs } = await whatIf(items, {}, 'continueErrorOutput');
		assert.deepEqual(outputs[1].map((f) => f.pairedItem), [{ item: 5 }]);
		assert.equal(outputs[0][0].json.leads, 999);
		assert.equal((outputs[0][0].pairedItem as unknown[]).length, 999);
	});

	it('names the rep without a capacity', async () => {
		const { error } = await whatIf(scoredItems(), { rosterFrom: 'json', rosterJson: '[{"id": "ana", "capacity": {"perWeek": 10}}, {"id": "ben"}]' });
		assert.match(String(error?.message), /rep "ben" needs a capacity/);
	});
});

describe('Lead Scoring Lab from the store', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-lab-'));
	const folder = path.join(root, 'store');
	const rows = syntheticRows(600);
	/** The CRM export of the same leads: their fields by email. */
	const crm: IDataObject[] = rows.map((row, i) => ({ email: `lead${i}@x.com`, role: row.lead.role as string, minutesOnSite: row.lead.minutesOnSite as number }));

	beforeAll(async () => {
		const store = await createStore({ kind: 'embedded', folder });
		for (const [i, row] of rows.entries()) {
			const lead = `lead${i}@x.com`;
			const at = row.at as number;
			// Activities as Lead Score records them: the first one carries the source, as a tracked visit would.
			const activities = [{ type: 'page_view', timestamp: at - 3 * 86_400_000, url: '/', source: row.lead.source }, ...(row.lead.activities as IDataObject[])];
			await store.recordActivities('default', lead, activities.map((a, k) => ({ key: `a${k}`, type: String(a.type), at: a.timestamp as number, data: a })));
			await store.saveScore('default', lead, { snapshotKey: 's1', modelId: 'm-1', asOf: at - 60_000, total: 40 + (i % 7) * 10, fit: 0, engagement: 0, negative: 0, velocity: null, grade: null, score: {} }, []);
			await store.decideHandoff({ scope: 'default', leadKey: lead, eventKey: `h${i}`, at }, () => ({ handoff: true, details: {} }));
			// Every tenth hand-off is still open: neither won nor lost.
			if (i % 10 === 9) continue;
			const stage = row.converted ? 'won' : 'lost';
			const event = { id: `plain:${i}`, at: at + 86_400_000, source: 'plain', code: stage, stage };
			await store.recordOutcomeEvent({ scope: 'default', leadKey: lead, receivedAt: at + 86_400_000, event: { source: 'plain', eventId: event.id, occurredAt: event.at, event, code: stage, stage } }, foldOutcome);
		}
		await store.close();
	});
	afterAll(async () => {
		await closeAllStores();
		rmSync(root, { recursive: true, force: true });
	});
	const credentials = { leadHandoffStoreApi: { backend: 'embedded', folder } };

	it('learns from the closed hand-offs (open ones left out), with the source of first touch, the activities before the hand-off and the fields of the CRM export', async () => {
		const { outputs, error } = await runNode({
			node,
			parameters: { operation: 'learnPointTable', rowsFrom: 'store', leadKeyField: 'email', currentRules: JSON.stringify(SYNTHETIC_TABLE), labOptions: { resamples: 50 } },
			items: crm,
			credentials,
		});
		assert.equal(error, undefined);
		const out = outputs[0][0].json;
		assert.equal((out.trainedOn as IDataObject).leads, 540 - 162);
		assert.equal(((out.randomHoldout as IDataObject).leads as number) + ((out.trainedOn as IDataObject).leads as number), 540);
		const fields = [...((out.table as IDataObject).fit as IDataObject[]), ...((out.table as IDataObject).negative as IDataObject[])].map((r) => r.field);
		assert.ok(fields.includes('source'), `learned on the source of first touch: ${fields.join(', ')}`);
		assert.ok(fields.includes('role'), `learned on the CRM export's role: ${fields.join(', ')}`);
		// The lead key names one lead each: never a rule (the current table's competitor rule on email stays as it was).
		assert.ok(!(out.changesDetail as IDataObject[]).some((c) => c.kind === 'new' && /^email/.test(String(c.rule))));
	});

	it('weighs thresholds over the hand-offs, leaving out thresholds below the lowest score handed off', async () => {
		const { outputs, error } = await runNode({
			node,
			parameters: { operation: 'thresholdWhatIf', rowsFrom: 'store', currentThreshold: 60, reps: { rep: [{ id: 'ana', perWeek: 10 }] }, whatIfOptions: { candidates: '30, 40, 60, 80, 100' } },
			items: [{}],
			credentials,
		});
		assert.equal(error, undefined);
		const out = outputs[0][0].json;
		assert.equal(out.leads, 540);
		assert.deepEqual((out.thresholds as IDataObject[]).map((t) => t.threshold), [40, 60, 80, 100]);
		assert.match((out.notes as string[])[0], /Thresholds below 40 are left out/);
	});

	it('asks for the store credential only when the leads come from the store', async () => {
		const { error } = await runNode({ node, parameters: { operation: 'thresholdWhatIf', rowsFrom: 'store', reps: { rep: [{ id: 'ana', perWeek: 10 }] } }, items: [{}] });
		assert.match(String(error?.message), /no "Lead Handoff Store" credential is selected/);
		assert.deepEqual(node.description.credentials![0].displayOptions, { hide: { rowsFrom: ['items'] } });
	});
});
