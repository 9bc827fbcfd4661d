/**
 * The Lead Enrich template in a real n8n, installed from the packed tarball: a lead with a
 * history goes through Lead Score and Lead Enrich, and n8n's own Slack, Send Email and Twilio
 * nodes deliver the three renderings to local mocks. The company data provider (Clearbit's URL)
 * is answered by the mock through n8n's proxy settings, and cached in the embedded store.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RealN8n, type Execution } from '../helpers/real-n8n';
import { MOCK_IDS, SaasMocks } from '../helpers/saas-mocks';

const TEMPLATE = join(__dirname, '../../workflows/lead-enrich-slack-email-sms.json');

const CREDENTIALS = {
	slackApi: { id: 'LhEnrichSlack001', name: 'Slack (mock)' },
	twilioApi: { id: 'LhEnrichTwilio01', name: 'Twilio (mock)' },
	smtp: { id: 'LhEnrichSmtp0001', name: 'SMTP (mock)' },
	leadEnrichCompanyDataApi: { id: 'LhEnrichClearbit', name: 'Clearbit (mock)' },
	leadHandoffStoreApi: { id: 'leadHandoffStore1', name: 'Lead Handoff Store' },
	httpHeaderAuth: { id: 'LhEnrichWebhook1', name: 'Lead webhook key' },
};

/** A VP who read a case study, came back to pricing and asked for a demo; times relative to now. */
const LEAD_CODE = `const h = 3600 * 1000, d = 24 * h;
const at = (ms) => new Date(Date.now() - ms).toISOString();
return [{ json: { body: {
	id: 90210, firstName: 'Priya', lastName: 'Raman', jobTitle: 'VP Operations', industry: 'Software', companySize: 240,
	email: 'priya.raman@northwind.io', phone: '+4930123456',
	activities: [
		{ id: 'e1', type: 'page_view', timestamp: at(24 * d), url: 'https://example.com/blog/route-planning?utm_source=google&utm_medium=organic', title: 'What route planning really costs' },
		{ id: 'e2', type: 'webinar_attended', timestamp: at(11 * d), title: 'Scoring that sales trusts', campaign: 'webinar-q1', source: 'email', medium: 'email' },
		{ id: 'e3', type: 'content_download', timestamp: at(5 * d), asset: 'Case study: Globex cut empty miles by 18%', utm_campaign: 'linkedin-cs', utm_source: 'linkedin', utm_medium: 'paid-social' },
		{ id: 'e4', type: 'page_view', timestamp: at(3 * d), url: 'https://example.com/pricing' },
		{ id: 'e5', type: 'page_view', timestamp: at(2 * h), url: 'https://example.com/pricing?plan=team' },
		{ id: 'e6', type: 'demo_request', timestamp: at(40 * 60 * 1000), campaign: 'spring-promo', source: 'google', medium: 'cpc' },
	],
} } }];`;

const CLEARBIT_NORTHWIND = {
	name: 'Northwind Logistics',
	domain: 'northwind.io',
	category: { industry: 'Logistics software' },
	geo: { country: 'Germany' },
	metrics: { employees: 240, employeesRange: '51-250', raised: 42_000_000 },
	tech: ['salesforce', 'segment', 'snowflake'],
	fundingStage: 'Series B',
	description: 'Route planning for regional carriers.',
};

type Renderings = { slack: { text: string; blocks: unknown[] }; email: { subject: string; html: string; text: string }; sms: string };

/** The template as a user imports it, with the webhook swapped for a manual start and a sample lead. */
function templateWithSampleLead(): Record<string, unknown> {
	const workflow = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { nodes: Array<Record<string, unknown>>; connections: Record<string, unknown> };
	const nodes = workflow.nodes.map((n) => {
		if (n.name === 'Lead In') return { ...n, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: LEAD_CODE }, webhookId: undefined };
		const credentials: Record<string, unknown> = {};
		if (n.type === 'n8n-nodes-base.slack') credentials.slackApi = CREDENTIALS.slackApi;
		if (n.type === 'n8n-nodes-base.twilio') credentials.twilioApi = CREDENTIALS.twilioApi;
		if (n.type === 'n8n-nodes-base.emailSend') credentials.smtp = CREDENTIALS.smtp;
		if (n.type === 'n8n-nodes-lead-handoff.leadEnrich') Object.assign(credentials, { leadEnrichCompanyDataApi: CREDENTIALS.leadEnrichCompanyDataApi, leadHandoffStoreApi: CREDENTIALS.leadHandoffStoreApi });
		return Object.keys(credentials).length ? { ...n, credentials } : n;
	});
	nodes.push({ id: 'start-0000', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 200], parameters: {} });
	// Without a webhook there is no one to answer: the run ends at the summary.
	const { 'Summary for the Caller': _summary, ...connections } = workflow.connections;
	return { ...workflow, id: 'LhEnrichTemplate', nodes: nodes.filter((n) => n.type !== 'n8n-nodes-base.respondToWebhook'), connections: { ...connections, Start: { main: [[{ node: 'Lead In', type: 'main', index: 0 }]] } } };
}

/** The template as a user publishes it: every credential picked, the webhook's header key among them. */
function templateAsPublished(): Record<string, unknown> {
	const workflow = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { nodes: Array<Record<string, unknown>> };
	const nodes = workflow.nodes.map((n) => {
		const credentials: Record<string, unknown> = {};
		if (n.type === 'n8n-nodes-base.webhook') credentials.httpHeaderAuth = CREDENTIALS.httpHeaderAuth;
		if (n.type === 'n8n-nodes-base.slack') credentials.slackApi = CREDENTIALS.slackApi;
		if (n.type === 'n8n-nodes-base.twilio') credentials.twilioApi = CREDENTIALS.twilioApi;
		if (n.type === 'n8n-nodes-base.emailSend') credentials.smtp = CREDENTIALS.smtp;
		if (n.type === 'n8n-nodes-lead-handoff.leadEnrich') Object.assign(credentials, { leadEnrichCompanyDataApi: CREDENTIALS.leadEnrichCompanyDataApi, leadHandoffStoreApi: CREDENTIALS.leadHandoffStoreApi });
		return Object.keys(credentials).length ? { ...n, credentials } : n;
	});
	return { ...workflow, id: 'LhEnrichWebhook1', nodes };
}

async function importCredentialsInto(n8n: RealN8n, mocks: SaasMocks): Promise<void> {
	await n8n.importCredentials([
		{ ...CREDENTIALS.slackApi, type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
		{ ...CREDENTIALS.twilioApi, type: 'twilioApi', data: { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'mock-twilio-token' } },
		{ ...CREDENTIALS.smtp, type: 'smtp', data: mocks.smtpCredential() },
		{ ...CREDENTIALS.leadEnrichCompanyDataApi, type: 'leadEnrichCompanyDataApi', data: { sendAs: 'bearer', apiKey: 'sk_mock_clearbit', testUrl: 'https://company.clearbit.com/v2/companies/find?domain=stripe.com' } },
		{ ...CREDENTIALS.leadHandoffStoreApi, type: 'leadHandoffStoreApi', data: { backend: 'embedded' } },
		{ ...CREDENTIALS.httpHeaderAuth, type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: 'enrich-test-secret' } },
	]);
}

describe('Lead Enrich template in a real n8n', () => {
	let n8n: RealN8n;
	let mocks: SaasMocks;
	let workflowId: string;
	let run: Execution;
	let renderings: Renderings;

	beforeAll(async () => {
		mocks = await SaasMocks.start();
		n8n = await RealN8n.create({ mocks });
		await importCredentialsInto(n8n, mocks);
		mocks.override({ host: 'company.clearbit.com', path: '/v2/companies/find' }, () => ({ json: CLEARBIT_NORTHWIND }));
		workflowId = await n8n.importWorkflow(templateWithSampleLead());
		run = await n8n.execute(workflowId);
		assert.equal(run.status, 'success', run.error?.message);
		renderings = (run.json('Lead Enrich')[0].enrichment as { renderings: Renderings }).renderings;
	});

	afterAll(async () => {
		await n8n?.dispose();
		await mocks?.stop();
	});

	it('the lead is scored and enriched: the brief has the company from the provider, why now and the top rules', () => {
		const [lead] = run.json('Lead Enrich') as Array<{ score: { grade: string }; enrichment: { brief: Record<string, unknown>; firmographics: { status: string } } }>;
		const brief = lead.enrichment.brief as { who: Record<string, string>; score: { grade: string; topRules: unknown[] }; stage: { stage: string }; whyNow: { signals: Array<{ text: string }> }; crmUrl?: string };
		assert.equal(lead.enrichment.firmographics.status, 'found');
		assert.equal(brief.who.company, 'Northwind Logistics');
		assert.equal(brief.score.grade, lead.score.grade);
		assert.equal(brief.score.topRules.length, 3);
		assert.equal(brief.stage.stage, 'readyToTalk');
		assert.ok(brief.whyNow.signals.some((s) => /^pricing page, 2 hours ago/.test(s.text)), JSON.stringify(brief.whyNow.signals));
		const [call] = mocks.requests('company.clearbit.com');
		assert.deepEqual({ path: call.path, domain: call.query.domain, auth: call.headers.authorization }, { path: '/v2/companies/find', domain: 'northwind.io', auth: 'Bearer sk_mock_clearbit' });
	});

	it('n8n\'s Slack node posts the Block Kit rendering', () => {
		const [post] = mocks.requests('slack.com', { path: '/api/chat.postMessage' });
		const body = post.body as { channel: string; text: string; blocks: unknown };
		const blocks = typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks;
		assert.equal(body.channel, 'C0SALESALERTS');
		assert.deepEqual(blocks, renderings.slack.blocks);
		assert.equal(body.text, renderings.slack.text);
		assert.match(JSON.stringify(blocks), /Northwind Logistics/);
	});

	it('n8n\'s Send Email node delivers the HTML and plain-text brief', async () => {
		const [email] = await mocks.waitForEmails(1);
		assert.equal(email.subject, renderings.email.subject);
		assert.match(email.subject, /^New lead: Priya Raman · Northwind Logistics — [A-D][1-4], score/);
		assert.equal(email.text.trim(), renderings.email.text.trim());
		assert.match(email.html, /<h1[^>]*>Priya Raman · Northwind Logistics<\/h1>/);
		assert.deepEqual(email.to, ['sales@your-company.example']);
	});

	it('n8n\'s Twilio node sends the one-segment SMS', () => {
		const [sms] = mocks.requests('api.twilio.com');
		const { Body, To } = sms.body as Record<string, string>;
		assert.equal(Body, renderings.sms);
		assert.equal(To, '+15551230001');
		assert.ok(Body.length <= 160 && /^[\x20-\x7E]+$/.test(Body), `one GSM-7 segment: ${Body}`);
		assert.match(Body, /^Lead: Northwind Logistics, [A-D][1-4] [\d.]+ pts\./);
	});

	it('a second run reads the company from the store: the provider is not asked again', async () => {
		const again = await n8n.execute(workflowId);
		assert.equal(again.status, 'success', again.error?.message);
		assert.equal(mocks.requests('company.clearbit.com').length, 1);
		const firmographics = (again.json('Lead Enrich')[0].enrichment as { firmographics: { source: string } }).firmographics;
		assert.equal(firmographics.source, 'company.clearbit.com (cached)');
	});
});

describe('Lead Enrich template published: its webhook', () => {
	let n8n: RealN8n;
	let mocks: SaasMocks;
	let workflowId: string;
	const HEADER = { 'x-lead-handoff-key': 'enrich-test-secret' };
	const at = (ms: number) => new Date(Date.now() - ms).toISOString();
	type Answer = { received: number; enriched: number; failed: number; leads: Array<{ lead: string | null; status: string; grade?: string; companyData?: string; companyDataProblem?: string; error?: string; deliveryErrors?: string[] }> };

	beforeAll(async () => {
		mocks = await SaasMocks.start();
		n8n = await RealN8n.create({ mocks });
		await importCredentialsInto(n8n, mocks);
		// The company data provider refuses the key: a configuration error, not a reason to hold the lead.
		mocks.override({ host: 'company.clearbit.com', path: '/v2/companies/find' }, () => ({ status: 401, json: { error: { type: 'auth_required', message: 'Invalid API key' } } }));
		workflowId = await n8n.importWorkflow(templateAsPublished());
		await n8n.start();
		await n8n.activate(workflowId);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await mocks?.stop();
	});

	it('refuses a call without its header key', async () => {
		const res = await n8n.callWebhook('lead-handoff/enrich', { email: 'a@b.io', activities: [] });
		assert.equal(res.status, 403);
		assert.equal(mocks.requests('slack.com').length, 0);
	});

	it('answers with the lead enriched; a refused company data key is named in the answer and the item, while sales read only "Company data unavailable", and lead data with Slack markup arrives escaped', async () => {
		const email = 'max<!channel>*vip*@northwind.io';
		const res = await n8n.callWebhook('lead-handoff/enrich', { email, firstName: 'Max', jobTitle: 'VP Operations', activities: [{ id: 'm1', type: 'demo_request', timestamp: at(3_600_000) }] }, { headers: HEADER });
		assert.equal(res.status, 200, JSON.stringify(res.body));
		const answer = res.body as Answer;
		assert.deepEqual([answer.received, answer.enriched, answer.failed], [1, 1, 0], JSON.stringify(answer));
		const [lead] = answer.leads;
		assert.equal(lead.lead, email);
		assert.equal(lead.companyData, 'failed');
		assert.match(lead.companyDataProblem ?? '', /^Configuration error: company\.clearbit\.com refused the credential \(HTTP 401\)\. Check the API key in the "Company Data API" credential/);
		assert.equal(lead.deliveryErrors, undefined, 'Slack, email and SMS went out');
		assert.equal(mocks.requests('company.clearbit.com').length, 1, 'a refused key is asked once, not retried');
		const [post] = mocks.requests('slack.com', { path: '/api/chat.postMessage' });
		const body = post.body as { text: string; blocks: unknown };
		const blocks = (typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks) as Array<{ type: string; text?: { type: string; text: string } }>;
		// Every mrkdwn text of the message: section texts, section fields and context elements.
		const texts: string[] = [];
		const collect = (value: unknown): void => {
			if (Array.isArray(value)) value.forEach(collect);
			else if (value && typeof value === 'object') {
				const node = value as Record<string, unknown>;
				if (node.type === 'mrkdwn' && typeof node.text === 'string') texts.push(node.text);
				else Object.values(node).forEach(collect);
			}
		};
		collect(blocks);
		const markdown = [body.text, ...texts].join('\n');
		assert.match(markdown, /Company data unavailable/);
		assert.doesNotMatch(markdown, /HTTP 401|credential|Configuration/i);
		assert.match(markdown, /max&lt;!channel&gt;/);
		assert.ok(!markdown.includes('<!channel>'), 'no @channel from lead data');
	});

	it('a lead it cannot handle is answered with its error, and contacts nobody', async () => {
		const before = mocks.requests('slack.com', { path: '/api/chat.postMessage' }).length;
		const res = await n8n.callWebhook('lead-handoff/enrich', { email: 'broken@acme.io', activities: [{ id: 'b1', type: 'demo_request', timestamp: 'last tuesday' }] }, { headers: HEADER });
		assert.equal(res.status, 200, JSON.stringify(res.body));
		const answer = res.body as Answer;
		assert.deepEqual([answer.received, answer.enriched, answer.failed], [1, 0, 1], JSON.stringify(answer));
		assert.equal(answer.leads[0].lead, 'broken@acme.io');
		assert.match(answer.leads[0].error ?? '', /time/i);
		assert.equal(mocks.requests('slack.com', { path: '/api/chat.postMessage' }).length, before);
	});
});
