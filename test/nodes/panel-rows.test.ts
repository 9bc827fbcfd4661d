/**
 * The rows of Lead Score (version 2) and Handoff Gate (version 3) show what a rule needs, and
 * what is optional (a cap, a rule id, Match "any", an activity's window) only once set, while
 * workflows saved with the older versions keep their flat rows and decide as they did.
 *
 * Parameters are filled in as n8n's editor and engine do (NodeHelpers.getNodeParameters, for the
 * node's version); runs go through n8n-core's engine with the real embedded store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeHelpers, type IDataObject, type ILoadOptionsFunctions, type INode, type INodeExecutionData, type INodeParameters, type INodeType } from 'n8n-workflow';

import { DEFAULT_GATE } from '../../nodes/engine/gate';
import { DEFAULT_PROTOCOL } from '../../nodes/engine/scoring';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { runNode, runWorkflow } from '../helpers/n8n-runner';

const gate = new HandoffGate();
const leadScore = new LeadScore();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-rows-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const AS_OF = '2026-06-15T12:00:00Z';

/** The parameters n8n gives a node of this version dropped fresh on the canvas, defaults filled in. */
function freshParameters(type: INodeType, typeVersion: number): INodeParameters {
	const node = { id: 'n', name: type.description.defaults.name ?? 'node', type: type.description.name, typeVersion, position: [0, 0], parameters: {} } as INode;
	return NodeHelpers.getNodeParameters(type.description.properties, {}, true, false, node, type.description)!;
}

type Row = IDataObject & { ruleOptions?: IDataObject; conditions?: { condition?: IDataObject[] } };
const rowsOf = (parameters: INodeParameters, name: string) => ((parameters[name] as { rules?: Row[] }).rules ?? []);

// --- Handoff Gate -------------------------------------------------------------------------------

const vp = {
	email: 'dana@globex.com',
	jobTitle: 'VP of Marketing',
	industry: 'Software',
	companySize: 200,
	activities: [
		{ type: 'page_view', timestamp: '2026-06-15T09:12:00Z', url: 'https://example.com/pricing' },
		{ type: 'content_download', timestamp: '2026-06-13T16:40:00Z', asset: 'Case study: Initech' },
		{ type: 'webinar_attended', timestamp: '2026-06-10T17:00:00Z' },
	],
};
const demo = { email: 'sam@smallco.io', jobTitle: 'Analyst', activities: [{ type: 'demo_request', timestamp: '2026-06-15T08:00:00Z' }] };
const quiet = { email: 'lee@initech.com', jobTitle: 'Engineer', activities: [{ type: 'email_open', timestamp: '2026-06-14T10:00:00Z' }] };
const student = { email: 'kim@gmail.com', jobTitle: 'Marketing Student', activities: [{ type: 'page_view', timestamp: '2026-06-15T09:00:00Z', url: '/pricing' }] };
const unsubscribedDemo = { email: 'ola@acme.com', jobTitle: 'Head of Sales', unsubscribed: true, activities: [{ type: 'demo_request', timestamp: '2026-06-15T08:00:00Z' }] };
const rival = { ...vp, email: 'eve@rival.io' };
const LEADS = [vp, demo, quiet, student, unsubscribedDemo, rival];

/** Lead Score's default rules, with rival.io listed as a competitor's domain. */
const scoringWithRival = { rulesSource: 'json', rulesJson: JSON.stringify({ ...DEFAULT_PROTOCOL, negative: DEFAULT_PROTOCOL.negative.map((r) => (r.label === 'Competitor domain' ? { ...r, value: ['rival.io'] } : r)) }) };

type Decision = { decision: string; reasons: string[]; fired: Array<{ id: string }> };
/** Lead Score into the gate; each output as [email, decision, reasons, fired ids]. */
async function decide(gateParameters: INodeParameters, typeVersion: number, items: IDataObject[] = LEADS, scoring: INodeParameters = scoringWithRival) {
	const run = await runWorkflow({
		nodes: [
			{ node: leadScore, parameters: { ...scoring, options: { asOf: AS_OF } } },
			{ node: gate, parameters: { ...gateParameters, options: { evaluateAt: AS_OF } }, typeVersion },
		],
		items,
		credentials: freshStore(),
	});
	assert.equal(run.error, undefined, run.error?.message);
	return run.outputs['Handoff Gate'].map((items: INodeExecutionData[]) =>
		items.map((i) => {
			const d = i.json.handoff as Decision;
			return [i.json.email, d.decision, d.reasons, d.fired.map((f) => f.id)];
		}),
	);
}
const withoutIds = (outputs: unknown[][][]) => outputs.map((o) => o.map((row) => row.slice(0, 3)));
const firedIds = (outputs: unknown[][][]) => Object.fromEntries(outputs.flat().map((row) => [row[0], row[3]]));

describe('Handoff Gate rows', () => {
	it('version 2, as saved (flat rows, ids and Match in the row), decides as before: as the default gate in JSON, fired ids included', async () => {
		const table = await decide({}, 2);
		const json = await decide({ rulesSource: 'json', rulesJson: JSON.stringify(DEFAULT_GATE) }, 2);
		assert.deepEqual(table, json);
		assert.deepEqual(firedIds(table)['dana@globex.com'], ['score-60-pricing', 'score-70-case-study', 'fast-engagement'], 'the ids of the rows as version 2 shows them');
		assert.deepEqual(firedIds(table)['eve@rival.io'], ['competitor']);
		assert.deepEqual(firedIds(table)['kim@gmail.com'], ['student']);
	});

	it('version 2 rows a user edited keep their id, Match, Yields to Intent and scoring-rule ids', async () => {
		const disqualifiers = {
			rules: [
				{ name: 'Rivals', id: 'no-rivals', match: 'any', yieldsToIntent: true, conditions: { condition: [{ kind: 'negativeRule', scoreRules: 'competitor-domain' }, { kind: 'field', field: 'jobTitle', operator: 'contains', value: 'analyst' }] } },
			],
		};
		const outputs = await decide({ disqualifiers }, 2);
		const json = await decide(
			{ rulesSource: 'json', rulesJson: JSON.stringify({ ...DEFAULT_GATE, disqualifiers: [{ id: 'no-rivals', name: 'Rivals', yieldsToIntent: true, when: { any: [{ negativeRule: ['competitor-domain'] }, { field: 'jobTitle', operator: 'contains', value: ['analyst'] }] } }] }) },
			2,
		);
		assert.deepEqual(outputs, json);
		assert.deepEqual(firedIds(outputs)['eve@rival.io'], ['no-rivals']);
		// The analyst asked for a demo: the rule yields to the intent.
		assert.deepEqual(outputs[0].map((row) => row[0]), ['dana@globex.com', 'sam@smallco.io', 'ola@acme.com']);
	});

	it('version 3 dropped fresh decides as the default gate, reasons too; each id is derived from the rule name', async () => {
		const table = await decide({}, 3);
		const json = await decide({ rulesSource: 'json', rulesJson: JSON.stringify(DEFAULT_GATE) }, 3);
		assert.deepEqual(withoutIds(table), withoutIds(json));
		assert.deepEqual(table.map((o) => o.length), [3, 1, 2, 0]);
		assert.deepEqual(firedIds(table)['dana@globex.com'], ['score-60-and-pricing-page', 'score-70-and-case-study', 'fast-engagement']);
		assert.deepEqual(firedIds(table)['kim@gmail.com'], ['student-or-job-seeker']);
	});

	it('a fresh version 3 panel shows no rule id, and Match or Yields to Intent only where a rule uses them', () => {
		const parameters = freshParameters(gate, 3);
		const rows = ['disqualifiers', 'intents', 'triggers'].flatMap((group) => rowsOf(parameters, group));
		assert.equal(rows.length, 8);
		for (const row of rows) {
			assert.deepEqual(Object.keys(row).sort(), ['conditions', 'name', 'ruleOptions'].filter((k) => k in row).sort());
			assert.equal(row.ruleOptions?.id, undefined, `${row.name} shows no id`);
		}
		assert.deepEqual(
			rows.filter((r) => r.ruleOptions && Object.keys(r.ruleOptions).length).map((r) => [r.name, r.ruleOptions]),
			[
				['Student or job seeker', { match: 'any' }],
				['Unsubscribed', { match: 'any', yieldsToIntent: true }],
				['Contact-sales form', { match: 'any' }],
			],
		);
		// An activity test shows its window and words, the count only when more than one.
		const pricing = rowsOf(parameters, 'triggers')[0].conditions?.condition?.[1];
		assert.deepEqual(pricing, { kind: 'activity', activityType: 'page_view', activityOptions: { contentContains: '/pricing', withinDays: 30, label: 'visited the pricing page' } });
	});

	it('a Rule ID set in the Rule Options is the id of the fired rule; Match and Yields to Intent from the options apply', async () => {
		const intents = { rules: [{ name: 'Demo request', conditions: { condition: [{ kind: 'activity', activityType: 'demo_request' }, { kind: 'activity', activityType: 'contact_sales' }] }, ruleOptions: { id: 'demo', match: 'any' } }] };
		const disqualifiers = { rules: [{ name: 'Unsubscribed', conditions: { condition: [{ kind: 'field', field: 'unsubscribed', operator: 'isTrue' }] }, ruleOptions: { yieldsToIntent: true } }] };
		const outputs = await decide({ intents, disqualifiers }, 3);
		assert.deepEqual(firedIds(outputs)['sam@smallco.io'], ['demo']);
		assert.deepEqual(firedIds(outputs)['ola@acme.com'], ['demo'], 'the unsubscribed contact asked for a demo: the disqualifier yields');
		const strict = await decide({ intents, disqualifiers: { rules: [{ ...disqualifiers.rules[0], ruleOptions: {} }] } }, 3);
		assert.deepEqual(strict[2].map((row) => row[0]), ['ola@acme.com'], 'without the option the disqualifier wins');
	});

	describe('a Score Rule Applied test picks the scoring rule by its label', () => {
		const loadOptions = (parameters: INodeParameters = {}) =>
			gate.methods.loadOptions.scoringRules.call({ getCurrentNodeParameters: () => parameters } as unknown as ILoadOptionsFunctions);

		it('the list holds the negative rules of Lead Score by label; the rows a fresh node shows are among them', async () => {
			const options = await loadOptions();
			assert.deepEqual(options.map((o) => o.name), DEFAULT_PROTOCOL.negative.map((r) => r.label));
			assert.deepEqual(options.map((o) => o.value), DEFAULT_PROTOCOL.negative.map((r) => r.label));
			assert.match(String(options.find((o) => o.name === 'Competitor domain')?.description), /^-50 points: Researching our positioning/);
			const picked = rowsOf(freshParameters(gate, 3), 'disqualifiers').flatMap((r) => r.conditions?.condition ?? []).filter((c) => c.kind === 'negativeRule');
			assert.equal(picked.length, 3);
			for (const condition of picked) for (const value of condition.scoreRules as string[]) assert.ok(options.some((o) => o.value === value), `"${value}" is in the list`);
		});

		it('a rule of your own that the node already names is listed as itself', async () => {
			const parameters = { disqualifiers: { rules: [{ name: 'Partners', conditions: { condition: [{ kind: 'negativeRule', scoreRules: ['Partner domain', 'competitor-domain'] }] } }] } };
			const names = (await loadOptions(parameters)).map((o) => o.name);
			assert.deepEqual(names.slice(DEFAULT_PROTOCOL.negative.length), ['Partner domain'], 'competitor-domain is the id of a listed rule');
		});

		const rivalOnly = (scoreRules: string | string[]): INodeParameters => ({ disqualifiers: { rules: [{ name: 'Competitor', conditions: { condition: [{ kind: 'negativeRule', scoreRules }] } }] } });

		it('picked by label, the rule disqualifies the lead it took points from', async () => {
			const outputs = await decide(rivalOnly(['Competitor domain']), 3);
			assert.deepEqual(outputs[2].map((row) => [row[0], row[2]]), [['eve@rival.io', ['Competitor: Score rule "Competitor domain" applied (-50 points)']]]);
		});

		it('an expression names a rule by id or by the label of a rule of your own', async () => {
			const byLabel = await decide(rivalOnly(['Competitor domain']), 3);
			assert.deepEqual(await decide(rivalOnly('={{ ["competitor-domain"] }}'), 3), byLabel, 'by id');
			const partner = { rulesSource: 'json', rulesJson: JSON.stringify({ ...DEFAULT_PROTOCOL, negative: [{ label: 'Partner domain', field: 'email', operator: 'emailDomainIn', value: ['rival.io'], points: -5 }] }) };
			const outputs = await decide(rivalOnly('={{ ["Partner domain"] }}'), 3, LEADS, partner);
			assert.deepEqual(outputs[2].map((row) => row[0]), ['eve@rival.io']);
		});

		it('a test with no rule picked names the row', async () => {
			const { error } = await runNode({ node: gate, parameters: rivalOnly([]), items: [demo], credentials: freshStore() });
			assert.match(error?.message ?? '', /Disqualifier 1 \(Competitor\) › Condition 1 › Score Rules: pick at least one scoring rule/);
		});
	});
});

// --- Lead Score ---------------------------------------------------------------------------------

const opens = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'email_open', timestamp: `2026-06-15T0${i}:00:00Z` }));
const reader = { email: 'ana@initech.com', activities: [...opens(8), { type: 'page_view', timestamp: '2026-06-15T09:00:00Z', url: '/blog/scoring' }] };

/** Scores without decay, so points read as counted. */
async function scores(parameters: INodeParameters, typeVersion: number, items: IDataObject[] = [reader]) {
	const noDecay = parameters.rulesSource === 'json' ? {} : { settings: { decay: 'none' } };
	const { outputs, error } = await runNode({ node: leadScore, typeVersion, parameters: { ...noDecay, ...parameters, options: { asOf: AS_OF } }, items });
	assert.equal(error, undefined, error?.message);
	return outputs[0].map((i) => i.json.score as IDataObject & { engagement: number; breakdown: Array<{ rule: string; points: number }> });
}
const json = (engagement: unknown[], protocol: object = DEFAULT_PROTOCOL) => ({ rulesSource: 'json', rulesJson: JSON.stringify({ ...protocol, engagement, decay: { kind: 'none' } }) });
const defaultsInJson = () => json(DEFAULT_PROTOCOL.engagement);

describe('Lead Score rows', () => {
	it('version 1, as saved (flat rows, "Cap (Points) 0" for no cap), scores as before', async () => {
		assert.deepEqual(await scores({}, 1), await scores(defaultsInJson(), 1));
		const engagementRules = {
			rules: [
				{ label: 'Email open', activityType: 'email_open', contentContains: '', points: 1, capPoints: 0, capWindowDays: 0, why: '' },
				{ label: 'Blog post read', activityType: 'page_view', contentContains: '/blog/', points: 3, capPoints: 2, capWindowDays: 30, why: '' },
			],
		};
		const [table] = await scores({ engagementRules }, 1);
		const [same] = await scores(json([
			{ label: 'Email open', activity: ['email_open'], points: 1 },
			{ label: 'Blog post read', activity: ['page_view'], contentContains: ['/blog/'], points: 3, cap: { points: 2, windowDays: 30 } },
		]), 1);
		assert.deepEqual(table, same);
		assert.equal(table.engagement, 10, '8 opens uncapped, the blog read capped at 2');
	});

	it('version 2 rows with their Rule Options score as the same rules in JSON', async () => {
		const engagementRules = {
			rules: [
				{ label: 'Email open', activityType: 'email_open', points: 1, why: 'Basic engagement', ruleOptions: { capPoints: 5 } },
				{ label: 'Blog post read', activityType: 'page_view', points: 3, why: '', ruleOptions: { contentContains: '/blog/', capPoints: 2, capWindowDays: 30 } },
			],
		};
		const [table] = await scores({ engagementRules }, 2);
		const [same] = await scores(json([
			{ label: 'Email open', activity: ['email_open'], points: 1, cap: { points: 5 }, why: 'Basic engagement' },
			{ label: 'Blog post read', activity: ['page_view'], contentContains: ['/blog/'], points: 3, cap: { points: 2, windowDays: 30 } },
		]), 2);
		assert.deepEqual(table, same);
		assert.equal(table.engagement, 7);
		assert.deepEqual(await scores({}, 2), await scores(defaultsInJson(), 2), 'a fresh node scores as the default rules');
	});

	it('a rule without a cap shows no cap, and scores uncapped', async () => {
		const rows = rowsOf(freshParameters(leadScore, 2), 'engagementRules');
		const shown = Object.fromEntries(rows.map((r) => [r.label, r.ruleOptions ?? {}]));
		assert.deepEqual(shown, {
			'Pricing page visit': { contentContains: '/pricing' },
			'Case study download': { contentContains: 'case study, case-study, case_study, casestudy, customer story' },
			'Webinar attendance': {},
			'Blog post read': { contentContains: '/blog/', capPoints: 15, capWindowDays: 30 },
			'Email open': { capPoints: 5, capWindowDays: 30 },
		});
		for (const row of rows) assert.equal('capPoints' in row, false, `${row.label}: no "Cap (Points)" field of its own`);
		const email = (ruleOptions: INodeParameters): INodeParameters => ({ engagementRules: { rules: [{ label: 'Email open', activityType: 'email_open', points: 1, why: '', ruleOptions }] } });
		assert.equal((await scores(email({}), 2))[0].engagement, 8, 'no cap: every open counts');
		assert.equal((await scores(email({ capPoints: 5 }), 2))[0].engagement, 5);
	});

	it('a cap window without a cap names the row', async () => {
		const engagementRules = { rules: [{ label: 'Email open', activityType: 'email_open', points: 1, why: '', ruleOptions: { capWindowDays: 30 } }] };
		const { error } = await runNode({ node: leadScore, parameters: { engagementRules }, items: [reader] });
		assert.match(error?.message ?? '', /Engagement rule 1 \(Email open\) › Cap Window \(Days\): caps nothing without Cap \(Points\)/);
	});
});
