import assert from 'node:assert/strict';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import {
	activitiesFromLedger,
	compileScorer,
	DEFAULT_PROTOCOL,
	ledgerEntries,
	leadKeyOf,
	scoreHistory,
	snapshotKeyOf,
} from '../../../nodes/engine/scoring';

const scorer = compileScorer(DEFAULT_PROTOCOL);
const pricing = { type: 'page_view', timestamp: '2026-06-15T09:12:00Z', url: 'https://example.com/pricing' };

describe('lead keys', () => {
	it('emails are one lead whatever their case and spacing; CRM ids keep their case', () => {
		assert.equal(leadKeyOf(' Dana@Globex.com '), 'dana@globex.com');
		assert.equal(leadKeyOf('0035g00000AbCdE'), '0035g00000AbCdE');
		assert.equal(leadKeyOf(1234), '1234');
	});

	it('an empty key is a data error naming the field', () => {
		for (const value of ['', '  ', undefined, null, {}]) {
			assert.throws(() => leadKeyOf(value), (e: unknown) => e instanceof LeadDataError && e.field === 'Lead Key');
		}
	});
});

describe('ledger entries', () => {
	it('an event with an id is keyed by its id, so a changed payload of the same event adds nothing', () => {
		const [a] = ledgerEntries(scorer, { activities: [{ ...pricing, id: 'evt-1' }] }, 'UTC');
		const [b] = ledgerEntries(scorer, { activities: [{ ...pricing, id: 'evt-1', url: 'https://example.com/pricing?x=1' }] }, 'UTC');
		assert.equal(a.key, 'id:evt-1');
		assert.equal(a.key, b.key);
	});

	it('an event without an id is keyed by what it is: the same event twice gives one key, another time another', () => {
		const [a] = ledgerEntries(scorer, { activities: [pricing] }, 'UTC');
		const [b] = ledgerEntries(scorer, { activities: [{ ...pricing }] }, 'UTC');
		const [c] = ledgerEntries(scorer, { activities: [{ ...pricing, timestamp: '2026-06-15T09:13:00Z' }] }, 'UTC');
		const [d] = ledgerEntries(scorer, { activities: [{ ...pricing, timestamp: Date.parse(pricing.timestamp) }] }, 'UTC');
		assert.equal(a.key, b.key);
		assert.notEqual(a.key, c.key);
		assert.equal(a.key, d.key, 'the same moment written as epoch milliseconds is the same event');
	});

	it('keeps the entry as given and its parsed type and time; times without an offset are read in the zone', () => {
		const entry = { type: 'Page View', timestamp: '2026-06-15 09:12', url: '/pricing', utm_source: 'linkedin' };
		const [row] = ledgerEntries(scorer, { activities: [entry] }, 'Europe/Berlin');
		assert.equal(row.type, 'page_view');
		assert.equal(row.at, Date.parse('2026-06-15T07:12:00Z'));
		assert.deepEqual(row.data, entry);
	});

	it('a bad entry is a data error naming it', () => {
		assert.throws(
			() => ledgerEntries(scorer, { activities: [pricing, { type: 'email_open', timestamp: 'last tuesday' }] }, 'UTC'),
			(e: unknown) => e instanceof LeadDataError && e.field === 'activities[1].timestamp',
		);
	});

	it('read back from the ledger, activities score as they did when they came in', () => {
		const lead = { activities: [pricing, { type: 'webinar_attended', timestamp: '2026-06-10 17:00' }] };
		const rows = ledgerEntries(scorer, lead, 'America/New_York');
		const asOf = Date.parse('2026-06-16T00:00:00Z');
		const fromLedger = scorer.scoreWith(lead, activitiesFromLedger(scorer, rows), asOf);
		assert.deepEqual(fromLedger, scorer.score(lead, asOf, 'America/New_York'));
	});
});

describe('snapshot keys', () => {
	const score = { modelId: 'lsm_1', fit: 25, negative: 0 };
	it('name one state: the same ledger in any order gives the same key', () => {
		assert.equal(snapshotKeyOf(score, ['a', 'b']), snapshotKeyOf(score, ['b', 'a']));
	});
	it('a new activity, other rules or a changed fit make a new state', () => {
		const key = snapshotKeyOf(score, ['a']);
		assert.notEqual(key, snapshotKeyOf(score, ['a', 'b']));
		assert.notEqual(key, snapshotKeyOf({ ...score, modelId: 'lsm_2' }, ['a']));
		assert.notEqual(key, snapshotKeyOf({ ...score, fit: 10 }, ['a']));
	});
});

describe('score history', () => {
	const score = scorer.score({ jobTitle: 'VP Sales', activities: [pricing] }, Date.parse('2026-06-15T12:00:00Z'), 'UTC');

	it('a first score has no change; thresholds not reached have no time', () => {
		const history = scoreHistory({ score, leadKey: 'a@b.co', thresholds: DEFAULT_PROTOCOL.thresholds, firstCrossed: {}, ledger: { activities: 1, recorded: 1, duplicates: 0 } });
		assert.equal(history.change, null);
		assert.deepEqual(history.thresholds, { MQL: { score: 50, firstCrossedAt: null }, SQL: { score: 70, firstCrossedAt: null } });
	});

	it('the change is the difference to the previous score, in hundredths', () => {
		const history = scoreHistory({
			score: { ...score, total: 30.3 },
			leadKey: 'a@b.co',
			thresholds: DEFAULT_PROTOCOL.thresholds,
			previous: { total: 10.1, grade: 'C4', asOf: Date.parse('2026-06-01T00:00:00Z') },
			firstCrossed: { MQL: Date.parse('2026-05-01T00:00:00Z') },
			ledger: { activities: 3, recorded: 1, duplicates: 0 },
		});
		assert.deepEqual(history.change, { points: 20.2, previousTotal: 10.1, previousGrade: 'C4', since: '2026-06-01T00:00:00.000Z' });
		assert.equal(history.thresholds.MQL.firstCrossedAt, '2026-05-01T00:00:00.000Z');
	});
});
