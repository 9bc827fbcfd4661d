import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { compileDispositions, compileHubSpot, outcomeOf } from '../../../nodes/engine/feedback';

const load = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, 'fixtures/hubspot', name), 'utf8'));
const context = { receivedAt: Date.parse('2026-04-05T00:00:00Z') };
const hubspot = compileHubSpot(compileDispositions());

describe('the HubSpot preset', () => {
	it("maps a contact's lead status and lifecycle stage from a webhook batch, and says why it ignores the rest", () => {
		const { events, ignored, errors } = hubspot.map(load('contact-batch.json'), context);
		assert.deepEqual(errors, []);
		assert.deepEqual(
			events.map((e) => [e.code, e.value, e.at, e.asserted ?? false]),
			[
				['accepted', 'IN_PROGRESS', 1773133964318, true],
				['accepted', 'salesqualifiedlead', 1773133965020, false],
				['contacted', 'CONNECTED', 1773142802771, true],
			],
		);
		assert.deepEqual(events[0].record, { system: 'hubspot', type: 'contact', id: '87211034512' });
		assert.equal(events[0].id, 'hubspot:44021786:1782634211:contact:87211034512:hs_lead_status:1773133964318');
		assert.equal(events[0].actor, 'userId:71203344');
		assert.equal(events[0].source, 'hubspot');
		assert.deepEqual(ignored, [
			{ what: 'event 4 (hs_lead_status = "NEW")', why: 'hs_lead_status "NEW" is not mapped to a disposition code' },
			{ what: 'event 5', why: 'contact.creation is not a property change of a contact or a deal' },
		]);
		const outcome = outcomeOf(events);
		assert.equal(outcome.stage, 'contacted');
		assert.deepEqual(outcome.reached, { accepted: 1773133964318, contacted: 1773142802771 });
	});

	it('an unqualified lead is rejected as not qualified; the retried delivery is the same event', () => {
		const { events } = hubspot.map(load('contact-unqualified-retried.json'), context);
		assert.equal(events.length, 2);
		assert.equal(events[0].id, events[1].id, 'attemptNumber is not part of the key');
		assert.deepEqual([events[0].code, events[0].reason], ['rejected', 'not_qualified']);
		const outcome = outcomeOf(events);
		assert.equal(outcome.history.length, 1);
		assert.equal(outcome.stage, 'rejected');
		assert.equal(outcome.reason, 'not_qualified');
	});

	it("reads the generic object.propertyChange format: a deal lost, with HubSpot's lost reason sent as a change of its own", () => {
		const { events, ignored } = hubspot.map(load('deal-closed-lost.json'), context);
		assert.deepEqual(
			events.map((e) => [e.code ?? '(detail)', e.reasonFor, e.reason]),
			[
				['lost', undefined, undefined],
				['(detail)', 'lost', 'chose_competitor'],
			],
		);
		assert.deepEqual(events[0].record, { system: 'hubspot', type: 'deal', id: '31870044210' });
		assert.equal(ignored.length, 1);
		assert.match(ignored[0].why, /deal property hs_deal_stage_probability is not one the feedback reads/);
		const outcome = outcomeOf(events);
		assert.deepEqual([outcome.stage, outcome.reason], ['lost', 'chose_competitor']);
	});

	it('a deal won with its amount, then moved back to contract sent, reopens: the correction is kept as history', () => {
		const { events } = hubspot.map(load('deal-won-then-reverted.json'), context);
		assert.deepEqual(
			events.map((e) => [e.code ?? '(amount)', e.amount]),
			[
				['won', undefined],
				['(amount)', 24500],
				['opportunity', undefined],
			],
		);
		// Delivered in reverse (the revert first), the outcome is the same.
		const outcome = outcomeOf([...events].reverse());
		assert.equal(outcome.stage, 'opportunity');
		assert.equal(outcome.closed, false);
		assert.equal(outcome.amount, 24500);
		assert.equal(outcome.corrections, 1);
		assert.deepEqual(
			outcome.history.map((h) => h.effect),
			['closed', 'detail', 'reopened'],
		);
		assert.deepEqual(outcomeOf(events.slice(0, 2)).stage, 'won');
	});

	it("maps a team's own lead statuses, deal stages of another pipeline, and keeps other portals out", () => {
		const preset = compileHubSpot(
			compileDispositions({
				hubspot: {
					leadStatus: { 'Nurture - later': { code: 'rejected', reason: 'wrong_timing' }, CONNECTED: null },
					dealStage: { '1187220': 'meeting_booked', '1187223': 'won' },
					portalId: 44021786,
				},
			}),
		);
		const change = (propertyName: string, propertyValue: string, extra: Record<string, unknown> = {}) => ({
			eventId: 1,
			portalId: 44021786,
			occurredAt: 1773133964318,
			subscriptionType: `${propertyName === 'dealstage' ? 'deal' : 'contact'}.propertyChange`,
			objectId: 5,
			propertyName,
			propertyValue,
			...extra,
		});
		const { events, ignored } = preset.map(
			[change('hs_lead_status', 'NURTURE_LATER'), change('hs_lead_status', 'CONNECTED'), change('dealstage', '1187220'), change('dealstage', '1187223'), change('hs_lead_status', 'OPEN', { portalId: 99 })],
			context,
		);
		assert.deepEqual(
			events.map((e) => [e.code, e.reason]),
			[
				['rejected', 'wrong_timing'],
				['meeting_booked', undefined],
				['won', undefined],
			],
		);
		assert.deepEqual(
			ignored.map((i) => i.why),
			['hs_lead_status "CONNECTED" is not mapped to a disposition code', 'it comes from HubSpot account 99, not 44021786'],
		);
	});

	it('names the event and field it cannot read, and goes on with the others', () => {
		const good = { eventId: 2, portalId: 1, occurredAt: 1773133964318, subscriptionType: 'contact.propertyChange', objectId: 5, propertyName: 'hs_lead_status', propertyValue: 'OPEN' };
		const { events, errors } = hubspot.map([{ ...good, occurredAt: 'soon' }, { ...good, eventId: undefined }, 'garbage', good], context);
		assert.equal(events.length, 1);
		assert.deepEqual(
			errors.map((e) => e.field),
			['[0].occurredAt', '[1].eventId', '[2]'],
		);
		assert.match(errors[0].message, /expected an ISO 8601 date-time or an epoch timestamp/);
		const amount = hubspot.map({ ...good, subscriptionType: 'deal.propertyChange', propertyName: 'amount', propertyValue: 'a lot' }, context);
		assert.equal(amount.errors[0].field, 'propertyValue');
	});

	it('refuses a mapping to a code that does not exist, naming the path', () => {
		assert.throws(
			() => compileHubSpot(compileDispositions({ hubspot: { leadStatus: { BAD_TIMING: 'later' } } })),
			(error: unknown) => error instanceof ProtocolError && error.path === '/hubspot/leadStatus/BAD_TIMING' && /unknown disposition code "later"/.test(error.message),
		);
		assert.throws(
			() => compileHubSpot(compileDispositions({ hubspot: { dealStage: { closedlost: { code: 'lost', reason: 'bored' } } } })),
			(error: unknown) => error instanceof ProtocolError && error.path === '/hubspot/dealStage/closedlost/reason' && /its reasons are chose_competitor, no_budget, price/.test(error.message),
		);
	});
});
