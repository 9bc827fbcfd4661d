import assert from 'node:assert/strict';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { compileEnrichment, readProviderBody, compileFirmographicsMapping } from '../../../nodes/engine/enrich';

describe('reading the lead', () => {
	const e = compileEnrichment();

	it('reads activities with Lead Score\'s field names, and the touch from utm fields or the URL', () => {
		const lead = {
			activities: [
				{ id: 7, type: 'page_view', timestamp: '2026-03-01 09:00', url: 'https://example.com/pricing?utm_source=LinkedIn&utm_medium=paid-social&utm_campaign=Spring%20promo' },
				{ type: 'email_click', timestamp: 1772355600, utm_campaign: 'nurture-3', title: 'Tips' },
				{ type: 'form_submit', timestamp: '2026-03-02T10:00:00Z', campaign: 'own', source: 'partner', referrer: 'https://www.g2.com/' },
			],
		};
		assert.deepEqual(e.readActivities(lead, 'Europe/Berlin'), [
			{ id: '7', type: 'page_view', at: Date.parse('2026-03-01T08:00:00Z'), url: lead.activities[0].url, source: 'LinkedIn', medium: 'paid-social', campaign: 'Spring promo' },
			{ type: 'email_click', at: 1772355600000, title: 'Tips', campaign: 'nurture-3' },
			{ type: 'form_submit', at: Date.parse('2026-03-02T10:00:00Z'), campaign: 'own', source: 'partner', referrer: 'https://www.g2.com/' },
		]);
	});

	it('reads other field paths (a HubSpot-shaped record)', () => {
		const custom = compileEnrichment({ activityFields: { activities: 'properties.events', time: 'occurredAt', type: 'eventType' }, fields: { score: 'leadScore', handoffReasons: 'gate.why' } });
		const lead = { properties: { events: [{ eventType: 'demo_request', occurredAt: '2026-03-01T09:00:00Z' }] }, leadScore: { total: 80, grade: 'A1' }, gate: { why: 'Asked for a demo' } };
		assert.equal(custom.readActivities(lead, 'UTC')[0].type, 'demo_request');
		assert.equal(custom.readScore(lead)?.total, 80);
		assert.deepEqual(custom.readScore(lead)?.breakdown, [], 'a score without its breakdown still reads');
		assert.deepEqual(custom.readHandoffReasons(lead), ['Asked for a demo']);
	});

	it('names the field and what it must be', () => {
		const check = (lead: Record<string, unknown>, field: string) => assert.throws(() => { e.readActivities(lead, 'UTC'); e.readScore(lead); e.readHandoffReasons(lead); }, (err: unknown) => err instanceof LeadDataError && err.field === field);
		check({ activities: 'many' }, 'activities');
		check({ activities: [{ type: 'page_view', timestamp: 'yesterday-ish' }] }, 'activities[0].timestamp');
		check({ activities: [{ timestamp: 1 }] }, 'activities[0].type');
		check({ score: { total: 'high' } }, 'score.total');
		check({ handoff: { reasons: [1, 2] } }, 'handoff.reasons');
	});
});

describe('a provider\'s answer', () => {
	const map = compileFirmographicsMapping('clearbit');

	it('maps JSON text or a parsed body; an empty answer or one without a company is no company', () => {
		assert.deepEqual(readProviderBody('{"name":"Acme","metrics":{"employees":"1,200"}}', map, 'acme.com', 'api.x'), { status: 'found', data: { name: 'Acme', employees: 1200 }, source: 'api.x' });
		assert.equal(readProviderBody({ name: 'Acme' }, map, 'acme.com', 'api.x').status, 'found');
		assert.deepEqual(readProviderBody('', map, 'acme.com', 'api.x'), { status: 'notFound', reason: 'api.x knows no company at acme.com (empty answer)' });
		assert.deepEqual(readProviderBody('null', map, 'acme.com', 'api.x'), { status: 'notFound', reason: 'api.x knows no company at acme.com' });
	});

	it('states malformed JSON as a failure with a short preview', () => {
		const r = readProviderBody(`<html>${'x'.repeat(200)}</html>`, map, 'acme.com', 'api.x');
		assert.equal(r.status, 'failed');
		assert.match((r as { reason: string }).reason, /^api\.x answered with something that is not JSON: "<html>x+\.\.\."$/);
	});

	it('keys the cache by provider and mapping, so another provider never answers from it', () => {
		const key = (fm: object) => compileEnrichment({ firmographics: fm }).provider?.key;
		const url = 'https://company.clearbit.com/v2/companies/find?domain={{domain}}';
		assert.equal(key({ urlTemplate: url }), key({ urlTemplate: url, preset: 'clearbit' }));
		assert.notEqual(key({ urlTemplate: url }), key({ urlTemplate: url, preset: 'apollo' }));
		assert.notEqual(key({ urlTemplate: url }), key({ urlTemplate: url, mapping: { name: 'legalName' } }));
		assert.equal(compileEnrichment({ firmographics: { urlTemplate: url } }).provider?.name, 'company.clearbit.com');
	});
});
