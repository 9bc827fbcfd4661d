import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

import { keyHostProblem } from '../nodes/engine/enrich/keyHost';

/**
 * The API key of a company data (firmographics) provider that Lead Enrich calls: Clearbit /
 * Breeze Intelligence, Apollo, People Data Labs or any JSON API. A credential of this package's
 * own, because n8n's community rules do not let a package's node use another package's credential
 * types (such as the HTTP Request node's Header Auth). The key goes where the provider wants it.
 */
export class LeadEnrichCompanyDataApi implements ICredentialType {
	name = 'leadEnrichCompanyDataApi';

	displayName = 'Company Data API';

	icon: Icon = { light: 'file:leadEnrichCompanyData.svg', dark: 'file:leadEnrichCompanyData.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-lead-handoff/n8n-nodes-lead-handoff#lead-enrich';

	properties: INodeProperties[] = [
		{
			displayName: 'Send Key As',
			name: 'sendAs',
			type: 'options',
			options: [
				{ name: 'Bearer Token', value: 'bearer', description: 'Authorization: Bearer <key> (Clearbit / Breeze Intelligence)' },
				{ name: 'Header', value: 'header', description: 'A header of your choice (Apollo and People Data Labs use X-Api-Key)' },
				{ name: 'Query Parameter', value: 'query', description: 'A parameter in the URL, e.g. api_key=<key>' },
			],
			default: 'bearer',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Api-Key',
			displayOptions: { show: { sendAs: ['header'] } },
		},
		{
			displayName: 'Parameter Name',
			name: 'queryName',
			type: 'string',
			default: 'api_key',
			displayOptions: { show: { sendAs: ['query'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Test URL',
			name: 'testUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://company.clearbit.com/v2/companies/find?domain=stripe.com',
			description: 'A provider URL for a company it knows, called by the Test button: the key works when it answers 2xx. The key is sent only to this URL\'s host.',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		// The last check before the key leaves: whatever node or URL asks, only the credential's host gets it.
		const url = String(requestOptions.url ?? '');
		const problem = keyHostProblem(credentials.testUrl, requestOptions.baseURL && !/^https?:/i.test(url) ? `${requestOptions.baseURL.replace(/\/$/, '')}/${url.replace(/^\//, '')}` : url);
		if (problem !== undefined) throw new Error(`Company Data API credential: ${problem}; the request was not sent`);
		const key = String(credentials.apiKey ?? '');
		const sendAs = credentials.sendAs ?? 'bearer';
		if (sendAs === 'query') {
			return { ...requestOptions, qs: { ...requestOptions.qs, [String(credentials.queryName || 'api_key')]: key } };
		}
		const header = sendAs === 'header' ? { [String(credentials.headerName || 'X-Api-Key')]: key } : { Authorization: `Bearer ${key}` };
		return { ...requestOptions, headers: { ...requestOptions.headers, ...header } };
	}

	test: ICredentialTestRequest = {
		request: { url: '={{$credentials.testUrl}}', method: 'GET' },
	};
}
