import assert from 'node:assert/strict';

import { LeadDataError, ProtocolError } from '../../../nodes/engine/common/errors';
import type { Activity, Lead } from '../../../nodes/engine/common/types';
import { compileCondition, type Condition } from '../../../nodes/engine/gate';
import type { LeadScoreResult } from '../../../nodes/engine/scoring/result';
import { activity, daysAgo, engagementLine, negativeLine, NOW, score } from './helpers';

function check(condition: Condition, input: { lead?: Lead; score?: LeadScoreResult; activities?: Activity[]; now?: number }) {
	return compileCondition(condition, '/when')({ lead: input.lead ?? {}, score: input.score, activities: input.activities ?? [], now: input.now ?? NOW });
}
const holds = (condition: Condition, input: Parameters<typeof check>[1]) => check(condition, input).ok;

describe('score conditions', () => {
	it('atLeast includes the threshold, below excludes it', () => {
		const between = { score: 'total', atLeast: 60, below: 80 } as const;
		assert.equal(holds(between, { score: score({ total: 59.99 }) }), false);
		assert.equal(holds(between, { score: score({ total: 60 }) }), true);
		assert.equal(holds(between, { score: score({ total: 79.99 }) }), true);
		assert.equal(holds(between, { score: score({ total: 80 }) }), false);
	});

	it('reads the measure it names: fit, engagement, negative, velocity', () => {
		const s = score({ total: 10, fit: 30, engagement: 5, negative: -25, velocity: 12 });
		assert.equal(holds({ score: 'fit', atLeast: 25 }, { score: s }), true);
		assert.equal(holds({ score: 'engagement', atLeast: 25 }, { score: s }), false);
		assert.equal(holds({ score: 'negative', below: -20 }, { score: s }), true);
		assert.equal(holds({ score: 'velocity', atLeast: 12 }, { score: s }), true);
		assert.equal(holds({ score: 'velocity', atLeast: 13 }, { score: s }), false);
	});

	it('says in words what it compared', () => {
		assert.equal(check({ score: 'total', atLeast: 70 }, { score: score({ total: 72 }) }).text, 'Score 72 ≥ 70');
		assert.equal(check({ score: 'total', atLeast: 70 }, { score: score({ total: 45.5 }) }).text, 'Score 45.5 < 70');
		assert.match(check({ score: 'velocity', atLeast: 20 }, { score: score({ velocity: 25, velocityWindowDays: 7 }) }).text, /last 7 days 25 ≥ 20/);
	});

	it('asks for a score when the lead has none', () => {
		assert.throws(() => check({ score: 'total', atLeast: 1 }, {}), (e: unknown) => e instanceof LeadDataError && e.field === 'score');
	});
});

describe('grade conditions', () => {
	it('grade in a list', () => {
		const c: Condition = { grade: ['A1', 'A2', 'B1'] };
		assert.equal(holds(c, { score: score({ grade: 'A2' }) }), true);
		assert.equal(holds(c, { score: score({ grade: 'B2' }) }), false);
	});

	it('fit letter at least B: A and B pass, C and D do not', () => {
		const c: Condition = { fitAtLeast: 'B' };
		assert.deepEqual(
			(['A3', 'B4', 'C1', 'D1'] as const).map((grade) => holds(c, { score: score({ grade }) })),
			[true, true, false, false],
		);
	});

	it('engagement digit at least 2: 1 and 2 pass', () => {
		const c: Condition = { engagementAtLeast: 2 };
		assert.deepEqual(
			(['D1', 'D2', 'A3', 'A4'] as const).map((grade) => holds(c, { score: score({ grade }) })),
			[true, true, false, false],
		);
	});
});

describe('activity conditions', () => {
	const pricingTwiceIn14: Condition = { activity: ['page_view'], contentContains: ['/pricing'], minCount: 2, withinDays: 14, label: 'visited the pricing page' };
	const pricing = (days: number) => activity('page_view', days, { url: 'https://acme.io/pricing?plan=pro' });

	it('pricing page at least twice in 14 days: counts only matching activities inside the window', () => {
		assert.equal(holds(pricingTwiceIn14, { activities: [pricing(1), pricing(13)] }), true);
		assert.equal(holds(pricingTwiceIn14, { activities: [pricing(1), pricing(15)] }), false);
		assert.equal(holds(pricingTwiceIn14, { activities: [pricing(1), activity('page_view', 2, { url: 'https://acme.io/blog/x' })] }), false);
		assert.equal(holds(pricingTwiceIn14, { activities: [pricing(1), activity('email_click', 2, { url: 'https://acme.io/pricing' })] }), false);
	});

	it('ignores activities after `now` (a replayed or mis-dated event)', () => {
		assert.equal(holds(pricingTwiceIn14, { activities: [pricing(1), pricing(-1)] }), false);
	});

	it('reports how often and how recently, in words', () => {
		const outcome = check(pricingTwiceIn14, { activities: [pricing(1), pricing(3), pricing(6)] });
		assert.equal(outcome.text, 'visited the pricing page 3 times in the last 14 days (last 1 day ago)');
		assert.equal(outcome.at, daysAgo(1));
		assert.equal(check(pricingTwiceIn14, { activities: [pricing(2)] }).text, '"visited the pricing page" 1 of 2 times in the last 14 days');
	});

	it('"downloaded a case study": content found in the asset or title; types compared loosely', () => {
		const caseStudy: Condition = { activity: ['content_download'], contentContains: ['case study'], label: 'downloaded a case study' };
		assert.equal(check(caseStudy, { activities: [activity('Content Download', 2, { asset: 'Case Study - Globex' })] }).text, 'downloaded a case study (2 days ago)');
		assert.equal(holds(caseStudy, { activities: [activity('content-download', 400, { title: 'Our case study' })] }), true);
		assert.equal(holds(caseStudy, { activities: [activity('content_download', 2, { asset: 'Whitepaper' })] }), false);
	});

	it('matches URLs against a regular expression', () => {
		const c: Condition = { activity: ['page_view'], urlMatches: '/(pricing|plans)(/|$)' };
		assert.equal(holds(c, { activities: [activity('page_view', 1, { url: 'https://a.io/plans/' })] }), true);
		assert.equal(holds(c, { activities: [activity('page_view', 1, { url: 'https://a.io/pricing-faq' })] }), false);
	});

	it('needs no score', () => {
		assert.equal(holds({ activity: ['demo_request'] }, { activities: [activity('demo_request', 0)] }), true);
	});
});

describe('velocity conditions', () => {
	it('uses the score velocity when the window is the scoring window', () => {
		const s = score({ velocity: 41, velocityWindowDays: 7, breakdown: [engagementLine(5, 1)] });
		assert.equal(holds({ gainedPoints: 40, withinDays: 7 }, { score: s }), true);
		assert.equal(holds({ gainedPoints: 42, withinDays: 7 }, { score: s }), false);
	});

	it('adds up the engagement lines of another window from the breakdown', () => {
		const s = score({ velocity: 0, velocityWindowDays: 7, breakdown: [engagementLine(20, 1), engagementLine(15, 2.5), engagementLine(30, 4), negativeLine('x', 'x', -10)] });
		const outcome = check({ gainedPoints: 35, withinDays: 3 }, { score: s });
		assert.equal(outcome.ok, true);
		assert.equal(outcome.text, 'Gained 35 points in 3 days (≥ 35)');
		assert.equal(holds({ gainedPoints: 36, withinDays: 3 }, { score: s }), false);
		assert.equal(holds({ gainedPoints: 65, withinDays: 5 }, { score: s }), true);
	});
});

describe('field conditions', () => {
	const cases: Array<[Condition, Lead, boolean]> = [
		[{ field: 'country', operator: 'equals', value: 'DE' }, { country: 'de' }, true],
		[{ field: 'country', operator: 'equals', value: 'DE' }, { country: 'AT' }, false],
		[{ field: 'country', operator: 'notEquals', value: 'DE' }, { country: 'AT' }, true],
		[{ field: 'country', operator: 'notEquals', value: 'DE' }, {}, false],
		[{ field: 'industry', operator: 'oneOf', value: ['SaaS', 'Fintech'] }, { industry: 'fintech' }, true],
		[{ field: 'industry', operator: 'oneOf', value: ['SaaS', 'Fintech'] }, { industry: 'Retail;SaaS' }, true],
		[{ field: 'industry', operator: 'oneOf', value: ['SaaS'] }, { industry: 'Retail' }, false],
		[{ field: 'jobTitle', operator: 'contains', value: ['student'] }, { jobTitle: 'MBA Student' }, true],
		[{ field: 'jobTitle', operator: 'contains', value: ['intern'] }, { jobTitle: 'International Sales Director' }, false],
		[{ field: 'address.zip', operator: 'startsWith', value: ['80', '81'] }, { address: { zip: '81675' } }, true],
		[{ field: 'address.zip', operator: 'startsWith', value: ['80'] }, { address: { zip: 10115 } }, false],
		[{ field: 'postcode', operator: 'startsWith', value: ['SW1A'] }, { postcode: 'sw1a 1aa' }, true],
		[{ field: 'website', operator: 'matches', value: '\\.gov$' }, { website: 'nasa.gov' }, true],
		[{ field: 'employees', operator: 'greaterThan', value: 500 }, { employees: '1,200' }, true],
		[{ field: 'employees', operator: 'greaterThan', value: 500 }, {}, false],
		[{ field: 'employees', operator: 'lessThan', value: 50 }, { employees: 12 }, true],
		[{ field: 'employees', operator: 'between', value: [50, 500] }, { employees: '51-200' }, true],
		[{ field: 'employees', operator: 'between', value: [50, 500] }, { employees: 501 }, false],
		[{ field: 'company', operator: 'exists' }, { company: 'Acme' }, true],
		[{ field: 'company', operator: 'exists' }, { company: '  ' }, false],
		[{ field: 'company', operator: 'notExists' }, {}, true],
		[{ field: 'unsubscribed', operator: 'isTrue' }, { unsubscribed: 'yes' }, true],
		[{ field: 'unsubscribed', operator: 'isTrue' }, {}, false],
		[{ field: 'unsubscribed', operator: 'isFalse' }, { unsubscribed: false }, true],
		[{ field: 'unsubscribed', operator: 'isFalse' }, {}, false],
		[{ field: 'email', operator: 'emailDomainIn', value: ['rival.com'] }, { email: 'jo@eu.rival.com' }, true],
		[{ field: 'email', operator: 'emailDomainIn', value: ['rival.com'] }, { email: 'jo@notrival.com' }, false],
	];
	for (const [condition, lead, expected] of cases) {
		const c = condition as { field: string; operator: string; value?: unknown };
		it(`${c.field} ${c.operator} ${JSON.stringify(c.value ?? '')} on ${JSON.stringify(lead)} is ${expected}`, () => {
			assert.equal(holds(condition, { lead }), expected);
		});
	}

	it('names the matching word and the email domain in its reason', () => {
		assert.equal(check({ field: 'jobTitle', label: 'Job title', operator: 'contains', value: ['student', 'intern'] }, { lead: { jobTitle: 'Marketing Intern' } }).text, 'Job title "Marketing Intern" contains "intern"');
		assert.match(check({ field: 'email', label: 'Email', operator: 'emailDomainIn', value: ['rival.com'] }, { lead: { email: 'jo@rival.com' } }).text, /^Email: email domain rival.com is in rival.com$/);
	});

	it('rejects data it cannot read, naming the field', () => {
		assert.throws(() => check({ field: 'unsubscribed', operator: 'isTrue' }, { lead: { unsubscribed: 'perhaps' } }), (e: unknown) => e instanceof LeadDataError && e.field === 'unsubscribed');
		assert.throws(() => check({ field: 'employees', operator: 'greaterThan', value: 5 }, { lead: { employees: 'many' } }), LeadDataError);
	});

	it('checks that operator and value agree, naming the JSON path', () => {
		const fails = (condition: Condition, message: RegExp) => assert.throws(() => compileCondition(condition, '/when'), (e: unknown) => e instanceof ProtocolError && message.test(e.message));
		fails({ field: 'x', operator: 'oneOf', value: 'a' }, /^\/when\/value: "oneOf" takes a list/);
		fails({ field: 'x', operator: 'equals' }, /^\/when\/value: the operator "equals" needs a value/);
		fails({ field: 'x', operator: 'between', value: [5, 1] }, /^\/when\/value: "between" takes \[min, max\]/);
		fails({ field: 'x', operator: 'matches', value: '(' }, /^\/when\/value: not a regular expression that can run here/);
		fails({ all: [{ activity: ['x'], urlMatches: '[' }] }, /^\/when\/all\/0\/urlMatches: not a regular expression that can run here/);
		fails({ any: [{ score: 'total', atLeast: 80, below: 60 }] }, /^\/when\/any\/0\/below: "below" \(60\) must be greater than "atLeast" \(80\)/);
	});
});

describe('negative rule conditions', () => {
	const s = score({ breakdown: [negativeLine('competitor-domain', 'Competitor domain', -50)] });
	it('match the rule by id or by label', () => {
		assert.equal(holds({ negativeRule: ['competitor-domain'] }, { score: s }), true);
		assert.equal(holds({ negativeRule: ['competitor DOMAIN'] }, { score: s }), true);
		assert.equal(holds({ negativeRule: ['unsubscribed'] }, { score: s }), false);
		assert.equal(check({ negativeRule: ['competitor-domain'] }, { score: s }).text, 'Score rule "Competitor domain" applied (-50 points)');
	});

	it('ignore fit and engagement lines of the same name', () => {
		const positive = score({ breakdown: [{ ...negativeLine('competitor-domain', 'Competitor domain', 10), group: 'fit' }] });
		assert.equal(holds({ negativeRule: ['competitor-domain'] }, { score: positive }), false);
	});
});

describe('a score without its breakdown (Include Breakdown off in Lead Score)', () => {
	const bare = () => {
		const s = score({ total: 72, velocity: 35, grade: 'A2' });
		delete (s as Partial<LeadScoreResult>).breakdown;
		return s;
	};

	it('score, grade and the score\'s own velocity window still read', () => {
		assert.equal(holds({ score: 'total', atLeast: 70 }, { score: bare() }), true);
		assert.equal(holds({ grade: ['A2'] }, { score: bare() }), true);
		assert.equal(holds({ gainedPoints: 30, withinDays: 7 }, { score: bare() }), true);
	});

	it('what needs the breakdown asks for it, naming the field', () => {
		const asksForBreakdown = (e: unknown) => e instanceof LeadDataError && e.field === 'score.breakdown' && /Include Breakdown/.test(e.message);
		assert.throws(() => check({ gainedPoints: 30, withinDays: 3 }, { score: bare() }), asksForBreakdown);
		assert.throws(() => check({ negativeRule: ['Competitor domain'] }, { score: bare() }), asksForBreakdown);
	});
});

describe('groups', () => {
	// The guide's dual gate: (score >= 60 AND pricing page) OR (score >= 70 AND case study).
	const dualGate: Condition = {
		any: [
			{ all: [{ score: 'total', atLeast: 60 }, { activity: ['page_view'], contentContains: ['/pricing'], label: 'visited the pricing page' }] },
			{ all: [{ score: 'total', atLeast: 70 }, { activity: ['content_download'], contentContains: ['case study'], label: 'downloaded a case study' }] },
		],
	};
	const pricingVisit = activity('page_view', 1, { url: '/pricing' });
	const caseStudy = activity('content_download', 2, { asset: 'Case study: Initech' });

	it('(score >= 60 AND pricing page) OR (score >= 70 AND case study)', () => {
		const table: Array<[number, Activity[], boolean]> = [
			[65, [pricingVisit], true],
			[59, [pricingVisit], false],
			[65, [caseStudy], false],
			[70, [caseStudy], true],
			[95, [], false],
			[10, [pricingVisit, caseStudy], false],
		];
		for (const [total, activities, expected] of table) {
			assert.equal(holds(dualGate, { score: score({ total }), activities }), expected, `score ${total} with ${activities.map((a) => a.type).join(', ') || 'nothing'}`);
		}
	});

	it('a fired branch reads as one sentence; the newest evidence is kept', () => {
		const outcome = check(dualGate, { score: score({ total: 72 }), activities: [caseStudy] });
		assert.equal(outcome.text, 'Score 72 ≥ 70 and downloaded a case study (2 days ago)');
		assert.equal(outcome.at, caseStudy.at);
		const both = check(dualGate, { score: score({ total: 72 }), activities: [caseStudy, pricingVisit] });
		assert.equal(both.at, pricingVisit.at);
	});

	it('a failed AND lists what is missing', () => {
		const outcome = check(dualGate.any[0], { score: score({ total: 40 }), activities: [] });
		assert.equal(outcome.text, 'Score 40 < 60; No "visited the pricing page" ever');
	});

	it('not inverts', () => {
		assert.equal(holds({ not: { field: 'country', operator: 'equals', value: 'US' } }, { lead: { country: 'DE' } }), true);
		assert.equal(holds({ not: { field: 'country', operator: 'equals', value: 'US' } }, { lead: { country: 'US' } }), false);
	});
});
