/**
 * The tables and the JSON of Lead Score, Handoff Gate, Tier Router and Lead Enrich: switching the
 * mode in n8n's panel never silently runs on fewer rules, and the tables a fresh node shows are
 * the default protocol, row for row.
 *
 * A switch is replayed with n8n-workflow's own NodeHelpers.getNodeParameters, as the editor's
 * panel calls it on every change (2.41: only what differs from the defaults, set the value, then
 * the defaults filled in for what is shown) and as it saves the workflow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeHelpers, type IDataObject, type INode, type INodeParameters, type INodeType } from 'n8n-workflow';

import { DEFAULT_GATE, type GateRule } from '../../nodes/engine/gate';
import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { compileScorer, DEFAULT_PROTOCOL } from '../../nodes/engine/scoring';
import { DEFAULT_GATE_V3, DEFAULT_TABLE as GATE_TABLE, defaultTableOf, editorRowsToGate } from '../../nodes/HandoffGate/editorRules';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { DEFAULT_TABLE as SCORE_TABLE, editorRowsToProtocol } from '../../nodes/LeadScore/editorRules';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { editorRowsToRouting, tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import type { ConditionGroupRow } from '../../nodes/shared/conditionRows';
import { isKeptTwin } from '../../nodes/shared/ruleViews';
import { runNode } from '../helpers/n8n-runner';
import { score } from '../engine/gate/helpers';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-views-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

/** The version a node dropped fresh on the canvas gets: the latest. */
const latestVersion = (type: INodeType) => Math.max(...[type.description.version].flat());

/** Sets one parameter in the panel as n8n's editor does, and returns what the workflow saves. */
function setInPanel(type: INodeType, saved: INodeParameters, name: string, value: string, typeVersion = latestVersion(type)): INodeParameters {
	const { properties } = type.description;
	const node = { id: 'n', name: type.description.defaults.name ?? 'node', type: type.description.name, typeVersion, position: [0, 0], parameters: saved } as INode;
	let parameters = NodeHelpers.getNodeParameters(properties, saved, false, false, node, type.description)!;
	parameters = { ...parameters, [name]: value };
	parameters = NodeHelpers.getNodeParameters(properties, parameters, true, false, node, type.description)!;
	return NodeHelpers.getNodeParameters(properties, parameters, false, false, node, type.description)!;
}

/** The same node type without the twins that keep the other mode's values. */
const withoutTwins = (type: INodeType): INodeType => ({ ...type, description: { ...type.description, properties: type.description.properties.filter((p, _, all) => !isKeptTwin(p, all)) } }) as INodeType;

const AS_OF = '2026-06-15T12:00:00Z';
const MONDAY_11 = '2026-03-16T10:00:00.000Z';

describe('switching between the tables and JSON', () => {
	it("n8n's panel drops a parameter the new mode hides, even one the user changed: without its twins the JSON is gone", () => {
		const scoreNode = new LeadScore();
		const rulesJson = JSON.stringify({ fit: [{ label: 'VP', field: 'jobTitle', operator: 'contains', value: ['VP'], points: 30 }], engagement: [], negative: [] });
		const saved = setInPanel(withoutTwins(scoreNode), { rulesSource: 'json', rulesJson }, 'rulesSource', 'editor');
		assert.equal(saved.rulesJson, undefined, 'n8n keeps no hidden parameter');
		const kept = setInPanel(scoreNode, { rulesSource: 'json', rulesJson }, 'rulesSource', 'editor');
		assert.equal(kept.rulesJson, rulesJson, 'the twin keeps the JSON while the table is shown');
		assert.equal(setInPanel(scoreNode, kept, 'rulesSource', 'json').rulesJson, rulesJson, 'and it is back on switching back');
	});

	describe('Tier Router', () => {
		const router = new TierRouter();
		const rulesJson = JSON.stringify({
			calendar: { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' } },
			tiers: DEFAULT_TIERS,
			assignment: {
				roster: ['101', '102', '103', '104'].map((id) => ({ id, name: `Rep ${id}`, email: `rep${id}@acme.test` })),
				teams: [{ id: 'sales', members: ['101', '102', '103', '104'], strategy: 'roundRobin', outsideHours: 'allow' }],
				fallback: { queue: 'Unassigned' },
			},
		});
		const hot = () => ({ email: 'dana@globex.com', score: score({ total: 92, asOf: MONDAY_11 }) as unknown as IDataObject });
		const route = (parameters: INodeParameters) => runNode({ node: router, parameters, items: [hot()], credentials: freshStore(), timezone: 'Europe/Berlin' });

		it('JSON with 4 reps switched to Tables: refuses, naming the 4 reps, rather than send the hot lead to the fallback queue', async () => {
			const before = await route({ rulesSource: 'json', rulesJson });
			assert.equal(before.error, undefined, before.error?.message);
			assert.equal((before.outputs[0][0].json.routing as IDataObject).ownerId, '101');

			const switched = setInPanel(router, { rulesSource: 'json', rulesJson }, 'rulesSource', 'editor');
			const { error, outputs } = await route(switched);
			assert.ok(error, 'the run stops');
			assert.match(error.message, /Tier Router is set to Tables but the tables \(tiers, roster, teams\) hold only the defaults/);
			assert.match(error.message, /4 tiers, 4 reps, 1 team and no assignment rules/);
			assert.match(error.message, /Switch Rules Source back to JSON/);
			assert.ok(outputs.every((o) => o.length === 0), 'no lead was routed');

			const back = await route(setInPanel(router, switched, 'rulesSource', 'json'));
			assert.equal(back.error, undefined, back.error?.message);
			assert.deepEqual(back.outputs[0][0].json.routing, before.outputs[0][0].json.routing, 'switching back routes as before');
		});

		it('filling in the tables after the switch is a choice: the tables are used', async () => {
			const switched = setInPanel(router, { rulesSource: 'json', rulesJson }, 'rulesSource', 'editor');
			const filled = { ...switched, roster: { rep: [{ id: '7', name: 'Zoe' }] }, teams: { team: [{ id: 'all', members: '7', outsideHours: 'allow' }] } };
			const { error, outputs } = await route(filled);
			assert.equal(error, undefined, error?.message);
			assert.equal((outputs[0][0].json.routing as IDataObject).ownerId, '7');
		});

		it('tables switched to JSON: refuses, naming the roster, rather than assign to the example reps', async () => {
			const tables: INodeParameters = {
				rulesSource: 'editor',
				tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) as unknown as INodeParameters[] },
				roster: { rep: [{ id: '7', name: 'Zoe' }, { id: '8', name: 'Yan' }] },
				teams: { team: [{ id: 'all', members: '7, 8', outsideHours: 'allow' }] },
				settings: { calendarZone: 'Europe/Berlin' },
			};
			const before = await route(tables);
			assert.equal(before.error, undefined, before.error?.message);
			const switched = setInPanel(router, tables, 'rulesSource', 'json');
			const { error } = await route(switched);
			assert.match(error?.message ?? '', /set to JSON but the Routing \(JSON\) hold only the defaults, while the tables \(tiers, roster, teams\) \(kept, not used\) hold 4 tiers, 2 reps, 1 team/);
			const back = await route(setInPanel(router, switched, 'rulesSource', 'editor'));
			assert.deepEqual(back.outputs[0][0].json.routing, before.outputs[0][0].json.routing);
		});
	});

	describe('Lead Score', () => {
		const node = new LeadScore();
		const lead = { email: 'dana@globex.com', jobTitle: 'VP of Marketing', activities: [{ type: 'page_view', timestamp: AS_OF, url: '/pricing' }] };
		const rulesJson = JSON.stringify({
			fit: [{ label: 'VP', field: 'jobTitle', operator: 'contains', value: ['VP'], points: 30 }],
			engagement: [{ label: 'Pricing', activity: ['page_view'], contentContains: ['/pricing'], points: 10 }],
			negative: [],
		});
		const run = (parameters: INodeParameters) => runNode({ node, parameters: { ...parameters, options: { asOf: AS_OF } }, items: [lead] });

		it('JSON switched to the point table: refuses, naming the rules; switching back scores as before', async () => {
			const before = await run({ rulesSource: 'json', rulesJson });
			assert.equal((before.outputs[0][0].json.score as IDataObject).total, 40);
			const switched = setInPanel(node, { rulesSource: 'json', rulesJson }, 'rulesSource', 'editor');
			const { error } = await run(switched);
			assert.match(error?.message ?? '', /Lead Score is set to Point Table but the point table hold[s]? only the defaults, while the Rules \(JSON\) \(kept, not used\) hold 1 fit rule, 1 engagement rule and no negative rules/);
			const back = await run(setInPanel(node, switched, 'rulesSource', 'json'));
			assert.deepEqual(back.outputs[0][0].json.score, before.outputs[0][0].json.score);
		});

		it('a point table switched to JSON: refuses; switching back scores as before', async () => {
			const table: INodeParameters = { rulesSource: 'editor', fitRules: { rules: [{ label: 'VP', field: 'jobTitle', operator: 'contains', value: 'VP', points: 30 }] } };
			const before = await run(table);
			assert.equal(before.error, undefined, before.error?.message);
			const switched = setInPanel(node, table, 'rulesSource', 'json');
			assert.match((await run(switched)).error?.message ?? '', /Lead Score is set to JSON .* the point table \(kept, not used\) hold 1 fit rule/);
			const back = await run(setInPanel(node, switched, 'rulesSource', 'editor'));
			assert.deepEqual(back.outputs[0][0].json.score, before.outputs[0][0].json.score);
		});

		it('a fresh node runs in either mode: both hold the defaults', async () => {
			for (const rulesSource of ['editor', 'json']) {
				const { error } = await run(setInPanel(node, {}, 'rulesSource', rulesSource));
				assert.equal(error, undefined, `${rulesSource}: ${error?.message}`);
			}
		});
	});

	describe('Handoff Gate', () => {
		const node = new HandoffGate();
		const rulesJson = JSON.stringify({ intents: [{ name: 'Trial', when: { activity: ['trial_signup'] } }] });
		const lead = { email: 'sam@smallco.io', score: score({ total: 10, asOf: AS_OF }) as unknown as IDataObject, activities: [{ type: 'trial_signup', timestamp: AS_OF }] };
		const run = (parameters: INodeParameters) => runNode({ node, parameters: { ...parameters, options: { evaluateAt: AS_OF } }, items: [lead], credentials: freshStore() });

		it('JSON switched to the rule table: refuses, naming the rules; switching back decides as before', async () => {
			const before = await run({ rulesSource: 'json', rulesJson });
			assert.equal(before.error, undefined, before.error?.message);
			assert.equal(before.outputs[0].length, 1, 'handed off on the trial intent');
			const switched = setInPanel(node, { rulesSource: 'json', rulesJson }, 'rulesSource', 'editor');
			assert.match((await run(switched)).error?.message ?? '', /Handoff Gate is set to Rule Table .* Rules \(JSON\) \(kept, not used\) hold no disqualifiers, 1 intent trigger and no hand-off triggers/);
			const back = await run(setInPanel(node, switched, 'rulesSource', 'json'));
			assert.deepEqual(back.outputs.map((o) => o.length), before.outputs.map((o) => o.length));
		});
	});

	describe('Lead Enrich', () => {
		const node = new LeadEnrich();
		const settings: INodeParameters = { optionsSource: 'editor', brief: { crmUrlTemplate: 'https://crm.example/{{id}}', attributionModel: 'linear' } };
		const lead = { email: 'dana@globex.com', id: '42', activities: [{ type: 'page_view', timestamp: AS_OF, url: '/pricing' }] };
		const run = (parameters: INodeParameters) => runNode({ node, parameters: { ...parameters, options: { asOf: AS_OF } }, items: [lead] });

		it('settings switched to JSON: refuses, naming what the settings set; switching back enriches as before', async () => {
			const before = await run(settings);
			assert.equal(before.error, undefined, before.error?.message);
			const switched = setInPanel(node, settings, 'optionsSource', 'json');
			assert.match((await run(switched)).error?.message ?? '', /Lead Enrich is set to JSON .* the settings \(kept, not used\) hold settings for attribution and crmUrlTemplate.*Switch Configure With back to Settings/);
			const back = await run(setInPanel(node, switched, 'optionsSource', 'editor'));
			assert.deepEqual(back.outputs[0][0].json.enrichment, before.outputs[0][0].json.enrichment);
		});
	});
});

describe('the tables a fresh node shows are the default protocol', () => {
	const rowsOf = (groups: ConditionGroupRow[]) => groups.flatMap((g) => g.conditions?.condition ?? []);
	const plain = (rows: Array<{ kind?: string; activityType?: string }>) => {
		assert.deepEqual(rows.filter((r) => r.kind === 'json'), [], 'no "condition as JSON" row');
		assert.deepEqual(rows.filter((r) => r.activityType === 'custom'), [], 'no listed activity type typed as a custom one');
	};

	it('Lead Score: the point table compiles to the default scoring protocol', () => {
		plain(SCORE_TABLE.engagement);
		assert.deepEqual(compileScorer(editorRowsToProtocol({ ...SCORE_TABLE, settings: {} })).protocol, compileScorer(DEFAULT_PROTOCOL).protocol);
	});

	it('Handoff Gate: the rule table compiles to the default gate', () => {
		plain(rowsOf([...GATE_TABLE.disqualifiers, ...GATE_TABLE.intents, ...GATE_TABLE.triggers]));
		// Version 3 writes no ids (each derives from the name) and names scoring rules by label.
		assert.deepEqual(editorRowsToGate({ ...GATE_TABLE, cooldownDays: DEFAULT_GATE.cooldownDays }), DEFAULT_GATE_V3);
		const named = (rules: GateRule[]) => rules.map(({ id: _id, when: _when, ...rule }) => rule);
		for (const group of ['disqualifiers', 'intents', 'triggers'] as const) assert.deepEqual(named(DEFAULT_GATE_V3[group] ?? []), named(DEFAULT_GATE[group]));
		assert.deepEqual(editorRowsToGate({ ...defaultTableOf(2), cooldownDays: DEFAULT_GATE.cooldownDays }), DEFAULT_GATE, 'versions 1-2: as before');
	});

	it('Tier Router: the tier table compiles to the default tiers', () => {
		const tiers = tiersToEditorRows(DEFAULT_TIERS);
		plain(rowsOf(tiers));
		const compiled = editorRowsToRouting({ tiers, roster: [], teams: [], rules: [], namedAccounts: [], settings: {} }).tiers;
		assert.deepEqual(compiled, DEFAULT_TIERS.map((t) => ({ ...t, assign: t.assign ?? true })));
	});
});
