import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Where the lead hand-off nodes keep state that outlives one execution (activity ledger, scores,
 * hand-offs, round-robin turns, SLA timers). Tested node-side (see nodes/store/credentialTest.ts):
 * nodes using it declare `testedBy: 'leadHandoffStoreConnectionTest'`.
 */
export class LeadHandoffStoreApi implements ICredentialType {
	name = 'leadHandoffStoreApi';

	displayName = 'Lead Handoff Store';

	icon: Icon = { light: 'file:leadHandoffStore.svg', dark: 'file:leadHandoffStore.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-lead-handoff/n8n-nodes-lead-handoff#the-handoff-store';

	properties: INodeProperties[] = [
		{
			displayName: 'Backend',
			name: 'backend',
			type: 'options',
			options: [
				{
					name: 'Embedded',
					value: 'embedded',
					description: 'A file in the n8n user folder; no server to install. Single n8n instance only (not queue mode).',
				},
				{
					name: 'PostgreSQL',
					value: 'postgres',
					description: 'For teams, and required when n8n runs in queue mode with workers',
				},
			],
			default: 'embedded',
		},
		{
			displayName: 'Folder',
			name: 'folder',
			type: 'string',
			default: '',
			placeholder: '~/.n8n/lead-handoff',
			description: 'Folder for the store file (store.sqlite). Leave empty for the lead-handoff folder inside n8n\'s own data folder. Relative paths are taken from that .n8n folder.',
			displayOptions: { show: { backend: ['embedded'] } },
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable', description: 'Connect without SSL' },
				{ name: 'Allow', value: 'allow', description: 'Use SSL when the server offers it, otherwise connect without' },
				{ name: 'Require', value: 'require', description: 'Connect only with SSL' },
			],
			default: 'disable',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server\'s SSL certificate cannot be verified (self-signed, expired, wrong host name)',
			displayOptions: { show: { backend: ['postgres'], ssl: ['allow', 'require'] } },
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'lead_handoff',
			description: 'PostgreSQL schema for the store\'s tables; created on first use if the user may create schemas',
			displayOptions: { show: { backend: ['postgres'] } },
		},
	];
}
