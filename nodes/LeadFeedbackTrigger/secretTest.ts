/**
 * The "Test" button of the trigger's credentials. A webhook secret is checked against requests
 * the CRM sends, not against an API, so the test says whether the credential is complete and
 * well-formed (a secret set, a header name HTTP allows, a Target URL that is a URL).
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

export const SECRET_TEST_NAME = 'leadFeedbackWebhookSecretTest';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function checkWebhookSecret(type: string, data: Record<string, unknown>): INodeCredentialTestResult {
	const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });
	if (type === 'leadFeedbackHubSpotAppApi') {
		if (blank(data.clientSecret)) return fail("The client secret is empty: copy it from the HubSpot app's Auth tab");
		if (!blank(data.targetUrl)) {
			try {
				new URL(String(data.targetUrl));
			} catch {
				return fail(`Target URL "${String(data.targetUrl)}" is not a URL: give it as set in HubSpot, e.g. https://n8n.example.com/webhook/crm-outcomes`);
			}
		}
	} else if (type === 'leadFeedbackBasicAuthApi') {
		if (blank(data.password)) return fail('The password is empty: set the same user name and password on the Pipedrive webhook (HTTP auth)');
	} else if (type === 'leadFeedbackHmacApi') {
		if (blank(data.secret)) return fail('The secret is empty');
		for (const field of ['header', 'timestampHeader'] as const) {
			if (!blank(data[field]) && !HEADER_NAME.test(String(data[field]).trim())) return fail(`"${String(data[field])}" is not an HTTP header name`);
		}
	}
	return { status: 'OK', message: 'Complete. There is nothing to call: each request the CRM sends is checked with it (a wrong secret answers 401 with the reason).' };
}

export async function leadFeedbackWebhookSecretTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return checkWebhookSecret(credential.type, (credential.data ?? {}) as Record<string, unknown>);
}
