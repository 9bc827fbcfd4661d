import { NodeConnectionTypes, type IDataObject, type INodeType, type INodeTypeDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { clock } from '../shared/clock';
import { storeScopeOf } from '../shared/leadInput';
import { storeCredentialTest } from '../shared/store';
import { leadFeedbackWebhookSecretTest } from './secretTest';
import { verifyRequest, type Authentication } from './verify';

/** Headers that carry secrets: never passed on to the workflow. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

const SOURCE: Record<Authentication, string> = { hubspot: 'hubspot', basicAuth: 'pipedrive', hmac: 'signed' };

/**
 * Receives sales outcomes from the CRM's webhooks and verifies each request before the workflow
 * runs: HubSpot's signature v3, Pipedrive's basic auth, or an HMAC-SHA256 header with a shared
 * secret. A forged, altered, stale or replayed request is answered 401 with the reason, starts no
 * execution and is recorded nowhere. Connect Lead Feedback (Record Outcome) after it.
 */
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete -- the CRMs' webhooks are set up in the CRM (HubSpot app, Pipedrive settings, Salesforce flow) with this node's URL; there is no API here to register them with
export class LeadFeedbackTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Feedback Trigger',
		name: 'leadFeedbackTrigger',
		icon: { light: 'file:leadFeedbackTrigger.svg', dark: 'file:leadFeedbackTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ { hubspot: "Verify app signature", basicAuth: "Verify basic auth", hmac: "Verify shared secret" }[$parameter["verifyWith"]] || "Verify app signature" }}',
		description: "Starts a workflow on a CRM's outcome webhook (HubSpot, Pipedrive, Salesforce and others) once the request is verified as the CRM's",
		defaults: { name: 'Lead Feedback Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// Labelled by role: with two credentials on one panel, n8n would label one of them only "Credential".
			// `hide`, not `show`: n8n takes an options parameter that the credentials' `show` conditions
			// cover as the node's authentication and moves it off the panel into the credential dialog.
			{ name: 'leadFeedbackHubSpotAppApi', displayName: 'HubSpot App Secret', required: true, testedBy: 'leadFeedbackWebhookSecretTest', displayOptions: { hide: { verifyWith: ['basicAuth', 'hmac'] } } },
			{ name: 'leadFeedbackBasicAuthApi', displayName: 'Pipedrive Webhook Login', required: true, testedBy: 'leadFeedbackWebhookSecretTest', displayOptions: { hide: { verifyWith: ['hubspot', 'hmac'] } } },
			{ name: 'leadFeedbackHmacApi', displayName: 'Shared Secret', required: true, testedBy: 'leadFeedbackWebhookSecretTest', displayOptions: { hide: { verifyWith: ['hubspot', 'basicAuth'] } } },
			{
				name: 'leadHandoffStoreApi',
				displayName: 'Store for Replay Checks',
				required: true,
				testedBy: 'leadHandoffStoreConnectionTest',
				displayOptions: { hide: { verifyWith: ['basicAuth'] } },
			},
		],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '={{$parameter["path"]}}', isFullPath: true }],
		properties: [
			{
				displayName: 'Verify With',
				name: 'verifyWith',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'HubSpot Signature (V3)', value: 'hubspot', description: "The app's client secret signs each request; older than 5 minutes is refused" },
					{ name: 'Basic Auth (Pipedrive)', value: 'basicAuth', description: 'The HTTP auth user name and password set on the Pipedrive webhook' },
					{ name: 'HMAC-SHA256 Header (Salesforce and Others)', value: 'hmac', description: 'A shared secret signs the body (and a timestamp) in a header' },
				],
				default: 'hubspot',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: '',
				placeholder: 'crm-outcomes',
				description: "The webhook's path: the URL to give the CRM is shown above. Empty: a random path.",
			},
			{
				displayName:
					'Signed requests are remembered in the Lead Handoff Store until their signature expires, so a replayed request is refused. Connect Lead Feedback (Record Outcome) with the matching input preset after this trigger.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Store Scope',
						name: 'scope',
						type: 'string',
						default: 'default',
						description: 'Where the replay keys of accepted requests are kept; use the scope of the Lead Feedback node that follows',
					},
				],
			},
		],
	};

	methods = { credentialTest: { ...storeCredentialTest, leadFeedbackWebhookSecretTest } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const verifyWith = this.getNodeParameter('verifyWith', 'hubspot') as Authentication;
		const options = this.getNodeParameter('options', {}) as { scope?: unknown };
		const now = clock.now();
		const verdict = await verifyRequest(this, verifyWith, storeScopeOf(options.scope), now);
		if (!verdict.ok) {
			const res = this.getResponseObject();
			if (verifyWith === 'basicAuth') res.setHeader('WWW-Authenticate', 'Basic realm="Lead Feedback"');
			res.status(verdict.status).json({ error: verdict.reason, message: verdict.message }).end();
			return { noWebhookResponse: true };
		}
		const req = this.getRequestObject();
		const headers: IDataObject = {};
		for (const [name, value] of Object.entries(req.headers)) if (!SECRET_HEADERS.has(name.toLowerCase())) headers[name] = value as string;
		const item: IDataObject = {
			body: (req.body ?? {}) as IDataObject,
			headers,
			query: (req.query ?? {}) as IDataObject,
			source: SOURCE[verifyWith],
			verifiedBy: verdict.verifiedBy,
			receivedAt: new Date(now).toISOString(),
		};
		return { workflowData: [this.helpers.returnJsonArray([item])] };
	}
}
