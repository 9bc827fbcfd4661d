/**
 * Lead Feedback Trigger's webhook method with the real embedded store, called as n8n calls it
 * (request with its raw body, response object, credentials): each scheme's valid request starts
 * the workflow with the body and without secret headers; forged, altered, stale and replayed
 * requests are answered 401 with the reason, start nothing, and leave no replay key behind. The
 * credentials' Test button says what is missing. (The real webhook endpoint: test/real-n8n.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INode, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { hmacSignature, hubspotV3Signature } from '../../nodes/engine/feedback';
import { LeadFeedbackTrigger } from '../../nodes/LeadFeedbackTrigger/LeadFeedbackTrigger.node';
import { checkWebhookSecret } from '../../nodes/LeadFeedbackTrigger/secretTest';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores, createStore } from '../../nodes/store';

const trigger = new LeadFeedbackTrigger();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-feedback-trigger-'));
let stores = 0;
const NOW = Date.parse('2026-03-10T09:00:00Z');
const MINUTE = 60_000;
const URL_OF_TRIGGER = 'https://n8n.example.com/webhook/crm/outcomes';

const realNow = clock.now;
beforeEach(() => {
	clock.now = () => NOW;
});
afterEach(() => {
	clock.now = realNow;
});
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

interface Call {
	authentication: 'hubspot' | 'basicAuth' | 'hmac';
	credentials: Record<string, IDataObject>;
	body: string;
	headers: Record<string, string>;
	query?: string;
}

interface Answer {
	result: IWebhookResponseData;
	status?: number;
	sent?: IDataObject;
	headers: Record<string, string>;
}

async function call(c: Call): Promise<Answer> {
	const answer: Answer = { result: {}, headers: {} };
	const res = {
		setHeader: (name: string, value: string) => (answer.headers[name] = value),
		status(code: number) {
			answer.status = code;
			return this;
		},
		json(body: IDataObject) {
			answer.sent = body;
			return this;
		},
		end() {
			return this;
		},
	};
	const req = {
		method: 'POST',
		originalUrl: `/webhook/crm/outcomes${c.query ?? ''}`,
		headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k.toLowerCase(), v])),
		rawBody: Buffer.from(c.body, 'utf8'),
		body: JSON.parse(c.body) as unknown,
		query: {},
	};
	const node = { name: 'Lead Feedback Trigger', credentials: { leadHandoffStoreApi: { id: `store-${stores}`, name: 'store' } } } as unknown as INode;
	const ctx = {
		getNode: () => node,
		getNodeParameter: (name: string, fallback: unknown) => (name === 'verifyWith' ? c.authentication : name === 'options' ? {} : fallback),
		getCredentials: async (type: string) => {
			if (!c.credentials[type]) throw new Error(`no credential ${type}`);
			return c.credentials[type];
		},
		getRequestObject: () => req,
		getResponseObject: () => res,
		getWebhookResourceUrl: () => URL_OF_TRIGGER,
		getNodeWebhookUrl: () => URL_OF_TRIGGER,
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	answer.result = await trigger.webhook.call(ctx);
	return answer;
}

function freshStore() {
	const folder = path.join(root, `s${++stores}`);
	return { folder, leadHandoffStoreApi: { backend: 'embedded', folder } };
}

const started = (a: Answer) => (a.result.workflowData?.[0] ?? []).map((i) => i.json);
const refused = (a: Answer) => [a.status, a.sent?.error, a.result.workflowData === undefined, a.result.noWebhookResponse];

describe('Lead Feedback Trigger', () => {
	it('HMAC with a timestamp: starts the workflow for a valid request; refuses forged, altered, stale and replayed ones with their reason', async () => {
		const store = freshStore();
		const credentials = { leadHandoffStoreApi: store.leadHandoffStoreApi, leadFeedbackHmacApi: { secret: 's3cret', header: 'X-Signature', encoding: 'auto', timestampHeader: 'X-Timestamp', maxAgeMinutes: 5 } };
		const body = JSON.stringify({ eventId: 'e-1', disposition: 'won', amount: 1200, email: 'dana@globex.com' });
		const ts = String(Math.floor(NOW / 1000));
		const valid = { 'X-Signature': `sha256=${hmacSignature('s3cret', body, ts)}`, 'X-Timestamp': ts };

		const forged = await call({ authentication: 'hmac', credentials, body, headers: { ...valid, 'X-Signature': hmacSignature('guess', body, ts) } });
		assert.deepEqual(refused(forged), [401, 'signatureMismatch', true, true]);
		const altered = await call({ authentication: 'hmac', credentials, body: body.replace('1200', '9999'), headers: valid });
		assert.deepEqual(refused(altered), [401, 'signatureMismatch', true, true]);
		const old = String(Math.floor((NOW - 6 * MINUTE) / 1000));
		const stale = await call({ authentication: 'hmac', credentials, body, headers: { 'X-Signature': hmacSignature('s3cret', body, old), 'X-Timestamp': old } });
		assert.deepEqual(refused(stale), [401, 'staleTimestamp', true, true]);
		assert.match(String(stale.sent?.message), /6 min/);

		const ok = await call({ authentication: 'hmac', credentials, body, headers: { ...valid, Authorization: 'Bearer x' } });
		assert.equal(ok.status, undefined);
		const [item] = started(ok);
		assert.deepEqual(item.body, JSON.parse(body));
		assert.equal(item.verifiedBy, 'HMAC-SHA256 signature');
		assert.equal((item.headers as IDataObject).authorization, undefined, 'secret headers are not passed on');

		const replay = await call({ authentication: 'hmac', credentials, body, headers: valid });
		assert.deepEqual(refused(replay), [401, 'replayed', true, true]);
	});

	it('remembers nothing for a refused request: only an accepted one leaves a replay key', async () => {
		const store = freshStore();
		const credentials = { leadHandoffStoreApi: store.leadHandoffStoreApi, leadFeedbackHmacApi: { secret: 's3cret', header: 'X-Signature', timestampHeader: 'X-Timestamp', maxAgeMinutes: 5 } };
		const body = '{"eventId":"e-2","disposition":"accepted","email":"dana@globex.com"}';
		const ts = String(NOW);
		const signature = hmacSignature('s3cret', body, ts);
		const keys = async () => {
			const direct = await createStore({ kind: 'embedded', folder: store.folder });
			await direct.close();
			const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
			const db = new DatabaseSync(path.join(store.folder, 'store.sqlite'));
			try {
				return Number((db.prepare('SELECT COUNT(*) AS n FROM webhook_replays').get() as { n: number }).n);
			} finally {
				db.close();
			}
		};
		assert.equal((await call({ authentication: 'hmac', credentials, body: body.replace('accepted', 'rejected'), headers: { 'X-Signature': signature, 'X-Timestamp': ts } })).status, 401);
		assert.equal((await call({ authentication: 'hmac', credentials, body, headers: { 'X-Signature': hmacSignature('guess', body, ts), 'X-Timestamp': ts } })).status, 401);
		assert.equal(await keys(), 0, 'refused requests leave nothing in the store');
		assert.equal(started(await call({ authentication: 'hmac', credentials, body, headers: { 'X-Signature': signature, 'X-Timestamp': ts } })).length, 1);
		assert.equal(await keys(), 1);
	});

	it('HubSpot signature v3: signed over the method, the trigger URL with its query, the body and the timestamp', async () => {
		const store = freshStore();
		const credentials = { leadHandoffStoreApi: store.leadHandoffStoreApi, leadFeedbackHubSpotAppApi: { clientSecret: 'app-secret', targetUrl: '' } };
		const body = '[{"eventId":1,"subscriptionType":"contact.propertyChange","objectId":5,"propertyName":"hs_lead_status","propertyValue":"CONNECTED","occurredAt":1773133964318}]';
		const ts = String(NOW - MINUTE);
		const signature = hubspotV3Signature('app-secret', 'POST', `${URL_OF_TRIGGER}?portal=44`, body, ts);
		const ok = await call({ authentication: 'hubspot', credentials, body, query: '?portal=44', headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': ts } });
		assert.equal(started(ok)[0].source, 'hubspot');
		const otherUrl = await call({ authentication: 'hubspot', credentials, body, headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': ts } });
		assert.deepEqual(refused(otherUrl), [401, 'signatureMismatch', true, true], 'the query is part of what HubSpot signs');
		const behindProxy = { ...credentials, leadFeedbackHubSpotAppApi: { clientSecret: 'app-secret', targetUrl: 'https://crm-hooks.example.com/outcomes' } };
		const proxied = hubspotV3Signature('app-secret', 'POST', 'https://crm-hooks.example.com/outcomes', body, ts);
		assert.equal(started(await call({ authentication: 'hubspot', credentials: behindProxy, body, headers: { 'X-HubSpot-Signature-v3': proxied, 'X-HubSpot-Request-Timestamp': ts } })).length, 1);
		const unsigned = await call({ authentication: 'hubspot', credentials, body, headers: {} });
		assert.deepEqual(refused(unsigned), [401, 'missingHeader', true, true]);
	});

	it('basic auth (Pipedrive): the right user and password start the workflow; others are refused with a challenge', async () => {
		const credentials = { leadFeedbackBasicAuthApi: { user: 'pipedrive', password: 'pw' } };
		const body = '{"meta":{"action":"change","entity":"deal"},"data":{}}';
		const auth = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
		assert.equal(started(await call({ authentication: 'basicAuth', credentials, body, headers: auth('pipedrive', 'pw') })).length, 1);
		const wrong = await call({ authentication: 'basicAuth', credentials, body, headers: auth('pipedrive', 'nope') });
		assert.deepEqual(refused(wrong), [401, 'wrongCredentials', true, true]);
		assert.equal(wrong.headers['WWW-Authenticate'], 'Basic realm="Lead Feedback"');
	});

	it("the credentials' Test button says what is missing or malformed", () => {
		assert.equal(checkWebhookSecret('leadFeedbackHubSpotAppApi', { clientSecret: '' }).status, 'Error');
		assert.match(checkWebhookSecret('leadFeedbackHubSpotAppApi', { clientSecret: 'x', targetUrl: 'not a url' }).message, /not a URL/);
		assert.equal(checkWebhookSecret('leadFeedbackBasicAuthApi', { user: 'u', password: '' }).status, 'Error');
		assert.match(checkWebhookSecret('leadFeedbackHmacApi', { secret: 'x', header: 'X Signature' }).message, /not an HTTP header name/);
		assert.equal(checkWebhookSecret('leadFeedbackHmacApi', { secret: 'x', header: 'X-Signature', timestampHeader: '' }).status, 'OK');
	});
});
