/**
 * Sizes and amounts as CRMs send them are intervals: "51-200" is a band, "500+" means more than
 * 500, "under 50" less than 50. A comparison matches only when the whole interval satisfies it,
 * in the scoring rules and in the gate's and router's field conditions alike.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { compileCondition, type FieldCondition } from '../../../nodes/engine/gate';
import { compileRouter } from '../../../nodes/engine/routing';
import { compileScorer, DEFAULT_PROTOCOL, readQuantity } from '../../../nodes/engine/scoring';

const NOW = Date.parse('2026-06-15T12:00:00Z');

type NumericRule = { operator: 'greaterThan'; value: number } | { operator: 'lessThan'; value: number } | { operator: 'between'; value: [number, number] };

/** Whether a scoring fit rule and the same gate condition match the value; they must agree. */
function matches(rule: NumericRule, size: unknown): boolean {
	const scored = compileScorer({ fit: [{ field: 'size', ...rule, points: 10 }], caps: {} }).score({ size }, NOW, 'UTC').fit === 10;
	const condition = compileCondition({ field: 'size', ...rule } as FieldCondition, '/when');
	const held = condition({ lead: { size }, score: undefined, activities: [], now: NOW }).ok;
	assert.equal(held, scored, `the gate and the score disagree on ${JSON.stringify(size)} ${JSON.stringify(rule)}`);
	return scored;
}

const more = (value: number): NumericRule => ({ operator: 'greaterThan', value });
const less = (value: number): NumericRule => ({ operator: 'lessThan', value });
const band = (min: number, max: number): NumericRule => ({ operator: 'between', value: [min, max] });

describe('open-ended sizes and bands', () => {
	it('"500+" and its spellings mean more than 500: above 500, not inside a 50-500 band', () => {
		for (const size of ['500+', '500 +', '>500', '> 500', 'more than 500', 'over 500', '500+ employees']) {
			assert.equal(matches(more(500), size), true, `${size} is more than 500`);
			assert.equal(matches(band(50, 500), size), false, `${size} is not in 50-500`);
			assert.equal(matches(more(1000), size), false, `${size} may be 600: not more than 1000`);
			assert.equal(matches(less(10_000), size), false, `${size} has no upper bound`);
		}
	});

	it('"500 or more" includes 500: more than 499, not more than 500', () => {
		for (const size of ['500 or more', 'at least 500', '≥500', '>= 500', '500 and above']) {
			assert.equal(matches(more(499), size), true, size);
			assert.equal(matches(more(500), size), false, size);
			assert.equal(matches(band(50, 500), size), false, size);
		}
	});

	it('thousands, k, M and currency signs', () => {
		assert.equal(matches(more(999), '1,000+'), true);
		assert.equal(matches(more(1000), '1,000+'), true);
		assert.equal(matches(band(50, 500), '1,000+'), false);
		assert.equal(matches(more(9_999), '10,000+'), true);
		assert.equal(matches(more(1000), '1k+'), true);
		assert.equal(matches(band(500, 2000), '1k+'), false);
		assert.equal(matches(more(10_000_000), '$10M+'), true);
		assert.equal(matches(band(1_000_000, 50_000_000), '$10M+'), false);
		assert.equal(matches(band(1_000_000, 50_000_000), '$10M-$50M'), true);
		assert.equal(matches(band(1_000_000, 50_000_000), '$10-50M'), true, 'a unit written once counts for both ends');
		assert.equal(matches(band(1_000_000, 50_000_000), '€2.5M'), true);
		assert.equal(matches(less(1_000_000), '$1.2M'), false);
	});

	it('closed bands lie inside a band rule or not; a comparison needs the whole band', () => {
		assert.equal(matches(band(50, 500), '51-200'), true);
		assert.equal(matches(band(50, 500), '50 to 500'), true);
		assert.equal(matches(band(50, 500), 'between 50 and 500'), true);
		assert.equal(matches(band(50, 500), '201–500 employees'), true);
		assert.equal(matches(band(50, 500), '10-100'), false, 'partly outside the band');
		assert.equal(matches(band(50, 500), '200-1000'), false, 'partly outside the band');
		assert.equal(matches(more(40), '50-500'), true);
		assert.equal(matches(more(100), '50-500'), false, 'it may be 60');
		assert.equal(matches(less(1000), '50-500'), true);
	});

	it('upper-bounded sizes: "<50", "under 50", "up to 50"', () => {
		for (const size of ['<50', 'under 50', 'less than 50', 'fewer than 50']) {
			assert.equal(matches(less(50), size), true, size);
			assert.equal(matches(less(40), size), false, size);
			assert.equal(matches(more(10), size), false, size);
			assert.equal(matches(band(0, 50), size), true, size);
		}
		assert.equal(matches(less(50), 'up to 50'), false, '50 itself is not less than 50');
		assert.equal(matches(band(1, 50), 'up to 50'), false, 'it may be 0');
	});

	it('the default "Company size 50-500" rule does not give its points to "500+" or "1,000+"', () => {
		const scorer = compileScorer(DEFAULT_PROTOCOL);
		const sizePoints = (companySize: unknown) => scorer.score({ companySize }, NOW, 'UTC').breakdown.filter((l) => l.rule === 'company-size-50-500').length;
		assert.deepEqual(['51-200', '201-500', 120, '500+', '1,000+', '10,000+', '1-10'].map(sizePoints), [1, 1, 1, 0, 0, 0, 0]);
	});

	it('the router\'s company-size rules read sizes the same way', () => {
		const router = compileRouter({
			assignment: {
				roster: [{ id: 'mid' }, { id: 'ent' }],
				teams: [
					{ id: 'mid-market', members: ['mid'] },
					{ id: 'enterprise', members: ['ent'] },
				],
				rules: [
					{ name: 'Small', team: 'mid-market', companySize: { max: 49 } },
					{ name: 'Mid-market', team: 'mid-market', companySize: { min: 50, max: 500 } },
					{ name: 'Enterprise', team: 'enterprise', companySize: { min: 501 } },
				],
			},
		});
		const team = (companySize: string) => {
			const choice = router.teamFor({ companySize });
			return choice.kind === 'team' ? choice.rule : undefined;
		};
		assert.equal(team('under 50'), 'Small', 'whole employees: under 50 is at most 49');
		assert.equal(team('51-200'), 'Mid-market');
		assert.equal(team('200-1000'), undefined, 'partly mid-market, partly enterprise: no rule');
		assert.equal(team('500+'), 'Enterprise');
		assert.equal(team('1,000+'), 'Enterprise');
	});

	it('anything else is bad data, named by field', () => {
		for (const size of ['lots', '500-50', '-5', 'about 500', '5 00']) {
			assert.throws(
				() => matches(more(1), size),
				(error: unknown) => error instanceof LeadDataError && error.field === 'size' && /"500\+"/.test(error.message),
				size,
			);
		}
		assert.equal(matches(more(1), ''), false, 'an empty size is missing, not bad');
	});
});

describe('open-ended sizes and bands: properties', () => {
	/** An interval as a CRM might write it, with what it allows. */
	type Spec = { text: string; min: number; max: number; minExcluded: boolean; maxExcluded: boolean };
	const n = fc.integer({ min: 0, max: 100_000 });
	const thousands = (x: number) => x.toLocaleString('en-US');
	const spec: fc.Arbitrary<Spec> = fc.oneof(
		fc.tuple(n, fc.constantFrom('+', ' +', ' or more', '+ employees'), fc.boolean()).map(([a, suffix, sep]) => ({
			text: `${sep ? thousands(a) : a}${suffix}`,
			min: a,
			max: Infinity,
			minExcluded: !suffix.includes('or more'),
			maxExcluded: false,
		})),
		fc.tuple(n, fc.constantFrom('>', 'more than ', 'over ', '>=', 'at least ')).map(([a, prefix]) => ({
			text: `${prefix}${a}`,
			min: a,
			max: Infinity,
			minExcluded: !(prefix === '>=' || prefix === 'at least '),
			maxExcluded: false,
		})),
		fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('<', 'under ', 'less than ', 'up to ', '<=')).map(([a, prefix]) => ({
			text: `${prefix}${a}`,
			min: 0,
			max: a,
			minExcluded: false,
			maxExcluded: prefix !== 'up to ' && prefix !== '<=',
		})),
		fc.tuple(n, n, fc.constantFrom('-', ' - ', '–', ' to ')).map(([a, b, dash]) => ({
			text: `${Math.min(a, b)}${dash}${Math.max(a, b)}`,
			min: Math.min(a, b),
			max: Math.max(a, b),
			minExcluded: false,
			maxExcluded: false,
		})),
		n.map((a) => ({ text: String(a), min: a, max: a, minExcluded: false, maxExcluded: false })),
	);
	const rule: fc.Arbitrary<NumericRule> = fc.oneof(
		n.map(more),
		n.map(less),
		fc.tuple(n, n).map(([a, b]) => band(Math.min(a, b), Math.max(a, b))),
	);

	/** Values the interval allows that decide a rule over whole numbers: its ends, just inside them, and far out. */
	const witnesses = (s: Spec) => [s.minExcluded ? s.min + 0.5 : s.min, s.max === Infinity ? 1e12 : s.maxExcluded ? s.max - 0.5 : s.max];
	const holdsFor = (r: NumericRule, x: number) => (r.operator === 'greaterThan' ? x > r.value : r.operator === 'lessThan' ? x < r.value : x >= r.value[0] && x <= r.value[1]);

	it('reads each spelling as the interval it allows', () => {
		fc.assert(
			fc.property(spec, (s) => {
				assert.deepEqual(readQuantity(s.text, 'size'), { min: s.min, max: s.max, minExcluded: s.minExcluded, maxExcluded: s.maxExcluded });
			}),
		);
	});

	it('a rule matches exactly when every value the interval allows satisfies it', () => {
		fc.assert(
			fc.property(spec, rule, (s, r) => {
				assert.equal(matches(r, s.text), witnesses(s).every((x) => holdsFor(r, x)), `${s.text} ${JSON.stringify(r)}`);
			}),
			{ numRuns: 500 },
		);
	});

	it('an open-ended value never lies inside a closed band', () => {
		fc.assert(
			fc.property(spec, n, n, (s, a, b) => {
				fc.pre(s.max === Infinity);
				assert.equal(matches(band(Math.min(a, b), Math.max(a, b)), s.text), false);
			}),
		);
	});
});
