/**
 * The hand-off dashboard template in a real n8n, opened in headless Chromium (Debian's, through
 * playwright-core). The store is filled the way users fill it: leads through the inbound-to-HubSpot
 * template (hand-offs, owners, SLA timers) against the SaaS mocks, and outcomes recorded by Lead
 * Feedback (contacted, won, rejected). The page asks for its Basic Auth, opens, shows its figures
 * and the three charts, and every number on it equals the Lead Quality Report's over the same
 * store's rows. A screenshot goes to docs/screenshots/dashboard.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';

import { buildReport, compileReportOptions, percent, type ReportRow } from '../../nodes/engine/feedback/report';
import { createStore } from '../../nodes/store';
import { RealN8n } from '../helpers/real-n8n';
import { MOCK_IDS } from '../helpers/saas-mocks';

const ROOT = join(__dirname, '../..');
const CHROMIUM = process.env.LEAD_HANDOFF_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ZONE = 'Europe/Berlin';
const SECRET = 'dashboard-test-secret';
const VIEWER = { username: 'sales-lead', password: 'dashboard-pass-1' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };

const CREDENTIALS: Record<string, { id: string; name: string }> = {
	httpHeaderAuth: { id: 'LhDashWebhookKey', name: 'Lead webhook key' },
	httpBasicAuth: { id: 'LhDashBasicAuth01', name: 'Dashboard viewers' },
	hubspotAppToken: { id: 'LhDashHubspot001', name: 'HubSpot (mock)' },
	slackApi: { id: 'LhDashSlack00001', name: 'Slack (mock)' },
	smtp: { id: 'LhDashSmtp000001', name: 'SMTP (mock)' },
	twilioApi: { id: 'LhDashTwilio0001', name: 'Twilio (mock)' },
};

function template(file: string, id: string): Json {
	const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.webhook') {
			const type = node.parameters.authentication === 'basicAuth' ? 'httpBasicAuth' : 'httpHeaderAuth';
			node.credentials = { [type]: CREDENTIALS[type] };
		}
		if (node.type === 'n8n-nodes-base.hubspot' || node.parameters.nodeCredentialType === 'hubspotAppToken') node.credentials = { hubspotAppToken: CREDENTIALS.hubspotAppToken };
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: CREDENTIALS.smtp };
		if (node.type === 'n8n-nodes-base.twilio') node.credentials = { twilioApi: CREDENTIALS.twilioApi };
	}
	return { ...workflow, id };
}

/** Outcomes as a CRM's feedback workflow records them: the plain shape, through Lead Feedback. */
const OUTCOMES = {
	id: 'LhDashOutcomes01',
	name: 'Record outcomes',
	nodes: [
		{ id: 'o1', name: 'Outcome In', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], webhookId: 'd5b0a1c2-0000-4000-8000-0000000000d1', parameters: { httpMethod: 'POST', path: 'dashboard-test/outcome', authentication: 'headerAuth', responseMode: 'lastNode', options: {} }, credentials: { httpHeaderAuth: CREDENTIALS.httpHeaderAuth } },
		{ id: 'o2', name: 'Record Outcome', type: 'n8n-nodes-lead-handoff.leadFeedback', typeVersion: 1, position: [250, 0], parameters: { resource: 'outcome', operation: 'record', input: 'plain', payload: '={{ $json.body }}' }, credentials: { leadHandoffStoreApi: { id: 'leadHandoffStore1', name: 'Lead Handoff Store' } } },
	],
	connections: { 'Outcome In': { main: [[{ node: 'Record Outcome', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

const now = Date.now();
const ago = (ms: number) => new Date(now - ms).toISOString();
const LEADS = [
	{ email: 'dana@globex.com', firstName: 'Dana', lastName: 'Lee', company: 'Globex', jobTitle: 'VP Sales', industry: 'Software', companySize: 200, request: 'demo_request' },
	{ email: 'sam@initech.com', firstName: 'Sam', lastName: 'Wu', company: 'Initech', jobTitle: 'Head of Marketing', industry: 'Software', companySize: 150, request: 'contact_sales' },
	{ email: 'kim@hooli.com', firstName: 'Kim', lastName: 'Ode', company: 'Hooli <b>Labs</b>', jobTitle: 'Director of Operations', industry: 'Software', companySize: 400, request: 'demo_request' },
	{ email: 'lou@umbrella.com', firstName: 'Lou', lastName: 'Park', company: 'Umbrella', jobTitle: 'VP Revenue', industry: 'Software', companySize: 300, request: 'demo_request' },
	{ email: 'ivy@acme.com', firstName: 'Ivy', lastName: 'Ng', company: 'Acme', jobTitle: 'CTO', industry: 'Software', companySize: 90, request: 'contact_sales' },
].map((l, i) => ({
	...l,
	activities: [
		{ id: `dash-${i}-1`, type: 'page_view', timestamp: ago(3 * HOUR), url: 'https://example.com/pricing', source: i % 2 ? 'Paid Search' : 'Organic Search', campaign: 'Q4 launch' },
		{ id: `dash-${i}-2`, type: 'content_download', timestamp: ago(2 * HOUR), asset: 'Case study: Initech' },
		{ id: `dash-${i}-3`, type: 'webinar_attended', timestamp: ago(DAY) },
		{ id: `dash-${i}-4`, type: l.request, timestamp: ago(60_000) },
	],
}));

describe('Hand-off dashboard in a real n8n, in Chromium', () => {
	let n8n: RealN8n;
	let browser: Browser;
	let rows: ReportRow[];
	let openTimers: number;

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true, timezone: ZONE });
		await n8n.importCredentials([
			{ id: 'leadHandoffStore1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...CREDENTIALS.httpHeaderAuth, type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: SECRET } },
			{ ...CREDENTIALS.httpBasicAuth, type: 'httpBasicAuth', data: { user: VIEWER.username, password: VIEWER.password } },
			{ ...CREDENTIALS.hubspotAppToken, type: 'hubspotAppToken', data: { appToken: 'pat-mock-hubspot' } },
			{ ...CREDENTIALS.slackApi, type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ ...CREDENTIALS.smtp, type: 'smtp', data: n8n.mocks!.smtpCredential() },
			{ ...CREDENTIALS.twilioApi, type: 'twilioApi', data: { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'mock-twilio-token' } },
		]);
		const ids = await n8n.importWorkflows([template('inbound-lead-to-hubspot.json', 'LhDashInboundHs1'), template('handoff-dashboard.json', 'LhDashDashboard1'), OUTCOMES]);
		await n8n.start();
		for (const id of ids) await n8n.activate(id);

		for (const lead of LEADS) {
			const res = await n8n.callWebhook('lead-handoff/hubspot', lead, { headers: { 'x-lead-handoff-key': SECRET } });
			assert.equal(res.status, 200, JSON.stringify(res.body));
		}
		// Dana's owner called within minutes and won the deal; Sam's owner called; Kim was rejected; Lou and Ivy wait.
		const outcomes = [
			{ eventId: 'e1', email: 'dana@globex.com', disposition: 'contacted', occurredAt: new Date(Date.now() + 60_000).toISOString() },
			{ eventId: 'e2', email: 'dana@globex.com', disposition: 'won', amount: '12000', currency: 'EUR', occurredAt: new Date(Date.now() + 120_000).toISOString() },
			{ eventId: 'e3', email: 'sam@initech.com', disposition: 'contacted', occurredAt: new Date(Date.now() + 90_000).toISOString() },
			{ eventId: 'e4', email: 'kim@hooli.com', disposition: 'rejected', reason: 'not qualified', occurredAt: new Date(Date.now() + 60_000).toISOString() },
		];
		const res = await n8n.callWebhook('dashboard-test/outcome', outcomes, { headers: { 'x-lead-handoff-key': SECRET } });
		assert.equal(res.status, 200, JSON.stringify(res.body));

		// The report's rows, read from the same store file n8n uses.
		const store = await createStore({ kind: 'embedded', folder: join(n8n.folder, '.n8n', 'lead-handoff') });
		rows = [];
		try {
			await store.readReportRows({ scope: 'default' }, (batch) => {
				rows.push(...batch);
			});
			openTimers = (await store.listSlaTimers('default', {})).length;
		} finally {
			await store.close();
		}

		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.dispose();
	});

	it('refuses a visit without the Basic Auth credential', async () => {
		const res = await fetch(`${n8n.baseUrl}/webhook/lead-handoff/dashboard`);
		assert.ok(res.status === 401 || res.status === 403, `status ${res.status}`);
		assert.doesNotMatch(await res.text(), /Hand-off dashboard/);
	});

	it("opens in Chromium with the report's figures, the open timers and the three charts", async () => {
		assert.equal(rows.length, LEADS.length, 'every lead was handed off');
		const report = buildReport(rows, compileReportOptions({ from: now - 30 * DAY }));
		const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, httpCredentials: VIEWER });
		try {
			const page = await context.newPage();
			const res = await page.goto(`${n8n.baseUrl}/webhook/lead-handoff/dashboard`);
			assert.equal(res?.status(), 200);
			assert.match(String(res?.headers()['content-type']), /^text\/html/);
			assert.equal(await page.title(), 'Hand-off dashboard');
			const figure = async (name: string, group?: string) => (await page.locator(`[data-figure="${name}"]${group === undefined ? '' : `[data-group="${group}"]`}`).first().textContent())?.trim();

			const t = report.total;
			assert.equal(await figure('total.handoffs'), String(t.handoffs));
			assert.equal(await figure('total.slaMet'), percent(t.slaMet.rate));
			assert.equal(await figure('total.win'), percent(t.win.rate));
			assert.deepEqual([t.funnel.handedOff, t.funnel.contacted, t.funnel.won], [5, 2, 1], 'the seeded outcomes');
			for (const stage of ['handedOff', 'accepted', 'contacted', 'meeting', 'opportunity', 'won'] as const) assert.equal(await figure('funnel', stage), String(t.funnel[stage]), stage);
			for (const dimension of ['rep', 'team', 'source'] as const) {
				assert.ok(report.breakdowns[dimension].length > 0, dimension);
				for (const g of report.breakdowns[dimension]) {
					assert.equal(await figure(`${dimension}.handoffs`, g.group), String(g.handoffs), `${dimension} ${g.group}`);
					assert.equal(await figure(`${dimension}.slaMet`, g.group), percent(g.slaMet.rate), `${dimension} ${g.group}`);
				}
			}
			// Lou and Ivy are still waiting: their timers run.
			assert.ok(openTimers >= 2, `open timers: ${openTimers}`);
			assert.equal(await figure('open.count'), String(openTimers));
			assert.match(String(await figure('open.summary')), new RegExp(`^${openTimers} hand-offs waiting`));
			assert.equal(await page.locator('td', { hasText: 'Lou Park · Umbrella' }).count(), 1);

			const charts = page.locator('img[data-chart]');
			assert.deepEqual(await charts.evaluateAll((imgs) => imgs.map((i) => i.getAttribute('data-chart'))), ['conversionByScoreBand', 'speedToContactByRep', 'funnel']);
			const widths = await charts.evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
			assert.ok(widths.every((w) => w > 300), `the charts were drawn: ${widths.join(', ')}`);
			// The company name with a tag stays text.
			assert.equal(await page.locator('b', { hasText: 'Labs' }).count(), 0);

			mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
			await page.screenshot({ path: join(ROOT, 'docs/screenshots/dashboard.png'), fullPage: true });
		} finally {
			await context.close();
		}
	});
});
