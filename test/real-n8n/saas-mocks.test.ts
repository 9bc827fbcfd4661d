/**
 * The SaaS mocks and the real-n8n harness, checked from n8n itself: n8n's own HubSpot, Slack,
 * Twilio, Send Email and HTTP Request nodes, with credentials imported through the CLI, reach the
 * local mocks (and nothing else), and a published workflow answers on its production webhook.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { RealN8n } from '../helpers/real-n8n';
import { MOCK_IDS, SaasMocks } from '../helpers/saas-mocks';

const workflows = join(__dirname, 'workflows');

describe('SaaS mocks, called by a real n8n', () => {
	let n8n: RealN8n;
	let mocks: SaasMocks;

	beforeAll(async () => {
		mocks = await SaasMocks.start();
		n8n = await RealN8n.create({ mocks });
		await n8n.importCredentials([
			{ id: 'LhMockHubspot001', name: 'HubSpot (mock)', type: 'hubspotAppToken', data: { appToken: 'pat-mock-hubspot' } },
			{ id: 'LhMockSlack00001', name: 'Slack (mock)', type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ id: 'LhMockTwilio0001', name: 'Twilio (mock)', type: 'twilioApi', data: { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'mock-twilio-token' } },
			{ id: 'LhMockSmtp000001', name: 'SMTP (mock)', type: 'smtp', data: mocks.smtpCredential() },
		]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await mocks?.stop();
	});

	it('HubSpot, Slack, Twilio and Send Email deliver to the mocks what the workflow says', async () => {
		mocks.reset();
		const id = await n8n.importWorkflow(join(workflows, 'saas-mocks-selftest.json'));
		const run = await n8n.execute(id);
		assert.equal(run.status, 'success', run.error?.message);

		const [upsert] = mocks.requests('api.hubapi.com', { method: 'POST' });
		assert.equal(upsert.path, '/contacts/v1/contact/createOrUpdate/email/dana@acme.io');
		assert.equal(upsert.headers.authorization, 'Bearer pat-mock-hubspot');
		assert.deepEqual(upsert.body, {
			properties: [
				{ property: 'firstname', value: 'Dana' },
				{ property: 'jobtitle', value: 'VP Sales' },
			],
		});
		const vid = run.json('HubSpot')[0].vid;
		assert.equal(typeof vid, 'number', 'the node read the contact back from the mock');

		const [post] = mocks.requests('slack.com', { path: '/api/chat.postMessage' });
		assert.equal(post.headers.authorization, 'Bearer xoxb-mock-slack');
		assert.deepEqual({ channel: (post.body as Record<string, unknown>).channel, text: (post.body as Record<string, unknown>).text }, { channel: 'C0123', text: `Hot lead dana@acme.io (HubSpot vid ${vid})` });
		// n8n's Slack node hands Slack's `ts` on as `message_timestamp`.
		const ts = run.json('Slack')[0].message_timestamp;
		assert.equal(ts, (post.response as { ts: string }).ts);

		const [sms] = mocks.requests('api.twilio.com');
		assert.equal(sms.path, `/2010-04-01/Accounts/${MOCK_IDS.twilioAccountSid}/Messages.json`);
		assert.equal(sms.headers.authorization, `Basic ${Buffer.from(`${MOCK_IDS.twilioAccountSid}:mock-twilio-token`).toString('base64')}`);
		const { From, To, Body } = sms.body as Record<string, string>;
		assert.deepEqual({ From, To, Body }, { From: '+15550000000', To: '+15551230001', Body: `New hot lead: Dana, Slack ts ${ts}` });
		const sid = run.json('Twilio')[0].sid;
		assert.match(String(sid), /^SM\w{32}$/);

		// The last node calls api.example.org, which has no mock: answered 404, never reached.
		const [ping] = mocks.requests('api.example.org');
		assert.deepEqual({ method: ping.method, path: ping.path, query: ping.query, status: ping.status }, { method: 'GET', path: '/v1/ping', query: { from: 'n8n' }, status: 404 });
		assert.equal(run.json('Unknown Host')[0].statusCode, 404);

		const [email] = await mocks.waitForEmails(1);
		assert.deepEqual(
			{ from: email.from, to: email.to, subject: email.subject, text: email.text.trim(), auth: email.auth?.username },
			{ from: 'handoff@acme.test', to: ['ava.owner@example.com'], subject: 'Hand-off: dana@acme.io', text: `Call Dana today. SMS ${sid}`, auth: 'n8n' },
		);
	});

	it('Pipedrive and Salesforce keep what was created: a later query finds it', async () => {
		mocks.reset();
		const run = await n8n.execute(await n8n.importWorkflow(join(workflows, 'crm-roundtrip.json')));
		assert.equal(run.status, 'success', run.error?.message);
		const personId = (run.json('Pipedrive Person')[0].data as { id: number }).id;
		const leadId = run.json('Salesforce Lead')[0].id as string;
		assert.match(leadId, /^00Q/, 'a Lead id has the Lead key prefix');
		assert.deepEqual(run.json('Salesforce Query')[0].records, [{ attributes: { type: 'Lead' }, Id: leadId, LastName: 'Lee', Company: 'Acme', Email: 'dana@acme.io', Description: `Pipedrive person ${personId}` }]);
		assert.equal(mocks.requests('api.pipedrive.com')[0].query.api_token, 'mock-pipedrive-token');
	});

	it('a published workflow answers on its production webhook and its execution is readable', async () => {
		mocks.reset();
		const id = await n8n.importWorkflow(join(workflows, 'webhook-to-slack.json'));
		await n8n.start();
		await n8n.activate(id);

		const res = await n8n.callWebhook('lead-handoff-test/lead-in', { email: 'web@acme.io' });
		assert.equal(res.status, 200);
		const [post] = mocks.requests('slack.com', { path: '/api/chat.postMessage' });
		assert.equal((post.body as Record<string, unknown>).text, 'Lead from the web: web@acme.io');
		// responseMode lastNode: the caller gets what Slack answered.
		assert.equal((res.body as Record<string, unknown>).message_timestamp, (post.response as { ts: string }).ts);

		const execution = await n8n.waitForExecution(id);
		assert.equal(execution.status, 'success');
		assert.equal((execution.json('Lead In')[0].body as Record<string, unknown>).email, 'web@acme.io');

		await n8n.deactivate(id);
		assert.equal((await n8n.callWebhook('lead-handoff-test/lead-in', { email: 'late@acme.io' })).status, 404, 'an unpublished workflow no longer answers');
	});
});
