/**
 * Switching a node between its tables (or settings) and its JSON in n8n's panel never changes
 * what the node decides: after a switch the node either decides as before or refuses to run on
 * the view left at its defaults, naming what the other view holds; switching back decides
 * exactly as before. Every package node with two views is switched, as the templates ship it,
 * as dropped fresh and as configured in JSON.
 *
 * The switches are n8n 2.41's own steps (test/helpers/editor-panel.ts): the editor removes the
 * value of every parameter that leaves the panel's list, and a table or collection whose display
 * depends by name on the changed parameter, so a view kept by a twin of type `hidden` is lost
 * (the first test). test/editor/editor.test.ts makes the same switches in n8n's editor.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { clock } from '../../nodes/shared/clock';
import { isKeptTwin } from '../../nodes/shared/ruleViews';
import { closeAllStores } from '../../nodes/store';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { inPanel, saved, setInPanel } from '../helpers/editor-panel';
import { runWorkflow, type NodeSpec } from '../helpers/n8n-runner';

const ROOT = path.join(__dirname, '../..');
const AS_OF = '2026-06-15T12:00:00.000Z';
const NOW = Date.parse(AS_OF);
const HOUR = 3_600_000;

type Kind = 'leadScore' | 'handoffGate' | 'tierRouter' | 'leadEnrich';
const NODES: Record<Kind, INodeType> = { leadScore: new LeadScore(), handoffGate: new HandoffGate(), tierRouter: new TierRouter(), leadEnrich: new LeadEnrich() };
const MODE: Record<Kind, string> = { leadScore: 'rulesSource', handoffGate: 'rulesSource', tierRouter: 'rulesSource', leadEnrich: 'optionsSource' };
const latest = (type: INodeType) => Math.max(...[type.description.version].flat());

/** Leads as a form or CRM sends them, with CRM ids (so the brief's CRM link shows). */
const ago = (hours: number) => new Date(NOW - hours * HOUR).toISOString();
const LEADS: IDataObject[] = [
	{ id: '101', email: 'sam@smallco.io', jobTitle: 'Analyst', activities: [{ id: 'sam-1', type: 'demo_request', timestamp: ago(1) }] },
	{
		id: '102',
		email: 'dana@globex.com',
		jobTitle: 'VP of Marketing',
		industry: 'Software',
		companySize: 200,
		activities: [
			{ id: 'dana-1', type: 'page_view', timestamp: ago(2), url: 'https://example.com/pricing' },
			{ id: 'dana-2', type: 'webinar_attended', timestamp: ago(20 * 24) },
		],
	},
	{ id: '103', email: 'lee@initech.com', jobTitle: 'Engineer', activities: [{ id: 'lee-1', type: 'email_open', timestamp: ago(5) }] },
	{ id: '104', email: 'kim@gmail.com', jobTitle: 'Marketing Student', activities: [{ id: 'kim-1', type: 'page_view', timestamp: ago(3), url: '/pricing' }] },
];

/** A company data provider on loopback: every domain is a company. */
let provider: Server;
let providerUrl = '';
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-switch-'));
let stores = 0;
const realNow = clock.now;
const realSleep = clock.sleep;

beforeAll(async () => {
	clock.now = () => NOW;
	clock.sleep = async () => undefined;
	provider = createServer((req, res) => {
		const domain = new URL(req.url ?? '/', 'http://x').searchParams.get('domain') ?? '';
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ name: `${domain.split('.')[0]} Inc.`, domain, metrics: { employees: 120 }, category: { industry: 'Software' } }));
	});
	await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
	providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/companies/find?domain={{domain}}`;
});

afterAll(async () => {
	clock.now = realNow;
	clock.sleep = realSleep;
	await new Promise((resolve) => provider.close(resolve));
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

/** What the node decides for the leads (scored first unless it is Lead Score), on fresh stores. */
async function decisions(kind: Kind, parameters: INodeParameters, typeVersion: number): Promise<{ error: string } | { outputs: unknown[][] }> {
	const underTest: NodeSpec = { node: NODES[kind], name: 'Under Test', typeVersion, parameters: kind === 'leadScore' || kind === 'leadEnrich' ? { ...parameters, options: { ...((parameters.options as IDataObject) ?? {}), asOf: AS_OF } } : parameters };
	const nodes = kind === 'leadScore' ? [underTest] : [{ node: NODES.leadScore, name: 'Score', parameters: { options: { asOf: AS_OF } } }, underTest];
	const result = await runWorkflow({
		nodes,
		items: LEADS,
		timezone: 'UTC',
		credentials: { leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) }, leadEnrichCompanyDataApi: { sendAs: 'bearer', apiKey: 'test-key', testUrl: providerUrl.replace('{{domain}}', 'globex.com') } },
	});
	if (result.error) return { error: result.error.message };
	return { outputs: (result.outputs['Under Test'] ?? []).map((items) => items.map((i) => i.json)) };
}

/** Configurations to switch: each template's node, a node dropped fresh, and one set in JSON. */
type Case = { label: string; kind: Kind; typeVersion: number; parameters: INodeParameters };
const templateCases: Case[] = readdirSync(path.join(ROOT, 'workflows'))
	.filter((f) => f.endsWith('.json'))
	.flatMap((file) => {
		const workflow = JSON.parse(readFileSync(path.join(ROOT, 'workflows', file), 'utf8')) as { nodes: Array<{ name: string; type: string; typeVersion: number; parameters: INodeParameters }> };
		return workflow.nodes
			.map((n) => ({ n, kind: n.type.replace(/^n8n-nodes-lead-handoff\./, '') as Kind }))
			.filter(({ kind }) => kind in NODES)
			.map(({ n, kind }) => ({ label: `${n.name} in ${file}`, kind, typeVersion: n.typeVersion, parameters: n.parameters }));
	});
const freshCases: Case[] = (Object.keys(NODES) as Kind[]).map((kind) => ({ label: `${NODES[kind].description.displayName} dropped fresh`, kind, typeVersion: latest(NODES[kind]), parameters: {} }));
const jsonCases: Case[] = [
	{
		label: 'Lead Score in JSON',
		kind: 'leadScore',
		typeVersion: latest(NODES.leadScore),
		parameters: { rulesSource: 'json', rulesJson: JSON.stringify({ fit: [{ label: 'VP', field: 'jobTitle', operator: 'contains', value: ['VP'], points: 30 }], engagement: [{ label: 'Pricing', activity: ['page_view'], contentContains: ['/pricing'], points: 10 }], negative: [] }) },
	},
	{ label: 'Handoff Gate in JSON', kind: 'handoffGate', typeVersion: latest(NODES.handoffGate), parameters: { rulesSource: 'json', rulesJson: JSON.stringify({ intents: [{ name: 'Demo', when: { activity: ['demo_request'] } }] }) } },
	{
		label: 'Tier Router in JSON',
		kind: 'tierRouter',
		typeVersion: latest(NODES.tierRouter),
		parameters: {
			rulesSource: 'json',
			rulesJson: JSON.stringify({ assignment: { roster: ['7', '8'].map((id) => ({ id, name: `Rep ${id}`, email: `rep${id}@acme.test` })), teams: [{ id: 'sales', members: ['7', '8'], strategy: 'roundRobin', outsideHours: 'allow' }], fallback: { queue: 'Unassigned' } } }),
		},
	},
	{ label: 'Lead Enrich in JSON', kind: 'leadEnrich', typeVersion: latest(NODES.leadEnrich), parameters: { optionsSource: 'json', optionsJson: JSON.stringify({ crmUrlTemplate: 'https://crm.example/leads/{{id}}', attribution: { model: 'linear' } }) } },
];
/** The Lead Enrich template asks an HTTP provider: here the one on loopback. */
const local = (c: Case): Case => (c.kind === 'leadEnrich' && c.parameters.companyData === 'http' ? { ...c, parameters: { ...c.parameters, urlTemplate: providerUrl } } : c);

describe('switching between the views in n8n’s panel never changes what a node decides', () => {
	it('the cause: n8n’s panel drops a value that leaves its list, so a hidden twin of the same name does not keep it; a notice twin does', () => {
		const enrich = NODES.leadEnrich;
		const settings = inPanel(enrich, { companyData: 'table', lookupTable: { rows: [{ domain: 'globex.com', name: 'Globex' }] }, brief: { crmUrlTemplate: 'https://crm.example/{{id}}' } });
		const properties = enrich.description.properties;
		const hiddenTwins = { ...enrich, description: { ...enrich.description, properties: properties.filter((p) => !(p.type === 'notice' && isKeptTwin(p, properties))) } } as INodeType;
		const lost = setInPanel(hiddenTwins, settings, 'optionsSource', 'json');
		assert.deepEqual([lost.companyData ?? 'none', lost.lookupTable ?? {}, lost.brief ?? {}], ['none', {}, {}], 'with hidden twins the settings are back at their defaults');
		const kept = setInPanel(enrich, settings, 'optionsSource', 'json');
		const keptSettings = (p: INodeParameters) => (({ companyData, lookupTable, brief }) => ({ companyData, lookupTable, brief }))(saved(enrich, p));
		assert.deepEqual(keptSettings(kept), keptSettings(settings));
		assert.deepEqual(saved(enrich, setInPanel(enrich, kept, 'optionsSource', 'editor')), saved(enrich, settings), 'switching back gives the settings as they were');
	});

	it.each([...templateCases, ...freshCases, ...jsonCases].map((c) => [c.label, c] as const))('%s: there and back', async (_label, original) => {
		const c = local(original);
		const type = NODES[c.kind];
		const mode = MODE[c.kind];
		const shown = inPanel(type, c.parameters, c.typeVersion);
		const before = await decisions(c.kind, saved(type, shown, c.typeVersion), c.typeVersion);
		assert.ok('outputs' in before, `${c.label} does not run as configured: ${'error' in before ? before.error : ''}`);
		const from = String(shown[mode]);
		const to = from === 'json' ? 'editor' : 'json';
		const switched = setInPanel(type, shown, mode, to, c.typeVersion);
		assert.equal(switched[mode], to);
		const after = await decisions(c.kind, saved(type, switched, c.typeVersion), c.typeVersion);
		if ('error' in after) assert.match(after.error, /kept, not used/, `${c.label} after ${from} -> ${to}: refuses for another reason`);
		else assert.deepEqual(after, before, `${c.label} after ${from} -> ${to}: decides differently`);
		const back = setInPanel(type, switched, mode, from, c.typeVersion);
		assert.deepEqual(saved(type, back, c.typeVersion), saved(type, shown, c.typeVersion), `${c.label}: switching back does not give back the parameters`);
		assert.deepEqual(await decisions(c.kind, saved(type, back, c.typeVersion), c.typeVersion), before, `${c.label}: switching back decides differently`);
	});

	it('Lead Enrich: settings switched to JSON refuse, naming the company data and the CRM link they hold; back, the brief is as before', async () => {
		const enrich = NODES.leadEnrich;
		const shown = inPanel(enrich, { companyData: 'http', urlTemplate: providerUrl, brief: { crmUrlTemplate: 'https://crm.example/{{id}}' } });
		const before = await decisions('leadEnrich', saved(enrich, shown), 1);
		assert.ok('outputs' in before);
		const dana = (before.outputs[0] as Array<{ enrichment: { firmographics: unknown; renderings: { slack: unknown } } }>)[1].enrichment;
		assert.match(JSON.stringify(dana.firmographics), /globex Inc\./, 'the provider on loopback answered');
		assert.match(JSON.stringify(dana.renderings.slack), /crm\.example\/102/);
		const switched = setInPanel(enrich, shown, 'optionsSource', 'json');
		const refused = await decisions('leadEnrich', saved(enrich, switched), 1);
		assert.ok('error' in refused);
		assert.match(refused.error, /Lead Enrich is set to JSON but the Options \(JSON\) hold only the defaults, while the settings \(kept, not used\) hold settings for firmographics and crmUrlTemplate/);
		assert.deepEqual(await decisions('leadEnrich', saved(enrich, setInPanel(enrich, switched, 'optionsSource', 'editor')), 1), before);
	});

	it('Lead Enrich dropped fresh decides the same in Settings and in JSON: the default JSON is the empty settings spelled out', async () => {
		const enrich = NODES.leadEnrich;
		const settings = inPanel(enrich, {});
		const json = setInPanel(enrich, settings, 'optionsSource', 'json');
		const [a, b] = [await decisions('leadEnrich', saved(enrich, settings), 1), await decisions('leadEnrich', saved(enrich, json), 1)];
		assert.ok('outputs' in a && 'outputs' in b);
		assert.deepEqual(b, a);
	});
});
