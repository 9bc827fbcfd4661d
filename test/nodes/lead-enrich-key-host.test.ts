/**
 * The Company Data API key goes only to the host its credential names (the host of its Test
 * URL). Two local HTTP servers: the credential's provider and another one. A provider URL on the
 * other server gets no request carrying the key, neither through Lead Enrich nor through the
 * credential's own authenticate; a placeholder in the provider URL's host is refused, so no lead
 * can choose where the key goes.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { LeadEnrichCompanyDataApi } from '../../credentials/LeadEnrichCompanyDataApi.credentials';
import { keyHostProblem } from '../../nodes/engine/enrich';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { runNode } from '../helpers/n8n-runner';

const KEY = 'sk_live_key_host_test_7f3a';

interface Provider {
	server: Server;
	base: string;
	calls: IncomingMessage[];
}

async function provider(): Promise<Provider> {
	const calls: IncomingMessage[] = [];
	const server = createServer((req, res) => {
		calls.push(req);
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ name: 'Globex', domain: 'globex.com', metrics: { employees: 240 } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

const carriesKey = (req: IncomingMessage) => JSON.stringify(req.headers).includes(KEY) || (req.url ?? '').includes(KEY);

describe('the Company Data API key goes only to the credential\'s host', () => {
	let named: Provider;
	let other: Provider;
	beforeAll(async () => {
		named = await provider();
		other = await provider();
	});
	afterAll(async () => {
		for (const p of [named, other]) {
			p.server.closeAllConnections();
			await new Promise((resolve) => p.server.close(resolve));
		}
	});
	beforeEach(() => {
		named.calls.length = 0;
		other.calls.length = 0;
	});

	const credential = (sendAs: string): ICredentialDataDecryptedObject => ({ sendAs, headerName: 'X-Api-Key', queryName: 'api_key', apiKey: KEY, testUrl: `${named.base}/v2/companies/find?domain=stripe.com` });
	const enrich = (urlTemplate: string, sendAs = 'bearer') =>
		runNode({
			node: new LeadEnrich(),
			parameters: { companyData: 'http', urlTemplate, preset: 'clearbit', authentication: 'companyDataApi', cache: 'execution', lookupSettings: { timeoutSeconds: 2, maxRetryWaitSeconds: 1 }, options: { asOf: '2026-03-16T12:00:00Z' } },
			items: [{ email: 'dana@globex.com' }, { email: 'ben@initech.com' }],
			timezone: 'UTC',
			credentialTypes: [new LeadEnrichCompanyDataApi()],
			credentials: { leadEnrichCompanyDataApi: credential(sendAs) },
		});
	type Firm = { status: string; reason?: string };
	const firmOf = (r: Awaited<ReturnType<typeof enrich>>, i: number) => (r.outputs[0][i].json.enrichment as { firmographics: Firm }).firmographics;

	for (const sendAs of ['bearer', 'header', 'query']) {
		it(`sent as ${sendAs}: the named host gets the key, the other host nothing; the leads go on with the reason`, async () => {
			const good = await enrich(`${named.base}/v2/companies/find?domain={{domain}}`, sendAs);
			assert.equal(good.error, undefined);
			assert.equal(firmOf(good, 0).status, 'found');
			assert.equal(named.calls.length, 2);
			assert.ok(named.calls.every(carriesKey), 'the credential\'s host got the key');

			const elsewhere = await enrich(`${other.base}/v2/companies/find?domain={{domain}}`, sendAs);
			assert.equal(elsewhere.error, undefined, 'enrichment failing never stops the lead');
			assert.equal(other.calls.length, 0, 'no request to the other host at all');
			assert.equal(named.calls.length, 2);
			for (const i of [0, 1]) {
				const firm = firmOf(elsewhere, i);
				assert.equal(firm.status, 'failed');
				assert.match(String(firm.reason), new RegExp(`sent only to ${named.base.replace('http://', '').replace(/\./g, '\\.')}.*points to ${other.base.replace('http://', '').replace(/\./g, '\\.')}`));
				assert.ok(!String(firm.reason).includes(KEY), 'the reason does not show the key');
			}
		});
	}

	it('the credential itself refuses to put the key on a request to another host, whatever node asks', async () => {
		const type = new LeadEnrichCompanyDataApi();
		for (const sendAs of ['bearer', 'header', 'query']) {
			await assert.rejects(() => type.authenticate(credential(sendAs), { url: `${other.base}/v2/companies/find?domain=globex.com` }), /sent only to 127\.0\.0\.1:\d+.*request was not sent/);
			const ok = await type.authenticate(credential(sendAs), { url: `${named.base}/v2/companies/find?domain=globex.com` });
			assert.ok(JSON.stringify(ok).includes(KEY));
		}
		await assert.rejects(() => type.authenticate(credential('bearer'), { baseURL: other.base, url: '/v2/companies/find' }), /request was not sent/);
		await assert.rejects(() => type.authenticate({ ...credential('bearer'), testUrl: 'not a url' }, { url: `${named.base}/x` }), /names no host/);
	});

	it('host comparison: port counts, case does not, look-alike hosts and userinfo tricks do not pass', () => {
		assert.equal(keyHostProblem('https://company.clearbit.com/v2/x', 'https://COMPANY.clearbit.com/v2/companies/find?domain=a.com'), undefined);
		for (const url of ['https://company.clearbit.com.evil.example/v2', 'https://company.clearbit.com:8443/v2', 'https://company.clearbit.com@evil.example/v2', 'https://evil.example/?https://company.clearbit.com', 'ftp://company.clearbit.com/']) {
			assert.ok(keyHostProblem('https://company.clearbit.com/v2/x', url), url);
		}
	});

	it('a placeholder in the provider URL\'s host is refused before any lead is read', async () => {
		for (const template of ['https://{{domain}}/api', 'http://127.0.0.1{{domain}}/x', 'https://api.example.com@{{domain}}/x']) {
			const r = await enrich(template);
			assert.match(r.error?.message ?? '', /placeholder may not be in the host/, template);
		}
		assert.equal(named.calls.length + other.calls.length, 0);
	});
});
