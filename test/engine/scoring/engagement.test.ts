import assert from 'node:assert/strict';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { MS_PER_DAY } from '../../../nodes/engine/common/time';
import { compileScorer, type EngagementRule, type ScoringProtocolInput } from '../../../nodes/engine/scoring';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * MS_PER_DAY).toISOString();

function engagementOf(rules: EngagementRule[], activities: unknown[], extra: ScoringProtocolInput = {}) {
	return compileScorer({ engagement: rules, decay: { kind: 'none' }, caps: {}, ...extra }).score({ activities }, NOW, 'UTC');
}

describe('engagement rules', () => {
	it('counts every matching activity, with activity types compared loosely', () => {
		const result = engagementOf([{ activity: ['webinar_attended'], points: 15 }], [
			{ type: 'Webinar Attended', timestamp: daysAgo(1) },
			{ type: 'webinar-attended', timestamp: daysAgo(2) },
			{ type: 'email_open', timestamp: daysAgo(1) },
		]);
		assert.equal(result.engagement, 30);
		assert.equal(result.breakdown.length, 2);
		assert.equal(result.breakdown[0].activity?.type, 'webinar_attended');
	});

	it('filters page views by URL and downloads by asset', () => {
		const rules: EngagementRule[] = [
			{ id: 'pricing', activity: ['page_view'], contentContains: ['/pricing'], points: 20 },
			{ id: 'case-study', activity: ['content_download'], contentContains: ['case study'], points: 15 },
		];
		const result = engagementOf(rules, [
			{ type: 'page_view', timestamp: daysAgo(1), url: 'https://acme.com/PRICING?plan=team' },
			{ type: 'page_view', timestamp: daysAgo(1), url: 'https://acme.com/about' },
			{ type: 'content_download', timestamp: daysAgo(1), asset: 'Case Study: Globex cuts churn' },
			{ type: 'content_download', timestamp: daysAgo(1), asset: 'Ebook: SEO basics' },
		]);
		assert.deepEqual(result.breakdown.map((l) => l.rule), ['pricing', 'case-study']);
		assert.equal(result.engagement, 35);
	});

	it('half-life decay halves the points of an activity one half-life old', () => {
		const rules: EngagementRule[] = [{ activity: ['webinar_attended'], points: 20 }];
		const decay = { decay: { kind: 'halfLife', halfLifeDays: 10 } } as const;
		assert.equal(engagementOf(rules, [{ type: 'webinar_attended', timestamp: daysAgo(0) }], decay).engagement, 20);
		assert.equal(engagementOf(rules, [{ type: 'webinar_attended', timestamp: daysAgo(10) }], decay).engagement, 10);
		assert.equal(engagementOf(rules, [{ type: 'webinar_attended', timestamp: daysAgo(20) }], decay).engagement, 5);
	});

	it('linear decay loses a share per period and stops at zero', () => {
		const rules: EngagementRule[] = [{ activity: ['webinar_attended'], points: 20 }];
		const decay = { decay: { kind: 'linear', percent: 25, periodDays: 10 } } as const;
		assert.equal(engagementOf(rules, [{ type: 'webinar_attended', timestamp: daysAgo(10) }], decay).engagement, 15);
		assert.equal(engagementOf(rules, [{ type: 'webinar_attended', timestamp: daysAgo(20) }], decay).engagement, 10);
		const gone = engagementOf(rules, [{ type: 'webinar_attended', timestamp: daysAgo(60) }], decay);
		assert.equal(gone.engagement, 0);
		assert.equal(gone.breakdown.length, 0, 'fully decayed activities leave no line');
	});

	it('a rule can override the protocol decay', () => {
		const rules: EngagementRule[] = [{ activity: ['demo_request'], points: 30, decay: { kind: 'none' } }];
		const result = engagementOf(rules, [{ type: 'demo_request', timestamp: daysAgo(300) }], { decay: { kind: 'halfLife', halfLifeDays: 7 } });
		assert.equal(result.engagement, 30);
	});

	it('a cap per window keeps the newest activities and starts again in the next window', () => {
		const rules: EngagementRule[] = [{ activity: ['email_open'], points: 1, cap: { points: 5, windowDays: 30 } }];
		const opens = [...Array.from({ length: 8 }, (_, i) => daysAgo(i)), ...Array.from({ length: 8 }, (_, i) => daysAgo(31 + i))];
		const result = engagementOf(rules, opens.map((timestamp) => ({ type: 'email_open', timestamp })));
		assert.equal(result.engagement, 10, 'five in this window, five in the previous one');
		const counted = result.breakdown.map((l) => l.activity?.at);
		assert.ok(counted.includes(daysAgo(0)) && !counted.includes(daysAgo(7)), 'the newest opens of a window are the ones counted');
	});

	it('a cap without a window is a lifetime cap, and a partial last occurrence is counted in part', () => {
		const rules: EngagementRule[] = [{ activity: ['page_view'], contentContains: ['/blog/'], points: 3, cap: { points: 10 } }];
		const views = Array.from({ length: 6 }, (_, i) => ({ type: 'page_view', timestamp: daysAgo(i * 100), url: '/blog/x' }));
		const result = engagementOf(rules, views);
		assert.equal(result.engagement, 10);
		assert.deepEqual(result.breakdown.map((l) => l.points), [3, 3, 3, 1]);
	});

	it('activities with negative points count as negative points', () => {
		const result = engagementOf([{ activity: ['page_view'], contentContains: ['/careers'], points: -5 }], [{ type: 'page_view', timestamp: daysAgo(1), url: '/careers/open-roles' }]);
		assert.equal(result.negative, -5);
		assert.equal(result.engagement, 0);
	});

	it('reads timestamps as ISO, epoch seconds or epoch milliseconds', () => {
		const rules: EngagementRule[] = [{ activity: ['form_submit'], points: 10 }];
		const at = NOW - MS_PER_DAY;
		const result = engagementOf(rules, [
			{ type: 'form_submit', timestamp: new Date(at).toISOString() },
			{ type: 'form_submit', timestamp: at / 1000 },
			{ type: 'form_submit', timestamp: at },
			{ type: 'form_submit', timestamp: String(at) },
		]);
		assert.deepEqual(new Set(result.breakdown.map((l) => l.activity?.at)), new Set([new Date(at).toISOString()]));
		assert.equal(result.breakdown.length, 4);
	});

	it('field paths for activities are configurable, so CRM-shaped records score as they are', () => {
		const scorer = compileScorer({
			engagement: [{ activity: ['PAGE_VIEW'], contentContains: ['/pricing'], points: 20 }],
			decay: { kind: 'none' },
			fields: { activities: 'properties.events', activityType: 'eventType', activityTime: 'occurredAt', activityUrl: 'properties.hs_url' },
		});
		const lead = { properties: { events: [{ eventType: 'PAGE_VIEW', occurredAt: daysAgo(1), properties: { hs_url: 'https://x.io/pricing' } }] } };
		assert.equal(scorer.score(lead, NOW, 'UTC').engagement, 20);
	});

	it('bad activities are errors that name the activity and the field', () => {
		const rules: EngagementRule[] = [{ activity: ['email_open'], points: 1 }];
		const check = (activities: unknown, field: string) =>
			assert.throws(() => engagementOf(rules, activities as unknown[]), (e: unknown) => e instanceof LeadDataError && e.field === field);
		check([{ type: 'email_open', timestamp: daysAgo(1) }, { type: 'email_open', timestamp: 'last tuesday' }], 'activities[1].timestamp');
		check([{ timestamp: daysAgo(1) }], 'activities[0].type');
		check(['email_open'], 'activities[0]');
		assert.throws(() => compileScorer({ engagement: rules }).score({ activities: 'lots' }, NOW, 'UTC'), (e: unknown) => e instanceof LeadDataError && e.field === 'activities');
	});
});
