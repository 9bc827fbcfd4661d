import assert from 'node:assert/strict';

import { compileEnrichment, SLACK_LIMITS, smsInfo, type EnrichOptions, type SlackMessage } from '../../nodes/engine/enrich';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { runNode, runWorkflow } from '../helpers/n8n-runner';

const node = new LeadEnrich();
const AS_OF = '2026-06-15T12:00:00Z';

const dana = {
	id: 5150,
	email: 'dana@globex.com',
	firstName: 'Dana',
	lastName: 'Scully',
	jobTitle: 'VP of Marketing',
	industry: 'Software',
	companySize: 200,
	phone: '+1 415 555 0100',
	activities: [
		{ id: 'a1', type: 'page_view', timestamp: '2026-05-20T09:00:00Z', url: 'https://example.com/blog/lead-scoring-101?utm_source=google&utm_medium=organic', title: 'Lead scoring 101' },
		{ id: 'a2', type: 'webinar_attended', timestamp: '2026-06-03T17:00:00Z', title: 'Hand-off masterclass', campaign: 'webinar-q2', source: 'linkedin', medium: 'paid-social' },
		{ id: 'a3', type: 'content_download', timestamp: '2026-06-13T16:40:00Z', asset: 'Case study: Initech doubled SQLs', utm_campaign: 'cs-retarget', utm_source: 'linkedin', utm_medium: 'paid-social' },
		{ id: 'a4', type: 'page_view', timestamp: '2026-06-14T10:00:00Z', url: 'https://example.com/pricing' },
		{ id: 'a5', type: 'page_view', timestamp: '2026-06-15T09:12:00Z', url: 'https://example.com/pricing?plan=team' },
		{ id: 'a6', type: 'demo_request', timestamp: '2026-06-15T10:00:00Z', campaign: 'spring-promo', source: 'google', medium: 'cpc' },
	],
	handoff: { reasons: ['Requested a demo (2 hours ago)'] },
};

const table = { rows: [{ domain: 'globex.com', name: 'Globex Corporation', employees: 240, industry: 'Logistics software', country: 'United States', techStack: 'Salesforce, Segment', description: 'Route planning for carriers.' }] };
const editor = { companyData: 'table', lookupTable: table, brief: { crmUrlTemplate: 'https://app.hubspot.com/contacts/42/record/0-1/{{id}}', attributionModel: 'linear' }, options: { asOf: AS_OF } };
const asJson: EnrichOptions = {
	crmUrlTemplate: 'https://app.hubspot.com/contacts/42/record/0-1/{{id}}',
	attribution: { model: 'linear' },
	firmographics: { table: { 'globex.com': { name: 'Globex Corporation', employees: 240, industry: 'Logistics software', country: 'United States', techStack: ['Salesforce', 'Segment'], description: 'Route planning for carriers.' } } },
};

type Enrichment = {
	brief: { who: Record<string, string>; score?: { grade: string; topRules: Array<{ text: string }> }; whyNow: { reasons: string[]; signals: Array<{ text: string }> }; stage: { stage: string }; crmUrl?: string; source: { campaigns: Array<{ campaign: string }> } };
	renderings: { slack: SlackMessage; email: { subject: string; html: string; text: string }; sms: string; crmNote: string };
	attribution: { models: Record<string, { byCampaign: Array<{ key: string; credit: number }> }> };
	firmographics: { status: string };
};

describe('Lead Enrich node', () => {
	it('after Lead Score: the brief names who, why now, the top rules, the company and where the lead came from', async () => {
		const { outputs, error } = await runWorkflow({
			nodes: [
				{ node: new LeadScore(), parameters: { options: { asOf: AS_OF } } },
				{ node, parameters: editor },
			],
			items: [dana],
			timezone: 'Europe/Berlin',
		});
		assert.equal(error, undefined);
		const [item] = outputs['Lead Enrich'][0];
		assert.deepEqual(item.pairedItem, { item: 0 });
		const { score: _score, ...input } = item.json;
		assert.deepEqual({ ...input, enrichment: undefined }, { ...dana, enrichment: undefined }, 'the lead keeps its fields');
		const e = item.json.enrichment as Enrichment;
		assert.equal(e.brief.who.name, 'Dana Scully');
		assert.equal(e.brief.who.company, 'Globex Corporation', 'from the lookup table');
		assert.equal(e.brief.stage.stage, 'readyToTalk');
		assert.deepEqual(e.brief.whyNow.reasons, ['Requested a demo (2 hours ago)']);
		assert.equal(e.brief.score?.grade, (item.json.score as { grade: string }).grade);
		assert.equal(e.brief.score?.topRules.length, 3);
		assert.equal(e.brief.crmUrl, 'https://app.hubspot.com/contacts/42/record/0-1/5150');
		// utm_* fields and utm parameters in the URL count as touches.
		assert.deepEqual(e.brief.source.campaigns.map((c) => c.campaign).sort(), ['(no campaign)', 'cs-retarget', 'spring-promo'].sort());
		for (const [model, credits] of Object.entries(e.attribution.models)) {
			assert.equal(credits.byCampaign.reduce((s, c) => s + c.credit, 0), 1, `${model} credits add up to 1`);
		}
		assert.match(e.renderings.sms, /^Lead: Globex Corporation, [A-D][1-4] [\d.]+ pts\. Requested a demo/);
		assert.equal(smsInfo(e.renderings.sms).segments, 1);
		assert.ok(e.renderings.slack.blocks.length <= SLACK_LIMITS.blocks);
		assert.match(e.renderings.email.subject, /^New lead: Dana Scully · Globex Corporation — [A-D][1-4], score/);
	});

	it('settings and the same options as JSON give identical output', async () => {
		const items = [dana, { email: 'sam@gmail.com', name: 'Sam', activities: [] }];
		const fromEditor = await runNode({ node, parameters: editor, items });
		const fromJson = await runNode({ node, parameters: { optionsSource: 'json', optionsJson: JSON.stringify(asJson), options: { asOf: AS_OF } }, items });
		assert.equal(fromEditor.outputs[0].length, 2);
		assert.deepEqual(
			fromEditor.outputs[0].map((i) => i.json.enrichment),
			fromJson.outputs[0].map((i) => i.json.enrichment),
		);
		// And the node agrees with the engine given the same options.
		const engine = compileEnrichment(asJson);
		const expected = engine.enrich(dana, engine.readActivities(dana, 'America/New_York'), undefined, { now: Date.parse(AS_OF), timezone: 'America/New_York', handoffReasons: ['Requested a demo (2 hours ago)'] });
		assert.deepEqual((fromJson.outputs[0][0].json.enrichment as Enrichment).renderings, JSON.parse(JSON.stringify(expected.renderings)));
	});

	it('a lead named <script> renders as text in the email HTML and cannot ping the Slack channel', async () => {
		const hostile = { firstName: '<script>alert(1)</script>', company: '<!channel> & Co', email: 'x@hostile.example', activities: [{ type: 'page_view', timestamp: AS_OF, url: 'https://example.com/pricing' }] };
		const { outputs } = await runNode({ node, parameters: { options: { asOf: AS_OF } }, items: [hostile] });
		const e = outputs[0][0].json.enrichment as Enrichment;
		assert.doesNotMatch(e.renderings.email.html, /<script>|<!channel>/);
		assert.match(e.renderings.email.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		// mrkdwn (and the notification text) would turn <!channel> into a mention; plain_text does not.
		const mrkdwn = [e.renderings.slack.text, ...JSON.stringify(e.renderings.slack.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g)!];
		assert.ok(mrkdwn.some((t) => t.includes('&lt;!channel&gt;')));
		assert.ok(mrkdwn.every((t) => !t.includes('<!channel>')));
	});

	it('details can be left out; the output field is an option', async () => {
		const { outputs } = await runNode({ node, parameters: { ...editor, options: { asOf: AS_OF, outputField: 'brief', includeDetails: false } }, items: [dana] });
		const out = outputs[0][0].json.brief as Record<string, unknown>;
		assert.deepEqual(Object.keys(out).sort(), ['brief', 'firmographics', 'renderings']);
	});

	describe('bad input', () => {
		const bad = [dana, { email: 'x@y.com', activities: [{ type: 'page_view', timestamp: 'last tuesday' }] }, { email: 'z@y.com', score: 'high' }, { email: 'ok@y.com' }];

		it('continue (using error output): bad items leave on the error output naming item and field, the rest carry on', async () => {
			const { outputs } = await runNode({ node, parameters: { options: { asOf: AS_OF } }, items: bad, onError: 'continueErrorOutput' });
			const [success, errors] = outputs;
			assert.deepEqual(success.map((i) => i.pairedItem), [{ item: 0 }, { item: 3 }]);
			assert.deepEqual(errors.map((i) => i.pairedItem), [{ item: 1 }, { item: 2 }]);
			assert.match(String(errors[0].json.error), /^Item 1: Field "activities\[0\]\.timestamp": expected an ISO 8601 date-time/);
			assert.deepEqual(errors[1].json.details, { item: 2, field: 'score', expected: 'Lead Score\'s result: an object with a numeric total and a grade' });
			assert.equal(errors[0].json.email, 'x@y.com', 'the failed item keeps its fields');
		});

		it('stop workflow: the run fails naming the item and the field', async () => {
			const { error } = await runNode({ node, parameters: { options: { asOf: AS_OF } }, items: bad });
			assert.match(error?.message ?? '', /Item 1: Field "activities\[0\]\.timestamp"/);
		});

		it('invalid options stop the run before any item, naming the JSON path; under continue every item leaves on the error output', async () => {
			const optionsJson = JSON.stringify({ sms: { maxSegments: 0 }, firmographics: { urlTemplate: 'ftp://x/{{domain}}' } });
			const { error } = await runNode({ node, parameters: { optionsSource: 'json', optionsJson }, items: bad });
			assert.match(error?.message ?? '', /Invalid protocol: The Lead Enrich options is invalid: \/sms\/maxSegments: must be >= 1/);
			const { outputs } = await runNode({ node, parameters: { optionsSource: 'json', optionsJson }, items: bad, onError: 'continueErrorOutput' });
			assert.equal(outputs[0].length, 0);
			assert.deepEqual(outputs[1].map((i) => i.pairedItem), bad.map((_, item) => ({ item })));
		});

		it('a provider URL without {{domain}} in the settings is named', async () => {
			const { error } = await runNode({ node, parameters: { companyData: 'http', urlTemplate: 'https://api.example.com/companies', authentication: 'none', cache: 'execution' }, items: [dana] });
			assert.match(error?.message ?? '', /\/firmographics\/urlTemplate: the provider URL must contain \{\{domain\}\}/);
		});
	});
});
