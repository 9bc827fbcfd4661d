/**
 * History "as it stood": scored as of a time, a lead's activities after that time do not count,
 * in the score, its velocity, the gate's decision and the router's tier alike.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { applyCooldown, compileCondition, compileGate, DEFAULT_GATE, type GateResult } from '../../../nodes/engine/gate';
import { compileRouter } from '../../../nodes/engine/routing';
import { compileScorer, DEFAULT_PROTOCOL } from '../../../nodes/engine/scoring';
import { DAY, engagementLine, NOW, score } from './helpers';

const scorer = compileScorer(DEFAULT_PROTOCOL);
const gate = compileGate(DEFAULT_GATE);
const router = compileRouter({}, { zone: 'UTC' });
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Evaluates a lead as of `asOf` the way the nodes chain it: score, then gate and router at the same time. */
function asOf(lead: Record<string, unknown>, at: number) {
	const s = scorer.score(lead, at, 'UTC');
	const activities = scorer.readActivities(lead, 'UTC');
	return { score: s, gate: gate.evaluate(lead, s, activities, at), tier: router.tierOf(lead, s, activities, at) };
}

describe('as of a time: later activities do not count', () => {
	const vp = { jobTitle: 'VP Marketing', industry: 'Software', companySize: 200 };
	const pricingVisit = { type: 'page_view', url: 'https://acme.io/pricing', timestamp: iso(NOW - 3 * HOUR) };
	const later = [
		{ type: 'webinar_attended', timestamp: iso(NOW + DAY) },
		{ type: 'content_download', asset: 'Case study: Initech', timestamp: iso(NOW + 2 * DAY) },
		{ type: 'demo_request', timestamp: iso(NOW + 3 * DAY) },
	];

	it('the score, its breakdown and its velocity leave out what came later', () => {
		const then = asOf({ ...vp, activities: [pricingVisit] }, NOW);
		const withLater = asOf({ ...vp, activities: [pricingVisit, ...later] }, NOW);
		assert.equal(then.score.engagement, 19.94);
		assert.deepEqual(withLater.score, then.score);
		assert.equal(withLater.score.velocity, then.score.velocity);
		assert.ok(withLater.score.breakdown.every((l) => l.activity === undefined || Date.parse(l.activity.at) <= NOW));
	});

	it('an activity exactly at the as-of time counts', () => {
		const s = scorer.score({ activities: [{ type: 'webinar_attended', timestamp: iso(NOW) }] }, NOW, 'UTC');
		assert.equal(s.engagement, 15);
		assert.equal(s.velocity, 15);
	});

	it('velocity is the points of the window that ends at the as-of time', () => {
		const webinars = [NOW - 8 * DAY, NOW - 2 * DAY, NOW + DAY].map((at) => ({ type: 'webinar_attended', timestamp: iso(at) }));
		const s = scorer.score({ activities: webinars }, NOW, 'UTC');
		const recent = s.breakdown.filter((l) => l.activity && Date.parse(l.activity.at) > NOW - 7 * DAY);
		assert.equal(recent.length, 1, 'the webinar 2 days before counts, the one a day after does not');
		assert.equal(s.velocity, recent[0].points);
	});

	it('the gate and the router decide on the lead as it stood', () => {
		const then = asOf({ ...vp, activities: [pricingVisit] }, NOW);
		const withLater = asOf({ ...vp, activities: [pricingVisit, ...later] }, NOW);
		assert.equal(then.gate.decision, 'notYet');
		assert.deepEqual(withLater.gate, then.gate);
		assert.equal(then.tier?.name, 'MQL');
		assert.deepEqual(withLater.tier, then.tier);
	});

	it('points gained in a window other than the score\'s: the window ends at the time the gate judges at', () => {
		const gained = compileCondition({ gainedPoints: 30, withinDays: 7 }, '/when');
		// Scored a day before the gate judges: a 40-point line 7.5 days before the gate's time is out of its window.
		const s = score({ asOf: iso(NOW - DAY), velocity: 55, velocityWindowDays: 7, breakdown: [engagementLine(40, 7.5), engagementLine(15, 2)] });
		assert.equal(gained({ lead: {}, score: s, activities: [], now: NOW }).ok, false);
		assert.equal(gained({ lead: {}, score: s, activities: [], now: NOW }).text, 'Gained 15 points in 7 days (needs 30)');
		// Judged at the score's own time, the score's velocity is the answer.
		assert.equal(gained({ lead: {}, score: s, activities: [], now: NOW - DAY }).ok, true);
	});

	it('a score later than the time the gate or router judges at is refused: it counts activities after that time', () => {
		const s = score({ total: 90, asOf: iso(NOW + HOUR) });
		assert.throws(
			() => gate.evaluate({}, s, [], NOW),
			(e: unknown) => e instanceof LeadDataError && e.field === 'score.asOf' && /Score As Of/.test(e.message),
		);
		assert.throws(() => router.tierOf({}, s, [], NOW), (e: unknown) => e instanceof LeadDataError && e.field === 'score.asOf');
		assert.doesNotThrow(() => gate.evaluate({}, score({ total: 90, asOf: iso(NOW - HOUR) }), [], NOW), 'an earlier score is fine: scored then, judged now');
	});

	it('fire once: a recycle after the as-of time had not happened yet', () => {
		const handedOff: GateResult = { decision: 'handoff', reasons: ['new'], fired: [{ group: 'trigger', id: 't', name: 'T', reason: 'new', at: NOW - DAY }] };
		const held = applyCooldown(handedOff, { at: NOW - 20 * DAY, recycledAt: NOW + DAY }, 90, NOW);
		assert.equal(held.decision, 'notYet');
		assert.equal(held.cooldownUntil, NOW + 70 * DAY);
		assert.equal(applyCooldown(handedOff, { at: NOW - 20 * DAY, recycledAt: NOW - 2 * DAY }, 90, NOW).decision, 'handoff');
	});
});

describe('as of a time: properties', () => {
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
	const activityAt = (from: number, to: number) =>
		fc.tuple(fc.constantFrom(...TYPES), fc.integer({ min: from, max: to })).map(([kind, at]) => ({ ...kind, timestamp: iso(at) }));
	const past = fc.array(activityAt(NOW - 60 * DAY, NOW), { maxLength: 25 });
	const future = fc.array(activityAt(NOW + 1, NOW + 60 * DAY), { minLength: 1, maxLength: 25 });
	const lead = fc.record({
		jobTitle: fc.constantFrom('VP Marketing', 'Marketing Intern', 'Head of Growth', 'Engineer', 'CEO'),
		industry: fc.constantFrom('Software', 'Retail'),
		companySize: fc.constantFrom(20, 200, '51-200', '500+'),
		email: fc.constantFrom('dana@globex.com', 'kim@gmail.com'),
	});
	/** A gate whose velocity window differs from the score's, so it reads the breakdown. */
	const fastGate = compileGate({ triggers: [{ name: 'Fast', when: { all: [{ gainedPoints: 20, withinDays: 3 }, { activity: ['page_view'], withinDays: 14, minCount: 2 }] } }] });

	it('adding activities dated after the as-of time never changes the score, the velocity, the gate decision or the tier', () => {
		fc.assert(
			fc.property(lead, past, future, (fields, before, after) => {
				const then = { ...fields, activities: before };
				// Later activities anywhere in the list, as a CRM export mixes them.
				const withLater = { ...fields, activities: [...after.slice(0, 1), ...before, ...after.slice(1)] };
				const a = asOf(then, NOW);
				const b = asOf(withLater, NOW);
				assert.deepEqual(b.score, a.score);
				assert.equal(b.score.velocity, a.score.velocity);
				assert.deepEqual(b.gate, a.gate);
				assert.deepEqual(b.tier, a.tier);
				const fastA = fastGate.evaluate(then, a.score, scorer.readActivities(then, 'UTC'), NOW);
				const fastB = fastGate.evaluate(withLater, b.score, scorer.readActivities(withLater, 'UTC'), NOW);
				assert.deepEqual(fastB, fastA);
			}),
			{ numRuns: 300 },
		);
	});
});
