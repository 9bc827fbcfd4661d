import assert from 'node:assert/strict';

import { compileEnrichment, type EnrichOptions } from '../../../nodes/engine/enrich';
import { act, DAY, HOUR, NOW } from './fixtures';
import type { Activity } from '../../../nodes/engine/common/types';

const run = (activities: Activity[], options: EnrichOptions = {}) => compileEnrichment(options).enrich({}, activities, undefined, { now: NOW, timezone: 'UTC' });
const page = (url: string, ago: number, title?: string) => act('page_view', ago, { url, ...(title ? { title } : {}) });

describe('topics', () => {
	it('groups pages by topic, first matching rule wins, unknown pages are Other', () => {
		const { profile } = run([
			page('https://x.com/pricing', DAY),
			page('https://x.com/pricing?plan=pro', 2 * DAY),
			page('https://x.com/blog/pricing-strategy', 3 * DAY),
			page('https://docs.x.com/api/auth', 3 * DAY),
			page('https://x.com/customers/globex', 4 * DAY),
			page('https://x.com/careers', 5 * DAY),
			page('https://x.com/about', 5 * DAY),
		]);
		const visits = Object.fromEntries(profile.pages.map((g) => [g.topic, g.visits]));
		assert.deepEqual(visits, { pricing: 2, blog: 1, docs: 1, caseStudies: 1, careers: 1, other: 1 });
		assert.equal(profile.pages[0].topic, 'pricing', 'most visited first');
		assert.equal(profile.pages[0].pages[0].visits, 2, 'the query string does not make a new page');
	});

	it('uses configured topic rules, with wildcards', () => {
		const { profile } = run([page('https://x.com/de/preise', DAY), page('https://x.com/en/pricing', DAY)], {
			topics: [{ id: 'pricing', label: 'Pricing', urlPatterns: ['*/preise', '/pricing'] }],
			stage: { comparingTopics: ['pricing'] },
		});
		assert.deepEqual(profile.pages.map((g) => [g.topic, g.visits]), [['pricing', 2]]);
	});

	it('rejects a stage topic that no rule defines, naming the path', () => {
		assert.throws(() => compileEnrichment({ topics: [{ id: 'prices', label: 'Prices' }] }), /\/stage\/comparingTopics\/0: no topic has the id "pricing"/);
	});
});

describe('content, emails and interests', () => {
	it('lists content with titles, emails with opens and clicks, and ranks interests', () => {
		const { profile } = run([
			act('content_download', 2 * DAY, { asset: 'cs-1', title: 'Case study: Globex' }),
			act('content_download', DAY, { asset: 'cs-1', title: 'Case study: Globex' }),
			act('email_open', 3 * DAY, { title: 'March newsletter' }),
			act('email_click', 3 * DAY, { title: 'March newsletter', url: 'https://x.com/pricing' }),
			act('email_sent', 3 * DAY, { title: 'Not engagement' }),
			page('https://x.com/blog/a', DAY),
		]);
		assert.deepEqual(profile.content.map((c) => [c.title, c.times, c.topic]), [['Case study: Globex', 2, 'caseStudies']]);
		assert.deepEqual(profile.emails.map((e) => [e.email, e.opens, e.clicks]), [['March newsletter', 1, 1]]);
		assert.deepEqual(profile.interests.map((i) => i.label), ['Case studies', 'Blog', 'Pricing']);
	});
});

describe('job seeker hint', () => {
	it('careers visits outnumbering buying pages hint at a job seeker; one careers visit among research does not', () => {
		const seeker = run([page('https://x.com/careers', DAY), page('https://x.com/jobs/engineer', DAY), page('https://x.com/pricing', 2 * DAY)]).profile.jobSeeker;
		assert.equal(seeker.likely, true);
		assert.match(seeker.reason ?? '', /2 careers page visits/);
		const buyer = run([page('https://x.com/careers', DAY), page('https://x.com/pricing', 2 * DAY), page('https://x.com/product', 2 * DAY)]).profile.jobSeeker;
		assert.equal(buyer.likely, false);
		assert.equal(buyer.careersVisits, 1);
	});
});

describe('buying stage', () => {
	const stage = (activities: Activity[]) => run(activities).profile.stage;

	it('a demo request means ready to talk, whatever else', () => {
		const s = stage([page('https://x.com/blog/a', DAY), act('demo_request', 2 * HOUR)]);
		assert.equal(s.stage, 'readyToTalk');
		assert.equal(s.reason, 'Requested a demo 2 hours ago');
	});

	it('pricing on two different days means ready to talk; twice in one session does not', () => {
		assert.equal(stage([page('/pricing', 3 * DAY), page('/pricing', HOUR)]).stage, 'readyToTalk');
		const once = stage([page('/pricing', HOUR), page('/pricing', HOUR - 60_000)]);
		assert.equal(once.stage, 'comparing');
		assert.match(once.reason, /pricing page in the last 30 days/i);
	});

	it('case studies, product or docs mean comparing; blog and email alone mean researching', () => {
		assert.equal(stage([page('/customers/globex', DAY)]).stage, 'comparing');
		const r = stage([page('/blog/a', DAY), act('email_open', DAY)]);
		assert.equal(r.stage, 'researching');
		assert.match(r.reason, /2 activities in the last 30 days, none on pricing/);
	});

	it('only counts the stage window: an old demo request does not make a lead ready now', () => {
		assert.equal(stage([act('demo_request', 45 * DAY)]).stage, 'researching');
	});
});
