/**
 * The nightly rescoring template in a real n8n, with HubSpot answered on loopback
 * (test/helpers/saas-mocks.ts). A seeding workflow records three leads' activities in the store
 * with Lead Score and writes their contacts to HubSpot with the score they had when they were
 * handed off: two scored 40 days ago (when their activities were fresh), one with fit points only.
 * The template then runs with `n8n execute` from its Run Now trigger, twice. The test reads what
 * HubSpot received: a search of the contacts changed since the last run (a day back, the first
 * time), one batch update holding only the two decayed scores, and on the second run a search
 * from the first run's start, kept in the workflow's static data.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RealN8n, type Execution } from '../helpers/real-n8n';
import type { RecordedRequest } from '../helpers/saas-mocks';

const TEMPLATE = join(__dirname, '../../workflows/nightly-rescoring-hubspot.json');
const DAY = 86_400_000;
const STORE = { leadHandoffStoreApi: { id: 'leadHandoffStore1', name: 'Lead Handoff Store' } };
const HUBSPOT = { hubspotAppToken: { id: 'LhRescoreHubspot', name: 'HubSpot (mock)' } };

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };

const now = Date.now();
const ago = (ms: number) => new Date(now - ms).toISOString();
/** Activities 40 to 50 days old: worth about half their points now (half-life 30 days). */
const activities = (prefix: string) => [
	{ id: `${prefix}-1`, type: 'page_view', timestamp: ago(50 * DAY), url: 'https://example.com/pricing' },
	{ id: `${prefix}-2`, type: 'content_download', timestamp: ago(45 * DAY), asset: 'Case study: Initech' },
	{ id: `${prefix}-3`, type: 'webinar_attended', timestamp: ago(41 * DAY) },
	{ id: `${prefix}-4`, type: 'demo_request', timestamp: ago(40 * DAY) },
];
const LEADS = [
	{ email: 'dana@globex.com', firstName: 'Dana', lastName: 'Lee', company: 'Globex', jobTitle: 'VP Sales', industry: 'Software', companySize: 200, activities: activities('dana'), scoredAt: ago(40 * DAY) },
	{ email: 'eve@initech.com', firstName: 'Eve', lastName: 'Park', company: 'Initech', jobTitle: 'Director of Operations', industry: 'Software', companySize: 120, activities: activities('eve'), scoredAt: ago(40 * DAY) },
	// Fit points only: nothing decays, so nightly rescoring leaves it as it is.
	{ email: 'kim@hooli.com', firstName: 'Kim', lastName: 'Ode', company: 'Hooli', jobTitle: 'VP Marketing', industry: 'Software', companySize: 300, activities: [], scoredAt: '' },
];

/** Records the leads in the store and writes their contacts to HubSpot with the score of when they were handed off. */
const SEED = {
	id: 'LhRescoreSeed001',
	name: 'Seed contacts scored 40 days ago',
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'r0seed-1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: 'r0seed-2', name: 'Leads', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(LEADS)}.map((json) => ({ json }));` } },
		{ id: 'r0seed-3', name: 'Lead Score', type: 'n8n-nodes-lead-handoff.leadScore', typeVersion: 2, position: [400, 0], parameters: { mode: 'recordAndRescore', options: { asOf: '={{ $json.scoredAt }}' } }, credentials: STORE },
		{
			id: 'r0seed-4',
			name: 'HubSpot Contact',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.5,
			position: [600, 0],
			parameters: {
				method: 'POST',
				url: "={{ 'https://api.hubapi.com/contacts/v1/contact/createOrUpdate/email/' + $json.email }}",
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'hubspotAppToken',
				sendBody: true,
				specifyBody: 'json',
				jsonBody:
					"={{ JSON.stringify({ properties: [['firstname', $json.firstName], ['lastname', $json.lastName], ['company', $json.company], ['jobtitle', $json.jobTitle], ['industry', $json.industry], ['numemployees', String($json.companySize)], ['handoff_score', String($json.score.total)], ['handoff_grade', $json.score.grade]].map(([property, value]) => ({ property, value })) }) }}",
				options: {},
			},
			credentials: HUBSPOT,
		},
	],
	connections: {
		Start: { main: [[{ node: 'Leads', type: 'main', index: 0 }]] },
		Leads: { main: [[{ node: 'Lead Score', type: 'main', index: 0 }]] },
		'Lead Score': { main: [[{ node: 'HubSpot Contact', type: 'main', index: 0 }]] },
	},
	pinData: {},
};

const SEARCH_NODE = 'HubSpot: Contacts Changed Since';

/** The template with the test's credential, and pages of 2 contacts instead of 100, so that three contacts take two pages. */
function template(): Json {
	const workflow = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) if (node.parameters.nodeCredentialType === 'hubspotAppToken') node.credentials = HUBSPOT;
	const search = workflow.nodes.find((n) => n.name === SEARCH_NODE)!;
	assert.match(String(search.parameters.jsonBody), /limit: 100 \}/);
	search.parameters.jsonBody = String(search.parameters.jsonBody).replace('limit: 100 }', 'limit: 2 }');
	return { ...workflow, id: 'LhRescoreNightly' };
}

const summary = (r: RecordedRequest) => `${r.method} ${r.host}${r.path} ${r.status}: ${r.rawBody.slice(0, 700)}`;
type Search = { filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>; limit: number; after?: string };

describe('Nightly rescoring (HubSpot) in a real n8n', () => {
	let n8n: RealN8n;
	let seeded: Record<string, { total: number; grade: string }>;
	let first: { run: Execution; requests: RecordedRequest[]; startedAt: number };
	let second: { run: Execution; requests: RecordedRequest[] };

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true });
		await n8n.importCredentials([
			{ ...STORE.leadHandoffStoreApi, type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...HUBSPOT.hubspotAppToken, type: 'hubspotAppToken', data: { appToken: 'pat-mock-hubspot' } },
		]);
		const [seedId, nightlyId] = await n8n.importWorkflows([SEED, template()]);
		const seed = await n8n.execute(seedId);
		assert.equal(seed.status, 'success', seed.error?.message);
		seeded = Object.fromEntries(seed.json('Lead Score').map((j) => [j.email as string, j.score as { total: number; grade: string }]));
		const mocks = n8n.mocks!;
		// The first night: every seeded contact was changed within the last day.
		let before = mocks.requests().length;
		const startedAt = Date.now();
		const run = await n8n.execute(nightlyId);
		assert.equal(run.status, 'success', run.error?.message);
		first = { run, requests: mocks.requests().slice(before), startedAt };
		console.log(`Nightly rescoring, first run, what HubSpot received:\n${first.requests.map(summary).join('\n')}`);
		before = mocks.requests().length;
		const again = await n8n.execute(nightlyId);
		assert.equal(again.status, 'success', again.error?.message);
		second = { run: again, requests: mocks.requests().slice(before) };
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	const searches = (requests: RecordedRequest[]) => requests.filter((r) => r.path === '/crm/v3/objects/contacts/search');
	const updates = (requests: RecordedRequest[]) => requests.filter((r) => r.path === '/crm/v3/objects/contacts/batch/update');

	it('searches the contacts changed in the last day the first night, with the app token, page after page', () => {
		const pages = searches(first.requests);
		assert.deepEqual(pages.map((p) => (p.body as Search).after), [undefined, '2'], 'the second page asks for the contacts after the first page');
		const [search] = pages;
		assert.equal(search.headers.authorization, 'Bearer pat-mock-hubspot');
		const body = search.body as Search;
		const [filter] = body.filterGroups[0].filters;
		assert.deepEqual([filter.propertyName, filter.operator], ['lastmodifieddate', 'GTE']);
		const since = Number(filter.value);
		assert.ok(since <= first.startedAt - DAY + 60_000 && since >= first.startedAt - DAY - 60_000, `one day back: ${new Date(since).toISOString()}`);
		assert.equal(body.limit, 2);
		assert.deepEqual((first.run.json('One Item per Contact') as Array<{ properties: { email: string } }>).map((c) => c.properties.email).sort(), LEADS.map((l) => l.email).sort());
	});

	it('rescored each contact from its recorded activities with decay: the two scored 40 days ago lost points, the fit-only one did not', () => {
		const now = Object.fromEntries(first.run.json('Lead Score').map((j) => [j.email as string, j.score as { total: number; grade: string }]));
		assert.ok(now['dana@globex.com'].total < seeded['dana@globex.com'].total, `Dana: ${seeded['dana@globex.com'].total} then, ${now['dana@globex.com'].total} now`);
		assert.ok(now['eve@initech.com'].total < seeded['eve@initech.com'].total, `Eve: ${seeded['eve@initech.com'].total} then, ${now['eve@initech.com'].total} now`);
		assert.equal(now['kim@hooli.com'].total, seeded['kim@hooli.com'].total);
	});

	it('writes back only the scores that moved, in one batch update', () => {
		const calls = updates(first.requests);
		assert.equal(calls.length, 1, 'one batch for two contacts');
		const inputs = (calls[0].body as { inputs: Array<{ id: string; properties: Record<string, string> }> }).inputs;
		const scored = Object.fromEntries(first.run.json('Lead Score').map((j) => [String((j.hubspot as { id: string }).id), j.score as { total: number; grade: string }]));
		const contacts = first.run.json('One Item per Contact') as Array<{ id: string; properties: { email: string } }>;
		const idOf = (email: string) => contacts.find((c) => c.properties.email === email)!.id;
		assert.deepEqual(inputs.map((i) => i.id).sort(), [idOf('dana@globex.com'), idOf('eve@initech.com')].sort());
		for (const input of inputs) assert.deepEqual(input.properties, { handoff_score: String(scored[input.id].total), handoff_grade: scored[input.id].grade });
		assert.equal(calls[0].status, 200);
	});

	it('the next run searches from the first run\'s start, kept in static data: only the contacts written since come back', () => {
		const [search] = searches(second.requests);
		const since = Number((search.body as Search).filterGroups[0].filters[0].value);
		const runAt = first.run.json('Since Last Run')[0].runAt as number;
		assert.equal(since, runAt);
		const emails = (second.run.json('One Item per Contact') as Array<{ properties: { email: string } }>).map((c) => c.properties.email).sort();
		assert.deepEqual(emails, ['dana@globex.com', 'eve@initech.com'], 'Kim was not changed since');
		const written = Object.fromEntries((updates(first.requests)[0].body as { inputs: Array<{ id: string; properties: Record<string, string> }> }).inputs.map((i) => [i.id, i.properties.handoff_score]));
		for (const c of second.run.json('One Item per Contact') as Array<{ id: string; properties: { handoff_score: string } }>) assert.equal(c.properties.handoff_score, written[c.id], 'HubSpot holds the score written back');
	});
});
