/**
 * Tier Router assigns an execution's leads together, in item order: the round-robin turns follow
 * the items as they did one lead at a time, and a bad lead in the middle keeps the rules of every
 * node (without "continue on fail" the node stops there and no later lead is assigned; with the
 * error output the later leads are assigned).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { closeAllStores } from '../../nodes/store';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode } from '../helpers/n8n-runner';
import { score } from '../engine/gate/helpers';

const router = new TierRouter();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-router-batch-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const MONDAY_11 = '2026-03-16T10:00:00.000Z';
const rulesJson = JSON.stringify({
	tiers: [{ name: 'Hot', when: { score: 'fit', atLeast: 0 }, sla: { hours: 1, basis: 'calendar' } }, { name: 'Nurture', sla: null, assign: false }],
	assignment: { roster: [{ id: 'ana' }, { id: 'ben' }, { id: 'cy' }], teams: [{ id: 'sales', members: ['ana', 'ben', 'cy'], outsideHours: 'allow' }] },
});
const parameters = { rulesSource: 'json', rulesJson } as INodeParameters;
const lead = (email: string) => ({ email, score: score({ total: 90, asOf: MONDAY_11 }) as unknown as IDataObject });
const owners = (items: Array<{ json: IDataObject }>) => items.map((i) => [(i.json.routing as IDataObject).leadKey, (i.json.routing as IDataObject).ownerId, (i.json.routing as IDataObject).duplicate ?? false]);

describe('Tier Router assigns an execution together', () => {
	it('300 leads get the round-robin turns in item order, each once, with an SLA timer each', async () => {
		const items = Array.from({ length: 300 }, (_, i) => lead(`lead-${i}@example.com`));
		const { outputs, error } = await runNode({ node: router, parameters, items, credentials: freshStore() });
		assert.equal(error, undefined);
		assert.deepEqual(
			owners(outputs[0]),
			items.map((l, i) => [l.email, ['ana', 'ben', 'cy'][i % 3], false]),
		);
		assert.deepEqual(outputs[0].map((i) => i.pairedItem), items.map((_, i) => ({ item: i })));
		assert.ok(outputs[0].every((i) => ((i.json.routing as IDataObject).slaTimer as IDataObject).status === 'started'));
	});

	it('without Continue, a bad lead stops the node and the leads after it are not assigned', async () => {
		const credentials = freshStore();
		const { error } = await runNode({ node: router, parameters, items: [lead('a@x.io'), lead('b@x.io'), { email: 'no-score@x.io' }, lead('c@x.io')], credentials });
		assert.match(error?.message ?? '', /Item 2: Field "score"/);
		// c was never assigned: it takes the next turn now, and a and b come back as assigned before.
		const again = await runNode({ node: router, parameters, items: [lead('c@x.io'), lead('a@x.io'), lead('b@x.io')], credentials });
		assert.deepEqual(owners([...again.outputs[0], ...again.outputs[2]]), [
			['c@x.io', 'cy', false],
			['a@x.io', 'ana', true],
			['b@x.io', 'ben', true],
		]);
	});

	it('with the error output, the bad lead leaves there and the leads after it are assigned in turn', async () => {
		const items = [lead('a@x.io'), { email: 'no-score@x.io' }, lead('b@x.io'), lead('c@x.io'), lead('d@x.io')];
		const { outputs } = await runNode({ node: router, parameters, items, credentials: freshStore(), onError: 'continueErrorOutput' });
		assert.deepEqual(owners(outputs[0]), [
			['a@x.io', 'ana', false],
			['b@x.io', 'ben', false],
			['c@x.io', 'cy', false],
			['d@x.io', 'ana', false],
		]);
		assert.deepEqual(outputs[3].map((i) => i.pairedItem), [{ item: 1 }], "the error output, after Hot, Nurture and Not Routed");
	});
});
