/**
 * Lead Feedback Trigger in a real n8n, installed from the packed tarball, on its published
 * production webhook: HubSpot-signed requests (signature v3 over the exact bytes and the URL n8n
 * serves) into Lead Feedback's Record Outcome with the HubSpot preset. A valid request runs the
 * workflow and records the outcome; a forged signature, an altered body, a stale timestamp and
 * the valid request replayed are answered 401 with their reason and start no execution. A
 * Pipedrive webhook with the wrong basic-auth password is refused the same way.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import { RealN8n } from '../helpers/real-n8n';

const SECRET = 'hubspot-app-client-secret-for-tests';
const PATH = 'crm/hubspot-outcomes';
const PIPEDRIVE_PATH = 'crm/pipedrive-outcomes';
const MINUTE = 60_000;

const CREDENTIALS = {
	leadHandoffStoreApi: { id: 'leadHandoffStore1', name: 'Lead Handoff Store' },
	hubspot: { id: 'LhFeedbackHubSp1', name: 'HubSpot app secret' },
	pipedrive: { id: 'LhFeedbackPipeD1', name: 'Pipedrive webhook auth' },
};

function workflow(id: string, authentication: 'hubspot' | 'basicAuth', path: string, webhookId: string, input: string) {
	const credential = authentication === 'hubspot' ? { leadFeedbackHubSpotAppApi: CREDENTIALS.hubspot } : { leadFeedbackBasicAuthApi: CREDENTIALS.pipedrive };
	return {
		id,
		name: `${input} outcomes -> Lead Feedback`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${webhookId.slice(0, 34)}01`,
				name: 'Lead Feedback Trigger',
				type: 'n8n-nodes-lead-handoff.leadFeedbackTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				// httpMethod: the test helper's wait for a published webhook asks n8n about this method.
				parameters: { verifyWith: authentication, path, httpMethod: 'POST' },
				credentials: { ...credential, leadHandoffStoreApi: CREDENTIALS.leadHandoffStoreApi },
			},
			{
				id: `${webhookId.slice(0, 34)}02`,
				name: 'Lead Feedback',
				type: 'n8n-nodes-lead-handoff.leadFeedback',
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'outcome', operation: 'record', input },
				credentials: { leadHandoffStoreApi: CREDENTIALS.leadHandoffStoreApi },
			},
		],
		connections: { 'Lead Feedback Trigger': { main: [[{ node: 'Lead Feedback', type: 'main', index: 0 }]] } },
		pinData: {},
	};
}

/** A HubSpot contact webhook: the rep connected with the lead. */
function hubspotBody(eventId: number): string {
	return JSON.stringify([
		{
			eventId,
			subscriptionId: 2861042,
			portalId: 44021786,
			appId: 3158411,
			occurredAt: Date.now() - MINUTE,
			subscriptionType: 'contact.propertyChange',
			attemptNumber: 0,
			objectId: 87211034512,
			propertyName: 'hs_lead_status',
			propertyValue: 'CONNECTED',
			changeSource: 'CRM_UI',
		},
	]);
}

function sign(secret: string, uri: string, body: string, timestamp: string): string {
	return createHmac('sha256', secret).update(`POST${uri}${body}${timestamp}`).digest('base64');
}

describe('Lead Feedback Trigger in a real n8n', () => {
	let n8n: RealN8n;
	let hubspotId: string;
	let pipedriveId: string;
	let uri: string;
	const answers: Record<string, { status: number; body: unknown }> = {};

	async function post(body: string, headers: Record<string, string>, path = PATH) {
		return n8n.callWebhook(path, body, { headers: { 'content-type': 'application/json', ...headers } });
	}

	beforeAll(async () => {
		n8n = await RealN8n.create();
		await n8n.importCredentials([
			{ ...CREDENTIALS.leadHandoffStoreApi, type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...CREDENTIALS.hubspot, type: 'leadFeedbackHubSpotAppApi', data: { clientSecret: SECRET, targetUrl: '' } },
			{ ...CREDENTIALS.pipedrive, type: 'leadFeedbackBasicAuthApi', data: { user: 'pipedrive', password: 'right-password' } },
		]);
		[hubspotId, pipedriveId] = await n8n.importWorkflows([
			workflow('LhFeedbackHubSpt', 'hubspot', PATH, 'f33db4c6-0000-4000-8000-0000000000a1', 'hubspot'),
			workflow('LhFeedbackPipeDr', 'basicAuth', PIPEDRIVE_PATH, 'f33db4c6-0000-4000-8000-0000000000b1', 'pipedrive'),
		]);
		await n8n.start();
		await n8n.activate(hubspotId);
		await n8n.activate(pipedriveId);
		uri = `${n8n.baseUrl}/webhook/${PATH}`;

		const body = hubspotBody(1782634311);
		const now = String(Date.now());
		const valid = { 'x-hubspot-signature-v3': sign(SECRET, uri, body, now), 'x-hubspot-request-timestamp': now };
		answers.valid = await post(body, valid);
		await n8n.waitForExecution(hubspotId);
		answers.forged = await post(body, { 'x-hubspot-signature-v3': sign('another-apps-secret', uri, body, now), 'x-hubspot-request-timestamp': now });
		answers.altered = await post(body.replace('CONNECTED', 'UNQUALIFIED'), valid);
		const stale = String(Date.now() - 6 * MINUTE);
		answers.stale = await post(body, { 'x-hubspot-signature-v3': sign(SECRET, uri, body, stale), 'x-hubspot-request-timestamp': stale });
		answers.replayed = await post(body, valid);
		answers.pipedrive = await post(JSON.stringify({ meta: { action: 'change', entity: 'deal', id: 'x' }, data: {} }), { authorization: `Basic ${Buffer.from('pipedrive:wrong').toString('base64')}` }, PIPEDRIVE_PATH);
		// Anything the refused requests might have started would have finished by now.
		await new Promise((resolve) => setTimeout(resolve, 1500));
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('accepts the valid request: the workflow runs and records the outcome', async () => {
		assert.equal(answers.valid.status, 200, JSON.stringify(answers.valid.body));
		const [run] = await n8n.executions(hubspotId);
		assert.equal(run.status, 'success', run.error?.message);
		const [trigger] = run.json('Lead Feedback Trigger');
		assert.equal(trigger.verifiedBy, 'HubSpot signature v3');
		assert.equal((trigger.headers as Record<string, unknown>).authorization, undefined);
		const [recorded] = run.json('Lead Feedback', 0);
		const outcome = recorded.outcome as Record<string, unknown>;
		assert.equal(outcome.status, 'recorded', JSON.stringify(outcome));
		assert.equal(outcome.stage, 'contacted');
		assert.equal(outcome.leadKey, '87211034512');
	});

	it('refuses a forged signature, an altered body, a stale timestamp and a replay with 401 and the reason', () => {
		const reasons = Object.fromEntries(['forged', 'altered', 'stale', 'replayed'].map((k) => [k, [answers[k].status, (answers[k].body as { error?: string }).error]]));
		assert.deepEqual(reasons, {
			forged: [401, 'signatureMismatch'],
			altered: [401, 'signatureMismatch'],
			stale: [401, 'staleTimestamp'],
			replayed: [401, 'replayed'],
		});
		assert.match(String((answers.stale.body as { message: string }).message), /signed 6 min/);
	});

	it('starts no execution for a refused request', async () => {
		const runs = await n8n.executions(hubspotId);
		assert.equal(runs.length, 1, 'only the valid request ran the workflow');
		assert.equal((await n8n.executions(pipedriveId)).length, 0);
		assert.deepEqual([answers.pipedrive.status, (answers.pipedrive.body as { error?: string }).error], [401, 'wrongCredentials']);
	});
});
