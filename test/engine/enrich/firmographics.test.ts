import assert from 'node:assert/strict';

import {
	compileEnrichment,
	compileFirmographicsMapping,
	compileLookupTable,
	emailDomain,
	isFreeMailDomain,
	lookupDomain,
	renderProviderUrl,
	retryDecision,
} from '../../../nodes/engine/enrich';
import { NOW } from './fixtures';

describe('provider response presets', () => {
	it('Clearbit-style company object', () => {
		const map = compileFirmographicsMapping('clearbit');
		const response = {
			name: 'Segment',
			domain: 'segment.com',
			category: { sector: 'Information Technology', industry: 'Internet Software & Services' },
			geo: { country: 'United States', countryCode: 'US' },
			metrics: { employees: 540, employeesRange: '251-1K', raised: 283_950_000 },
			tech: ['aws_route_53', 'google_apps', 'salesforce'],
			description: 'The customer data platform.',
		};
		assert.deepEqual(map(response), {
			name: 'Segment',
			domain: 'segment.com',
			employees: 540,
			sizeRange: '251-1K',
			industry: 'Internet Software & Services',
			country: 'United States',
			techStack: ['aws_route_53', 'google_apps', 'salesforce'],
			funding: { totalUsd: 283_950_000 },
			description: 'The customer data platform.',
		});
	});

	it('Apollo-style organization wrapper', () => {
		const map = compileFirmographicsMapping('apollo');
		const response = {
			organization: {
				name: 'Apollo.io',
				primary_domain: 'apollo.io',
				estimated_num_employees: '1,600',
				industry: 'information technology & services',
				country: 'United States',
				technology_names: ['Cloudflare', 'Gmail', 'Cloudflare'],
				total_funding: 251_200_000,
				latest_funding_stage: 'Series D',
			},
		};
		assert.deepEqual(map(response), {
			name: 'Apollo.io',
			domain: 'apollo.io',
			employees: 1600,
			industry: 'information technology & services',
			country: 'United States',
			techStack: ['Cloudflare', 'Gmail'],
			funding: { totalUsd: 251_200_000, stage: 'Series D' },
		});
	});

	it('own field paths over a preset; tech given as objects; an empty answer is no company', () => {
		const map = compileFirmographicsMapping('flat', { name: 'data.company_name', techStack: 'data.stack', employees: 'data.headcount' });
		assert.deepEqual(map({ data: { company_name: 'Globex', headcount: 'unknown', stack: [{ name: 'HubSpot' }, { name: 'Zendesk' }, 7] } }), { name: 'Globex', techStack: ['HubSpot', 'Zendesk', '7'] });
		assert.equal(map({ error: 'not found' }), undefined);
		assert.equal(map('<html>gateway error</html>'), undefined);
	});
});

describe('domains and free mail', () => {
	it('finds the email domain and recognises free-mail providers from the maintained list', () => {
		assert.equal(emailDomain('Jane.Doe@Acme.COM'), 'acme.com');
		assert.equal(emailDomain('not an address'), undefined);
		for (const d of ['gmail.com', 'yahoo.com', 'outlook.com', 'mail.ru', 'qq.com']) assert.equal(isFreeMailDomain(d), true, d);
		assert.equal(isFreeMailDomain('acme.com'), false);
	});

	it('looks up the website first, else the email domain, and skips free mail with a reason', () => {
		assert.deepEqual(lookupDomain('jane@gmail.com', 'https://www.Acme.com/about'), { domain: 'acme.com' });
		assert.deepEqual(lookupDomain('jane@acme.com', undefined), { domain: 'acme.com' });
		assert.match((lookupDomain('jane@gmail.com', undefined) as { skip: string }).skip, /free-mail address \(gmail\.com\)/);
		assert.deepEqual(lookupDomain('jane@gmail.com', undefined, false), { domain: 'gmail.com' });
	});

	it('a free-mail lead is not looked up in the table', () => {
		const e = compileEnrichment({ firmographics: { table: { 'gmail.com': { name: 'Google' } } } });
		const r = e.enrich({ email: 'jane@gmail.com' }, [], undefined, { now: NOW, timezone: 'UTC' });
		assert.equal(r.firmographics.status, 'skipped');
		assert.equal(r.brief.who.company, undefined);
	});
});

describe('provider URL and lookup table', () => {
	it('URL-encodes the domain into the template', () => {
		assert.equal(renderProviderUrl('https://api.example.com/companies?domain={{domain}}', 'acme.com'), 'https://api.example.com/companies?domain=acme.com');
		assert.equal(renderProviderUrl('https://api.example.com/c/{{ domain }}', 'a&b=c/d'), 'https://api.example.com/c/a%26b%3Dc%2Fd');
	});

	it('rejects a template without {{domain}}, with an unknown placeholder or another scheme', () => {
		assert.throws(() => compileEnrichment({ firmographics: { urlTemplate: 'https://api.example.com/companies' } }), /\/firmographics\/urlTemplate: .*\{\{domain\}\}/);
		assert.throws(() => compileEnrichment({ firmographics: { urlTemplate: 'https://x.io/{{company}}' } }), /unknown placeholder \{\{company\}\}/);
		assert.throws(() => compileEnrichment({ firmographics: { urlTemplate: 'file:///etc/{{domain}}' } }), /must start with http/);
	});

	it('finds a company by domain or subdomain, case-insensitively', () => {
		const table = compileLookupTable({ 'Acme.com': { name: 'Acme' } });
		assert.equal(table('acme.com')?.name, 'Acme');
		assert.equal(table('eu.acme.com')?.name, 'Acme');
		assert.equal(table('notacme.com'), undefined);
	});

	it('states a miss, and takes what the node fetched (or its failure) over the table', () => {
		const e = compileEnrichment({ firmographics: { table: { 'acme.com': { name: 'Acme' } } } });
		const ctx = { now: NOW, timezone: 'UTC' };
		assert.deepEqual(e.enrich({ email: 'j@globex.com' }, [], undefined, ctx).firmographics, { status: 'notFound', reason: 'globex.com is not in the lookup table' });
		assert.equal(e.enrich({ email: 'j@acme.com' }, [], undefined, { ...ctx, firmographics: { name: 'Acme Inc.' } }).brief.who.company, 'Acme Inc.');
		const failed = e.enrich({ email: 'j@acme.com' }, [], undefined, { ...ctx, firmographics: { status: 'failed', reason: 'HTTP 500 after 3 attempts' } });
		assert.ok(failed.brief.flags.includes('Company data unavailable'));
		assert.ok(!JSON.stringify([failed.brief, failed.renderings]).includes('HTTP 500'), 'the reason stays out of what sales reads');
		assert.equal(failed.firmographics.status === 'failed' && failed.firmographics.reason, 'HTTP 500 after 3 attempts');
	});
});

describe('retry decision', () => {
	const now = Date.parse('2026-03-16T12:00:00Z');

	it('retries 429 after Retry-After in seconds or as an HTTP date', () => {
		assert.deepEqual(retryDecision({ status: 429, retryAfter: '2', attempt: 1, now }), { retry: true, delayMs: 2000, reason: 'HTTP 429: retry after 2 s as the provider asks' });
		const date = retryDecision({ status: 503, retryAfter: 'Mon, 16 Mar 2026 12:00:05 GMT', attempt: 1, now });
		assert.equal(date.retry && date.delayMs, 5000);
	});

	it('gives up when the provider asks for longer than the cap, rather than holding the hand-off', () => {
		const d = retryDecision({ status: 429, retryAfter: '3600', attempt: 1, now });
		assert.equal(d.retry, false);
		assert.match(d.reason, /wait 3600 s/);
	});

	it('backs off exponentially up to the cap, and stops after the last attempt', () => {
		const policy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 5000 };
		const delays = [1, 2, 3, 4, 5].map((attempt) => {
			const d = retryDecision({ error: 'timeout', attempt, now }, policy);
			return d.retry ? d.delayMs : 'stop';
		});
		assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
		assert.equal(retryDecision({ status: 502, attempt: 6, now }, policy).retry, false);
		assert.equal(retryDecision({ status: 502, attempt: 3, now }).retry, false, 'default: 3 attempts');
	});

	it('does not retry success, an unknown domain or a client error; ignores an unreadable Retry-After', () => {
		assert.equal(retryDecision({ status: 200, attempt: 1, now }).retry, false);
		assert.match(retryDecision({ status: 404, attempt: 1, now }).reason, /does not know this domain/);
		assert.equal(retryDecision({ status: 401, attempt: 1, now }).retry, false);
		for (const status of [401, 403, 407]) {
			const d = retryDecision({ status, attempt: 1, now });
			assert.deepEqual(d.retry === false && { configuration: d.configuration, reason: d.reason }, { configuration: true, reason: `HTTP ${status}: configuration error, the provider refused the credential: not retried` });
		}
		const d = retryDecision({ status: 503, retryAfter: 'soon', attempt: 1, now });
		assert.equal(d.retry && d.delayMs, 500);
	});
});
