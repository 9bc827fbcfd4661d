import assert from 'node:assert/strict';

import { LeadDataError, ProtocolError } from '../../../nodes/engine/common/errors';
import { compileDispositions, DEFAULT_CODES, parseAmount, reasonLabel, resolveReason, slaEffect } from '../../../nodes/engine/feedback';
import { plainEvent } from '../../../nodes/engine/feedback';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const context = { receivedAt: NOW };

function protocolError(fn: () => unknown): ProtocolError {
	try {
		fn();
	} catch (error) {
		assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
		return error;
	}
	assert.fail('expected a ProtocolError');
}

function leadError(fn: () => unknown): LeadDataError {
	try {
		fn();
	} catch (error) {
		assert.ok(error instanceof LeadDataError, `expected a LeadDataError, got ${String(error)}`);
		return error;
	}
	assert.fail('expected a LeadDataError');
}

describe('the default disposition codes', () => {
	const dispositions = compileDispositions();

	it("are the protocol guide's, each with its stage and meaning, plus the reopen correction", () => {
		assert.deepEqual(
			dispositions.codes.map((c) => [c.code, c.stage]),
			[
				['accepted', 'accepted'],
				['rejected', 'rejected'],
				['contacted', 'contacted'],
				['meeting_booked', 'meeting'],
				['opportunity', 'opportunity'],
				['won', 'won'],
				['lost', 'lost'],
				['reopened', 'open'],
			],
		);
		for (const code of dispositions.codes) assert.ok(code.meaning && code.meaning.length > 20, `${code.code} says what it means`);
	});

	it('reject with the reasons the guide names, or a reason of their own', () => {
		const rejected = dispositions.find('rejected')!;
		assert.deepEqual(
			rejected.reasons!.map((r) => r.code),
			['not_qualified', 'wrong_timing', 'no_budget', 'chose_competitor', 'duplicate', 'bad_data'],
		);
		const cases: Array<[string, string]> = [
			['not_qualified', 'not_qualified'],
			['Not qualified', 'not_qualified'],
			['Bad timing', 'wrong_timing'],
			['NO BUDGET', 'no_budget'],
			['Went with a competitor', 'chose_competitor'],
			['dupe', 'duplicate'],
			['Wrong number', 'bad_data'],
		];
		for (const [given, reason] of cases) assert.deepEqual(resolveReason(dispositions, rejected, given), { reason }, given);
		assert.deepEqual(resolveReason(dispositions, rejected, 'Only wanted the free ebook'), { reason: 'other', reasonText: 'Only wanted the free ebook' });
		assert.equal(resolveReason(dispositions, rejected, undefined), undefined, 'a reason is optional by default');
		assert.equal(reasonLabel(rejected, 'chose_competitor'), 'Chose a competitor');
		assert.equal(reasonLabel(rejected, 'other', 'Only wanted the free ebook'), 'Only wanted the free ebook');
	});

	it('every code is found by its code, its label or an alias, whatever the case and punctuation', () => {
		const names: Array<[string, string]> = [
			['accepted', 'accepted'],
			['Sales Accepted', 'accepted'],
			['SAL', 'accepted'],
			['rejected', 'rejected'],
			['Disqualified', 'rejected'],
			['contacted', 'contacted'],
			['Attempted to contact', 'contacted'],
			['meeting_booked', 'meeting_booked'],
			['Meeting booked', 'meeting_booked'],
			['demo-booked', 'meeting_booked'],
			['opportunity', 'opportunity'],
			['SQL', 'opportunity'],
			['won', 'won'],
			['Closed Won', 'won'],
			['closed_won', 'won'],
			['lost', 'lost'],
			['Closed - Lost', 'lost'],
			['reopened', 'reopened'],
		];
		for (const [name, code] of names) assert.equal(dispositions.find(name)?.code, code, name);
		assert.equal(dispositions.find('maybe later'), undefined);
	});

	it('stop the SLA clock as the SLA timer expects: acceptance acknowledges, a touch (or anything after one) is the first contact, a rejection cancels', () => {
		const effects = Object.fromEntries(DEFAULT_CODES.map((c) => [c.code, slaEffect(c.stage)]));
		assert.deepEqual(effects, {
			accepted: 'accept',
			rejected: 'cancel',
			contacted: 'contact',
			meeting_booked: 'contact',
			opportunity: 'contact',
			won: 'contact',
			lost: 'contact',
			reopened: undefined,
		});
	});

	it('become outcome events: each code with what it carries', () => {
		const event = (input: Record<string, unknown>) => plainEvent(dispositions, { occurredAt: '2026-03-10T11:00:00Z', ...input }, context);
		const at = Date.parse('2026-03-10T11:00:00Z');
		assert.deepEqual(event({ eventId: 'e1', disposition: 'accepted' }), { id: 'plain:e1', at, source: 'plain', code: 'accepted', stage: 'accepted' });
		assert.deepEqual(event({ eventId: 'e2', disposition: 'rejected', reason: 'no budget' }), { id: 'plain:e2', at, source: 'plain', code: 'rejected', stage: 'rejected', reason: 'no_budget' });
		assert.deepEqual(event({ eventId: 'e3', disposition: 'contacted' }).stage, 'contacted');
		assert.deepEqual(event({ eventId: 'e4', disposition: 'Meeting booked' }).stage, 'meeting');
		assert.deepEqual(event({ eventId: 'e5', disposition: 'opportunity' }).stage, 'opportunity');
		assert.deepEqual(event({ eventId: 'e6', disposition: 'won', amount: 24500, currency: 'eur' }), { id: 'plain:e6', at, source: 'plain', code: 'won', stage: 'won', amount: 24500, currency: 'EUR' });
		assert.deepEqual(event({ eventId: 'e7', disposition: 'lost', reason: 'Too expensive' }), { id: 'plain:e7', at, source: 'plain', code: 'lost', stage: 'lost', reason: 'price' });
		assert.deepEqual(event({ eventId: 'e8', disposition: 'reopened' }).stage, 'open');
	});

	it('refuse what a code does not carry, naming the field and what was expected', () => {
		const error = leadError(() => plainEvent(dispositions, { disposition: 'accepted', amount: 100 }, context));
		assert.equal(error.field, 'amount');
		assert.match(error.message, /"Accepted" carries none/);
		const unknown = leadError(() => plainEvent(dispositions, { disposition: 'maybe later' }, context));
		assert.equal(unknown.field, 'disposition');
		assert.match(unknown.message, /one of the disposition codes: accepted, rejected, contacted, meeting_booked, opportunity, won, lost, reopened, got a text of 11 characters/);
		const reason = leadError(() => plainEvent(dispositions, { disposition: 'rejected', reason: 42 }, context));
		assert.equal(reason.field, 'reason');
	});
});

describe('amounts', () => {
	it('are numbers, or texts of digits with a decimal point, thousands separators and a currency around them', () => {
		for (const [given, amount] of [
			[24500, 24500],
			['24500', 24500],
			['24500.50', 24500.5],
			['24,500.50', 24500.5],
			['$24,500', 24500],
			['24500 EUR', 24500],
			['€ 900', 900],
			[0, 0],
		] as Array<[unknown, number]>) {
			assert.equal(parseAmount(given), amount, String(given));
		}
		assert.equal(parseAmount(''), undefined);
		assert.equal(parseAmount(null), undefined);
	});

	it('refuse negative, ambiguous and non-numbers', () => {
		for (const bad of [-5, '24.500,50', 'lots', Number.NaN, true, '1,50']) {
			const error = leadError(() => parseAmount(bad));
			assert.equal(error.field, 'Amount');
		}
	});
});

describe('configured disposition codes', () => {
	it('add codes of their own and replace defaults by code', () => {
		const dispositions = compileDispositions({
			codes: [
				{ code: 'demo_held', label: 'Demo held', stage: 'meeting', meaning: 'The product demo took place', aliases: ['Demo done'] },
				{
					code: 'rejected',
					label: 'Sent back to marketing',
					stage: 'rejected',
					reasons: [
						{ code: 'student', label: 'Student', aliases: ['Learner'] },
						{ code: 'no_budget', label: 'No budget' },
					],
					customReason: false,
					requireReason: true,
				},
			],
		});
		assert.equal(dispositions.find('Demo done')?.code, 'demo_held');
		assert.equal(dispositions.find('meeting booked')?.code, 'meeting_booked', 'the defaults stay');
		const rejected = dispositions.find('rejected')!;
		assert.equal(rejected.label, 'Sent back to marketing');
		assert.deepEqual(resolveReason(dispositions, rejected, 'learner'), { reason: 'student' });
		const own = leadError(() => resolveReason(dispositions, rejected, 'Chose a competitor'));
		assert.match(own.message, /one of the reasons of "Sent back to marketing": student \(Student\), no_budget \(No budget\)/);
		const missing = leadError(() => resolveReason(dispositions, rejected, ''));
		assert.match(missing.message, /a reason for "Sent back to marketing"/);
	});

	it('can leave the defaults out, and a required amount is required', () => {
		const dispositions = compileDispositions({
			includeDefaults: false,
			codes: [
				{ code: 'sal', label: 'SAL', stage: 'accepted' },
				{ code: 'closed_won', label: 'Closed won', stage: 'won', amount: 'required' },
			],
		});
		assert.deepEqual(
			dispositions.codes.map((c) => c.code),
			['sal', 'closed_won'],
		);
		assert.equal(dispositions.forStage('rejected'), undefined);
		const error = leadError(() => plainEvent(dispositions, { disposition: 'closed won' }, context));
		assert.equal(error.field, 'amount');
		assert.equal(plainEvent(dispositions, { disposition: 'closed won', amount: 10 }, context).amount, 10);
	});

	it('a code of their own may take over a default alias', () => {
		const dispositions = compileDispositions({ codes: [{ code: 'working', label: 'Working', stage: 'contacted' }] });
		assert.equal(dispositions.find('working')?.code, 'working');
		assert.equal(dispositions.find('SAL')?.code, 'accepted');
	});

	it('are validated with errors that name the JSON path', () => {
		const cases: Array<[unknown, string, RegExp]> = [
			[{ codes: [{ code: 'Demo Held', label: 'Demo', stage: 'meeting' }] }, '/codes/0/code', /must match pattern/],
			[{ codes: [{ code: 'demo', label: 'Demo', stage: 'demo' }] }, '/codes/0/stage', /must be one of "accepted", "contacted"/],
			[{ codes: [{ code: 'demo', stage: 'meeting' }] }, '/codes/0', /must have required property 'label'/],
			[{ codes: [{ code: 'demo', label: 'Demo', stage: 'meeting', colour: 'red' }] }, '/codes/0', /unknown property "colour"/],
			[{ codes: [{ code: 'a', label: 'A', stage: 'accepted' }, { code: 'a', label: 'B', stage: 'contacted' }] }, '/codes/1/code', /code "a" is defined twice \(also at \/codes\/0\)/],
			[{ codes: [{ code: 'a', label: 'Demo', stage: 'meeting' }, { code: 'b', label: 'demo', stage: 'meeting' }] }, '/codes/1', /"demo" names both code "a" and code "b"/],
			[{ codes: [{ code: 'demo', label: 'Demo', stage: 'meeting', reasons: [{ code: 'x', label: 'X' }] }] }, '/codes/0/reasons', /reasons belong to codes that close the outcome/],
			[{ codes: [{ code: 'nope', label: 'Nope', stage: 'rejected', reasons: [{ code: 'x', label: 'X' }, { code: 'x', label: 'Y' }] }] }, '/codes/0/reasons/1/code', /reason "x" is defined twice/],
			[{ codes: [{ code: 'nope', label: 'Nope', stage: 'rejected', reasons: [{ code: 'x', label: 'X' }, { code: 'y', label: 'x' }] }] }, '/codes/0/reasons', /"x" names both reason "x" and reason "y"/],
			[{ codes: [{ code: 'demo', label: 'Demo', stage: 'meeting', amount: 'required' }] }, '/codes/0/amount', /an amount belongs to codes of stage won, lost or opportunity/],
			[{ codes: [{ code: 'nope', label: 'Nope', stage: 'rejected', requireReason: true, customReason: false }] }, '/codes/0/requireReason', /a reason is required but the code has no reasons/],
			[{ includeDefaults: false }, '/codes', /there is no disposition code/],
			[{ hubspot: { leadStatus: { UNQUALIFIED: 42 } } }, '/hubspot/leadStatus/UNQUALIFIED', /must/],
			[{ pipedrive: { personField: 'Status' } }, '/pipedrive/personField', /must match pattern/],
			[{ salesforce: { organizationId: '12345' } }, '/salesforce/organizationId', /must match pattern/],
		];
		for (const [input, path, message] of cases) {
			const error = protocolError(() => compileDispositions(input));
			assert.equal(error.path, path, JSON.stringify(input));
			assert.match(error.message, message, JSON.stringify(input));
		}
	});
});
