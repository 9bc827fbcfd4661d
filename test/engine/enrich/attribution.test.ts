import assert from 'node:assert/strict';

import fc from 'fast-check';

import type { Activity } from '../../../nodes/engine/common/types';
import { attribute, ATTRIBUTION_MODELS, type Credit } from '../../../nodes/engine/enrich';
import { DAY, NOW } from './fixtures';

const OPTIONS = { halfLifeDays: 7, sessionMinutes: 30 };
const touch = (campaign: string, daysAgo: number, extra: Partial<Activity> = {}): Activity => ({ type: 'page_view', at: NOW - daysAgo * DAY, campaign, source: 'google', medium: 'cpc', ...extra });
const asMap = (credits: Credit[]) => Object.fromEntries(credits.map((c) => [c.key, c.credit]));
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≉ ${expected}`);

describe('attribution models', () => {
	const journey = [touch('a', 30), touch('b', 20), touch('c', 10), touch('d', 0)];
	const r = attribute(journey, OPTIONS);

	it('first and last touch give all credit to one campaign', () => {
		assert.deepEqual(r.models.firstTouch.byCampaign, [{ key: 'a', credit: 1 }]);
		assert.deepEqual(r.models.lastTouch.byCampaign, [{ key: 'd', credit: 1 }]);
	});

	it('linear splits evenly', () => {
		for (const k of ['a', 'b', 'c', 'd']) close(asMap(r.models.linear.byCampaign)[k], 0.25);
	});

	it('U-shaped gives 40/20/40 with the middle shared', () => {
		const m = asMap(r.models.uShaped.byCampaign);
		close(m.a, 0.4);
		close(m.d, 0.4);
		close(m.b, 0.1);
		close(m.c, 0.1);
	});

	it('U-shaped with one touch is 100%, with two 50/50', () => {
		assert.deepEqual(attribute([touch('x', 3)], OPTIONS).models.uShaped.byCampaign, [{ key: 'x', credit: 1 }]);
		const two = asMap(attribute([touch('x', 3), touch('y', 1)], OPTIONS).models.uShaped.byCampaign);
		assert.deepEqual(two, { x: 0.5, y: 0.5 });
	});

	it('time decay halves the weight per half-life before the latest touch', () => {
		const m = asMap(attribute([touch('old', 14), touch('mid', 7), touch('new', 0)], OPTIONS).models.timeDecay.byCampaign);
		// weights 1/4, 1/2, 1 over 7/4
		close(m.old, 1 / 7);
		close(m.mid, 2 / 7);
		close(m.new, 4 / 7);
		const slower = asMap(attribute([touch('old', 14), touch('new', 0)], { ...OPTIONS, halfLifeDays: 14 }).models.timeDecay.byCampaign);
		close(slower.old, 1 / 3);
	});

	it('credits the same campaign across touches together, and per source / medium', () => {
		const m = attribute([touch('spring', 9), touch('webinar', 5, { source: 'linkedin', medium: 'paid-social' }), touch('spring', 1)], OPTIONS).models.linear;
		close(asMap(m.byCampaign).spring, 2 / 3);
		close(asMap(m.bySourceMedium)['linkedin / paid-social'], 1 / 3);
	});

	it('reads a referrer as a referral, an email campaign as email, and counts one visit once', () => {
		const r2 = attribute(
			[
				{ type: 'page_view', at: NOW - 3 * DAY, referrer: 'https://www.linkedin.com/feed/' },
				{ type: 'email_click', at: NOW - 2 * DAY, campaign: 'nurture-3' },
				{ type: 'page_view', at: NOW - 2 * DAY + 60_000, campaign: 'nurture-3' },
				{ type: 'page_view', at: NOW - DAY, url: 'https://example.com/pricing' },
			],
			OPTIONS,
		);
		assert.deepEqual(
			r2.touches.map((t) => [t.campaign, t.sourceMedium]),
			[
				['(no campaign)', 'linkedin.com / referral'],
				['nurture-3', 'email / email'],
				['nurture-3', '(direct) / (none)'],
			],
		);
		const sameVisit = attribute([touch('a', 1), { ...touch('a', 1), at: NOW - DAY + 10 * 60_000 }, touch('a', 0)], OPTIONS);
		assert.equal(sameVisit.touches.length, 2);
	});

	it('a lead without touches gets empty credits, not NaN', () => {
		const none = attribute([{ type: 'page_view', at: NOW, url: '/pricing' }], OPTIONS);
		for (const model of ATTRIBUTION_MODELS) assert.deepEqual(none.models[model].byCampaign, []);
		assert.equal(none.firstTouch, undefined);
	});
});

describe('attribution properties', () => {
	const activity = fc.record({
		type: fc.constantFrom('page_view', 'email_click', 'form_submit'),
		at: fc.integer({ min: 0, max: 4_000_000_000_000 }),
		campaign: fc.option(fc.constantFrom('a', 'b', 'c', 'spring', 'webinar', 'x y'), { nil: undefined }),
		source: fc.option(fc.constantFrom('google', 'linkedin', 'bing'), { nil: undefined }),
		medium: fc.option(fc.constantFrom('cpc', 'organic', 'email'), { nil: undefined }),
		referrer: fc.option(fc.constantFrom('https://news.ycombinator.com/', 'https://www.reddit.com/r/sales'), { nil: undefined }),
	});
	const options = fc.record({ halfLifeDays: fc.double({ min: 0.01, max: 365, noNaN: true }), sessionMinutes: fc.integer({ min: 0, max: 120 }) });

	it('every model gives credits that add up to 1 and are never negative', () => {
		fc.assert(
			fc.property(fc.array(activity, { maxLength: 40 }), options, (activities, opts) => {
				const r = attribute(activities as Activity[], opts);
				for (const model of ATTRIBUTION_MODELS) {
					for (const credits of [r.models[model].byCampaign, r.models[model].bySourceMedium]) {
						if (r.touches.length === 0) {
							assert.equal(credits.length, 0);
							continue;
						}
						const sum = credits.reduce((s, c) => s + c.credit, 0);
						assert.ok(Math.abs(sum - 1) <= 1e-9, `${model}: credits add up to ${sum}`);
						assert.equal(sum, 1, `${model}: not exactly 1 in list order`);
						for (const c of credits) assert.ok(c.credit >= 0, `${model}: ${c.key} has ${c.credit}`);
					}
				}
			}),
			{ numRuns: 500 },
		);
	});
});
