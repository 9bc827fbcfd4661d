import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * A shared secret for senders that sign their requests with HMAC-SHA256 in a header (a Salesforce
 * Flow through Apex, a form tool, your own service). With a timestamp header, the signed text is
 * `timestamp.body` and stale or replayed requests are refused.
 */
export class LeadFeedbackHmacApi implements ICredentialType {
	name = 'leadFeedbackHmacApi';

	displayName = 'Webhook HMAC Secret';

	icon: Icon = { light: 'file:leadFeedbackWebhook.svg', dark: 'file:leadFeedbackWebhook.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-lead-handoff/n8n-nodes-lead-handoff#lead-feedback-trigger';

	properties: INodeProperties[] = [
		{ displayName: 'Secret', name: 'secret', type: 'string', typeOptions: { password: true }, default: '', required: true, description: 'The secret the sender signs with' },
		{ displayName: 'Signature Header', name: 'header', type: 'string', default: 'X-Signature', description: 'The header holding the signature (a "sha256=" prefix is allowed)' },
		{
			displayName: 'Signature Encoding',
			name: 'encoding',
			type: 'options',
			options: [
				{ name: 'Automatic (Hex or Base64)', value: 'auto' },
				{ name: 'Hex', value: 'hex' },
				{ name: 'Base64', value: 'base64' },
			],
			default: 'auto',
		},
		{
			displayName: 'Timestamp Header',
			name: 'timestampHeader',
			type: 'string',
			default: 'X-Timestamp',
			description: 'The header with the time of sending (epoch seconds or milliseconds): then "timestamp.body" is signed, and old or replayed requests are refused. Empty: the body alone is signed (replays are then caught only by the event ID).',
		},
		{ displayName: 'Maximum Age (Minutes)', name: 'maxAgeMinutes', type: 'number', typeOptions: { minValue: 1 }, default: 5, description: 'How old a timestamped request may be' },
	];
}
