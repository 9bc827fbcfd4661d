import assert from 'node:assert/strict';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { applyCooldown, compileGate, DEFAULT_GATE, type GateProtocol, type GateResult } from '../../../nodes/engine/gate';
import { compileScorer, DEFAULT_PROTOCOL } from '../../../nodes/engine/scoring';
import { activity, DAY, daysAgo, engagementLine, negativeLine, NOW, score } from './helpers';

const gate = compileGate();
const pricing = activity('page_view', 1, { url: 'https://acme.io/pricing' });
const demo = activity('demo_request', 0.1);

describe('default gate', () => {
	it('hands off at 60 points with a pricing page visit, not without one', () => {
		assert.equal(gate.evaluate({}, score({ total: 60, breakdown: [engagementLine(20, 1)] }), [pricing], NOW).decision, 'handoff');
		assert.equal(gate.evaluate({}, score({ total: 69 }), [], NOW).decision, 'notYet');
	});

	it('hands off at 70 points with a case study, saying so in words', () => {
		const result = gate.evaluate({}, score({ total: 72 }), [activity('content_download', 2, { asset: 'Customer story: Globex' })], NOW);
		assert.equal(result.decision, 'handoff');
		assert.deepEqual(result.reasons, ['Score 72 ≥ 70 and downloaded a case study (2 days ago)']);
		assert.deepEqual(result.fired.map((f) => [f.group, f.id]), [['trigger', 'score-70-case-study']]);
	});

	it('hands off fast engagement: 40 points in 7 days with a total of 50', () => {
		assert.equal(gate.evaluate({}, score({ total: 55, velocity: 45 }), [], NOW).decision, 'handoff');
		assert.equal(gate.evaluate({}, score({ total: 45, velocity: 45 }), [], NOW).decision, 'notYet');
	});

	it('a demo request or a contact-sales form hands off whatever the score', () => {
		const low = score({ total: 3 });
		assert.deepEqual(gate.evaluate({}, low, [demo], NOW).reasons, ['Requested a demo (2 hours ago)']);
		assert.equal(gate.evaluate({}, low, [activity('form_submit', 1, { url: 'https://acme.io/contact-sales' })], NOW).decision, 'handoff');
		assert.equal(gate.evaluate({}, low, [activity('form_submit', 1, { url: 'https://acme.io/newsletter' })], NOW).decision, 'notYet');
		// An old request is not an intent any more.
		assert.equal(gate.evaluate({}, low, [activity('demo_request', 45)], NOW).decision, 'notYet');
	});

	it('disqualifies competitors and students even with a high score and a demo request', () => {
		const competitor = gate.evaluate({}, score({ total: 90, breakdown: [negativeLine('competitor-domain', 'Competitor domain', -50)] }), [demo, pricing], NOW);
		assert.equal(competitor.decision, 'disqualified');
		assert.deepEqual(competitor.fired.map((f) => f.id), ['competitor']);
		const student = gate.evaluate({ jobTitle: 'Marketing Student' }, score({ total: 90 }), [demo], NOW);
		assert.equal(student.decision, 'disqualified');
		assert.deepEqual(student.reasons, ['Student or job seeker: Job title "Marketing Student" is a student\'s title']);
	});

	it('an unsubscribed contact is disqualified, unless they ask for a demo', () => {
		assert.equal(gate.evaluate({ unsubscribed: true }, score({ total: 90 }), [pricing], NOW).decision, 'disqualified');
		const asked = gate.evaluate({ unsubscribed: true }, score({ total: 5 }), [demo], NOW);
		assert.equal(asked.decision, 'handoff');
		assert.deepEqual(asked.fired.map((f) => f.group), ['intent']);
	});

	it('not yet: says per trigger what is missing', () => {
		const result = gate.evaluate({}, score({ total: 64 }), [], NOW);
		assert.equal(result.decision, 'notYet');
		assert.deepEqual(result.fired, []);
		assert.equal(result.reasons[0], 'Score 60 and pricing page: not yet (No "visited the pricing page" in the last 30 days)');
		assert.equal(result.reasons.length, DEFAULT_GATE.triggers.length);
	});

	it('works end to end with the Lead Score engine and the guide point table', () => {
		const scorer = compileScorer(DEFAULT_PROTOCOL);
		const lead = {
			email: 'dana@globex.com',
			jobTitle: 'VP Operations',
			industry: 'SaaS',
			companySize: 240,
			activities: [
				{ type: 'page_view', url: 'https://acme.io/pricing', timestamp: new Date(daysAgo(1)).toISOString() },
				{ type: 'webinar_attended', timestamp: new Date(daysAgo(3)).toISOString() },
			],
		};
		const s = scorer.score(lead, NOW, 'UTC');
		const result = gate.evaluate(lead, s, scorer.readActivities(lead, 'UTC'), NOW);
		assert.ok(s.total >= 60, `score ${s.total}`);
		assert.equal(result.decision, 'handoff');
		assert.ok(result.reasons.some((r) => r.includes('visited the pricing page (1 day ago)')));
		const unsubscribed = { ...lead, unsubscribed: 'yes' };
		assert.equal(gate.evaluate(unsubscribed, scorer.score(unsubscribed, NOW, 'UTC'), [], NOW).decision, 'disqualified');
	});
});

describe('custom gates', () => {
	const custom: GateProtocol = {
		disqualifiers: [{ name: 'Free mail', when: { field: 'email', operator: 'emailDomainIn', value: ['gmail.com'] } }],
		triggers: [{ name: 'Pricing twice in 14 days', when: { activity: ['page_view'], contentContains: ['/pricing'], minCount: 2, withinDays: 14, label: 'visited the pricing page' } }],
	};

	it('a list left out is empty: no intents here, so a demo request alone is not enough', () => {
		const g = compileGate(custom);
		assert.equal(g.evaluate({}, undefined, [demo], NOW).decision, 'notYet');
		assert.equal(g.evaluate({}, undefined, [pricing, activity('page_view', 10, { url: '/pricing' })], NOW).decision, 'handoff');
		assert.equal(g.evaluate({ email: 'x@gmail.com' }, undefined, [], NOW).decision, 'disqualified');
		assert.equal(g.cooldownDays, 90);
	});

	it('rule ids default to a slug of the name', () => {
		assert.equal(compileGate(custom).evaluate({ email: 'x@gmail.com' }, undefined, [], NOW).fired[0].id, 'free-mail');
	});
});

describe('validation', () => {
	const fails = (protocol: unknown, message: RegExp) =>
		assert.throws(() => compileGate(protocol), (e: unknown) => e instanceof ProtocolError && message.test(e.message), `expected ${message}`);

	it('names the JSON path of each problem', () => {
		fails({ triggers: [{ name: 'x', when: { all: [{ score: 'total', atLeast: 60 }, { activity: ['page_view'], minCount: 0 }] } }] }, /\/triggers\/0\/when\/all\/1\/minCount: must be >= 1/);
		fails({ triggers: [{ name: 'x', when: { score: 'totl', atLeast: 1 } }] }, /\/triggers\/0\/when\/score: must be one of "total"/);
		fails({ triggers: [{ name: 'x', when: { field: 'a', operator: 'like', value: 'b' } }] }, /\/triggers\/0\/when\/operator: must be one of/);
		fails({ intents: [{ name: 'x', when: { grade: ['A9'] } }] }, /\/intents\/0\/when\/grade\/0: must match pattern/);
		fails({ triggers: [{ name: 'x' }] }, /\/triggers\/0: must have required property 'when'/);
		fails({ triggers: [{ name: 'x', when: { colour: 'red' } }] }, /\/triggers\/0\/when: must have required property 'all'/);
		fails({ triggers: [{ name: 'x', when: { score: 'total', atLeast: 1, value: 3 } }] }, /\/triggers\/0\/when: unknown property "value"/);
		fails({ cooldown: 3 }, /\/: unknown property "cooldown"/);
	});

	it('checks what the schema cannot', () => {
		fails({ triggers: [{ name: 'A b', when: { score: 'total', atLeast: 1 } }, { name: 'a-b', when: { score: 'total', atLeast: 2 } }] }, /^\/triggers\/1\/name: the rule id "a-b" is used twice/);
		fails({ triggers: [{ name: 'x', yieldsToIntent: true, when: { score: 'total', atLeast: 1 } }] }, /^\/triggers\/0\/yieldsToIntent: only disqualifiers/);
		fails({ triggers: [{ name: 'x', when: { score: 'total' } }] }, /^\/triggers\/0\/when: give "atLeast", "below" or both/);
		fails({ disqualifiers: [{ name: 'x', when: { any: [{ field: 'e', operator: 'emailDomainIn', value: 'rival.com' }] } }] }, /^\/disqualifiers\/0\/when\/any\/0\/value: "emailDomainIn" takes a list/);
	});

	it('the default gate is valid against its own schema', () => {
		assert.doesNotThrow(() => compileGate(JSON.parse(JSON.stringify(DEFAULT_GATE))));
	});
});

describe('applyCooldown: fire once', () => {
	const handedOff = (at: number): GateResult => ({
		decision: 'handoff',
		reasons: ['Score 72 ≥ 60 and visited the pricing page (1 day ago)'],
		fired: [{ group: 'trigger', id: 't', name: 'T', reason: 'Score 72 ≥ 60 and visited the pricing page (1 day ago)', at }],
	});

	it('a first hand-off passes', () => {
		const result = handedOff(daysAgo(1));
		assert.equal(applyCooldown(result, undefined, 90, NOW), result);
	});

	it('within the cool-down no second hand-off, even on new evidence (the score dipped and climbed back)', () => {
		const held = applyCooldown(handedOff(daysAgo(1)), { at: daysAgo(20) }, 90, NOW);
		assert.equal(held.decision, 'notYet');
		assert.equal(held.cooldownUntil, daysAgo(20) + 90 * DAY);
		assert.match(held.reasons[0], /^Already handed off 20 days ago; cool-down of 90 days until 2026-05-25$/);
	});

	it('after the cool-down, only evidence newer than the last hand-off counts', () => {
		assert.equal(applyCooldown(handedOff(daysAgo(1)), { at: daysAgo(91) }, 90, NOW).decision, 'handoff');
		const stale = applyCooldown(handedOff(daysAgo(95)), { at: daysAgo(91) }, 90, NOW);
		assert.equal(stale.decision, 'notYet');
		assert.match(stale.reasons[0], /Nothing new since the lead was handed off 3 months ago/);
	});

	it('a lead that sales recycled can qualify again at once, on new activity', () => {
		const last = { at: daysAgo(20), recycledAt: daysAgo(5) };
		assert.equal(applyCooldown(handedOff(daysAgo(1)), last, 90, NOW).decision, 'handoff');
		// The demo request that caused the first hand-off does not bring the lead straight back.
		assert.equal(applyCooldown(handedOff(daysAgo(21)), last, 90, NOW).decision, 'notYet');
		assert.equal(applyCooldown(handedOff(daysAgo(10)), last, 90, NOW).decision, 'notYet');
	});

	it('keeps only the fresh rules when some evidence is old', () => {
		const mixed: GateResult = {
			decision: 'handoff',
			reasons: ['old', 'new'],
			fired: [
				{ group: 'intent', id: 'demo', name: 'Demo', reason: 'old', at: daysAgo(30) },
				{ group: 'trigger', id: 't', name: 'T', reason: 'new', at: daysAgo(1) },
				{ group: 'trigger', id: 'fit', name: 'Fit only', reason: 'undated' },
			],
		};
		const result = applyCooldown(mixed, { at: daysAgo(25), recycledAt: daysAgo(24) }, 90, NOW);
		assert.deepEqual(result.reasons, ['new']);
		assert.deepEqual(result.fired.map((f) => f.id), ['t']);
	});

	it('a recycle older than the last hand-off does not lift the cool-down', () => {
		assert.equal(applyCooldown(handedOff(daysAgo(1)), { at: daysAgo(10), recycledAt: daysAgo(30) }, 90, NOW).decision, 'notYet');
	});

	it('leaves not-yet and disqualified decisions alone', () => {
		const disqualified: GateResult = { decision: 'disqualified', reasons: ['x'], fired: [] };
		assert.equal(applyCooldown(disqualified, { at: daysAgo(1) }, 90, NOW), disqualified);
	});

	it('with the gate: a lead handed off for a demo request comes back only with a new one after recycling', () => {
		const firstDemo = activity('demo_request', 6);
		const evaluate = (activities: typeof firstDemo[]) => gate.evaluate({}, score({ total: 10 }), activities, NOW);
		const lastHandoff = { at: firstDemo.at + 60_000, recycledAt: daysAgo(2) };
		assert.equal(applyCooldown(evaluate([firstDemo]), lastHandoff, gate.cooldownDays, NOW).decision, 'notYet');
		assert.equal(applyCooldown(evaluate([firstDemo, activity('demo_request', 1)]), lastHandoff, gate.cooldownDays, NOW).decision, 'handoff');
	});
});
