import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The user name and password set on a Pipedrive webhook (HTTP auth): Pipedrive sends them with
 * every request as basic auth, and the Lead Feedback Trigger checks them.
 */
export class LeadFeedbackBasicAuthApi implements ICredentialType {
	name = 'leadFeedbackBasicAuthApi';

	displayName = 'Pipedrive Webhook Auth';

	icon: Icon = { light: 'file:leadFeedbackWebhook.svg', dark: 'file:leadFeedbackWebhook.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-lead-handoff/n8n-nodes-lead-handoff#lead-feedback-trigger';

	properties: INodeProperties[] = [
		{ displayName: 'User', name: 'user', type: 'string', default: '', description: 'The HTTP auth user name set on the webhook' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '', required: true, description: 'The HTTP auth password set on the webhook' },
	];
}
