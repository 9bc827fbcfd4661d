import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { compileEnrichment, SLACK_LIMITS, smsInfo, type EnrichOptions, type SlackMessage } from '../../../nodes/engine/enrich';
import { act, COMPARING, CONTEXT, DAY, HOSTILE, HOT, HOUR, MINUTE, NOW, OPTIONS, score } from './fixtures';

const render = (c = HOT, options: EnrichOptions = OPTIONS) => compileEnrichment(options).enrich(c.lead, c.activities, c.score, c.context).renderings;

function assertWithinBlockKit(message: SlackMessage): void {
	assert.ok(message.blocks.length <= SLACK_LIMITS.blocks, `${message.blocks.length} blocks`);
	for (const block of message.blocks) {
		if (block.type === 'header') assert.ok(block.text.text.length <= 150 && block.text.text.length > 0, 'header');
		if (block.type === 'section') {
			assert.ok(block.text || block.fields, 'a section has text or fields');
			if (block.text) assert.ok(block.text.text.length <= 3000 && block.text.text.length > 0, `section of ${block.text.text.length}`);
			if (block.fields) {
				assert.ok(block.fields.length <= 10, 'fields');
				for (const f of block.fields) assert.ok(f.text.length <= 2000, `field of ${f.text.length}`);
			}
		}
		if (block.type === 'context') for (const e of block.elements) assert.ok(e.text.length <= 3000);
		if (block.type === 'actions') for (const b of block.elements) assert.ok(b.text.text.length <= 75 && b.url.length <= 3000);
	}
	for (const block of message.blocks) {
		const texts = block.type === 'section' ? [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text)] : [];
		for (const t of texts) {
			assert.doesNotMatch(t, /&[a-z]*$/, 'no entity cut in half');
			assert.doesNotMatch(t, /[\uD800-\uDBFF]$/, 'no emoji cut in half');
		}
	}
}

describe('Slack Block Kit limits', () => {
	it('the realistic leads are within the limits', () => {
		for (const c of [HOT, COMPARING, HOSTILE]) assertWithinBlockKit(render(c).slack);
	});

	it('a lead with huge fields and hundreds of activities stays within them', () => {
		const huge = 'Ünïcödé & <tag> 🚀'.repeat(800);
		const lead = { id: 'x'.repeat(4000), name: huge, jobTitle: huge, company: huge, industry: huge, email: `${'a'.repeat(3000)}@acme.com`, phone: huge, tier: huge };
		const activities = Array.from({ length: 500 }, (_, i) => act(i % 2 ? 'content_download' : 'page_view', i * 3_600_000, { title: `${huge}${i}`, url: `https://x.com/customers/${i}`, campaign: huge + i }));
		const options: EnrichOptions = { ...OPTIONS, brief: { signals: 50, topRules: 50, interests: 50, maxTalkingPoints: 50 } };
		const r = compileEnrichment(options).enrich(lead, activities, score({ total: 80, grade: 'A1', breakdown: [{ rule: 'r', label: huge, group: 'fit', points: 10, why: huge }] }), {
			...CONTEXT,
			handoffReasons: Array.from({ length: 60 }, () => huge),
		});
		assertWithinBlockKit(r.renderings.slack);
		assert.ok(!r.renderings.slack.blocks.some((b) => b.type === 'actions'), 'a CRM link longer than Slack allows is left out');
	});

	it('a template longer than a section is split, and capped at 50 blocks', () => {
		const options: EnrichOptions = { ...OPTIONS, templates: { slack: '{{#whyNow.signals}}{{text}}\n{{/whyNow.signals}}'.repeat(2000) } };
		const slack = render(HOT, options).slack;
		assertWithinBlockKit(slack);
		assert.equal(slack.blocks.length, 50);
		assert.equal(slack.blocks[49].type, 'actions', 'the CRM button survives the cap');
	});
});

describe('email', () => {
	it('escapes every lead-provided string in HTML: a lead named <script> renders as text', () => {
		const { html, text } = render(HOSTILE).email;
		assert.doesNotMatch(html, /<script|<img|<b>|<i>|<!channel>|onerror=alert\(1\)>/i);
		assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; O&#39;Neil &amp; &lt;b&gt;Sons&lt;\/b&gt;/);
		assert.match(text, /<script>alert\(1\)<\/script> O'Neil/, 'plain text shows the name as it is');
	});

	it('the CRM link cannot be redirected by lead data: values are URL-encoded', () => {
		const { html } = render(HOSTILE).email;
		assert.match(html, /href="https:\/\/app\.hubspot\.com\/contacts\/4411\/record\/0-1\/a%2Fb%3Fc%3D1%26d"/);
	});

	it('a subject is one line, even when the name has a newline', () => {
		const { subject } = render({ ...HOT, lead: { ...HOT.lead, firstName: 'Priya\r\nBcc: x@evil.test' } }).email;
		assert.doesNotMatch(subject, /[\r\n]/);
	});

	it('an HTML template escapes its placeholders', () => {
		const html = render(HOSTILE, { ...OPTIONS, templates: { emailHtml: '<p>{{who.name}}</p>{{#talkingPoints}}<li>{{.}}</li>{{/talkingPoints}}' } }).email.html;
		assert.ok(html.startsWith('<p>&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil'));
		assert.match(html, /<li>Explored “Features &amp; more”/);
	});
});

describe('SMS', () => {
	it('fits one GSM-7 segment by default, typographic quotes notwithstanding', () => {
		const sms = render(HOT).sms;
		assert.deepEqual([smsInfo(sms).encoding, smsInfo(sms).segments], ['GSM-7', 1]);
		assert.ok(sms.length <= 160);
		assert.match(sms, /^HOT lead: Northwind Logistics, A1 86 pts\. Requested a demo/);
	});

	it('a name in Cyrillic with an emoji needs UCS-2: the SMS fits 70 units', () => {
		const sms = render(COMPARING).sms;
		const info = smsInfo(sms);
		assert.equal(info.encoding, 'UCS-2');
		assert.ok(info.units <= 70, `${info.units} units`);
		assert.ok(sms.startsWith('WARM lead: Балтика Трейд, B2 58 pts.'));
	});

	it('never splits an emoji, and fits what is allowed', () => {
		const lead = { company: '🚀'.repeat(100), tier: 'hot' };
		for (const maxSegments of [1, 2, 3]) {
			const sms = compileEnrichment({ sms: { maxSegments } }).enrich(lead, [], score({ total: 90, grade: 'A1' }), { ...CONTEXT, handoffReasons: ['Requested a demo'] }).renderings.sms;
			assert.ok(smsInfo(sms).segments <= maxSegments);
			assert.doesNotMatch(sms, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
		}
	});

	it('counts GSM-7 extension characters twice', () => {
		assert.deepEqual(smsInfo('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
		assert.equal(smsInfo('€'.repeat(81)).segments, 2);
		assert.equal(smsInfo('a'.repeat(70) + '😀').encoding, 'UCS-2');
	});

	it('without personal data: tier, grade, score and stage, and a pointer to the CRM; nothing else', () => {
		const sms = render(HOT, { ...OPTIONS, sms: { includePersonalData: false } }).sms;
		assert.equal(sms, 'HOT lead waiting: A1, 86 pts, ready to talk. Open your CRM for the details.');
		assert.doesNotMatch(sms, /Priya|Raman|\+49|northwind|Northwind|90210|hubspot|demo|pricing/i);
		const templated = render(HOT, { ...OPTIONS, sms: { includePersonalData: false }, templates: { sms: '{{who.name}}{{who.phone}} {{who.company}} {{crmUrl}} {{#whyNow.reasons}}{{.}}{{/whyNow.reasons}} {{tier}} {{score.grade}}' } }).sms;
		assert.equal(templated, 'hot A1', 'a template cannot reach what was left out');
	});
});

describe('SMS without personal data, for any lead', () => {
	/** Words no fixed text of the SMS contains, so finding one means lead data leaked. */
	const token = fc.stringMatching(/^[a-z]{3}[0-9]{2}[a-z]{3}$/).map((t) => `q${t}`);
	const leadData = fc.record({
		id: token,
		firstName: token,
		lastName: token,
		localPart: token,
		domain: token,
		phone: fc.stringMatching(/^\+[1-9][0-9]{9,12}$/),
		company: token,
		jobTitle: token,
		industry: token,
		country: token,
		pagePath: token,
		asset: token,
		pageTitle: token,
		formAnswer: token,
		campaign: token,
		companyDescription: token,
		knownCompany: fc.boolean(),
		tier: fc.constantFrom('hot', 'warm', 'mql'),
		total: fc.integer({ min: 0, max: 100 }),
		maxSegments: fc.integer({ min: 1, max: 10 }),
		templated: fc.boolean(),
	});
	const everything =
		'{{who.name}} {{who.email}} {{who.phone}} {{who.company}} {{who.title}} {{who.industry}} {{who.country}} {{who.domain}} {{who.size}} {{crmUrl}} ' +
		'{{#whyNow.reasons}}{{.}}{{/whyNow.reasons}} {{#whyNow.signals}}{{text}} {{when}}{{/whyNow.signals}} {{stage.reason}} {{activity.last}} {{activity.trendReason}} ' +
		'{{#talkingPoints}}{{.}}{{/talkingPoints}} {{#interests}}{{.}}{{/interests}} {{#flags}}{{.}}{{/flags}} {{source.firstTouch}} {{source.lastTouch}} ' +
		'{{#source.campaigns}}{{text}}{{/source.campaigns}} {{company.description}} {{company.lookup}} {{#score.topRules}}{{text}}{{/score.topRules}}';

	it('no field of the lead, its activities or its CRM record appears in the text', () => {
		fc.assert(
			fc.property(leadData, (d) => {
				const email = `${d.localPart}@${d.domain}.com`;
				const lead = { id: d.id, firstName: d.firstName, lastName: d.lastName, email, phone: d.phone, company: d.company, jobTitle: d.jobTitle, industry: d.industry, country: d.country, tier: d.tier };
				const activities = [
					act('page_view', 2 * HOUR, { url: `https://example.com/pricing/${d.pagePath}?utm_campaign=${d.campaign}`, title: d.pageTitle }),
					act('content_download', 3 * DAY, { asset: d.asset, title: `Case study ${d.asset}`, campaign: d.campaign }),
					act('form_submit', 40 * MINUTE, { url: `https://example.com/contact-sales?answer=${d.formAnswer}`, title: d.formAnswer }),
					act('demo_request', 30 * MINUTE, { campaign: d.campaign }),
				];
				const options: EnrichOptions = {
					crmUrlTemplate: 'https://crm.example.net/contacts/{{id}}',
					sms: { includePersonalData: false, maxSegments: d.maxSegments },
					...(d.knownCompany ? { firmographics: { table: { [`${d.domain}.com`]: { name: d.company, description: d.companyDescription, industry: d.industry, country: d.country } } } } : {}),
					...(d.templated ? { templates: { sms: everything } } : {}),
				};
				const handoffReasons = [`Visited /pricing/${d.pagePath}`, `Downloaded ${d.asset}`, `${d.jobTitle} at ${d.company}`];
				const sms = compileEnrichment(options).enrich(lead, activities, score({ total: d.total, grade: 'B2' }), { ...CONTEXT, handoffReasons }).renderings.sms.toLowerCase();
				const personal = [d.id, d.firstName, d.lastName, d.localPart, d.domain, email, d.phone, d.phone.slice(-6), d.company, d.jobTitle, d.industry, d.country, d.pagePath, d.asset, d.pageTitle, d.formAnswer, d.campaign, d.companyDescription, 'crm.example.net', 'http'];
				for (const value of personal) assert.ok(!sms.includes(value.toLowerCase()), `"${value}" in: ${sms}`);
				if (!d.templated) assert.ok(sms.includes(`${d.total} pts`) && sms.includes(d.tier), sms);
			}),
			{ numRuns: 200 },
		);
	});
});

describe('CRM note', () => {
	it('Markdown escapes lead data, so a name cannot turn into a link', () => {
		const note = render({ ...HOT, lead: { ...HOT.lead, firstName: '[click](https://evil.test)' } }).crmNote;
		assert.match(note, /\\\[click\\\]\(https:\/\/evil\.test\)/);
		const text = render(HOT, { ...OPTIONS, crmNote: { format: 'text' } }).crmNote;
		assert.ok(text.startsWith('Lead hand-off: Priya Raman · Northwind Logistics\n'));
	});

	it('HTML for rich-text CRM notes: lead data escaped, only paragraphs, line breaks, bold and lists as tags', () => {
		const html = render(HOSTILE, { ...OPTIONS, crmNote: { format: 'html' } }).crmNote;
		assert.ok(html.startsWith('<p><strong>Lead hand-off: &lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil &amp; &lt;b&gt;Sons&lt;/b&gt;'), html.slice(0, 200));
		assert.match(html, /<li>Recycled by sales: &lt;reason&gt;<\/li>/);
		const tags = new Set([...html.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]));
		assert.deepEqual([...tags].sort(), ['br', 'li', 'p', 'strong', 'ul']);
		const own = render(HOSTILE, { ...OPTIONS, crmNote: { format: 'html' }, templates: { crmNote: '<p>{{who.name}}</p>' } }).crmNote;
		assert.equal(own, '<p>&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil &amp; &lt;b&gt;Sons&lt;/b&gt;</p>', 'a template of its own is escaped for HTML too');
	});
});

describe('templates and options', () => {
	it('renders placeholders, lists, sections and inverted sections', () => {
		const options: EnrichOptions = {
			...OPTIONS,
			templates: { crmNote: '{{who.name}} ({{score.grade}}): {{interests}}{{#flags}} !{{.}}{{/flags}}{{^flags}} no flags{{/flags}}{{#score}} {{total}}{{/score}}' },
			crmNote: { format: 'text' },
		};
		assert.equal(render(HOT, options).crmNote, 'Priya Raman (A1): Case studies, Pricing, Blog no flags 86');
	});

	it('template mistakes are protocol errors naming the option', () => {
		const bad = (templates: EnrichOptions['templates']) => () => compileEnrichment({ templates });
		assert.throws(bad({ sms: '{{who.nmae}} {{whom.name}}' }), (e: unknown) => e instanceof ProtocolError && /\/templates\/sms: unknown placeholder \{\{whom\.name\}\}/.test(e.message));
		assert.throws(bad({ slack: '{{#flags}}x' }), /\/templates\/slack: the section \{\{#flags\}\} is never closed/);
		assert.throws(bad({ emailHtml: '{{constructor.constructor("x")()}}' }), /\/templates\/emailHtml: .* is not a placeholder/);
	});

	it('a template reads only the brief\'s own data, not inherited properties', () => {
		assert.equal(render(HOT, { ...OPTIONS, templates: { sms: '[{{who.constructor}}{{who.__proto__}}]' } }).sms, '[]');
	});

	it('options are checked against the schema, errors name the JSON path', () => {
		assert.throws(() => compileEnrichment({ recency: { goneDarkDays: -1 } }), /\/recency\/goneDarkDays: must be > 0/);
		assert.throws(() => compileEnrichment({ attribution: { model: 'wShaped' } }), /\/attribution\/model: must be one of/);
		assert.throws(() => compileEnrichment({ sms: { segments: 2 } }), /\/sms: unknown property "segments"/);
		assert.throws(() => compileEnrichment({ crmUrlTemplate: 'javascript:alert(1)//{{id}}' }), /\/crmUrlTemplate: the CRM URL must start with http/);
		assert.throws(() => compileEnrichment({ brief: { talkingPoints: [{ point: 'Say hi' }] } }), /\/brief\/talkingPoints\/0: say when the point applies/);
	});

	it('a lead without the CRM id gets no link rather than a broken one; the context can override the template', () => {
		const e = compileEnrichment(OPTIONS);
		assert.equal(e.enrich({}, [], undefined, CONTEXT).brief.crmUrl, undefined);
		assert.equal(e.enrich({ id: 7 }, [], undefined, { ...CONTEXT, crmUrlTemplate: 'https://crm.example/{{id}}' }).brief.crmUrl, 'https://crm.example/7');
	});

	it('rejects an unknown time zone and unusable activities', () => {
		const e = compileEnrichment();
		assert.throws(() => e.enrich({}, [], undefined, { now: NOW, timezone: 'Mars/Olympus' }), /not an IANA time zone/);
		assert.throws(() => e.enrich({}, [{ type: 'page_view', at: Number.NaN }], undefined, CONTEXT), /activities\[0\]\.at/);
	});

	it('signals read in the workflow time zone', () => {
		const r = compileEnrichment().enrich({}, [act('page_view', DAY, { url: '/pricing' })], undefined, { now: NOW, timezone: 'America/New_York' });
		assert.equal(r.brief.whyNow.signals[0].when, 'Sun 15 Mar, 08:00');
		assert.equal(r.brief.whyNow.signals[0].text, 'pricing page, 1 day ago');
	});
});
