import assert from 'node:assert/strict';

import fc from 'fast-check';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { compileScorer, DEFAULT_PROTOCOL, type ScoringProtocolInput } from '../../../nodes/engine/scoring';

const NOW = Date.parse('2026-06-15T12:00:00Z');

/** Values of every kind a CRM or a careless Code node might put in a field. */
const anyValue = fc.oneof(
	fc.string(),
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
	fc.constantFrom('VP Sales', 'Student', 'a@gmail.com', 'b@acme.com', '51-200', '1,200', 'yes', 'no', 'Software'),
	fc.array(fc.string(), { maxLength: 3 }),
);

const anyTimestamp = fc.oneof(
	fc.integer({ min: 0, max: 4_102_444_800_000 }),
	fc.integer({ min: 0, max: 4_102_444_800 }),
	fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
	fc.constantFrom('2026-06-14 09:00', 'yesterday', '', '2026-13-45T99:99:99Z'),
	anyValue,
);

const anyActivity = fc.oneof(
	fc.record(
		{
			type: fc.oneof(fc.constantFrom('page_view', 'content_download', 'webinar_attended', 'email_open', 'Email Open', 'demo_request'), anyValue),
			timestamp: anyTimestamp,
			url: fc.oneof(fc.constantFrom('https://x.io/pricing', 'https://x.io/blog/a', '/careers'), anyValue),
			asset: fc.oneof(fc.constantFrom('Case study: Foo', 'Ebook'), anyValue),
		},
		{ requiredKeys: [] },
	),
	anyValue,
);

const anyLead = fc.record(
	{
		email: anyValue,
		jobTitle: anyValue,
		industry: anyValue,
		companySize: anyValue,
		unsubscribed: anyValue,
		emailBounced: anyValue,
		activities: fc.oneof(fc.array(anyActivity, { maxLength: 12 }), anyValue),
	},
	{ requiredKeys: [] },
);

const protocols: Array<[string, ScoringProtocolInput]> = [
	['the default table', DEFAULT_PROTOCOL],
	['no caps, linear decay, total floor', { ...DEFAULT_PROTOCOL, caps: { totalMin: 0, negative: -30, fit: 20 }, decay: { kind: 'linear', percent: 7, periodDays: 3 } }],
];

describe('scoring any lead, malformed ones included', () => {
	for (const [name, protocol] of protocols) {
		it(`returns a finite score whose breakdown adds up, or a clear data error (${name})`, () => {
			const scorer = compileScorer(protocol);
			fc.assert(
				fc.property(anyLead, fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'), (lead, zone) => {
					let result;
					try {
						result = scorer.score(lead, NOW, zone);
					} catch (error) {
						assert.ok(error instanceof LeadDataError, `only data errors may escape, got ${String(error)}`);
						assert.ok(error.field.length > 0 && error.message.includes(error.field));
						return;
					}
					for (const key of ['total', 'fit', 'engagement', 'negative', 'velocity'] as const) {
						assert.ok(Number.isFinite(result[key]), `${key} is finite`);
					}
					const lines = result.breakdown.reduce((total, line) => total + line.points, 0);
					assert.ok(Math.abs(lines - result.total) < 1e-9, `breakdown ${lines} adds up to total ${result.total}`);
					assert.match(result.grade, /^[A-D][1-4]$/);
					if (protocol.caps?.total !== undefined) assert.ok(result.total <= protocol.caps.total);
					if (protocol.caps?.totalMin !== undefined) assert.ok(result.total >= protocol.caps.totalMin);
				}),
				{ numRuns: 3000 },
			);
		});
	}

	it('never depends on the order of the activities', () => {
		const scorer = compileScorer(DEFAULT_PROTOCOL);
		const activity = fc.record({
			type: fc.constantFrom('page_view', 'content_download', 'webinar_attended', 'email_open'),
			timestamp: fc.integer({ min: NOW - 200 * 86_400_000, max: NOW }),
			url: fc.constantFrom('https://x.io/pricing', 'https://x.io/blog/a'),
			asset: fc.constantFrom('Case study: Foo', 'Ebook'),
		});
		fc.assert(
			fc.property(fc.array(activity, { maxLength: 30 }), (activities) => {
				const forward = scorer.score({ activities }, NOW, 'UTC');
				const backward = scorer.score({ activities: [...activities].reverse() }, NOW, 'UTC');
				assert.equal(forward.total, backward.total);
				assert.equal(forward.velocity, backward.velocity);
			}),
			{ numRuns: 500 },
		);
	});
});
