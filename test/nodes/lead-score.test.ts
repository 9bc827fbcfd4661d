import assert from 'node:assert/strict';

import { DEFAULT_PROTOCOL } from '../../nodes/engine/scoring';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { runNode } from '../helpers/n8n-runner';

const AS_OF = '2026-06-15T12:00:00Z';
const node = new LeadScore();

/** The editor's default parameters, as n8n fills them in for a new node. */
function editorDefaults(): Record<string, unknown> {
	return Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
}

const leads = [
	{
		email: 'dana@globex.com',
		jobTitle: 'VP of Marketing',
		industry: 'Software',
		companySize: '51-200',
		activities: [
			{ type: 'page_view', timestamp: '2026-06-15T09:12:00Z', url: 'https://example.com/pricing' },
			{ type: 'content_download', timestamp: '2026-06-13T16:40:00Z', asset: 'Case study: Initech' },
			{ type: 'email_open', timestamp: 1781262000 },
		],
	},
	{ email: 'sam@gmail.com', jobTitle: 'Student', unsubscribed: 'Yes', activities: [{ type: 'email_open', timestamp: '2026-06-14 10:00' }] },
	{ email: 'lee@initech.com', jobTitle: 'Head of Operations', industry: 'Retail', companySize: 800, activities: [] },
];

describe('Lead Score node', () => {
	it('point table mode and JSON mode give identical scores for the same rules', async () => {
		const editor = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: AS_OF } }, items: leads });
		const json = await runNode({
			node,
			parameters: { rulesSource: 'json', rulesJson: JSON.stringify(DEFAULT_PROTOCOL), options: { asOf: AS_OF } },
			items: leads,
		});
		assert.equal(editor.outputs[0].length, leads.length);
		assert.deepEqual(
			editor.outputs[0].map((i) => i.json.score),
			json.outputs[0].map((i) => i.json.score),
		);
	});

	it('edited rows and the equivalent JSON agree too', async () => {
		const defaults = editorDefaults();
		const fitRules = { rules: [{ label: 'Big company', field: 'companySize', operator: 'greaterThan', value: '500', points: 12, why: 'Enterprise' }] };
		const settings = { decay: 'linear', linearPercent: 20, linearPeriodDays: 10, totalCap: 0, velocityWindowDays: 3 };
		const editor = await runNode({ node, parameters: { ...defaults, fitRules, settings, options: { asOf: AS_OF } }, items: leads });
		const json = await runNode({
			node,
			parameters: {
				rulesSource: 'json',
				rulesJson: JSON.stringify({
					...DEFAULT_PROTOCOL,
					fit: [{ label: 'Big company', field: 'companySize', operator: 'greaterThan', value: 500, points: 12, why: 'Enterprise' }],
					decay: { kind: 'linear', percent: 20, periodDays: 10 },
					caps: {},
					velocity: { windowDays: 3 },
				}),
				options: { asOf: AS_OF },
			},
			items: leads,
		});
		assert.deepEqual(editor.outputs[0].map((i) => i.json.score), json.outputs[0].map((i) => i.json.score));
		assert.equal((editor.outputs[0][2].json.score as { fit: number }).fit, 12);
	});

	it('keeps every input field and pairs each output with its input', async () => {
		const { outputs } = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: AS_OF } }, items: leads });
		outputs[0].forEach((item, index) => {
			assert.deepEqual(item.pairedItem, { item: index });
			assert.equal(item.json.email, leads[index].email);
			assert.deepEqual(item.json.activities, leads[index].activities);
		});
		const [vp, student] = outputs[0].map((i) => i.json.score as { total: number; grade: string });
		assert.ok(vp.total > 50 && student.total < 0);
	});

	it('reads times without an offset in the workflow time zone', async () => {
		const item = { activities: [{ type: 'webinar_attended', timestamp: '2026-06-14 09:00' }] };
		const run = (timezone: string) =>
			runNode({ node, timezone, parameters: { ...editorDefaults(), options: { asOf: AS_OF, includeBreakdown: true } }, items: [item] });
		const [la, berlin] = await Promise.all([run('America/Los_Angeles'), run('Europe/Berlin')]);
		const at = (r: Awaited<ReturnType<typeof run>>) => (r.outputs[0][0].json.score as { breakdown: Array<{ activity?: { at: string } }> }).breakdown[0].activity?.at;
		assert.equal(at(la), '2026-06-14T16:00:00.000Z');
		assert.equal(at(berlin), '2026-06-14T07:00:00.000Z');
	});

	it('Score As Of can be an expression per item', async () => {
		const items = [
			{ scoredAt: '2026-06-15T12:00:00Z', activities: [{ type: 'webinar_attended', timestamp: '2026-06-15T12:00:00Z' }] },
			{ scoredAt: '2026-07-15T12:00:00Z', activities: [{ type: 'webinar_attended', timestamp: '2026-06-15T12:00:00Z' }] },
		];
		const { outputs } = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: '={{ $json.scoredAt }}' } }, items });
		const [fresh, month] = outputs[0].map((i) => i.json.score as { engagement: number; asOf: string });
		assert.equal(fresh.engagement, 15);
		assert.equal(month.engagement, 7.5, 'a 30-day half-life halves the points a month later');
		assert.equal(month.asOf, '2026-07-15T12:00:00.000Z');
	});

	it('output field and breakdown are options', async () => {
		const { outputs } = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: AS_OF, outputField: 'leadScore', includeBreakdown: false } }, items: leads.slice(0, 1) });
		const json = outputs[0][0].json;
		assert.equal(json.score, undefined);
		assert.equal((json.leadScore as { breakdown?: unknown }).breakdown, undefined);
		assert.equal(typeof (json.leadScore as { total: number }).total, 'number');
	});

	describe('bad input', () => {
		const bad = [leads[0], { email: 'x@y.com', companySize: 'lots' }, { activities: [{ type: 'email_open', timestamp: 'last tuesday' }] }, leads[2]];

		it('continue (using error output): bad items leave on the error output, the rest carry on, none is lost', async () => {
			const { outputs } = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: AS_OF } }, items: bad, onError: 'continueErrorOutput' });
			const [success, errors] = outputs;
			assert.deepEqual(success.map((i) => i.pairedItem), [{ item: 0 }, { item: 3 }]);
			assert.deepEqual(errors.map((i) => i.pairedItem), [{ item: 1 }, { item: 2 }]);
			assert.deepEqual(errors[0].json.details, { item: 1, field: 'companySize', expected: 'a number or a range (e.g. 250, "1,200", "51-200", "500+", "more than 500", "under 50", "$10M+")' });
			assert.match(String(errors[0].json.error), /Item 1: Field "companySize": expected a number/);
			assert.equal(errors[0].json.email, 'x@y.com', 'the failed item keeps its own fields');
			assert.equal((errors[1].json.details as { field: string }).field, 'activities[0].timestamp');
		});

		it('continue (using regular output): bad items carry their error on the main output', async () => {
			const { outputs } = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: AS_OF } }, items: bad, onError: 'continueRegularOutput' });
			assert.equal(outputs[0].length, 4);
			assert.match(String(outputs[0][1].json.error), /Item 1: Field "companySize"/);
			assert.equal(outputs[0][1].json.email, 'x@y.com', 'the failed item keeps its own fields');
			assert.ok(outputs[0][0].json.score && !outputs[0][0].json.error);
		});

		it('stop workflow: the run fails naming the item and the field', async () => {
			const { error } = await runNode({ node, parameters: { ...editorDefaults(), options: { asOf: AS_OF } }, items: bad });
			assert.ok(error);
			assert.match(error.message, /Item 1: Field "companySize"/);
		});

		it('an invalid rule set fails before any item, naming the rule and the JSON path', async () => {
			const rulesJson = JSON.stringify({ fit: [{ field: 'companySize', operator: 'between', value: [500, 50], points: 10 }] });
			const { error, outputs } = await runNode({ node, parameters: { rulesSource: 'json', rulesJson }, items: leads });
			assert.match(error?.message ?? '', /\/fit\/0\/value: "between" takes \[min, max\] with min <= max/);
			assert.equal(outputs.flat().length, 0, 'no item was scored');
		});

		it('under continue (using error output) an invalid rule set sends every item to the error output, unscored', async () => {
			const rulesJson = JSON.stringify({ fit: [{ field: 'companySize', operator: 'between', value: [500, 50], points: 10 }] });
			const { outputs } = await runNode({ node, parameters: { rulesSource: 'json', rulesJson }, items: leads, onError: 'continueErrorOutput' });
			const [success, errors] = outputs;
			assert.equal(success.length, 0);
			assert.deepEqual(errors.map((i) => i.pairedItem), leads.map((_, item) => ({ item })));
			assert.ok(errors.every((i) => /Invalid protocol: .*\/fit\/0\/value/.test(String(i.json.error)) && i.json.score === undefined));
		});

		it('a point table row with a non-numeric value names the row', async () => {
			const fitRules = { rules: [{ label: 'Big company', field: 'companySize', operator: 'greaterThan', value: 'many', points: 12 }] };
			const { error } = await runNode({ node, parameters: { ...editorDefaults(), fitRules }, items: leads });
			assert.match(error?.message ?? '', /Fit rule 1 \(Big company\) › Value: must be a number/);
		});

		it('broken JSON says so', async () => {
			const { error } = await runNode({ node, parameters: { rulesSource: 'json', rulesJson: '{ "fit": [ }' }, items: leads });
			assert.match(error?.message ?? '', /Rules \(JSON\) is not valid JSON/);
		});
	});
});
