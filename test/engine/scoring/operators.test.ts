import assert from 'node:assert/strict';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { compileScorer, type AttributeRule } from '../../../nodes/engine/scoring';

const NOW = Date.parse('2026-06-15T12:00:00Z');

/** Scores one lead against a single fit rule worth 10 points; returns the fit points. */
type RuleUnderTest = Omit<AttributeRule, 'points' | 'value'> & { value?: AttributeRule['value'] | readonly (string | number)[] };
function fitPoints(rule: RuleUnderTest, lead: Record<string, unknown>): number {
	const value = Array.isArray(rule.value) ? [...rule.value] : (rule.value as AttributeRule['value']);
	const scorer = compileScorer({ fit: [{ ...rule, value, points: 10 }], caps: {} });
	return scorer.score(lead, NOW, 'UTC').fit;
}

describe('fit rule operators', () => {
	it('equals ignores case and surrounding spaces, and compares numbers as text', () => {
		assert.equal(fitPoints({ field: 'country', operator: 'equals', value: 'Germany' }, { country: ' germany ' }), 10);
		assert.equal(fitPoints({ field: 'country', operator: 'equals', value: 'Germany' }, { country: 'Austria' }), 0);
		assert.equal(fitPoints({ field: 'employees', operator: 'equals', value: 200 }, { employees: '200' }), 10);
	});

	it('notEquals needs a value to be present', () => {
		assert.equal(fitPoints({ field: 'country', operator: 'notEquals', value: 'US' }, { country: 'DE' }), 10);
		assert.equal(fitPoints({ field: 'country', operator: 'notEquals', value: 'US' }, {}), 0);
		assert.equal(fitPoints({ field: 'country', operator: 'notEquals', value: 'US' }, { country: 'us' }), 0);
	});

	it('oneOf matches any listed value, and multi-select fields match on any of their values', () => {
		const rule = { field: 'industry', operator: 'oneOf', value: ['Software', 'Fintech'] } as const;
		assert.equal(fitPoints(rule, { industry: 'FINTECH' }), 10);
		assert.equal(fitPoints(rule, { industry: 'Retail' }), 0);
		assert.equal(fitPoints(rule, { industry: ['Retail', 'Software'] }), 10);
		assert.equal(fitPoints(rule, { industry: 'Retail;Software' }), 10, 'HubSpot sends multi-select as a;b');
	});

	it('contains matches whole words, so "intern" does not match "International"', () => {
		const rule = { field: 'title', operator: 'contains', value: ['intern', 'student'] } as const;
		assert.equal(fitPoints(rule, { title: 'Marketing Intern' }), 10);
		assert.equal(fitPoints(rule, { title: 'PhD student, ML' }), 10);
		assert.equal(fitPoints(rule, { title: 'International Sales Director' }), 0);
	});

	it('matches takes a case-insensitive regular expression', () => {
		assert.equal(fitPoints({ field: 'zip', operator: 'matches', value: '^9[0-4]' }, { zip: '94107' }), 10);
		assert.equal(fitPoints({ field: 'zip', operator: 'matches', value: '^9[0-4]' }, { zip: '10001' }), 0);
	});

	it('greaterThan, lessThan and between read numbers the way CRMs send them', () => {
		const between = { field: 'size', operator: 'between', value: [50, 500] } as const;
		assert.equal(fitPoints(between, { size: 50 }), 10, 'inclusive at the low end');
		assert.equal(fitPoints(between, { size: '500' }), 10, 'inclusive at the high end, numeric string');
		assert.equal(fitPoints(between, { size: '51-200' }), 10, 'a band inside the range');
		assert.equal(fitPoints(between, { size: '1,200' }), 0);
		assert.equal(fitPoints(between, {}), 0, 'a missing size earns nothing');
		assert.equal(fitPoints({ field: 'size', operator: 'greaterThan', value: 1000 }, { size: '1,200' }), 10);
		assert.equal(fitPoints({ field: 'size', operator: 'greaterThan', value: 1000 }, { size: '1000+' }), 10, '"1000+" is more than 1000');
		assert.equal(fitPoints({ field: 'size', operator: 'greaterThan', value: 1000 }, { size: '1000 or more' }), 0, '"1000 or more" may be 1000');
		assert.equal(fitPoints({ field: 'size', operator: 'lessThan', value: 10 }, { size: 9 }), 10);
	});

	it('a non-numeric value for a numeric rule is an error naming the field', () => {
		assert.throws(
			() => fitPoints({ field: 'company.size', operator: 'between', value: [50, 500] }, { company: { size: 'lots' } }),
			(error: unknown) => error instanceof LeadDataError && error.field === 'company.size' && /a number/.test(error.message),
		);
	});

	it('exists and notExists treat empty strings and empty lists as missing', () => {
		assert.equal(fitPoints({ field: 'phone', operator: 'exists' }, { phone: '+49 30 1234' }), 10);
		assert.equal(fitPoints({ field: 'phone', operator: 'exists' }, { phone: '  ' }), 0);
		assert.equal(fitPoints({ field: 'tags', operator: 'notExists' }, { tags: [] }), 10);
	});

	it('isTrue accepts the usual spellings and rejects anything else clearly', () => {
		for (const yes of [true, 'Yes', 'true', 1, '1']) assert.equal(fitPoints({ field: 'f', operator: 'isTrue' }, { f: yes }), 10, String(yes));
		for (const no of [false, 'No', 'false', 0, '', undefined]) assert.equal(fitPoints({ field: 'f', operator: 'isTrue' }, { f: no }), 0, String(no));
		assert.throws(() => fitPoints({ field: 'f', operator: 'isTrue' }, { f: 'maybe' }), LeadDataError);
	});

	it('emailDomainIn matches the domain and its subdomains', () => {
		const rule = { field: 'email', operator: 'emailDomainIn', value: ['rival.com'] } as const;
		assert.equal(fitPoints(rule, { email: 'spy@Rival.com' }), 10);
		assert.equal(fitPoints(rule, { email: 'spy@eu.rival.com' }), 10);
		assert.equal(fitPoints(rule, { email: 'someone@notrival.com' }), 0);
		assert.equal(fitPoints(rule, { email: 'not an address' }), 0);
	});

	it('freeEmailDomain knows the big providers from a maintained list', () => {
		const rule = { field: 'email', operator: 'freeEmailDomain' } as const;
		for (const email of ['a@gmail.com', 'b@yahoo.co.uk', 'c@qq.com', 'd@gmx.de', 'e@hotmail.com']) assert.equal(fitPoints(rule, { email }), 10, email);
		assert.equal(fitPoints(rule, { email: 'f@acme-industries.com' }), 0);
	});

	it('seniorityAtLeast reads titles without a regex per spelling', () => {
		const rule = { field: 'title', operator: 'seniorityAtLeast', value: 'director' } as const;
		const senior = ['Director of Marketing', 'Sr. Dir. Demand Gen', 'Head of Growth', 'VP Sales', 'Vice President, Engineering', 'SVP Operations', 'Chief Revenue Officer', 'CEO & Co-Founder', 'Owner'];
		const junior = ['Marketing Manager', 'Software Engineer', 'Product Owner', 'Executive Assistant to the CEO', 'Student', 'Sales Intern'];
		for (const title of senior) assert.equal(fitPoints(rule, { title }), 10, title);
		for (const title of junior) assert.equal(fitPoints(rule, { title }), 0, title);
		assert.equal(fitPoints({ field: 'title', operator: 'seniorityAtLeast', value: 'vp' }, { title: 'Director of IT' }), 0);
		assert.equal(fitPoints({ field: 'title', operator: 'seniorityAtLeast', value: 'manager' }, { title: 'Team Lead, Support' }), 10);
	});

	it('reads nested field paths such as HubSpot properties', () => {
		assert.equal(fitPoints({ field: 'properties.industry', operator: 'equals', value: 'SaaS' }, { properties: { industry: 'saas' } }), 10);
		assert.equal(fitPoints({ field: 'contacts[1].role', operator: 'equals', value: 'buyer' }, { contacts: [{ role: 'user' }, { role: 'Buyer' }] }), 10);
	});
});
