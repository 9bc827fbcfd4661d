import assert from 'node:assert/strict';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { MS_PER_DAY } from '../../../nodes/engine/common/time';
import { compileScorer, DEFAULT_PROTOCOL, type ScoringProtocolInput } from '../../../nodes/engine/scoring';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * MS_PER_DAY).toISOString();
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('caps', () => {
	const protocol: ScoringProtocolInput = {
		fit: [
			{ id: 'title', field: 'title', operator: 'exists', points: 30 },
			{ id: 'size', field: 'size', operator: 'exists', points: 30 },
		],
		engagement: [{ id: 'demo', activity: ['demo_request'], points: 60 }],
		negative: [
			{ id: 'a', field: 'a', operator: 'isTrue', points: -40 },
			{ id: 'b', field: 'b', operator: 'isTrue', points: -40 },
		],
		decay: { kind: 'none' },
	};
	const hot = { title: 'CEO', size: 100, activities: [{ type: 'demo_request', timestamp: daysAgo(1) }] };

	it('caps the total with a line of its own, so the breakdown still adds up', () => {
		const result = compileScorer({ ...protocol, caps: { total: 100 } }).score(hot, NOW, 'UTC');
		assert.equal(result.total, 100);
		const capLine = result.breakdown.find((l) => l.rule === 'cap:total');
		assert.equal(capLine?.points, -20);
		assert.equal(sum(result.breakdown.map((l) => l.points)), result.total);
		assert.equal(result.fit + result.engagement + result.negative + (capLine?.points ?? 0), result.total);
	});

	it('caps fit and engagement separately and floors negative points', () => {
		const result = compileScorer({ ...protocol, caps: { fit: 40, engagement: 50, negative: -50 } }).score({ ...hot, a: true, b: 'yes' }, NOW, 'UTC');
		assert.equal(result.fit, 40);
		assert.equal(result.engagement, 50);
		assert.equal(result.negative, -50);
		assert.equal(result.total, 40);
	});

	it('floors the total when asked', () => {
		const result = compileScorer({ ...protocol, caps: { totalMin: 0 } }).score({ a: true, b: true }, NOW, 'UTC');
		assert.equal(result.total, 0);
		assert.equal(result.negative, -80, 'the negative points stay visible');
	});

	it('without caps the total is the plain sum', () => {
		const result = compileScorer({ ...protocol, caps: {} }).score(hot, NOW, 'UTC');
		assert.equal(result.total, 120);
	});
});

describe('velocity', () => {
	const scorer = compileScorer({
		engagement: [{ activity: ['webinar_attended'], points: 10 }],
		decay: { kind: 'none' },
		velocity: { windowDays: 7 },
	});

	it('counts the engagement points earned within the window only', () => {
		const result = scorer.score(
			{ activities: [6.9, 7.1, 30].map((d) => ({ type: 'webinar_attended', timestamp: daysAgo(d) })) },
			NOW,
			'UTC',
		);
		assert.equal(result.engagement, 30);
		assert.equal(result.velocity, 10);
		assert.equal(result.velocityWindowDays, 7);
	});

	it('60 points in three days is velocity; 60 points over six months is not', () => {
		const fast = scorer.score({ activities: [0, 1, 2, 2, 3, 3].map((d) => ({ type: 'webinar_attended', timestamp: daysAgo(d) })) }, NOW, 'UTC');
		const slow = scorer.score({ activities: [0, 30, 60, 90, 120, 150].map((d) => ({ type: 'webinar_attended', timestamp: daysAgo(d) })) }, NOW, 'UTC');
		assert.equal(fast.engagement, slow.engagement);
		assert.ok(fast.velocity > slow.velocity * 3);
	});
});

describe('time zones', () => {
	const scorer = compileScorer({
		engagement: [{ activity: ['webinar_attended'], points: 10 }],
		decay: { kind: 'none' },
		velocity: { windowDays: 1 },
	});
	const asOf = Date.parse('2026-06-15T12:00:00Z');
	const lead = { activities: [{ type: 'webinar_attended', timestamp: '2026-06-14 09:00' }] };

	it('reads times without an offset in the workflow time zone', () => {
		// 09:00 in Los Angeles is 16:00 UTC, inside the last day; 09:00 in Berlin is 07:00 UTC, outside it.
		assert.equal(scorer.score(lead, asOf, 'America/Los_Angeles').velocity, 10);
		assert.equal(scorer.score(lead, asOf, 'Europe/Berlin').velocity, 0);
		assert.equal(scorer.score(lead, asOf, 'America/Los_Angeles').breakdown[0].activity?.at, '2026-06-14T16:00:00.000Z');
	});

	it('times with an offset mean the same instant in any zone', () => {
		const withOffset = { activities: [{ type: 'webinar_attended', timestamp: '2026-06-14T09:00:00+02:00' }] };
		assert.deepEqual(scorer.score(withOffset, asOf, 'America/Los_Angeles'), scorer.score(withOffset, asOf, 'Asia/Tokyo'));
	});
});

describe('grade', () => {
	const scorer = compileScorer({
		fit: [{ id: 'fit', field: 'fit', operator: 'greaterThan', value: -1, points: 0 }],
		engagement: [{ activity: ['x'], points: 1 }],
		decay: { kind: 'none' },
		grade: { fit: [25, 15, 5], engagement: [40, 20, 5] },
		caps: {},
	});

	it('combines a fit letter and an engagement digit, A1 best and D4 worst', () => {
		const gradeOf = (fitPoints: number, engagementPoints: number) =>
			compileScorer({
				fit: [{ field: 'f', operator: 'exists', points: fitPoints }],
				engagement: [{ activity: ['x'], points: 1 }],
				decay: { kind: 'none' },
				caps: {},
			}).score({ f: 1, activities: Array.from({ length: engagementPoints }, () => ({ type: 'x', timestamp: daysAgo(1) })) }, NOW, 'UTC').grade;
		assert.equal(gradeOf(25, 40), 'A1');
		assert.equal(gradeOf(24, 39), 'B2');
		assert.equal(gradeOf(5, 5), 'C3');
		assert.equal(gradeOf(4, 4), 'D4');
		assert.equal(gradeOf(30, 0), 'A4');
		assert.ok(scorer.score({}, NOW, 'UTC').grade === 'D4');
	});

	it('negative points pull the fit letter down', () => {
		const result = compileScorer({
			fit: [{ field: 'title', operator: 'seniorityAtLeast', value: 'director', points: 30 }],
			negative: [{ field: 'email', operator: 'freeEmailDomain', points: -10 }],
			caps: {},
		}).score({ title: 'VP Sales', email: 'vp@gmail.com' }, NOW, 'UTC');
		assert.equal(result.grade[0], 'B');
	});
});

describe('the default protocol (the standard point table)', () => {
	const scorer = compileScorer(DEFAULT_PROTOCOL);
	const vp = {
		email: 'dana@globex.com',
		jobTitle: 'VP of Marketing',
		industry: 'Software',
		companySize: 200,
		activities: [
			{ type: 'page_view', timestamp: daysAgo(0.1), url: 'https://example.com/pricing' },
			{ type: 'content_download', timestamp: daysAgo(2), asset: 'Case study: Initech' },
			{ type: 'webinar_attended', timestamp: daysAgo(5) },
		],
	};
	const student = { email: 'sam@gmail.com', jobTitle: 'Student', industry: 'Education', companySize: 1, unsubscribed: 'yes', activities: [{ type: 'email_open', timestamp: daysAgo(1) }] };

	it('scores a senior buyer in the target profile who looked at pricing far above a student', () => {
		const high = scorer.score(vp, NOW, 'UTC');
		const low = scorer.score(student, NOW, 'UTC');
		assert.equal(high.fit, 35, 'Director+ 15, industry 10, size 10');
		assert.ok(high.engagement > 40 && high.engagement <= 50, 'pricing 20 + case study 15 + webinar 15, a little decayed');
		assert.equal(high.grade, 'A1');
		assert.ok(low.total < 0);
		assert.deepEqual(new Set(low.breakdown.filter((l) => l.group === 'negative').map((l) => l.rule)), new Set(['unsubscribed', 'student-or-job-seeker-title', 'free-email-domain-b2b']));
		assert.equal(low.grade[0], 'D');
	});

	it('names every line with the rule, its label, why and the activity', () => {
		const line = scorer.score(vp, NOW, 'UTC').breakdown.find((l) => l.rule === 'pricing-page-visit');
		assert.equal(line?.label, 'Pricing page visit');
		assert.equal(line?.why, 'High purchase intent');
		assert.equal(line?.activity?.url, 'https://example.com/pricing');
	});

	it('a competitor list left empty never fires', () => {
		const result = scorer.score({ email: 'x@rival.com' }, NOW, 'UTC');
		assert.ok(!result.breakdown.some((l) => l.rule === 'competitor-domain'));
	});
});

describe('model id', () => {
	it('is the same for the same rules written differently, and changes when points change', () => {
		const a = compileScorer({ fit: [{ field: 'title', operator: 'exists', points: 5, label: 'Has title', why: 'x' }], caps: { total: 100 } });
		const b = compileScorer(JSON.parse('{"caps":{"total":100},"fit":[{"why":"reworded","points":5,"operator":"exists","field":"title","label":"Title known"}]}'));
		const c = compileScorer({ fit: [{ field: 'title', operator: 'exists', points: 6 }], caps: { total: 100 } });
		assert.equal(a.modelId, b.modelId);
		assert.notEqual(a.modelId, c.modelId);
		assert.match(a.modelId, /^lsm_[0-9a-f]{16}$/);
	});

	it('an omitted setting and the same setting spelled out give one model', () => {
		const implicit = compileScorer({ fit: DEFAULT_PROTOCOL.fit });
		const explicit = compileScorer({ fit: DEFAULT_PROTOCOL.fit, decay: DEFAULT_PROTOCOL.decay, caps: DEFAULT_PROTOCOL.caps, velocity: DEFAULT_PROTOCOL.velocity, grade: DEFAULT_PROTOCOL.grade, thresholds: DEFAULT_PROTOCOL.thresholds, fields: DEFAULT_PROTOCOL.fields });
		assert.equal(implicit.modelId, explicit.modelId);
	});
});

describe('invalid protocols', () => {
	const problem = (protocol: unknown) => {
		try {
			compileScorer(protocol);
		} catch (error) {
			assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
			return error.message;
		}
		assert.fail('the protocol was accepted');
	};

	it('name the JSON path and what is wrong', () => {
		assert.match(problem({ fit: [{ field: 'size', operator: 'between', value: [500, 50], points: 10 }] }), /\/fit\/0\/value: .*min <= max/);
		assert.match(problem({ fit: [{ field: 'size', operator: 'bigger', points: 10 }] }), /\/fit\/0\/operator: must be one of/);
		assert.match(problem({ engagement: [{ activity: 'email_open', points: 'one' }] }), /\/engagement\/0\/points: must be number/);
		assert.match(problem({ negative: [{ field: 'x', operator: 'exists', points: 5 }] }), /\/negative\/0\/points: negative rules take points below zero/);
		assert.match(problem({ fit: [{ field: 't', operator: 'matches', value: '([a-z', points: 1 }] }), /\/fit\/0\/value: not a regular expression that can run here/);
		assert.match(problem({ fit: [{ field: 't', operator: 'seniorityAtLeast', value: 'boss', points: 1 }] }), /\/fit\/0\/value: .*director/);
		assert.match(problem({ fit: [{ id: 'x', field: 'a', operator: 'exists', points: 1 }, { id: 'x', field: 'b', operator: 'exists', points: 1 }] }), /\/fit\/1\/id: .*used twice/);
		assert.match(problem({ fits: [] }), /unknown property "fits"/);
		assert.match(problem({ decay: { kind: 'halfLife' } }), /\/decay/);
	});
});
