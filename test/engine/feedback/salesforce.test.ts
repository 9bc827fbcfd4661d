import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { sanitizeXmlName } from 'n8n-workflow';
import { Parser } from 'xml2js';

import { compileDispositions, compileSalesforce, outcomeOf } from '../../../nodes/engine/feedback';

const read = (name: string) => readFileSync(path.join(__dirname, 'fixtures/salesforce', name), 'utf8');
const context = { receivedAt: Date.parse('2026-04-05T00:00:00Z') };
const salesforce = compileSalesforce(compileDispositions());

/** An outbound message as n8n's Webhook node hands it to the workflow: parsed by n8n's own XML settings. */
async function asN8nParsesIt(xml: string): Promise<unknown> {
	const parser = new Parser({ async: true, normalize: true, normalizeTags: true, explicitArray: false, tagNameProcessors: [sanitizeXmlName], attrNameProcessors: [sanitizeXmlName] });
	return parser.parseStringPromise(xml);
}

describe('the Salesforce preset', () => {
	it('reads an outbound message as n8n parses it: a lead converted to an opportunity, linked to it', async () => {
		const { events, ignored, errors } = salesforce.map(await asN8nParsesIt(read('outbound-lead-converted.xml')), context);
		assert.deepEqual(errors, []);
		assert.deepEqual(ignored, []);
		assert.deepEqual(events, [
			{
				id: 'salesforce:00D5g000004ZyXWEA0:04l5g00000HwB1nAAF',
				at: Date.parse('2026-03-12T15:03:10.000Z'),
				source: 'salesforce',
				record: { system: 'salesforce', type: 'Lead', id: '00Q5g00000LqT7bEAF' },
				actor: '0055g00000Ab1CdAAJ',
				email: 'dana.scully@globex.com',
				asserted: true,
				value: 'Closed - Converted',
				links: [
					{ system: 'salesforce', type: 'Opportunity', id: '0065g00000BfR9xAAF' },
					{ system: 'salesforce', type: 'Contact', id: '0035g00000QkZ3PAAV' },
				],
				code: 'opportunity',
				stage: 'opportunity',
			},
		]);
	});

	it('reads every notification of a message: one opportunity won with its amount, one lost with its reason', async () => {
		const { events } = salesforce.map(await asN8nParsesIt(read('outbound-opportunities-closed.xml')), context);
		assert.deepEqual(
			events.map((e) => [e.id, e.record?.id, e.code, e.amount, e.reason]),
			[
				['salesforce:00D5g000004ZyXWEA0:04l5g00000HwC7rAAF', '0065g00000BfR9xAAF', 'won', 24500, undefined],
				['salesforce:00D5g000004ZyXWEA0:04l5g00000HwC7sAAF', '0065g00000BfS1aAAF', 'lost', 8000, 'price'],
			],
		);
	});

	it('reads the same message from a parser that keeps case and writes attributes as @_ keys', () => {
		const message = {
			'soapenv:Envelope': {
				'soapenv:Body': {
					notifications: {
						OrganizationId: '00D5g000004ZyXWEA0',
						SessionId: { '@_xsi:nil': 'true' },
						Notification: {
							Id: '04l5g00000HwC7rAAF',
							sObject: { '@_xsi:type': 'sf:Opportunity', 'sf:Id': '0065g00000BfR9xAAF', 'sf:StageName': 'Closed Won', 'sf:Amount': '24500.0', 'sf:IsWon': 'true', 'sf:IsClosed': 'true' },
						},
					},
				},
			},
		};
		const { events } = salesforce.map(message, context);
		assert.deepEqual(
			events.map((e) => [e.id, e.code, e.amount, e.at]),
			[['salesforce:00D5g000004ZyXWEA0:04l5g00000HwC7rAAF', 'won', 24500, context.receivedAt]],
		);
	});

	it('reads a Flow HTTP callout: the lead worked (contacted), with its email and time', () => {
		const { events } = salesforce.map(JSON.parse(read('flow-lead-status.json')), context);
		assert.deepEqual(events, [
			{
				id: 'salesforce:00D5g000004ZyXWEA0:2c7f3e1a-18b4-4b8e-9d2a-0b3f6c1e5a77',
				at: Date.parse('2026-03-10T09:12:44.000Z'),
				source: 'salesforce',
				record: { system: 'salesforce', type: 'Lead', id: '00Q5g00000LqT7bEAF' },
				actor: '0055g00000Ab1CdAAJ',
				email: 'dana.scully@globex.com',
				asserted: true,
				value: 'Working - Contacted',
				code: 'contacted',
				stage: 'contacted',
			},
		]);
	});

	it("a flow's list of records: IsClosed and IsWon decide a close whatever the stage is called; other objects are ignored", () => {
		const payload = JSON.parse(read('flow-opportunities.json'));
		const { events, ignored } = salesforce.map(payload, context);
		assert.deepEqual(
			events.map((e) => [e.record?.id, e.code, e.amount, e.currency, e.reason, e.at]),
			[
				['0065g00000BfT4cAAF', 'opportunity', 12000, 'EUR', undefined, Date.parse('2026-03-20T10:00:00Z')],
				['0065g00000BfT4dAAF', 'lost', 5400, 'EUR', 'chose_competitor', Date.parse('2026-03-21T16:45:00Z')],
			],
		);
		assert.match(ignored[0].why, /Account records say nothing about a lead's outcome/);
		// Without an eventId the same flow payload sent again has the same keys.
		assert.deepEqual(
			salesforce.map(JSON.parse(read('flow-opportunities.json')), context).events.map((e) => e.id),
			events.map((e) => e.id),
		);
		payload.records[0].StageName = 'Proposal/Price Quote';
		assert.notEqual(salesforce.map(payload, context).events[0].id, events[0].id, 'another change is another event');
	});

	it('a conversion then the opportunity won: the outcome follows the lead to its close', async () => {
		const lead = salesforce.map(await asN8nParsesIt(read('outbound-lead-converted.xml')), context).events;
		const won = salesforce.map(await asN8nParsesIt(read('outbound-opportunities-closed.xml')), context).events.slice(0, 1);
		const worked = salesforce.map(JSON.parse(read('flow-lead-status.json')), context).events;
		const outcome = outcomeOf([...won, ...lead, ...worked]);
		assert.deepEqual([outcome.stage, outcome.amount], ['won', 24500]);
		assert.deepEqual(Object.keys(outcome.reached).sort(), ['contacted', 'opportunity', 'won']);
	});

	it("maps a team's own lead statuses and stages, and keeps other orgs out", () => {
		const preset = compileSalesforce(
			compileDispositions({
				salesforce: {
					leadStatus: { Unqualified: { code: 'rejected', reason: 'not_qualified' }, 'Working - Contacted': 'accepted' },
					opportunityStage: { 'Demo Scheduled': 'meeting_booked' },
					organizationId: '00D5g000004ZyXW',
				},
			}),
		);
		const lead = (Status: string, organizationId = '00D5g000004ZyXWEA0') => ({ organizationId, record: { attributes: { type: 'Lead' }, Id: '00Q1', Status } });
		assert.deepEqual(preset.map(lead('Unqualified'), context).events.map((e) => [e.code, e.reason]), [['rejected', 'not_qualified']]);
		assert.equal(preset.map(lead('Working - Contacted'), context).events[0].code, 'accepted');
		assert.equal(preset.map({ organizationId: '00D5g000004ZyXWEA0', record: { Id: '0061', StageName: 'Demo Scheduled' } }, context).events[0].code, 'meeting_booked');
		const other = preset.map(lead('Unqualified', '00D000000000001AAA'), context);
		assert.deepEqual(other.events, []);
		assert.match(other.ignored[0].why, /it comes from org 00D000000000001AAA, not 00D5g000004ZyXW/);
		assert.match(salesforce.map(lead('Open - Not Contacted'), context).ignored[0].why, /Lead Status "Open - Not Contacted" is not mapped/);
	});

	it('says what it cannot read', async () => {
		assert.match(salesforce.map('<soapenv:Envelope/>', context).errors[0].message, /the outbound message parsed from XML/);
		const noId = salesforce.map({ record: { Status: 'Working - Contacted' } }, context);
		assert.equal(noId.errors[0].field, 'record.Id');
		const empty = salesforce.map({ 'soapenv:Envelope': { 'soapenv:Body': { notifications: { OrganizationId: '00D5g000004ZyXWEA0' } } } }, context);
		assert.match(empty.errors[0].message, /at least one Notification element/);
	});
});
