/**
 * Lead Scoring Lab in n8n-core's engine. Learn Point Table from input items (a CRM export: one
 * closed lead per item, outcome and time fields named) and from the store's recorded outcomes;
 * Threshold What-If over scored leads against the roster's capacity. A bad item is named by
 * index and field, and under "continue" leaves on the error output while the rest go on.
 */
import assert from 'node:assert/strict';
import type { IDataObject } from 'n8n-workflow';

import { ScoringLab } from '../../nodes/ScoringLab/ScoringLab.node';
import { normalizeProtocol } from '../../nodes/engine/scoring';
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
		assert.ok((out.changes as string[]).some((c) => /^New rule: source = Reference \+\d+ \(matching leads converted at \d\.\dx the base rate, n = [\d,]+\)$/.test(c)));
		const random = out.randomHoldout as IDataObject;
		assert.equal(random.leads, 900);
		assert.ok(((random.proposal as IDataObject).auc as number) > ((random.current as IDataObject).auc as number));
		assert.ok(out.timeOrderedHoldout);
		assert.equal(typeof out.recommended, 'boolean');
		assert.match(String(out.markdown), /^# Scoring lab: proposed point table\n/);
		assert.equal((outputs[0][0].pairedItem as unknown[]).length, 3000);
	});
});
