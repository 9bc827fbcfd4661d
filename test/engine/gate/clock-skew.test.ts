/**
 * A live as-of (now): activity stamped by a clock running a little ahead of ours counts as
 * happening now, in the score, its velocity, the gate and the router alike; further ahead it is
 * left out and the score says so. A set as-of replays history exactly (see as-of.test.ts).
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { CLOCK_SKEW_MS } from '../../../nodes/engine/common/asOf';
import { enrichLead } from '../../../nodes/engine/enrich';
import { compileCondition, compileGate, DEFAULT_GATE } from '../../../nodes/engine/gate';
import { compileRouter } from '../../../nodes/engine/routing';
import { compileScorer, DEFAULT_PROTOCOL } from '../../../nodes/engine/scoring';
import { DAY, NOW } from './helpers';

const scorer = compileScorer(DEFAULT_PROTOCOL);
const gate = compileGate(DEFAULT_GATE);
const router = compileRouter({}, { zone: 'UTC' });
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const iso = (ms: number) => new Date(ms).toISOString();

/** Score, then gate and router at the same time, the way the nodes chain them. */
function judge(lead: Record<string, unknown>, at: number, live: boolean) {
	const s = scorer.score(lead, at, 'UTC', { live });
	const activities = scorer.readActivities(lead, 'UTC');
	return { score: s, gate: gate.evaluate(lead, s, activities, at, { live }), tier: router.tierOf(lead, s, activities, at, { live }) };
}

describe('a live as-of: activity stamped a little after now counts as now', () => {
	const vp = { jobTitle: 'VP Marketing', industry: 'Software', companySize: 200 };
	/** A pricing page visit (points) and the demo request that followed (an intent), stamped by the site's clock. */
	const demoAt = (at: number) => ({
		...vp,
		activities: [
			{ type: 'page_view', url: 'https://acme.io/pricing', timestamp: iso(at) },
			{ type: 'demo_request', timestamp: iso(at) },
		],
	});

	it('activity stamped 30 seconds ahead earns its points and its velocity, as if stamped now', () => {
		const ahead = judge(demoAt(NOW + 30 * SECOND), NOW, true);
		const atNow = judge(demoAt(NOW), NOW, true);
		assert.ok(ahead.score.engagement > 0);
		assert.equal(ahead.score.total, atNow.score.total);
		assert.equal(ahead.score.velocity, atNow.score.velocity);
		assert.equal(ahead.score.ignored, undefined);
		assert.equal(ahead.score.asOfLive, true);
		const line = ahead.score.breakdown.find((l) => l.activity?.type === 'page_view');
		assert.equal(line?.activity?.at, iso(NOW), 'it counts at the as-of time: no age below zero');
	});

	it('the gate hands it off on the demo-request intent, its evidence dated now', () => {
		const { gate: result } = judge(demoAt(NOW + 30 * SECOND), NOW, true);
		assert.equal(result.decision, 'handoff');
		const intent = result.fired.find((f) => f.id === 'demo-request');
		assert.equal(intent?.group, 'intent');
		assert.equal(intent?.at, NOW);
		assert.match(intent?.reason ?? '', /just now/);
	});

	it('the router gives it the tier a demo request now gets', () => {
		const ahead = judge(demoAt(NOW + 30 * SECOND), NOW, true);
		const atNow = judge(demoAt(NOW), NOW, true);
		assert.deepEqual(ahead.tier, atNow.tier);
	});

	it('exactly the allowed skew ahead still counts', () => {
		const { score, gate: result } = judge(demoAt(NOW + CLOCK_SKEW_MS), NOW, true);
		assert.ok(score.engagement > 0);
		assert.equal(result.decision, 'handoff');
	});

	it('further ahead than the skew it is not counted, and the score says why', () => {
		const { score, gate: result } = judge(demoAt(NOW + CLOCK_SKEW_MS + SECOND), NOW, true);
		assert.equal(score.engagement, 0);
		assert.equal(score.ignored, '2 activities dated after now (clock skew over 5 min)');
		assert.notEqual(result.decision, 'handoff');
		const one = judge({ ...vp, activities: [{ type: 'email_open', timestamp: iso(NOW - DAY) }, { type: 'webinar_attended', timestamp: iso(NOW + 10 * MINUTE) }] }, NOW, true);
		assert.equal(one.score.ignored, '1 activity dated after now (clock skew over 5 min)');
		assert.equal(one.score.engagement > 0, true, 'the email open of yesterday still counts');
	});

	it('as of a set time, even a second later does not count, and nothing is said: history replays as it stood', () => {
		const { score, gate: result } = judge(demoAt(NOW + SECOND), NOW, false);
		assert.equal(score.engagement, 0);
		assert.equal(score.ignored, undefined);
		assert.equal(score.asOfLive, undefined);
		assert.equal(result.decision, 'notYet');
	});

	it('activity windows, and points gained in a window other than the score\'s, count it as now', () => {
		const recent = compileCondition({ activity: ['webinar_attended'], withinDays: 1, label: 'attended a webinar' }, '/when');
		const activities = [{ type: 'webinar_attended', at: NOW + 2 * MINUTE }];
		assert.deepEqual(recent({ lead: {}, score: undefined, activities, now: NOW, live: true }), { ok: true, text: 'attended a webinar (just now)', at: NOW });
		assert.equal(recent({ lead: {}, score: undefined, activities, now: NOW }).ok, false);

		const lead = { ...vp, activities: [{ type: 'webinar_attended', timestamp: iso(NOW + 2 * MINUTE) }, { type: 'webinar_attended', timestamp: iso(NOW - 2 * DAY) }] };
		const s = scorer.score(lead, NOW, 'UTC', { live: true });
		const gained = compileCondition({ gainedPoints: 25, withinDays: 3 }, '/when');
		const outcome = gained({ lead, score: s, activities: [], now: NOW, live: true });
		assert.equal(outcome.ok, true, outcome.text);
		assert.equal(outcome.at, NOW);
	});
});

describe('a live as-of in Lead Enrich: the same rule as in the score', () => {
	const lead = { email: 'dana@globex.com', firstName: 'Dana' };
	const enrich = (aheadMs: number, live: boolean) =>
		enrichLead(lead, [{ type: 'demo_request', at: NOW - 3 * DAY }, { type: 'webinar_attended', at: NOW + aheadMs }], undefined, { now: NOW, timezone: 'UTC', live });

	it('activity within the skew is the last activity, just now', () => {
		const { recency } = enrich(30 * SECOND, true);
		assert.equal(recency.lastActivity?.type, 'webinar_attended');
		assert.equal(recency.lastActivity?.ago, 'just now');
		assert.equal(recency.counts.total, 2);
		assert.equal(recency.ignored, undefined);
	});

	it('beyond the skew it is left out, and recency says why', () => {
		const { recency } = enrich(CLOCK_SKEW_MS + SECOND, true);
		assert.equal(recency.lastActivity?.type, 'demo_request');
		assert.equal(recency.counts.total, 1);
		assert.equal(recency.ignored, '1 activity dated after now (clock skew over 5 min)');
	});

	it('as of a set time, a second later does not count', () => {
		const { recency } = enrich(SECOND, false);
		assert.equal(recency.lastActivity?.type, 'demo_request');
		assert.equal(recency.ignored, undefined);
	});
});

describe('a live as-of: properties', () => {
	const TYPES = [
		{ type: 'page_view', url: 'https://acme.io/pricing' },
		{ type: 'page_view', url: 'https://acme.io/blog/how-to' },
		{ type: 'content_download', asset: 'Case study: Globex' },
		{ type: 'webinar_attended' },
		{ type: 'email_open' },
		{ type: 'demo_request' },
		{ type: 'contact_sales' },
		{ type: 'form_submit', url: 'https://acme.io/contact-sales' },
	];
	const kind = fc.constantFrom(...TYPES);
	const past = fc.array(fc.tuple(kind, fc.integer({ min: NOW - 60 * DAY, max: NOW })).map(([k, at]) => ({ ...k, timestamp: iso(at) })), { maxLength: 20 });
	/** Activities that just happened, each with how far ahead its source's clock stamped it. */
	const justNow = fc.array(fc.tuple(kind, fc.integer({ min: 0, max: CLOCK_SKEW_MS })), { minLength: 1, maxLength: 6 });
	const lead = fc.record({
		jobTitle: fc.constantFrom('VP Marketing', 'Marketing Intern', 'Head of Growth', 'Engineer', 'CEO'),
		industry: fc.constantFrom('Software', 'Retail'),
		companySize: fc.constantFrom(20, 200, '51-200', '500+'),
		email: fc.constantFrom('dana@globex.com', 'kim@gmail.com'),
		unsubscribed: fc.boolean(),
	});
	/** A gate whose velocity window differs from the score's, so it reads the breakdown. */
	const fastGate = compileGate({ triggers: [{ name: 'Fast', when: { all: [{ gainedPoints: 20, withinDays: 3 }, { activity: ['page_view'], withinDays: 14, minCount: 2 }] } }] });

	it('stamping activity up to the skew after now never lowers the score nor changes the gate decision or the tier', () => {
		fc.assert(
			fc.property(lead, past, justNow, fc.integer({ min: 0, max: 20 }), (fields, before, recent, position) => {
				const stamped = (skew: (ahead: number) => number) => {
					const now = recent.map(([k, ahead]) => ({ ...k, timestamp: iso(NOW + skew(ahead)) }));
					const at = Math.min(position, before.length);
					return { ...fields, activities: [...before.slice(0, at), ...now, ...before.slice(at)] };
				};
				const exact = stamped(() => 0);
				const ahead = stamped((a) => a);
				const a = judge(exact, NOW, true);
				const b = judge(ahead, NOW, true);
				assert.ok(b.score.total >= a.score.total, `${b.score.total} < ${a.score.total}`);
				assert.equal(b.score.velocity, a.score.velocity);
				assert.equal(b.score.ignored, undefined);
				assert.equal(b.gate.decision, a.gate.decision);
				assert.deepEqual(b.gate.fired, a.gate.fired);
				assert.deepEqual(b.tier, a.tier);
				const fastA = fastGate.evaluate(exact, a.score, scorer.readActivities(exact, 'UTC'), NOW, { live: true });
				const fastB = fastGate.evaluate(ahead, b.score, scorer.readActivities(ahead, 'UTC'), NOW, { live: true });
				assert.equal(fastB.decision, fastA.decision);
			}),
			{ numRuns: 300 },
		);
	});
});
