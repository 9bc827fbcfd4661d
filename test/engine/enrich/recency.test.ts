import assert from 'node:assert/strict';

import type { Activity } from '../../../nodes/engine/common/types';
import { compileEnrichment, trendOf, type EnrichOptions } from '../../../nodes/engine/enrich';
import { act, DAY, HOUR, NOW } from './fixtures';

const recency = (activities: Activity[], options: EnrichOptions = {}) => compileEnrichment(options).enrich({}, activities, undefined, { now: NOW, timezone: 'UTC' }).recency;
const views = (...daysAgo: number[]) => daysAgo.map((d) => act('page_view', d * DAY, { url: '/product' }));

describe('recency and frequency', () => {
	it('counts engagement over 7, 30 and 90 days, not emails sent to the lead', () => {
		const r = recency([...views(1, 6.9, 7, 29, 31, 89, 91), act('email_sent', HOUR)]);
		assert.deepEqual(r.counts, { last7Days: 2, last30Days: 4, last90Days: 6, total: 7 });
		assert.equal(r.lastActivity?.ago, '1 day ago');
		assert.equal(r.lastActivity?.label, 'product page “/product”');
	});

	it('trend: heating up, steady or cooling by comparing two windows', () => {
		assert.equal(recency(views(1, 2, 3, 4, 20)).trend.trend, 'heatingUp');
		assert.equal(recency(views(1, 2, 16, 17)).trend.trend, 'steady');
		const cooling = recency(views(3, 15, 16, 18, 20));
		assert.equal(cooling.trend.trend, 'cooling');
		assert.equal(cooling.trend.reason, '1 in the last 14 days vs 4 in the 14 days before');
	});

	it('one visit against none is not a trend', () => {
		assert.equal(trendOf(1, 0, { trendRatio: 1.5, trendMinChange: 2 }), 'steady');
		assert.equal(trendOf(2, 0, { trendRatio: 1.5, trendMinChange: 2 }), 'heatingUp');
		assert.equal(trendOf(0, 3, { trendRatio: 1.5, trendMinChange: 2 }), 'cooling');
	});

	it('gone dark: engaged, then silent for the configured days', () => {
		const dark = recency(views(30, 32, 35));
		assert.equal(dark.goneDark.goneDark, true);
		assert.equal(dark.goneDark.silentDays, 30);
		assert.match(dark.goneDark.reason, /Engaged 3 times, then silent for 30 days/);
		assert.equal(recency(views(30, 32, 35), { recency: { goneDarkDays: 31 } }).goneDark.goneDark, false);
	});

	it('a lead that barely engaged is quiet, not gone dark; neither is an active one', () => {
		const once = recency(views(40));
		assert.equal(once.goneDark.goneDark, false);
		assert.match(once.goneDark.reason, /engaged only 1 time before \(needs 3\)/);
		assert.equal(recency(views(1, 30, 32, 35)).goneDark.goneDark, false);
		assert.equal(recency([]).goneDark.goneDark, false);
	});
});
