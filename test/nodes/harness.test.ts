/**
 * Self-test of the in-process n8n harness: what node tests rely on behaves as in n8n.
 */
import assert from 'node:assert/strict';

import { Context, VersionedContext } from '../helpers/fixtures/Context';
import { Flaky } from '../helpers/fixtures/Flaky';
import { Router } from '../helpers/fixtures/Router';
import { runNode, runWorkflow } from '../helpers/n8n-runner';

const leads = [
	{ email: 'dana@globex.com', score: 80 },
	{ email: 'sam@gmail.com', score: 10 },
	{ email: 'lee@initech.com', score: 65 },
];

describe('n8n runner', () => {
	describe('parameters and outputs', () => {
		it('resolves an expression per item and returns one array per named output', async () => {
			const { outputs, error } = await runNode({
				node: new Router(),
				parameters: { tier: '={{ $json.score >= 50 ? "hot" : "cold" }}', label: '=lead {{ $json.email }}' },
				items: leads,
			});
			assert.equal(error, undefined);
			assert.equal(outputs.length, 2);
			const [hot, other] = outputs;
			assert.deepEqual(hot.map((i) => i.json.email), ['dana@globex.com', 'lee@initech.com']);
			assert.deepEqual(other.map((i) => [i.json.email, i.json.tier]), [['sam@gmail.com', 'cold']]);
			assert.equal(hot[1].json.label, 'lead lee@initech.com');
		});

		it('pairs every output item with its input item', async () => {
			const { outputs } = await runNode({ node: new Router(), parameters: { tier: '={{ $json.score >= 50 ? "hot" : "cold" }}' }, items: leads });
			assert.deepEqual(outputs[0].map((i) => i.pairedItem), [{ item: 0 }, { item: 2 }]);
			assert.deepEqual(outputs[1].map((i) => i.pairedItem), [{ item: 1 }]);
		});

		it('lets the engine assign pairedItem when a node leaves it out, as n8n does', async () => {
			const { outputs } = await runNode({ node: new Context(), items: leads });
			assert.deepEqual(outputs[0].map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		});

		it('fills parameters the test leaves out with their defaults, and keeps literal values literal', async () => {
			const { outputs } = await runNode({ node: new Router(), parameters: { label: '{{ $json.email }}' }, items: leads.slice(0, 1) });
			assert.equal(outputs[1][0].json.tier, 'other');
			assert.equal(outputs[1][0].json.label, '{{ $json.email }}', 'without a leading = it is not an expression');
		});

		it('resolves $("Input").item through pairedItem, so expressions can reach the fed items', async () => {
			const { outputs } = await runNode({ node: new Router(), parameters: { label: '={{ $("Input").item.json.email }}' }, items: leads });
			assert.deepEqual(outputs[1].map((i) => i.json.label), leads.map((l) => l.email));
		});

		it('accepts plain objects and n8n items alike', async () => {
			const items = [{ json: { email: 'a@b.com', score: 90 } }, { email: 'c@d.com', score: 90 }];
			const { outputs } = await runNode({ node: new Router(), parameters: { tier: 'hot' }, items });
			assert.deepEqual(outputs[0].map((i) => i.json.email), ['a@b.com', 'c@d.com']);
		});
	});

	describe('errors', () => {
		const items = [{ n: 0 }, { n: 1, bad: true }, { n: 2 }, { n: 3, bad: true }];
		const fail = '={{ $json.bad === true }}';

		it('stop workflow: the run fails with the node error, its message and item index', async () => {
			const { error, outputs } = await runNode({ node: new Flaky(), parameters: { fail }, items });
			assert.ok(error);
			assert.equal(error.name, 'NodeOperationError');
			assert.equal(error.message, 'Item 1 is bad');
			assert.equal(error.context?.itemIndex, 1);
			assert.deepEqual(outputs, [], 'a failed node has no output');
		});

		it('continue (using error output): failed items go to the error output with their input fields', async () => {
			const { error, outputs } = await runNode({ node: new Flaky(), parameters: { fail }, items, onError: 'continueErrorOutput' });
			assert.equal(error, undefined);
			const [success, failed] = outputs;
			assert.deepEqual(success.map((i) => i.pairedItem), [{ item: 0 }, { item: 2 }]);
			assert.deepEqual(failed.map((i) => i.pairedItem), [{ item: 1 }, { item: 3 }]);
			// n8n merges the paired input item's fields under { error }.
			assert.deepEqual(failed[0].json, { n: 1, bad: true, error: 'Item 1 is bad' });
		});

		it('continue (using regular output): failed items stay on the main output, in order', async () => {
			const { error, outputs } = await runNode({ node: new Flaky(), parameters: { fail }, items, onError: 'continueRegularOutput' });
			assert.equal(error, undefined);
			assert.equal(outputs.length, 1);
			assert.deepEqual(outputs[0].map((i) => i.json.error ?? 'ok'), ['ok', 'Item 1 is bad', 'ok', 'Item 3 is bad']);
		});

		it('an item carrying `error` leaves with only { error: message }: n8n drops its other fields', async () => {
			const parameters = { fail, errorShape: 'itemError' };
			const { outputs } = await runNode({ node: new Flaky(), parameters, items, onError: 'continueErrorOutput' });
			assert.deepEqual(outputs[1].map((i) => i.json), [{ error: 'Item 1 is bad' }, { error: 'Item 3 is bad' }]);
			const regular = await runNode({ node: new Flaky(), parameters, items, onError: 'continueRegularOutput' });
			assert.deepEqual(regular.outputs[0][1].json, { error: 'Item 1 is bad' });
		});

		it('a node that just throws under continue (using error output) passes every item on, unchanged', async () => {
			// Why every node must catch per item: n8n does not route a thrown error to the error output.
			const node = new Flaky();
			node.execute = async function () {
				throw new Error('boom');
			};
			const { outputs, runData } = await runNode({ node, items, onError: 'continueErrorOutput' });
			assert.deepEqual(outputs[0].map((i) => i.json), items);
			assert.deepEqual(outputs[1], []);
			assert.equal(runData.Flaky[0].error?.message, 'boom', 'only the run data records the error');
		});
	});

	describe('workflow settings and credentials', () => {
		it('passes the workflow time zone to this.getTimezone(), n8n’s default zone otherwise', async () => {
			const berlin = await runNode({ node: new Context(), timezone: 'Europe/Berlin', items: [{}] });
			const unset = await runNode({ node: new Context(), items: [{}] });
			assert.equal(berlin.outputs[0][0].json.timezone, 'Europe/Berlin');
			assert.equal(unset.outputs[0][0].json.timezone, 'America/New_York');
		});

		it('serves credentials the node declares, and fails like n8n when none is set', async () => {
			const parameters = { useCredential: true };
			const ok = await runNode({ node: new Context(), parameters, credentials: { fixtureApi: { apiKey: 'k-123' } }, items: [{}] });
			assert.equal(ok.outputs[0][0].json.apiKey, 'k-123');
			const missing = await runNode({ node: new Context(), parameters, items: [{}] });
			assert.equal(missing.error?.message, 'Node does not have any credentials set');
		});

		it('runs the latest version by default (defaultVersion for versioned types), or the one asked for', async () => {
			const version = async (options: Partial<Parameters<typeof runNode>[0]> & Pick<Parameters<typeof runNode>[0], 'node'>) =>
				(await runNode({ items: [{}], ...options })).outputs[0][0].json.typeVersion;
			assert.equal(await version({ node: new Context() }), 2);
			assert.equal(await version({ node: new Context(), typeVersion: 1 }), 1);
			assert.equal(await version({ node: new VersionedContext() }), 1);
			assert.equal(await version({ node: new VersionedContext(), typeVersion: 2 }), 2);
		});
	});

	describe('runWorkflow', () => {
		it('chains nodes: each node gets the previous node’s first output', async () => {
			const { outputs, error } = await runWorkflow({
				nodes: [{ node: new Router(), parameters: { tier: 'hot' } }, { node: new Context() }],
				items: leads,
				timezone: 'Asia/Tokyo',
			});
			assert.equal(error, undefined);
			assert.deepEqual(outputs.Context[0].map((i) => [i.json.email, i.json.tier, i.json.timezone]), leads.map((l) => [l.email, 'hot', 'Asia/Tokyo']));
		});

		it('wires a chosen output, here the error output, into the next node, with pairedItem per hop', async () => {
			const { outputs } = await runWorkflow({
				nodes: [{ node: new Flaky(), parameters: { fail: '={{ $json.score < 50 }}' }, onError: 'continueErrorOutput' }, { node: new Context() }],
				connections: [{ from: 'Flaky', output: 1, to: 'Context' }],
				items: leads,
			});
			assert.deepEqual(outputs.Flaky[0].map((i) => i.json.email), ['dana@globex.com', 'lee@initech.com']);
			assert.deepEqual(outputs.Context[0].map((i) => [i.json.email, i.json.error]), [['sam@gmail.com', 'Item 1 is bad']]);
			assert.deepEqual(outputs.Context[0][0].pairedItem, { item: 0 }, 'item 0 of the error output');
		});

		it('rejects two nodes with the same name', async () => {
			await assert.rejects(runWorkflow({ nodes: [{ node: new Context() }, { node: new Context() }] }), /node names must be unique/);
		});
	});
});
