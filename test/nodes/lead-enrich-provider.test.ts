/**
 * Lead Enrich's company data provider, run by the real node inside n8n-core's engine against a
 * local HTTP server on loopback: success, the store's cache, timeout, 429 with Retry-After,
 * malformed JSON, an unknown domain. A failed lookup never stops the lead: it carries on with
 * the failure stated in its brief.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { LeadEnrichCompanyDataApi } from '../../credentials/LeadEnrichCompanyDataApi.credentials';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores } from '../../nodes/store';
import { runNode } from '../helpers/n8n-runner';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const node = new LeadEnrich();
const NOW = '2026-03-16T12:00:00Z';
const CLEARBIT_GLOBEX = {
	name: 'Globex',
	domain: 'globex.com',
	category: { industry: 'Logistics software' },
	geo: { country: 'Germany' },
	metrics: { employees: 240, raised: 42_000_000 },
	tech: ['salesforce', 'segment'],
	description: 'Route planning for regional carriers.',
};

interface Call {
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
}

describe('Lead Enrich company data provider (local HTTP server)', () => {
	let server: Server;
	let base = '';
	let calls: Call[] = [];
	let handler: Handler = (_req, res) => res.end('{}');
	let folder: string;

	beforeAll(async () => {
		server = createServer((req, res) => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			calls.push({ path: url.pathname, query: url.searchParams, headers: req.headers, });
			handler(req, res);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		folder = mkdtempSync(join(tmpdir(), 'lead-enrich-provider-'));
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
		await closeAllStores();
		rmSync(folder, { recursive: true, force: true });
	});

	// The node waits through the shared clock; the tests record the waits instead of sleeping.
	let waits: number[] = [];
	const realSleep = clock.sleep;
	beforeEach(() => {
		calls = [];
		waits = [];
		clock.sleep = async (ms) => {
			waits.push(ms);
		};
	});
	afterEach(() => {
		clock.sleep = realSleep;
	});

	const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	};

	/** Runs the node with the HTTP provider; `store` caches in an embedded store of its own folder. */
	function run(items: IDataObject[], settings: { store?: string; lookupSettings?: object; auth?: boolean; urlPath?: string; withoutCredential?: boolean } = {}) {
		const parameters = {
			companyData: 'http',
			urlTemplate: `${base}${settings.urlPath ?? '/v2/companies/find'}?domain={{domain}}`,
			preset: 'clearbit',
			authentication: settings.auth ? 'companyDataApi' : 'none',
			cache: settings.store ? 'store' : 'execution',
			lookupSettings: { timeoutSeconds: 2, maxRetryWaitSeconds: 2, ...settings.lookupSettings },
			options: { asOf: NOW },
		};
		return runNode({
			node,
			parameters,
			items,
			timezone: 'UTC',
			credentialTypes: [new LeadEnrichCompanyDataApi()],
			credentials: {
				...(settings.withoutCredential ? {} : { leadEnrichCompanyDataApi: { sendAs: 'bearer', apiKey: 'sk_test_123', testUrl: `${base}/v2/companies/find?domain=globex.com` } }),
				...(settings.store ? { leadHandoffStoreApi: { backend: 'embedded', folder: join(folder, settings.store) } } : {}),
			},
		});
	}

	type Firm = { status: string; reason?: string; source?: string; data?: Record<string, unknown> };
	const enrichmentOf = (r: Awaited<ReturnType<typeof run>>, i = 0) =>
		r.outputs[0][i].json.enrichment as { firmographics: Firm; brief: { who: Record<string, string>; flags: string[]; company: { lookup: string; techStack?: string[]; funding?: string } } };

	it('success: maps the answer into the brief and sends the API key as the credential says', async () => {
		handler = json(200, CLEARBIT_GLOBEX);
		const r = await run([{ email: 'dana@globex.com', firstName: 'Dana' }], { auth: true });
		assert.equal(r.error, undefined);
		const e = enrichmentOf(r);
		assert.equal(e.firmographics.status, 'found');
		assert.deepEqual(
			{ company: e.brief.who.company, size: e.brief.who.size, industry: e.brief.who.industry, country: e.brief.who.country },
			{ company: 'Globex', size: '240 employees', industry: 'Logistics software', country: 'Germany' },
		);
		assert.deepEqual(e.brief.company.techStack, ['salesforce', 'segment']);
		assert.equal(e.brief.company.lookup, 'from 127.0.0.1');
		assert.equal(calls.length, 1);
		assert.equal(calls[0].query.get('domain'), 'globex.com');
		assert.equal(calls[0].headers.authorization, 'Bearer sk_test_123');
		assert.match(String(calls[0].headers.accept), /application\/json/);
	});

	it('cache: one call per domain in an execution, and none in the next execution with the store', async () => {
		handler = json(200, CLEARBIT_GLOBEX);
		const leads = [{ email: 'a@globex.com' }, { email: 'b@globex.com' }, { email: 'c@eu.globex.com', website: 'https://www.globex.com/de' }];
		const first = await run(leads, { store: 'cache-1' });
		assert.equal(calls.length, 1, 'three leads of one company: one call');
		assert.ok(first.outputs[0].every((_, i) => enrichmentOf(first, i).firmographics.status === 'found'));
		const second = await run(leads, { store: 'cache-1' });
		assert.equal(calls.length, 1, 'the next execution reads the store');
		assert.equal(enrichmentOf(second).firmographics.source, '127.0.0.1 (cached)');
		assert.equal(enrichmentOf(second).brief.who.company, 'Globex');
		// Without the store, each execution asks again.
		await run(leads);
		assert.equal(calls.length, 2);
	});

	it('unknown domain (404): stated, not a failure, and remembered by the cache', async () => {
		handler = json(404, { error: { type: 'unknown_record', message: 'Unknown domain' } });
		const r = await run([{ email: 'lee@unknown-co.example' }], { store: 'cache-404' });
		assert.deepEqual(enrichmentOf(r).firmographics, { status: 'notFound', reason: '127.0.0.1 knows no company at unknown-co.example (HTTP 404)' });
		assert.ok(!enrichmentOf(r).brief.flags.some((f) => f.startsWith('Company data unavailable')), 'an unknown company is no failure');
		await run([{ email: 'lee@unknown-co.example' }], { store: 'cache-404' });
		assert.equal(calls.length, 1, 'the unknown domain is not asked again while cached');
	});

	it('timeout: gives up after the attempts, and the lead carries on with the failure stated', async () => {
		handler = () => undefined; // never answers
		const r = await run([{ email: 'sam@slow.example', firstName: 'Sam' }], { lookupSettings: { timeoutSeconds: 0.3, maxAttempts: 2 } });
		assert.equal(r.error, undefined, 'the run does not fail');
		assert.equal(r.outputs[0].length, 1);
		const e = enrichmentOf(r);
		assert.equal(e.firmographics.status, 'failed');
		assert.match(e.firmographics.reason ?? '', /^127\.0\.0\.1: timed out after 2 attempts: giving up \(no answer within 0\.3 s\)$/);
		assertSalesSeeOnlyUnavailable(r);
		assert.equal(calls.length, 2);
		assert.equal(waits.length, 1, 'one pause, between the two attempts');
		assert.ok(waits[0] <= 2000, `the pause (${waits[0]} ms) stays within the longest wait of 2 s`);
		assert.equal(r.outputs[0][0].json.firstName, 'Sam');
	});

	it('429 with Retry-After: waits as asked, then succeeds', async () => {
		let n = 0;
		handler = (req, res) => (++n === 1 ? json(429, { error: 'rate limited' }, { 'retry-after': '1' }) : json(200, CLEARBIT_GLOBEX))(req, res);
		const r = await run([{ email: 'dana@globex.com' }]);
		assert.equal(enrichmentOf(r).firmographics.status, 'found');
		assert.equal(calls.length, 2);
		assert.deepEqual(waits, [1000], 'waited the 1 s the provider asked for, before asking again');
	});

	it('429 asking for longer than the longest wait: gives up at once rather than hold the hand-off', async () => {
		handler = json(429, { error: 'rate limited' }, { 'retry-after': '3600' });
		const r = await run([{ email: 'dana@globex.com' }]);
		assert.equal(calls.length, 1);
		assert.match(enrichmentOf(r).firmographics.reason ?? '', /HTTP 429: the provider asks to wait 3600 s, longer than 2 s: giving up/);
	});

	it('malformed JSON: stated as a failure, not cached', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('<html><body>502 Bad Gateway</body></html>');
		};
		const r = await run([{ email: 'dana@globex.com' }], { store: 'cache-bad' });
		assert.deepEqual(enrichmentOf(r).firmographics, { status: 'failed', reason: '127.0.0.1 answered with something that is not JSON: "<html><body>502 Bad Gateway</body></html>"' });
		handler = json(200, CLEARBIT_GLOBEX);
		const again = await run([{ email: 'dana@globex.com' }], { store: 'cache-bad' });
		assert.equal(enrichmentOf(again).firmographics.status, 'found', 'a failure is asked again next time');
	});

	/**
	 * What sales reads (the brief's flags and company line, the Slack, email, SMS and CRM
	 * renderings) says "Company data unavailable" and nothing technical; the item's firmographics
	 * keep the detail.
	 */
	function assertSalesSeeOnlyUnavailable(r: Awaited<ReturnType<typeof run>>, i = 0) {
		const e = r.outputs[0][i].json.enrichment as { brief: { flags: string[]; company: { lookup: string } }; renderings: unknown };
		assert.deepEqual(e.brief.flags.filter((f) => /company/i.test(f)), ['Company data unavailable']);
		assert.equal(e.brief.company.lookup, 'Company data unavailable');
		const shown = JSON.stringify([e.brief, e.renderings]);
		assert.match(JSON.stringify(e.renderings), /Company data unavailable/);
		for (const technical of [/HTTP \d{3}/, /127\.0\.0\.1/, /credential/i, /configuration/i, /timed out/, /attempt/]) assert.doesNotMatch(shown, technical);
	}

	for (const status of [401, 403]) {
		it(`a refused API key (HTTP ${status}) is a configuration error: one request, no retry, sales see "Company data unavailable"`, async () => {
			handler = json(status, { error: 'invalid key' });
			const r = await run([{ email: 'dana@globex.com' }, { email: 'lee@initech.example' }, { email: 'kim@globex.com' }], { auth: true });
			assert.equal(r.error, undefined, 'the leads carry on');
			assert.equal(r.outputs[0].length, 3);
			const firm = enrichmentOf(r).firmographics;
			assert.equal(firm.status, 'failed');
			assert.equal((firm as { configuration?: boolean }).configuration, true);
			assert.match(firm.reason ?? '', new RegExp(`^Configuration error: 127\\.0\\.0\\.1 refused the credential \\(HTTP ${status}\\)\\. Check the API key in the "Company Data API" credential`));
			assert.equal(calls.length, 1, 'one request: a refused key is not retried, nor tried again for the next company');
			assert.deepEqual(waits, [], 'no back-off');
			for (let i = 0; i < 3; i++) {
				assert.equal(enrichmentOf(r, i).firmographics.reason, firm.reason);
				assertSalesSeeOnlyUnavailable(r, i);
			}
		});
	}

	it('Authentication set to the credential but none selected: a configuration error, no request at all', async () => {
		handler = json(200, CLEARBIT_GLOBEX);
		const r = await run([{ email: 'dana@globex.com' }], { auth: true, withoutCredential: true });
		assert.equal(r.error, undefined, 'the lead carries on');
		const firm = enrichmentOf(r).firmographics;
		assert.equal(firm.status, 'failed');
		assert.equal((firm as { configuration?: boolean }).configuration, true);
		assert.match(firm.reason ?? '', /^Configuration error: Authentication is set to "Company Data API" but the credential cannot be used \(.+\)\. Select or create a "Company Data API" credential/);
		assert.equal(calls.length, 0, 'a missing credential is not a network error to retry');
		assert.deepEqual(waits, []);
		assertSalesSeeOnlyUnavailable(r);
	});

	it('free-mail addresses skip the lookup', async () => {
		handler = json(200, CLEARBIT_GLOBEX);
		const r = await run([{ email: 'jane@gmail.com' }]);
		assert.equal(calls.length, 0);
		assert.deepEqual(enrichmentOf(r).firmographics, { status: 'skipped', reason: 'free-mail address (gmail.com): no company to look up' });
	});
});
