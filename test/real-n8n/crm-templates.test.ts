/**
 * The CRM templates in a real n8n, installed from the packed tarball, with HubSpot, Slack, Twilio
 * and email answered on loopback (test/helpers/saas-mocks.ts). Each template is imported as a
 * user does, given credentials that point at the mocks, published, and sent leads on its
 * production webhook with its header. The test reads what each API received for one lead: the
 * owner, the task due at the SLA due time, the brief, the SMS within one segment, the auto-reply
 * promising that time. The same webhook delivered again creates no second task, message or email;
 * a bad lead goes to the error branch and is answered with its error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DateTime } from 'luxon';

import { smsInfo } from '../../nodes/engine/enrich/render/sms';
import { RealN8n } from '../helpers/real-n8n';
import { MOCK_IDS, type RecordedRequest } from '../helpers/saas-mocks';

const workflows = join(__dirname, '../../workflows');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = 'Europe/Berlin';
const SECRET = 'crm-template-secret';
const HEADER = { 'x-lead-handoff-key': SECRET };

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };
type Routing = { tier: string; ownerId: string | null; dueAt: string; dueAtLocal: string; slaTimer: { status: string; dueAt: string }; autoReply: { promisedBy: string; promisedByLocal: string } | null };
type Answer = { received: number; decided: number; failed: number; leads: Array<{ lead: string | null; status: string; decision?: string; tier?: string | null; owner?: string | null; due?: string | null; autoReplyBy?: string | null; error?: unknown; deliveryErrors?: unknown[]; retry?: boolean }> };

const CREDENTIALS = {
	httpHeaderAuth: { id: 'LhCrmWebhookKey1', name: 'Lead webhook key' },
	hubspotAppToken: { id: 'LhCrmHubspot0001', name: 'HubSpot (mock)' },
	salesforceOAuth2Api: { id: 'LhCrmSalesforce1', name: 'Salesforce (mock)' },
	pipedriveApi: { id: 'LhCrmPipedrive01', name: 'Pipedrive (mock)' },
	slackApi: { id: 'LhCrmSlack000001', name: 'Slack (mock)' },
	smtp: { id: 'LhCrmSmtp0000001', name: 'SMTP (mock)' },
	twilioApi: { id: 'LhCrmTwilio00001', name: 'Twilio (mock)' },
};

/**
 * The HubSpot template as a run that dies right after Tier Router leaves it: the lead is assigned
 * (and timed) but no CRM, Slack, email or SMS step runs and Confirm Delivery records nothing. On its
 * own path; the same store.
 */
function cutAfterRouter(workflow: Json): Json {
	const connections = structuredClone(workflow.connections) as Record<string, { main: Array<Array<{ node: string }>> }>;
	connections['Tier Router'].main = connections['Tier Router'].main.map((targets) => targets.filter((t) => t.node === 'Decided' || t.node === 'Failed'));
	connections.Decided = structuredClone(connections['Confirm Delivery']);
	delete connections['Confirm Delivery'];
	const nodes = (workflow.nodes as Node[]).map((node) => (node.type === 'n8n-nodes-base.webhook' ? { ...node, webhookId: '54a9c45f-f2c5-52e2-b654-c178d06b3299', parameters: { ...node.parameters, path: 'lead-handoff/hubspot-cut' } } : node));
	return { ...workflow, name: `${String(workflow.name)} (cut after Tier Router)`, nodes, connections, id: 'LhCrmHubspotCut1' };
}

/**
 * A template on a path of its own: `variant` names it. With `cutAfterGate`, a run that dies right
 * after Handoff Gate records the hand-off: Lead Enrich, Tier Router and every message never run
 * (the same store). With `store`, its store nodes use that credential instead.
 */
function variant(workflow: Json, variant: { id: string; path: string; webhookId: string; cutAfterGate?: boolean; store?: Json }): Json {
	const connections = structuredClone(workflow.connections) as Record<string, { main: Array<Array<{ node: string }>> }>;
	if (variant.cutAfterGate) connections['Handoff Gate'].main[0] = [];
	const nodes = (workflow.nodes as Node[]).map((node) => {
		if (node.type === 'n8n-nodes-base.webhook') return { ...node, webhookId: variant.webhookId, parameters: { ...node.parameters, path: variant.path } };
		if (variant.store && node.credentials?.leadHandoffStoreApi) return { ...node, credentials: { ...node.credentials, leadHandoffStoreApi: variant.store } };
		return node;
	});
	return { ...workflow, name: `${String(workflow.name)} (${variant.path})`, nodes, connections, id: variant.id };
}

/** A store the test can make unreachable: its folder lies under a file, which the test removes to bring it back. */
const blockedStoreDir = mkdtempSync(join(tmpdir(), 'lead-handoff-blocked-store-'));
const BLOCKED_STORES = {
	salesforce: { id: 'leadHandoffStore2', name: 'Lead Handoff Store (Salesforce, unreachable)' },
	pipedrive: { id: 'leadHandoffStore3', name: 'Lead Handoff Store (Pipedrive, unreachable)' },
};
const blockedStoreFile = (store: keyof typeof BLOCKED_STORES) => join(blockedStoreDir, `${store}-in-the-way`);

/** Tier Router's Resend After, shortened so the test waits seconds, not the template's 5 minutes. */
const RESEND_AFTER_S = 3;
function withResendAfter(workflow: Json, seconds: number): Json {
	for (const node of workflow.nodes as Node[]) {
		if (node.type === 'n8n-nodes-lead-handoff.tierRouter') node.parameters = { ...node.parameters, options: { ...(node.parameters.options as Json), resendAfterSeconds: seconds } };
	}
	return workflow;
}

/** A template with the test's credentials on the nodes that need one of the user's. */
function withCredentials(file: string, id: string): Json {
	const workflow = JSON.parse(readFileSync(join(workflows, file), 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.webhook') node.credentials = { httpHeaderAuth: CREDENTIALS.httpHeaderAuth };
		if (node.type === 'n8n-nodes-base.hubspot') node.credentials = { hubspotAppToken: CREDENTIALS.hubspotAppToken };
		if (node.type === 'n8n-nodes-base.httpRequest' && node.parameters.nodeCredentialType === 'hubspotAppToken') node.credentials = { hubspotAppToken: CREDENTIALS.hubspotAppToken };
		if (node.type === 'n8n-nodes-base.pipedrive') node.credentials = { pipedriveApi: CREDENTIALS.pipedriveApi };
		if (node.type === 'n8n-nodes-base.httpRequest' && node.parameters.nodeCredentialType === 'pipedriveApi') node.credentials = { pipedriveApi: CREDENTIALS.pipedriveApi };
		if (node.type === 'n8n-nodes-base.salesforce') node.credentials = { salesforceOAuth2Api: CREDENTIALS.salesforceOAuth2Api };
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: CREDENTIALS.smtp };
		if (node.type === 'n8n-nodes-base.twilio') node.credentials = { twilioApi: CREDENTIALS.twilioApi };
	}
	return { ...workflow, id };
}

const now = Date.now();
const ago = (ms: number) => new Date(now - ms).toISOString();

/** A Hot lead worth an SMS: Director+ in a target industry and size, pricing, case study, webinar, and a demo request. */
const hotLead = (email: string, prefix: string) => ({
	email,
	firstName: 'Dana',
	lastName: 'Lee',
	company: 'Globex',
	jobTitle: 'VP Sales',
	industry: 'Software',
	companySize: 200,
	phone: '+4930123456',
	activities: [
		{ id: `${prefix}-1`, type: 'page_view', timestamp: ago(3 * HOUR), url: 'https://example.com/pricing' },
		{ id: `${prefix}-2`, type: 'content_download', timestamp: ago(2 * HOUR), asset: 'Case study: Initech' },
		{ id: `${prefix}-3`, type: 'webinar_attended', timestamp: ago(DAY) },
		{ id: `${prefix}-4`, type: 'page_view', timestamp: ago(2 * DAY), url: 'https://example.com/blog/handoff' },
		{ id: `${prefix}-5`, type: 'page_view', timestamp: ago(2 * DAY), url: 'https://example.com/blog/sla' },
		{ id: `${prefix}-6`, type: 'demo_request', timestamp: ago(60_000) },
	],
});
/** A Warm lead: a good fit that visited pricing and read a case study a week or two ago; no request. */
const warmLead = (email: string, prefix: string) => ({
	email,
	firstName: 'Eve',
	lastName: 'Park',
	company: 'Initech',
	jobTitle: 'Director of Operations',
	industry: 'Software',
	companySize: 120,
	activities: [
		{ id: `${prefix}-1`, type: 'page_view', timestamp: ago(10 * DAY), url: 'https://example.com/pricing' },
		{ id: `${prefix}-2`, type: 'webinar_attended', timestamp: ago(12 * DAY) },
		{ id: `${prefix}-3`, type: 'content_download', timestamp: ago(9 * DAY), asset: 'Case study: Hooli' },
	],
});
/** A bad lead: its activity has no usable time. */
const badLead = (email: string) => ({ email, jobTitle: 'CTO', activities: [{ id: `${email}-1`, type: 'demo_request', timestamp: 'last tuesday' }] });

/** One recorded request, for the log the report quotes. */
const summary = (r: RecordedRequest) => `${r.method} ${r.host}${r.path} ${r.status}: ${r.rawBody.slice(0, 600)}`;

/** The task's due time and the promise to the prospect are the SLA due time, to the minute shown. */
const localMinute = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });

describe('CRM templates in a real n8n', () => {
	let n8n: RealN8n;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true, timezone: ZONE });
		const mocks = n8n.mocks!;
		await n8n.importCredentials([
			{ id: 'leadHandoffStore1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...BLOCKED_STORES.salesforce, type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: join(blockedStoreFile('salesforce'), 'store') } },
			{ ...BLOCKED_STORES.pipedrive, type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: join(blockedStoreFile('pipedrive'), 'store') } },
			{ ...CREDENTIALS.httpHeaderAuth, type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: SECRET } },
			{ ...CREDENTIALS.hubspotAppToken, type: 'hubspotAppToken', data: { appToken: 'pat-mock-hubspot' } },
			{
				...CREDENTIALS.salesforceOAuth2Api,
				type: 'salesforceOAuth2Api',
				data: { environment: 'production', clientId: 'mock-client', clientSecret: 'mock-secret', oauthTokenData: { access_token: 'mock-salesforce-access-token', instance_url: MOCK_IDS.salesforceInstance, token_type: 'Bearer' } },
			},
			{ ...CREDENTIALS.pipedriveApi, type: 'pipedriveApi', data: { apiToken: 'mock-pipedrive-token' } },
			{ ...CREDENTIALS.slackApi, type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ ...CREDENTIALS.smtp, type: 'smtp', data: mocks.smtpCredential() },
			{ ...CREDENTIALS.twilioApi, type: 'twilioApi', data: { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'mock-twilio-token' } },
		]);
		[ids.hubspot, ids.salesforce, ids.pipedrive, ids.hubspotCut, ids.salesforceGateCut, ids.salesforceNoStore, ids.pipedriveGateCut, ids.pipedriveNoStore] = await n8n.importWorkflows([
			withResendAfter(withCredentials('inbound-lead-to-hubspot.json', 'LhCrmHubspotWf01'), RESEND_AFTER_S),
			withCredentials('inbound-lead-to-salesforce.json', 'LhCrmSalesforce1'),
			withCredentials('inbound-lead-to-pipedrive.json', 'LhCrmPipedrive01'),
			cutAfterRouter(withCredentials('inbound-lead-to-hubspot.json', 'LhCrmHubspotCut1')),
			variant(withCredentials('inbound-lead-to-salesforce.json', 'x'), { id: 'LhCrmSfGateCut01', path: 'lead-handoff/salesforce-gate-cut', webhookId: '6b1d2f3a-4c5e-5f60-8a7b-9c0d1e2f3a41', cutAfterGate: true }),
			variant(withCredentials('inbound-lead-to-salesforce.json', 'x'), { id: 'LhCrmSfNoStore01', path: 'lead-handoff/salesforce-no-store', webhookId: '6b1d2f3a-4c5e-5f60-8a7b-9c0d1e2f3a42', store: BLOCKED_STORES.salesforce }),
			variant(withCredentials('inbound-lead-to-pipedrive.json', 'x'), { id: 'LhCrmPdGateCut01', path: 'lead-handoff/pipedrive-gate-cut', webhookId: '6b1d2f3a-4c5e-5f60-8a7b-9c0d1e2f3a43', cutAfterGate: true }),
			variant(withCredentials('inbound-lead-to-pipedrive.json', 'x'), { id: 'LhCrmPdNoStore01', path: 'lead-handoff/pipedrive-no-store', webhookId: '6b1d2f3a-4c5e-5f60-8a7b-9c0d1e2f3a44', store: BLOCKED_STORES.pipedrive }),
		]);
		await n8n.start();
		for (const id of Object.values(ids)) await n8n.activate(id);
	});

	afterAll(async () => {
		await n8n?.dispose();
		rmSync(blockedStoreDir, { recursive: true, force: true });
	});

	/**
	 * A run that died after Handoff Gate recorded the hand-off, before Tier Router: the sender's
	 * redelivery of the same event (Same Event Again?) is routed then, once. `crmOwners` reads the
	 * owner each CRM request of a call gave the lead.
	 */
	async function redeliveredAfterGateCut(cutPath: string, cutId: string, path: string, workflowId: string, lead: Json, runs: number, crmOwners: (requests: RecordedRequest[]) => string[]) {
		const cut = await deliver(cutPath, cutId, lead, 1);
		assert.equal(cut.run.json('Handoff Gate', 0).length, 1, 'the dead run recorded the hand-off');
		assert.deepEqual([cut.run.nodes.includes('Tier Router'), cut.requests.length, cut.emails.length], [false, 0, 0], 'the dead run routed and sent nothing');

		const retry = await deliver(path, workflowId, lead, runs);
		const routing = retry.run.json('Tier Router', 0)[0]?.routing as Routing;
		assert.ok(routing, `the redelivery was not routed to Hot: ${JSON.stringify(retry.answer)}`);
		assert.deepEqual(retry.answer.leads.map((l) => [l.status, l.decision]), [['ok', 'handedOff']]);
		assert.deepEqual(crmOwners(retry.requests), [String(routing.ownerId)], 'the CRM is given the owner once');
		assert.equal(retry.requests.filter((r) => r.host === 'slack.com').length, 1, 'one Slack message');

		const third = await deliver(path, workflowId, lead, runs + 1);
		assert.deepEqual(third.answer.leads.map((l) => [l.status, l.decision]), [['ok', 'alreadyHandedOff']]);
		assert.deepEqual([third.requests.map((r) => `${r.method} ${r.host}${r.path}`), third.emails.length], [[], 0], 'routed: nothing is sent again');
	}

	/**
	 * The store unreachable: the webhook answers 503 with the lead marked for a retry, and nothing
	 * is sent. The store back, the sender's retry hands the lead off once.
	 */
	async function retriedAfterStoreBack(store: keyof typeof BLOCKED_STORES, path: string, workflowId: string, lead: Json, crmOwners: (requests: RecordedRequest[]) => string[]) {
		const mocks = n8n.mocks!;
		writeFileSync(blockedStoreFile(store), 'a file where the store folder should be');
		const before = mocks.requests().length;
		const down = await n8n.callWebhook(path, lead, { headers: HEADER });
		const answer = down.body as Answer & { leads: Array<{ retry?: boolean }> };
		assert.equal(down.status, 503, JSON.stringify(down.body));
		assert.deepEqual(answer.leads.map((l) => [l.lead, l.status, l.retry]), [[lead.email, 'error', true]]);
		await n8n.waitForExecution(workflowId, { count: 1, timeoutMs: 60_000 });
		assert.deepEqual(mocks.requests().slice(before), [], 'nothing sent while the store was down');

		rmSync(blockedStoreFile(store));
		const retry = await deliver(path, workflowId, lead, 2);
		const routing = retry.run.json('Tier Router', 0)[0]?.routing as Routing;
		assert.ok(routing, `the retry was not routed to Hot: ${JSON.stringify(retry.answer)}`);
		assert.deepEqual(retry.answer.leads.map((l) => [l.lead, l.status, l.decision]), [[lead.email, 'ok', 'handedOff']]);
		assert.deepEqual(crmOwners(retry.requests), [String(routing.ownerId)], 'the CRM is given the owner once');
		assert.equal(retry.requests.filter((r) => r.host === 'slack.com').length, 1, 'one Slack message');
	}

	/** Sends leads to a template's webhook; the answer, the execution, and only this call's mock traffic. */
	async function deliver(path: string, workflowId: string, leads: Json, count: number) {
		const mocks = n8n.mocks!;
		const before = mocks.requests().length;
		const emailsBefore = mocks.emails.length;
		const res = await n8n.callWebhook(path, leads, { headers: HEADER });
		assert.equal(res.status, 200, JSON.stringify(res.body));
		const run = await n8n.waitForExecution(workflowId, { count, timeoutMs: 60_000 });
		assert.equal(run.status, 'success', run.error?.message);
		await new Promise((resolve) => setTimeout(resolve, 300));
		// Mail is parsed as it arrives: wait briefly for one more than before, in case it is still in flight.
		await mocks.waitForEmails(emailsBefore + 1, 1000);
		return { answer: res.body as Answer, run, requests: mocks.requests().slice(before), emails: mocks.emails.slice(emailsBefore) };
	}

	describe('Inbound lead to HubSpot', () => {
		const path = 'lead-handoff/hubspot';
		const lead = hotLead('dana@globex.com', 'hs-dana');
		let first: Awaited<ReturnType<typeof deliver>>;
		let routing: Routing;
		const received = (method: string, pathname: string | RegExp) =>
			first.requests.filter((r) => r.host === 'api.hubapi.com' && r.method === method && (typeof pathname === 'string' ? r.path === pathname : pathname.test(r.path)));

		beforeAll(async () => {
			first = await deliver(path, ids.hubspot, lead, 1);
			routing = first.run.json('Tier Router', 0)[0].routing as Routing;
			assert.ok(routing, `not Hot: ${JSON.stringify(first.answer)}`);
			console.log(`HubSpot template, one lead, what the mocks received:\n${first.requests.map(summary).join('\n')}\n${first.emails.map((e) => `SMTP to ${e.to.join(', ')}: ${e.subject}`).join('\n')}`);
		});

		it('answers with the lead\'s decision: Hot, its owner, the due time and the promised time', () => {
			assert.deepEqual(first.answer.leads.map((l) => [l.lead, l.status, l.decision, l.tier, l.owner, l.deliveryErrors]), [['dana@globex.com', 'ok', 'handedOff', 'Hot', 'Ana Ruiz', undefined]]);
			assert.equal(first.answer.leads[0].due, routing.dueAtLocal);
			assert.equal(first.answer.leads[0].autoReplyBy, routing.autoReply?.promisedByLocal);
			assert.deepEqual([routing.slaTimer.status, routing.slaTimer.dueAt], ['started', routing.dueAt], 'Tier Router started the SLA timer');
		});

		it('upserts the contact with its owner, score, grade and tier', () => {
			const [upsert] = received('POST', '/contacts/v1/contact/createOrUpdate/email/dana@globex.com');
			assert.ok(upsert, 'the contact was upserted');
			assert.equal(upsert.headers.authorization, 'Bearer pat-mock-hubspot');
			const props = Object.fromEntries((upsert.body as { properties: Array<{ property: string; value: unknown }> }).properties.map((p) => [p.property, p.value]));
			const score = first.run.json('Lead Score')[0].score as { total: number; grade: string };
			assert.deepEqual(
				{ owner: props.hubspot_owner_id, score: props.handoff_score, grade: props.handoff_grade, tier: props.handoff_tier, firstname: props.firstname, company: props.company },
				{ owner: '101', score: String(score.total), grade: score.grade, tier: 'Hot', firstname: 'Dana', company: 'Globex' },
			);
		});

		it('creates one task for the owner, due at the SLA due time, with the brief as its body, on the contact', () => {
			const tasks = received('POST', '/engagements/v1/engagements');
			assert.equal(tasks.length, 1);
			const body = tasks[0].body as { engagement: { type: string; ownerId: number; timestamp: number }; associations: { contactIds: string[] }; metadata: { subject: string; body: string; status: string } };
			const vid = (received('POST', /createOrUpdate/)[0].response as { vid: number }).vid;
			assert.deepEqual([body.engagement.type, body.engagement.ownerId, body.associations.contactIds], ['TASK', 101, [String(vid)]]);
			assert.equal(body.engagement.timestamp, Date.parse(routing.dueAt), 'due at the SLA due time');
			assert.equal(body.metadata.subject, `Hot lead: contact by ${routing.dueAtLocal}`);
			const brief = (first.run.json('Tier Router')[0].enrichment as { renderings: { crmNote: string } }).renderings.crmNote;
			assert.equal(body.metadata.body, brief);
			assert.match(brief, /^<p><strong>Lead hand-off: Dana Lee · Globex<\/strong><\/p>/);
		});

		it('logs the brief as a note on the contact, for the owner', () => {
			const notes = received('POST', '/crm/v3/objects/notes');
			assert.equal(notes.length, 1);
			const body = notes[0].body as { properties: { hs_note_body: string; hubspot_owner_id: string; hs_timestamp: string }; associations: Array<{ to: { id: string }; types: Array<{ associationTypeId: number }> }> };
			const vid = (received('POST', /createOrUpdate/)[0].response as { vid: number }).vid;
			assert.equal(body.properties.hs_note_body, (first.run.json('Tier Router')[0].enrichment as { renderings: { crmNote: string } }).renderings.crmNote);
			assert.equal(body.properties.hubspot_owner_id, '101');
			assert.deepEqual([body.associations[0].to.id, body.associations[0].types[0].associationTypeId], [String(vid), 202]);
			assert.equal(notes[0].headers.authorization, 'Bearer pat-mock-hubspot');
		});

		it('DMs the owner on Slack with the escaped hand-off line, and texts the owner within one SMS segment', () => {
			const posts = first.requests.filter((r) => r.host === 'slack.com' && r.path === '/api/chat.postMessage').map((r) => r.body as Json);
			assert.equal(posts.length, 1);
			assert.equal(posts[0].channel, 'U0ANA');
			assert.match(String(posts[0].text), /^:fire: Hot lead `dana@globex\.com` for <@U0ANA> \(Ana Ruiz\), due /);
			const sms = first.requests.filter((r) => r.host === 'api.twilio.com').map((r) => r.body as Json);
			assert.equal(sms.length, 1);
			assert.equal(sms[0].To, '+15550000101');
			const text = String(sms[0].Body);
			// Lead Enrich runs before Tier Router: the brief has the grade and score, the Slack line the tier.
			assert.match(text, /^Lead: Globex, A1 \d+(\.\d+)? pts\. Requested a demo/);
			assert.deepEqual([smsInfo(text).segments, text.length <= 160], [1, true], `${text.length} characters: ${text}`);
		});

		it('auto-replies to the prospect: who will be in touch, by the SLA due time, replying to the owner', () => {
			assert.equal(first.emails.length, 1, JSON.stringify(first.emails.map((e) => [e.to, e.subject])));
			const [reply] = first.emails;
			assert.deepEqual(reply.to, ['dana@globex.com']);
			assert.equal(reply.from, 'sales@your-company.example');
			assert.match(reply.headers['reply-to'] ?? '', /ana@your-company\.example/);
			const due = localMinute(routing.dueAt);
			assert.equal(routing.autoReply?.promisedBy, routing.dueAt);
			assert.ok(reply.text.includes(`Ana Ruiz from our sales team will be in touch with you by ${due.toFormat('cccc d LLLL yyyy')} at ${due.toFormat('HH:mm')} (${ZONE}).`), reply.text);
			assert.match(reply.subject, /^Your demo request: we will be in touch by /);
			assert.doesNotMatch(reply.text, /\b(SLA|tier|score)\b/i);
		});

		it('a Warm lead: its owner gets the brief by email and a task due at its SLA; no Slack, SMS or auto-reply', async () => {
			const warm = await deliver(path, ids.hubspot, warmLead('eve@initech.com', 'hs-eve'), 2);
			const r = warm.run.json('Tier Router', 1)[0]?.routing as Routing;
			assert.ok(r, `not Warm: ${JSON.stringify(warm.answer)}`);
			assert.deepEqual([r.tier, r.ownerId, r.autoReply], ['Warm', '102', null]);
			const task = warm.requests.filter((q) => q.path === '/engagements/v1/engagements').map((q) => q.body as { engagement: { ownerId: number; timestamp: number } });
			assert.deepEqual(task.map((t) => [t.engagement.ownerId, t.engagement.timestamp]), [[102, Date.parse(r.dueAt)]]);
			assert.deepEqual(warm.requests.filter((q) => q.host === 'slack.com' || q.host === 'api.twilio.com'), []);
			assert.deepEqual(warm.emails.map((e) => e.to), [['ben@your-company.example']]);
			assert.match(warm.emails[0].subject, /^New lead: Eve Park · Initech — [A-D][1-4], score [\d.]+$/);
			assert.match(warm.emails[0].html, /<h1[^>]*>Eve Park · Initech<\/h1>/);
		});

		it('the same webhook delivered again creates no second task, note, message or email', async () => {
			const again = await deliver(path, ids.hubspot, lead, 3);
			assert.deepEqual(again.answer.leads.map((l) => [l.lead, l.status, l.decision]), [['dana@globex.com', 'ok', 'alreadyHandedOff']]);
			const score = (run: typeof first.run) => (run.json('Lead Score')[0].score as { total: number }).total;
			assert.equal(score(again.run), score(first.run), 'the activities were recorded once: the same score');
			assert.deepEqual(again.requests.map((r) => `${r.method} ${r.host}${r.path}`), []);
			assert.deepEqual(again.emails, []);
		});

		it('a bad lead goes to the error branch and is answered with its error; nothing is sent for it', async () => {
			const bad = await deliver(path, ids.hubspot, badLead('broken@acme.io'), 4);
			assert.equal(bad.answer.failed, 1, JSON.stringify(bad.answer));
			assert.deepEqual([bad.answer.leads[0].lead, bad.answer.leads[0].status], ['broken@acme.io', 'error']);
			assert.match(JSON.stringify(bad.answer.leads[0].error), /timestamp|time/i);
			assert.deepEqual([bad.requests.length, bad.emails.length], [0, 0]);
		});

		it('a run that died after the owner was assigned, before the messages: the sender\'s retry sends them once, to the same owner with the same due time; then never again', async () => {
			const rio = hotLead('rio@globex.com', 'hs-rio');
			const cut = await deliver('lead-handoff/hubspot-cut', ids.hubspotCut, rio, 1);
			const assigned = cut.run.json('Tier Router', 0)[0]?.routing as Routing & { eventKey: string };
			assert.ok(assigned, `not Hot: ${JSON.stringify(cut.answer)}`);
			assert.deepEqual([cut.requests.length, cut.emails.length], [0, 0], 'the dead run sent nothing');

			// At once, while the first run might still be sending: the sender is asked to retry later.
			const early = await n8n.callWebhook(path, rio, { headers: HEADER });
			const earlyLead = (early.body as Answer).leads[0] as Answer['leads'][number] & { deliveryInProgress?: boolean };
			assert.deepEqual([early.status, earlyLead.decision, earlyLead.deliveryInProgress], [503, 'alreadyHandedOff', true], JSON.stringify(early.body));
			await n8n.waitForExecution(ids.hubspot, { count: 5, timeoutMs: 60_000 });
			await new Promise((resolve) => setTimeout(resolve, (RESEND_AFTER_S + 1) * 1000));

			const retry = await deliver(path, ids.hubspot, rio, 6);
			const again = retry.run.json('Tier Router', 0)[0]?.routing as Routing & { redelivery?: boolean; eventKey: string };
			assert.ok(again, `the retry was not routed to Hot: ${JSON.stringify(retry.answer)}`);
			assert.deepEqual([again.redelivery, again.ownerId, again.dueAt, again.eventKey, again.slaTimer.status], [true, assigned.ownerId, assigned.dueAt, assigned.eventKey, 'duplicate']);
			assert.deepEqual(retry.answer.leads.map((l) => [l.lead, l.status, l.decision, (l as { sentAgain?: boolean }).sentAgain]), [['rio@globex.com', 'ok', 'handedOff', true]]);
			const sent = (host: string, pathname: RegExp) => retry.requests.filter((r) => r.host === host && pathname.test(r.path));
			assert.equal(sent('api.hubapi.com', /createOrUpdate\/email\/rio@globex\.com$/).length, 1);
			const tasks = sent('api.hubapi.com', /^\/engagements\/v1\/engagements$/).map((r) => r.body as { engagement: { ownerId: number; timestamp: number } });
			assert.deepEqual(tasks.map((t) => [String(t.engagement.ownerId), t.engagement.timestamp]), [[assigned.ownerId, Date.parse(assigned.dueAt)]], 'one task, for the owner, due when first assigned');
			assert.equal(sent('api.hubapi.com', /^\/crm\/v3\/objects\/notes$/).length, 1);
			assert.equal(sent('slack.com', /chat\.postMessage/).length, 1);
			assert.deepEqual(retry.emails.map((e) => e.to), [['rio@globex.com']], 'the auto-reply, once');
			const confirmed = retry.run.json('Confirm Delivery')[0]?.delivery as { confirmed: boolean; status: string };
			assert.deepEqual([confirmed.confirmed, confirmed.status], [true, 'confirmed']);

			const third = await deliver(path, ids.hubspot, rio, 7);
			assert.deepEqual(third.answer.leads.map((l) => [l.lead, l.status, l.decision]), [['rio@globex.com', 'ok', 'alreadyHandedOff']]);
			assert.deepEqual([third.requests.map((r) => `${r.method} ${r.host}${r.path}`), third.emails.length], [[], 0], 'confirmed: nothing is sent again');
		});
	});

	describe('Inbound lead to Salesforce', () => {
		const path = 'lead-handoff/salesforce';
		const lead = hotLead('sam@umbrella.com', 'sf-sam');
		const roster = ['0055g00000AnaRz', '0055g00000BenOk'];
		let first: Awaited<ReturnType<typeof deliver>>;
		let routing: Routing;
		const received = (method: string, pathname: RegExp) => first.requests.filter((r) => r.host.endsWith('salesforce.com') && r.method === method && pathname.test(r.path));

		beforeAll(async () => {
			first = await deliver(path, ids.salesforce, lead, 1);
			routing = first.run.json('Tier Router', 0)[0]?.routing as Routing;
			assert.ok(routing, `not Hot: ${JSON.stringify(first.answer)}`);
			console.log(`Salesforce template, one lead, what the mocks received:\n${first.requests.map(summary).join('\n')}\n${first.emails.map((e) => `SMTP to ${e.to.join(', ')}: ${e.subject}`).join('\n')}`);
		});

		it('upserts the Lead by email with its owner, score, grade and tier', () => {
			const [upsert] = received('PATCH', /\/sobjects\/lead\/Email\/sam@umbrella\.com$/);
			assert.ok(upsert, 'the lead was upserted by email');
			assert.equal(upsert.headers.authorization, 'Bearer mock-salesforce-access-token');
			assert.ok(roster.includes(String(routing.ownerId)), String(routing.ownerId));
			const score = first.run.json('Lead Score')[0].score as { total: number; grade: string };
			const body = upsert.body as Json;
			assert.deepEqual(
				[body.OwnerId, body.Handoff_Score__c, body.Handoff_Grade__c, body.Handoff_Tier__c, body.Company, body.LastName, body.FirstName, body.Title],
				[routing.ownerId, score.total, score.grade, 'Hot', 'Globex', 'Lee', 'Dana', 'VP Sales'],
			);
		});

		it('creates one Task for the owner on the Lead: ActivityDate the due date, a reminder at the SLA due time, the brief as its description', () => {
			const tasks = received('POST', /\/sobjects\/task$/);
			assert.equal(tasks.length, 1);
			const task = tasks[0].body as Json;
			const leadId = (received('PATCH', /\/sobjects\/lead\//)[0].response as { id: string }).id;
			assert.match(leadId, /^00Q/);
			assert.deepEqual([task.WhoId, task.OwnerId, task.Status, task.Priority], [leadId, routing.ownerId, 'Not Started', 'High']);
			assert.equal(task.ActivityDate, localMinute(routing.dueAt).toISODate());
			assert.equal(Date.parse(String(task.ReminderDateTime)), Date.parse(routing.dueAt), 'reminded at the SLA due time');
			assert.equal(task.IsReminderSet, true);
			assert.equal(task.Subject, `Hot lead: contact by ${routing.dueAtLocal}`);
			const brief = (first.run.json('Tier Router')[0].enrichment as { renderings: { crmNote: string } }).renderings.crmNote;
			assert.equal(task.Description, brief);
			assert.match(brief, /^Lead hand-off: Dana Lee · Globex\n/, 'plain text for a plain-text field');
		});

		it('tells the owner on Slack and by SMS, and auto-replies to the prospect with the promised time', () => {
			const owner = routing.ownerId === roster[0] ? { slack: 'U0ANA', phone: '+15550000101', name: 'Ana Ruiz' } : { slack: 'U0BEN', phone: '+15550000102', name: 'Ben Okafor' };
			const posts = first.requests.filter((r) => r.host === 'slack.com').map((r) => r.body as Json);
			assert.deepEqual(posts.map((p) => p.channel), [owner.slack]);
			const sms = first.requests.filter((r) => r.host === 'api.twilio.com').map((r) => r.body as Json);
			assert.deepEqual(sms.map((m) => [m.To, smsInfo(String(m.Body)).segments]), [[owner.phone, 1]]);
			assert.deepEqual(first.emails.map((e) => e.to), [['sam@umbrella.com']]);
			const due = localMinute(routing.dueAt);
			assert.ok(first.emails[0].text.includes(`${owner.name} from our sales team will be in touch with you by ${due.toFormat('cccc d LLLL yyyy')} at ${due.toFormat('HH:mm')} (${ZONE}).`), first.emails[0].text);
		});

		it('the same webhook delivered again creates no second lead write, task, message or email; a bad lead is answered with its error', async () => {
			assert.equal((first.run.json('Confirm Delivery')[0]?.delivery as { status?: string } | undefined)?.status, 'confirmed', 'the messages went: the delivery is recorded');
			const again = await deliver(path, ids.salesforce, lead, 2);
			assert.deepEqual(again.answer.leads.map((l) => [l.lead, l.status, l.decision]), [['sam@umbrella.com', 'ok', 'alreadyHandedOff']]);
			assert.deepEqual([again.requests.map((r) => `${r.method} ${r.host}${r.path}`), again.emails.length], [[], 0]);
			const bad = await deliver(path, ids.salesforce, badLead('broken@umbrella.com'), 3);
			assert.deepEqual([bad.answer.failed, bad.answer.leads[0].lead, bad.answer.leads[0].status, bad.requests.length, bad.emails.length], [1, 'broken@umbrella.com', 'error', 0, 0]);
		});

		/** The owner each Lead upsert gave the lead. */
		const salesforceOwners = (requests: RecordedRequest[]) => requests.filter((r) => r.host.endsWith('salesforce.com') && r.method === 'PATCH' && /\/sobjects\/lead\/Email\//.test(r.path)).map((r) => String((r.body as Json).OwnerId));

		it('a redelivered event whose hand-off was recorded but whose routing was cut is routed once: the owner written to Salesforce once, one Slack message', async () => {
			await redeliveredAfterGateCut('lead-handoff/salesforce-gate-cut', ids.salesforceGateCut, path, ids.salesforce, hotLead('ivy@umbrella.com', 'sf-ivy'), 4, salesforceOwners);
		});

		it('the store unreachable: the webhook answers 503; the retry after the store is back hands the lead off once', async () => {
			await retriedAfterStoreBack('salesforce', 'lead-handoff/salesforce-no-store', ids.salesforceNoStore, hotLead('joe@umbrella.com', 'sf-joe'), salesforceOwners);
		});
	});

	describe('Inbound lead to Pipedrive', () => {
		const path = 'lead-handoff/pipedrive';
		const lead = hotLead('kim@hooli.com', 'pd-kim');
		const roster = ['201', '202'];
		let first: Awaited<ReturnType<typeof deliver>>;
		let routing: Routing;
		let brief: string;
		const received = (method: string, pathname: RegExp) => first.requests.filter((r) => r.host === 'api.pipedrive.com' && r.method === method && pathname.test(r.path));

		beforeAll(async () => {
			first = await deliver(path, ids.pipedrive, lead, 1);
			routing = first.run.json('Tier Router', 0)[0]?.routing as Routing;
			assert.ok(routing, `not Hot: ${JSON.stringify(first.answer)}`);
			brief = (first.run.json('Tier Router')[0].enrichment as { renderings: { crmNote: string } }).renderings.crmNote;
			console.log(`Pipedrive template, one lead, what the mocks received:\n${first.requests.map(summary).join('\n')}\n${first.emails.map((e) => `SMTP to ${e.to.join(', ')}: ${e.subject}`).join('\n')}`);
		});

		it('looks the person up by email, creates it with its owner, and a lead for the owner on the person', () => {
			const [search] = received('GET', /\/v1\/persons\/search$/);
			assert.deepEqual([search.query.term, search.query.fields, search.query.api_token], ['kim@hooli.com', 'email', 'mock-pipedrive-token']);
			assert.ok(roster.includes(String(routing.ownerId)), String(routing.ownerId));
			const persons = received('POST', /\/persons$/);
			assert.equal(persons.length, 1);
			const person = persons[0].body as { name: string; owner_id: number; emails: Array<{ value: string }> };
			assert.deepEqual([person.name, person.owner_id, person.emails[0].value], ['Dana Lee', Number(routing.ownerId), 'kim@hooli.com']);
			const personId = (persons[0].response as { data: { id: number } }).data.id;
			const leads = received('POST', /\/v1\/leads$/);
			assert.equal(leads.length, 1);
			const body = leads[0].body as { title: string; person_id: number; owner_id: number };
			assert.deepEqual([body.person_id, body.owner_id], [personId, Number(routing.ownerId)]);
			assert.match(body.title, /^Hot · New lead: Dana Lee · Globex — A1, score [\d.]+$/);
		});

		it('creates one call activity for the owner on the lead, due at the SLA due date and time (UTC), with the brief as its note', () => {
			const activities = received('POST', /\/api\/v2\/activities$/);
			assert.equal(activities.length, 1);
			const a = activities[0].body as Json;
			const leadId = (received('POST', /\/v1\/leads$/)[0].response as { data: { id: string } }).data.id;
			const due = DateTime.fromISO(routing.dueAt, { zone: 'utc' });
			assert.deepEqual([a.due_date, a.due_time], [due.toFormat('yyyy-LL-dd'), due.toFormat('HH:mm')]);
			// Pipedrive keeps minutes: the activity is due in the SLA's own minute, never after it.
			const dueInPipedrive = Date.parse(`${String(a.due_date)}T${String(a.due_time)}:00Z`);
			assert.ok(dueInPipedrive <= Date.parse(routing.dueAt) && Date.parse(routing.dueAt) - dueInPipedrive < 60_000, `due ${String(a.due_date)} ${String(a.due_time)} UTC, the SLA at ${routing.dueAt}`);
			assert.deepEqual([a.type, a.lead_id, a.owner_id, a.subject], ['call', leadId, Number(routing.ownerId), `Hot lead: contact by ${routing.dueAtLocal}`]);
			assert.equal(a.note, brief);
			assert.equal(activities[0].query.api_token, 'mock-pipedrive-token');
		});

		it('logs the brief as a note on the lead', () => {
			const notes = received('POST', /\/v1\/notes$/);
			assert.equal(notes.length, 1);
			const note = notes[0].body as Json;
			const leadId = (received('POST', /\/v1\/leads$/)[0].response as { data: { id: string } }).data.id;
			assert.deepEqual([note.content, note.lead_id], [brief, leadId]);
			assert.match(brief, /^<p><strong>Lead hand-off: Dana Lee · Globex<\/strong><\/p>/);
		});

		it('tells the owner on Slack and by SMS, and auto-replies to the prospect with the promised time', () => {
			const owner = routing.ownerId === roster[0] ? { slack: 'U0ANA', phone: '+15550000101', name: 'Ana Ruiz' } : { slack: 'U0BEN', phone: '+15550000102', name: 'Ben Okafor' };
			const posts = first.requests.filter((r) => r.host === 'slack.com').map((r) => r.body as Json);
			assert.deepEqual(posts.map((p) => p.channel), [owner.slack]);
			const sms = first.requests.filter((r) => r.host === 'api.twilio.com').map((r) => r.body as Json);
			assert.deepEqual(sms.map((m) => [m.To, smsInfo(String(m.Body)).segments]), [[owner.phone, 1]]);
			assert.deepEqual(first.emails.map((e) => e.to), [['kim@hooli.com']]);
			const due = localMinute(routing.dueAt);
			assert.ok(first.emails[0].text.includes(`${owner.name} from our sales team will be in touch with you by ${due.toFormat('cccc d LLLL yyyy')} at ${due.toFormat('HH:mm')} (${ZONE}).`), first.emails[0].text);
		});

		it('a person Pipedrive knows already is given the owner, not created again', async () => {
			const mocks = n8n.mocks!;
			const known = { id: 777, name: 'Lee Known', emails: [{ value: 'lee@hooli.com', primary: true }], owner_id: 1 };
			mocks.override({ host: 'api.pipedrive.com', method: 'GET', path: '/v1/persons/search' }, { json: { success: true, data: { items: [{ result_score: 1, item: known }] } } }, 1);
			mocks.override({ host: 'api.pipedrive.com', method: 'PATCH', path: '/api/v2/persons/777' }, (r) => ({ json: { success: true, data: { ...known, ...(r.body as Json) } } }), 1);
			const again = await deliver(path, ids.pipedrive, { ...hotLead('lee@hooli.com', 'pd-lee'), firstName: 'Lee', lastName: 'Known' }, 2);
			const sent = (method: string, pathname: RegExp) => again.requests.filter((r) => r.host === 'api.pipedrive.com' && r.method === method && pathname.test(r.path));
			const r = again.run.json('Tier Router', 0)[0]?.routing as Routing;
			assert.deepEqual(sent('POST', /\/persons$/), [], 'no second person');
			assert.deepEqual(sent('PATCH', /\/api\/v2\/persons\/777$/).map((q) => q.body), [{ owner_id: Number(r.ownerId) }]);
			assert.deepEqual(sent('POST', /\/v1\/leads$/).map((q) => (q.body as Json).person_id), [777]);
			assert.equal(sent('POST', /\/api\/v2\/activities$/).length, 1);
		});

		it('the same webhook delivered again creates no second person, lead, activity, note, message or email; a bad lead is answered with its error', async () => {
			assert.equal((first.run.json('Confirm Delivery')[0]?.delivery as { status?: string } | undefined)?.status, 'confirmed', 'the messages went: the delivery is recorded');
			const again = await deliver(path, ids.pipedrive, lead, 3);
			assert.deepEqual(again.answer.leads.map((l) => [l.lead, l.status, l.decision]), [['kim@hooli.com', 'ok', 'alreadyHandedOff']]);
			assert.deepEqual([again.requests.map((r) => `${r.method} ${r.host}${r.path}`), again.emails.length], [[], 0]);
			const bad = await deliver(path, ids.pipedrive, badLead('broken@hooli.com'), 4);
			assert.deepEqual([bad.answer.failed, bad.answer.leads[0].lead, bad.answer.leads[0].status, bad.requests.length, bad.emails.length], [1, 'broken@hooli.com', 'error', 0, 0]);
		});

		/** The owner each Pipedrive lead was created for. */
		const pipedriveOwners = (requests: RecordedRequest[]) => requests.filter((r) => r.host === 'api.pipedrive.com' && r.method === 'POST' && /\/v1\/leads$/.test(r.path)).map((r) => String((r.body as Json).owner_id));

		it('a redelivered event whose hand-off was recorded but whose routing was cut is routed once: one Pipedrive lead for the owner, one Slack message', async () => {
			await redeliveredAfterGateCut('lead-handoff/pipedrive-gate-cut', ids.pipedriveGateCut, path, ids.pipedrive, hotLead('max@hooli.com', 'pd-max'), 5, pipedriveOwners);
		});

		it('the store unreachable: the webhook answers 503; the retry after the store is back hands the lead off once', async () => {
			await retriedAfterStoreBack('pipedrive', 'lead-handoff/pipedrive-no-store', ids.pipedriveNoStore, hotLead('zoe@hooli.com', 'pd-zoe'), pipedriveOwners);
		});
	});
});
