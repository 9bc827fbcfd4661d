/**
 * The CRM feedback-loop templates (workflows/crm-feedback-{hubspot,salesforce,pipedrive}.json) in a
 * real n8n, installed from the packed tarball, with the CRMs answered on loopback
 * (test/helpers/saas-mocks.ts). Each CRM's inbound-lead template hands off one Hot lead first, so
 * the CRM record exists in the mock and its SLA timer runs in the store. Then the CRM's webhook
 * arrives as the CRM sends it: HubSpot signed with signature v3, Pipedrive with basic auth,
 * Salesforce's Flow with an HMAC header. The test reads the outcome Record Outcome kept, the SLA
 * timer it stopped and what the CRM mock was asked; the same event delivered again changes
 * nothing; a forged request is refused with 401 and starts nothing.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RealN8n, type Execution } from '../helpers/real-n8n';
import { MOCK_IDS, type RecordedRequest } from '../helpers/saas-mocks';

const workflows = join(__dirname, '../../workflows');
const HOUR = 3_600_000;
const SECRET = 'crm-feedback-secret';
const HEADER = { 'x-lead-handoff-key': SECRET };
const HUBSPOT_SECRET = 'hubspot-app-client-secret';
const HMAC_SECRET = 'salesforce-flow-shared-secret';
const PIPEDRIVE_AUTH = `Basic ${Buffer.from('pipedrive:webhook-password').toString('base64')}`;

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };

const CREDENTIALS = {
	httpHeaderAuth: { id: 'LhFbLoopWebhook1', name: 'Lead webhook key' },
	hubspotAppToken: { id: 'LhFbLoopHubspot1', name: 'HubSpot (mock)' },
	salesforceOAuth2Api: { id: 'LhFbLoopSalesfo1', name: 'Salesforce (mock)' },
	pipedriveApi: { id: 'LhFbLoopPipedri1', name: 'Pipedrive (mock)' },
	slackApi: { id: 'LhFbLoopSlack001', name: 'Slack (mock)' },
	smtp: { id: 'LhFbLoopSmtp0001', name: 'SMTP (mock)' },
	twilioApi: { id: 'LhFbLoopTwilio01', name: 'Twilio (mock)' },
	leadFeedbackHubSpotAppApi: { id: 'LhFbLoopHsSecret', name: 'HubSpot app secret' },
	leadFeedbackHmacApi: { id: 'LhFbLoopSfSecret', name: 'Salesforce Flow secret' },
	leadFeedbackBasicAuthApi: { id: 'LhFbLoopPdLogin1', name: 'Pipedrive webhook login' },
};
const TRIGGER_CREDENTIAL: Record<string, keyof typeof CREDENTIALS> = { hubspot: 'leadFeedbackHubSpotAppApi', hmac: 'leadFeedbackHmacApi', basicAuth: 'leadFeedbackBasicAuthApi' };

/** A template with the test's credentials on the nodes that need one of the user's. */
function withCredentials(file: string, id: string): Json {
	const workflow = JSON.parse(readFileSync(join(workflows, file), 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		const credentialType = node.parameters.nodeCredentialType as string | undefined;
		if (node.type === 'n8n-nodes-base.webhook') node.credentials = { httpHeaderAuth: CREDENTIALS.httpHeaderAuth };
		if (node.type === 'n8n-nodes-base.hubspot' || credentialType === 'hubspotAppToken') node.credentials = { hubspotAppToken: CREDENTIALS.hubspotAppToken };
		if (node.type === 'n8n-nodes-base.pipedrive' || credentialType === 'pipedriveApi') node.credentials = { pipedriveApi: CREDENTIALS.pipedriveApi };
		if (node.type === 'n8n-nodes-base.salesforce') node.credentials = { salesforceOAuth2Api: CREDENTIALS.salesforceOAuth2Api };
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: CREDENTIALS.smtp };
		if (node.type === 'n8n-nodes-base.twilio') node.credentials = { twilioApi: CREDENTIALS.twilioApi };
		if (node.type === 'n8n-nodes-lead-handoff.leadFeedbackTrigger') {
			const type = TRIGGER_CREDENTIAL[String(node.parameters.verifyWith)];
			node.credentials = { ...node.credentials, [type]: CREDENTIALS[type] };
			// The test helper waits for a published webhook by asking n8n about this method.
			node.parameters.httpMethod = 'POST';
		}
	}
	return { ...workflow, id };
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
/** A Hot lead that asked for a demo. */
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
		{ id: `${prefix}-3`, type: 'webinar_attended', timestamp: ago(24 * HOUR) },
		{ id: `${prefix}-4`, type: 'demo_request', timestamp: ago(60_000) },
	],
});

const summary = (r: RecordedRequest) => `${r.method} ${r.host}${r.path} ${r.status}: ${r.rawBody.slice(0, 300)}`;

describe('CRM feedback-loop templates in a real n8n', () => {
	let n8n: RealN8n;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true });
		const mocks = n8n.mocks!;
		await n8n.importCredentials([
			{ id: 'leadHandoffStore1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
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
			{ ...CREDENTIALS.leadFeedbackHubSpotAppApi, type: 'leadFeedbackHubSpotAppApi', data: { clientSecret: HUBSPOT_SECRET, targetUrl: '' } },
			{ ...CREDENTIALS.leadFeedbackHmacApi, type: 'leadFeedbackHmacApi', data: { secret: HMAC_SECRET, header: 'X-Signature', encoding: 'auto', timestampHeader: 'X-Timestamp', maxAgeMinutes: 5 } },
			{ ...CREDENTIALS.leadFeedbackBasicAuthApi, type: 'leadFeedbackBasicAuthApi', data: { user: 'pipedrive', password: 'webhook-password' } },
		]);
		[ids.inHubspot, ids.inSalesforce, ids.inPipedrive, ids.hubspot, ids.salesforce, ids.pipedrive] = await n8n.importWorkflows([
			withCredentials('inbound-lead-to-hubspot.json', 'LhFbLoopInHubsp1'),
			withCredentials('inbound-lead-to-salesforce.json', 'LhFbLoopInSalesf'),
			withCredentials('inbound-lead-to-pipedrive.json', 'LhFbLoopInPipedr'),
			withCredentials('crm-feedback-hubspot.json', 'LhFbLoopHubspot1'),
			withCredentials('crm-feedback-salesforce.json', 'LhFbLoopSalesfo1'),
			withCredentials('crm-feedback-pipedrive.json', 'LhFbLoopPipedri1'),
		]);
		await n8n.start();
		for (const id of Object.values(ids)) await n8n.activate(id);
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	/** Hands one Hot lead off through a CRM's inbound template; Tier Router's routing for it. */
	async function handOff(path: string, workflowId: string, email: string): Promise<Json> {
		const res = await n8n.callWebhook(path, hotLead(email, email), { headers: HEADER });
		assert.equal(res.status, 200, JSON.stringify(res.body));
		const run = await n8n.waitForExecution(workflowId, { timeoutMs: 60_000 });
		assert.equal(run.status, 'success', run.error?.message);
		const routing = run.json('Tier Router', 0)[0]?.routing as Json | undefined;
		assert.ok(routing, `not Hot: ${JSON.stringify(res.body)}`);
		assert.equal((routing.slaTimer as Json).status, 'started');
		return routing;
	}

	/** Posts a CRM event to a feedback template; the answer, its execution (when one ran) and the mock traffic it caused. */
	async function deliver(path: string, workflowId: string, body: string, headers: Record<string, string>) {
		const mocks = n8n.mocks!;
		const before = mocks.requests().length;
		const runsBefore = (await n8n.executions(workflowId)).length;
		const res = await n8n.callWebhook(path, body, { headers: { 'content-type': 'application/json', ...headers } });
		let run: Execution | undefined;
		if (res.status === 200) {
			run = await n8n.waitForExecution(workflowId, { count: runsBefore + 1, timeoutMs: 60_000 });
			assert.equal(run.status, 'success', run.error?.message);
		} else {
			// Anything a refused request started would have finished by now.
			await new Promise((resolve) => setTimeout(resolve, 1500));
		}
		const runsAfter = (await n8n.executions(workflowId)).length;
		return { res, run, executionsStarted: runsAfter - runsBefore, requests: mocks.requests().slice(before) };
	}

	const recorded = (run: Execution | undefined) => run!.json('Record Outcome', 0).map((j) => j.outcome as Json);
	const unchanged = (run: Execution | undefined) => run!.json('Record Outcome', 1).map((j) => j.outcome as Json);

	describe('HubSpot: signature v3, the contact looked up by its ID', () => {
		const path = 'crm/hubspot-outcomes';
		const email = 'dana@globex.com';
		let routing: Json;
		let vid: number;
		let uri: string;
		let occurredAt: number;
		const event = (eventId: number) =>
			JSON.stringify([
				{ eventId, subscriptionId: 2861042, portalId: 44021786, appId: 3158411, occurredAt, subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: vid, propertyName: 'hs_lead_status', propertyValue: 'CONNECTED', changeSource: 'CRM_UI' },
			]);
		const signed = (body: string, secret = HUBSPOT_SECRET) => {
			const timestamp = String(Date.now());
			return { 'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${uri}${body}${timestamp}`).digest('base64'), 'x-hubspot-request-timestamp': timestamp };
		};
		let first: Awaited<ReturnType<typeof deliver>>;

		beforeAll(async () => {
			routing = await handOff('lead-handoff/hubspot', ids.inHubspot, email);
			vid = (n8n.mocks!.requests('api.hubapi.com', { path: /createOrUpdate/ })[0].response as { vid: number }).vid;
			uri = `${n8n.baseUrl}/webhook/${path}`;
			// The rep connected after the hand-off; a retry of the event keeps its time.
			occurredAt = Date.now();
			const body = event(1782634311);
			first = await deliver(path, ids.hubspot, body, signed(body));
			console.log(`HubSpot feedback loop, one lead's event, what the mocks received:\n${first.requests.map(summary).join('\n')}`);
		});

		it('records the outcome under the lead\'s email and hand-off, and stops its SLA timer as contacted', () => {
			assert.equal(first.res.status, 200, JSON.stringify(first.res.body));
			const [outcome] = recorded(first.run);
			assert.ok(outcome, JSON.stringify(first.run!.json('Record Outcome', 1)));
			assert.deepEqual([outcome.status, outcome.disposition, outcome.leadKey, outcome.stage, outcome.handoffKey], ['recorded', 'contacted', email, 'contacted', (routing.slaTimer as Json).handoffKey]);
			const timer = outcome.slaTimer as Json;
			assert.deepEqual([timer.changed, timer.outcome, timer.status], [true, 'contacted', 'contacted'], JSON.stringify(timer));
			assert.equal((outcome.linked as Json).repId, routing.ownerId);
		});

		it('asked HubSpot only for the contact, by the ID in the event', () => {
			assert.deepEqual(first.requests.map((r) => `${r.method} ${r.host}${r.path}`), [`GET api.hubapi.com/contacts/v1/contact/vid/${vid}/profile`]);
			assert.equal(first.requests[0].headers.authorization, 'Bearer pat-mock-hubspot');
		});

		it('the same event delivered again (HubSpot signs each attempt anew) records nothing and changes no timer', async () => {
			const body = event(1782634311);
			const again = await deliver(path, ids.hubspot, body, signed(body));
			assert.equal(again.res.status, 200);
			assert.deepEqual(recorded(again.run), []);
			const [same] = unchanged(again.run);
			assert.deepEqual([same.status, same.duplicates, same.stage, (same.slaTimer as Json | undefined)?.changed ?? false], ['unchanged', 1, 'contacted', false], JSON.stringify(same));
		});

		it('a forged signature is refused with 401 and starts nothing', async () => {
			const body = event(1782634399).replace('CONNECTED', 'UNQUALIFIED');
			const forged = await deliver(path, ids.hubspot, body, signed(body, 'not-the-apps-secret'));
			assert.deepEqual([forged.res.status, (forged.res.body as Json).error, forged.executionsStarted, forged.requests.length], [401, 'signatureMismatch', 0, 0]);
		});
	});

	describe('Salesforce: an HMAC-signed Flow callout with the lead\'s email', () => {
		const path = 'crm/salesforce-outcomes';
		const email = 'sam@umbrella.com';
		let routing: Json;
		let leadId: string;
		let modifiedAt: string;
		const event = () => JSON.stringify({ eventId: 'flow-interview-0001', record: { attributes: { type: 'Lead' }, Id: leadId, Email: email, Status: 'Working - Contacted', LastModifiedDate: modifiedAt } });
		const signed = (body: string, secret = HMAC_SECRET) => {
			const timestamp = String(Math.floor(Date.now() / 1000));
			return { 'x-timestamp': timestamp, 'x-signature': createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex') };
		};
		let first: Awaited<ReturnType<typeof deliver>>;

		beforeAll(async () => {
			routing = await handOff('lead-handoff/salesforce', ids.inSalesforce, email);
			modifiedAt = new Date().toISOString();
			leadId = (n8n.mocks!.requests('salesforce.com', { method: 'PATCH', path: /\/sobjects\/lead\/Email\// })[0].response as { id: string }).id;
			const body = event();
			first = await deliver(path, ids.salesforce, body, signed(body));
			console.log(`Salesforce feedback loop, one lead's event, what the mocks received:\n${first.requests.map(summary).join('\n') || '(nothing: the Flow sends the email)'}`);
		});

		it('records the outcome under the lead\'s email and hand-off, and stops its SLA timer as contacted', () => {
			assert.equal(first.res.status, 200, JSON.stringify(first.res.body));
			const [outcome] = recorded(first.run);
			assert.ok(outcome, JSON.stringify(first.run!.json('Record Outcome', 1)));
			assert.deepEqual([outcome.status, outcome.disposition, outcome.leadKey, outcome.stage, outcome.handoffKey], ['recorded', 'contacted', email, 'contacted', (routing.slaTimer as Json).handoffKey]);
			assert.deepEqual([(outcome.slaTimer as Json).changed, (outcome.slaTimer as Json).status], [true, 'contacted']);
			assert.deepEqual(first.requests, [], 'nothing asked of Salesforce: the Flow sends the email');
		});

		it('the same event again (signed anew, as a retry is) records nothing; the identical request replayed is refused', async () => {
			const body = event();
			// A retry is signed at a later second than the first delivery (the timestamp is in seconds).
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const headers = signed(body);
			const again = await deliver(path, ids.salesforce, body, headers);
			assert.deepEqual([again.res.status, recorded(again.run).length, unchanged(again.run)[0]?.status], [200, 0, 'unchanged']);
			const replayed = await deliver(path, ids.salesforce, body, headers);
			assert.deepEqual([replayed.res.status, (replayed.res.body as Json).error, replayed.executionsStarted], [401, 'replayed', 0]);
		});

		it('a forged signature is refused with 401 and starts nothing', async () => {
			const body = event().replace('Working - Contacted', 'Closed - Not Converted');
			const forged = await deliver(path, ids.salesforce, body, signed(body, 'guessed-secret'));
			assert.deepEqual([forged.res.status, (forged.res.body as Json).error, forged.executionsStarted], [401, 'signatureMismatch', 0]);
		});
	});

	describe('Pipedrive: basic auth, the person looked up by the deal\'s person ID', () => {
		const path = 'crm/pipedrive-outcomes';
		const email = 'kim@hooli.com';
		let routing: Json;
		let personId: number;
		let changedAt: string;
		const event = () =>
			JSON.stringify({
				meta: { action: 'change', entity: 'deal', entity_id: '9001', id: '5f1e2b8a-0000-4000-8000-00000000a001', version: '2.0', timestamp: changedAt, company_id: '77', user_id: '201', attempt: 1 },
				data: { id: 9001, title: 'Hooli deal', status: 'won', value: 12500, currency: 'EUR', person_id: personId, stage_id: 5 },
				previous: { status: 'open' },
			});
		let first: Awaited<ReturnType<typeof deliver>>;

		beforeAll(async () => {
			routing = await handOff('lead-handoff/pipedrive', ids.inPipedrive, email);
			changedAt = new Date().toISOString();
			personId = (n8n.mocks!.requests('api.pipedrive.com', { method: 'POST', path: /\/persons$/ })[0].response as { data: { id: number } }).data.id;
			first = await deliver(path, ids.pipedrive, event(), { authorization: PIPEDRIVE_AUTH });
			console.log(`Pipedrive feedback loop, one lead's event, what the mocks received:\n${first.requests.map(summary).join('\n')}`);
		});

		it('records the won deal with its value under the lead\'s email and hand-off, and stops its SLA timer', () => {
			assert.equal(first.res.status, 200, JSON.stringify(first.res.body));
			const [outcome] = recorded(first.run);
			assert.ok(outcome, JSON.stringify(first.run!.json('Record Outcome', 1)));
			assert.deepEqual([outcome.status, outcome.disposition, outcome.leadKey, outcome.stage, outcome.amount, outcome.currency, outcome.handoffKey], ['recorded', 'won', email, 'won', 12500, 'EUR', (routing.slaTimer as Json).handoffKey]);
			const timer = outcome.slaTimer as Json;
			assert.equal(timer.changed, true, JSON.stringify(timer));
			assert.notEqual(timer.status, 'running');
		});

		it('asked Pipedrive only for the person, by the ID on the deal', () => {
			assert.deepEqual(first.requests.map((r) => `${r.method} ${r.host}${r.path}`), [`GET api.pipedrive.com/api/v2/persons/${personId}`]);
		});

		it('the same event again records nothing; a wrong password is refused with 401 and starts nothing', async () => {
			const again = await deliver(path, ids.pipedrive, event(), { authorization: PIPEDRIVE_AUTH });
			assert.deepEqual([again.res.status, recorded(again.run).length, unchanged(again.run)[0]?.status], [200, 0, 'unchanged']);
			const forged = await deliver(path, ids.pipedrive, event(), { authorization: `Basic ${Buffer.from('pipedrive:guess').toString('base64')}` });
			assert.deepEqual([forged.res.status, (forged.res.body as Json).error, forged.executionsStarted, forged.requests.length], [401, 'wrongCredentials', 0, 0]);
		});
	});
});
