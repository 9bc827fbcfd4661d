import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The HubSpot app whose webhooks the Lead Feedback Trigger receives: its client secret signs each
 * request (signature v3). Used to verify requests, never sent anywhere.
 */
export class LeadFeedbackHubSpotAppApi implements ICredentialType {
	name = 'leadFeedbackHubSpotAppApi';

	displayName = 'HubSpot Webhook Secret';

	icon: Icon = { light: 'file:leadFeedbackWebhook.svg', dark: 'file:leadFeedbackWebhook.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-lead-handoff/n8n-nodes-lead-handoff#lead-feedback-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The app's client secret: HubSpot developer account, Apps, your app, Auth tab. HubSpot signs every webhook request with it (X-HubSpot-Signature-v3).",
		},
		{
			displayName: 'Target URL',
			name: 'targetUrl',
			type: 'string',
			default: '',
			placeholder: 'https://n8n.example.com/webhook/hubspot-outcomes',
			description: "The app's webhook target URL exactly as set in HubSpot, when n8n runs behind a proxy that changes it. Empty: the trigger's production URL.",
		},
	];
}
