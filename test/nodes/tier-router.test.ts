/**
 * The Tier Router node in n8n-core's engine with the real embedded store: one output per tier,
 * owners by named account, rule and round-robin across executions, due times in business hours,
 * the tables against JSON, and bad input.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { closeAllStores } from '../../nodes/store';
import { editorRowsToRouting, tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { configuredOutputs, DEFAULT_TIER_NAMES } from '../../nodes/TierRouter/description';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode } from '../helpers/n8n-runner';
import { score } from '../engine/gate/helpers';

const router = new TierRouter();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-router-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

/** Friday 13 March 2026, 17:30 in Berlin: after hours in a 9-18 calendar. */
const FRIDAY_1730 = '2026-03-13T16:30:00.000Z';
/** Monday 16 March 2026, 11:00 in Berlin. */
const MONDAY_11 = '2026-03-16T10:00:00.000Z';

const tables = {
	rulesSource: 'editor',
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: {
		rep: [
			{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA', timeZone: 'Europe/Berlin' },
			{ id: '102', name: 'Ben Okafor', email: 'ben@example.com', slackId: 'U0BEN', timeZone: 'Europe/Berlin' },
			{ id: '201', name: 'Cy Park', email: 'cy@example.com', timeZone: 'America/New_York', workingHours: '09:00-17:00' },
			{ id: '900', name: 'Key Accounts', email: 'kam@example.com' },
		],
	},
	teams: {
		team: [
			{ id: 'emea', name: 'EMEA', members: '101, 102', strategy: 'roundRobin', outsideHours: 'allow' },
			{ id: 'na', name: 'North America', members: '201', strategy: 'roundRobin', outsideHours: 'skip', fallbackQueue: 'NA overflow' },
		],
	},
	assignmentRules: { rule: [{ name: 'North America', team: 'na', countries: 'US, CA' }] },
	namedAccounts: { account: [{ domain: 'globex.com', owner: '900' }] },
	settings: { calendarZone: 'Europe/Berlin', workingHours: '09:00-18:00' },
};

const params = tables as unknown as INodeParameters;

/** Leads as Lead Score leaves them (score as of `at`). */
const lead = (email: string, total: number, at: string, extra: IDataObject = {}) => ({ email, ...extra, score: score({ total, asOf: at }) as unknown as IDataObject });

type Routing = { tier: string; ownerId: string | null; owner: { name?: string; slackId?: string } | null; queue: string | null; dueAt: string | null; dueAtLocal: string | null; assignedVia?: string; assignedAt?: string; duplicate?: boolean };
const routing = (item: INodeExecutionData) => item.json.routing as Routing;

describe('Tier Router node', () => {
	it('one output per tier, named like the tiers, in either mode, then Not Routed', async () => {
		const names = (parameters: IDataObject) => (configuredOutputs(parameters as INodeParameters, DEFAULT_TIER_NAMES) as Array<{ displayName: string }>).map((o) => o.displayName);
		assert.deepEqual(names(params as IDataObject), ['Hot', 'Warm', 'MQL', 'Nurture']);
		const rulesJson = JSON.stringify({ tiers: [{ name: 'Enterprise', when: { score: 'fit', atLeast: 30 }, sla: { hours: 4, basis: 'business' } }, { name: 'Everyone else', sla: null, assign: false }] });
		assert.deepEqual(names({ rulesSource: 'json', rulesJson }), ['Enterprise', 'Everyone else']);
		// n8n computes the outputs from the expression: the run has exactly these outputs.
		const { outputs } = await runNode({ node: router, parameters: { rulesSource: 'json', rulesJson }, items: [lead('a@b.de', 10, MONDAY_11)], credentials: freshStore() });
		assert.deepEqual(outputs.map((o) => o.length), [0, 1, 0]);
		assert.equal((outputs[1][0].json.routing as Routing).tier, 'Everyone else');
	});

	it('routes each lead to its tier with an owner and a due time in business hours', async () => {
		const credentials = freshStore();
		const items = [
			lead('dana@globex.com', 85, FRIDAY_1730),
			lead('eve@initech.de', 65, FRIDAY_1730, { country: 'DE' }),
			lead('fay@hooli.com', 55, FRIDAY_1730, { country: 'US' }),
			lead('gus@tiny.io', 20, FRIDAY_1730),
		];
		const { outputs, error } = await runNode({ node: router, parameters: params, items, credentials, timezone: 'Europe/Berlin' });
		assert.equal(error, undefined, error?.message);
		const [hot, warm, mql, nurture] = outputs;
		assert.deepEqual([hot, warm, mql, nurture].map((o) => o.map((i) => i.json.email)), [['dana@globex.com'], ['eve@initech.de'], ['fay@hooli.com'], ['gus@tiny.io']]);
		// Hot: 1 business hour from Friday 17:30 is Monday 09:30 in a 9-18 Berlin calendar.
		assert.equal(routing(hot[0]).dueAt, '2026-03-16T08:30:00.000Z');
		assert.equal(routing(hot[0]).dueAtLocal, 'Mon 16 Mar 2026 09:30 (Europe/Berlin)');
		assert.deepEqual([routing(hot[0]).ownerId, routing(hot[0]).assignedVia, routing(hot[0]).owner?.name], ['900', 'namedAccount', 'Key Accounts']);
		assert.deepEqual([routing(warm[0]).ownerId, routing(warm[0]).owner?.slackId, routing(warm[0]).dueAt], ['101', 'U0ANA', '2026-03-14T16:30:00.000Z']);
		// North America at 12:30 New York time on a Friday: Cy works; MQL, acknowledged within 48 hours.
		assert.deepEqual([routing(mql[0]).ownerId, routing(mql[0]).dueAt], ['201', '2026-03-15T16:30:00.000Z']);
		assert.deepEqual([routing(nurture[0]).ownerId, routing(nurture[0]).dueAt], [undefined, null], 'nurture gets no owner and no due time');
		outputs.flat().forEach((item) => assert.ok(item.pairedItem));
	});

	it('a lead that asked for a demo gets the auto-reply promising its owner by the SLA due time; a lead that did not gets none', async () => {
		const items = [
			lead('dana@initech.de', 40, MONDAY_11, { firstName: 'Dana', activities: [{ type: 'demo_request', timestamp: '2026-03-16T09:55:00.000Z' }] }),
			lead('eve@initech.de', 85, MONDAY_11),
		];
		const { outputs, error } = await runNode({ node: router, parameters: params, items, credentials: freshStore(), timezone: 'Europe/Berlin' });
		assert.equal(error, undefined, error?.message);
		const [dana, eve] = outputs[0];
		const reply = dana.json.routing as Routing & { autoReply: { request: string; promisedBy: string; replyTo: string; text: string } };
		assert.deepEqual([reply.autoReply.request, reply.autoReply.promisedBy, reply.autoReply.replyTo], ['demo_request', reply.dueAt, 'ana@example.com']);
		assert.match(reply.autoReply.text, /^Hi Dana,\n\nThank you for asking for a demo\. Ana Ruiz from our sales team will be in touch with you by Monday 16 March 2026 at 12:00 \(Europe\/Berlin\)\./);
		assert.equal((eve.json.routing as IDataObject).autoReply, null);
	});

	it('round-robin carries across executions; a redelivered event keeps its owner and leaves on Not Routed, so no rep is told twice', async () => {
		const credentials = freshStore();
		const run = (items: IDataObject[]) => runNode({ node: router, parameters: params, items, credentials, timezone: 'Europe/Berlin' });
		const owners: Array<string | null> = [];
		const first: Routing[] = [];
		for (const email of ['l1@x.de', 'l2@x.de', 'l3@x.de']) first.push(routing((await run([lead(email, 65, MONDAY_11)])).outputs[1][0]));
		owners.push(...first.map((r) => r.ownerId));
		assert.deepEqual(owners, ['101', '102', '101']);
		const { outputs } = await run([lead('l2@x.de', 65, MONDAY_11)]);
		assert.deepEqual(outputs.map((o) => o.length), [0, 0, 0, 0, 1], 'on no tier');
		const again = routing(outputs[4][0]);
		assert.deepEqual([again.tier, again.ownerId, again.duplicate, again.assignedAt], ['Warm', '102', true, first[1].assignedAt]);
		assert.equal(routing((await run([lead('l4@x.de', 65, MONDAY_11)])).outputs[1][0]).ownerId, '102', 'the redelivery used no turn');
	});

	it('version 1 keeps one output per tier: a redelivered event leaves on its tier, marked duplicate', async () => {
		const credentials = freshStore();
		const run = (items: IDataObject[]) => runNode({ node: router, typeVersion: 1, parameters: params, items, credentials, timezone: 'Europe/Berlin' });
		await run([lead('l1@x.de', 65, MONDAY_11)]);
		const { outputs } = await run([lead('l1@x.de', 65, MONDAY_11)]);
		assert.equal(outputs.length, 4);
		assert.deepEqual([routing(outputs[1][0]).ownerId, routing(outputs[1][0]).duplicate], ['101', true]);
	});

	it('nobody available: the team fallback queue, with the reason', async () => {
		// Saturday in New York: Cy is outside his hours.
		const { outputs } = await runNode({ node: router, parameters: params, items: [lead('us@x.com', 65, '2026-03-14T16:00:00Z', { country: 'US' })], credentials: freshStore(), timezone: 'Europe/Berlin' });
		const r = outputs[1][0].json.routing as Routing & { assignmentReasons: string[]; skipped: Array<{ repId: string; reason: string }> };
		assert.deepEqual([r.ownerId, r.queue], [null, 'NA overflow']);
		assert.match(r.skipped[0].reason, /^outside working hours \(Sat 12:00 in America\/New_York\)$/);
	});

	it('the tables and the same routing as JSON give the same tiers, owners and due times', async () => {
		const json = editorRowsToRouting({
			tiers: tables.tiers.tier,
			roster: tables.roster.rep,
			teams: tables.teams.team as never,
			rules: tables.assignmentRules.rule,
			namedAccounts: tables.namedAccounts.account,
			settings: tables.settings,
		});
		const items = [lead('dana@globex.com', 85, FRIDAY_1730), lead('eve@initech.de', 65, FRIDAY_1730), lead('fay@hooli.com', 55, FRIDAY_1730, { country: 'US' })];
		const a = await runNode({ node: router, parameters: params, items, credentials: freshStore(), timezone: 'Europe/Berlin' });
		const b = await runNode({ node: router, parameters: { rulesSource: 'json', rulesJson: JSON.stringify(json) }, items, credentials: freshStore(), timezone: 'Europe/Berlin' });
		const view = (outputs: INodeExecutionData[][]) => outputs.map((o) => o.map((i) => ({ ...routing(i), assignedAt: undefined })));
		assert.deepEqual(view(a.outputs), view(b.outputs));
	});

	it('Keep SLA in One Working Period: 1 business hour from Friday 17:30 is due Monday 10:00', async () => {
		const parameters = { ...tables, settings: { ...tables.settings, keepSlaInOnePeriod: true } } as unknown as INodeParameters;
		const { outputs } = await runNode({ node: router, parameters, items: [lead('dana@globex.com', 85, FRIDAY_1730)], credentials: freshStore(), timezone: 'Europe/Berlin' });
		assert.equal(routing(outputs[0][0]).dueAtLocal, 'Mon 16 Mar 2026 10:00 (Europe/Berlin)');
	});

	describe('bad input', () => {
		it('a team member missing from the roster fails before any item, naming the JSON path', async () => {
			const rulesJson = JSON.stringify({ assignment: { roster: [{ id: '1' }], teams: [{ id: 't', members: ['1', '2'] }] } });
			const { error, outputs } = await runNode({ node: router, parameters: { rulesSource: 'json', rulesJson }, items: [lead('a@b.de', 90, MONDAY_11)], credentials: freshStore() });
			assert.match(error?.message ?? '', /\/assignment\/teams\/0\/members\/1: "2" is not in the roster/);
			assert.equal(outputs.flat().length, 0);
		});

		it('a table row with bad hours names the row', async () => {
			const roster = { rep: [{ id: '101', workingHours: '9 to 5' }] };
			const { error } = await runNode({ node: router, parameters: { ...params, roster } as unknown as INodeParameters, items: [lead('a@b.de', 90, MONDAY_11)], credentials: freshStore() });
			assert.match(error?.message ?? '', /Rep 1 \(101\) › Working Hours: write hours as start-end, e.g. "09:00-17:00", got "9 to 5"/);
		});

		it('a lead without a score goes to the error output, the others carry on', async () => {
			const items = [{ email: 'x@y.com' }, lead('a@b.de', 90, MONDAY_11)];
			const { outputs } = await runNode({ node: router, parameters: params, items, credentials: freshStore(), onError: 'continueErrorOutput', timezone: 'Europe/Berlin' });
			assert.equal(outputs.length, 6, 'four tiers, Not Routed and the error output');
			assert.deepEqual(outputs[5].map((i) => i.pairedItem), [{ item: 0 }]);
			assert.match(String(outputs[5][0].json.error), /Item 0: Field "score": expected the Lead Score result/);
			assert.deepEqual(outputs[0].map((i) => i.pairedItem), [{ item: 1 }]);
		});

		it('under Continue (regular output) a failed lead leaves on Not Routed (version 1: the last tier without owner and due time), never on Hot', async () => {
			const items = [{ email: 'x@y.com' }, lead('a@b.de', 90, MONDAY_11)];
			const v2 = await runNode({ node: router, parameters: params, items, credentials: freshStore(), onError: 'continueRegularOutput', timezone: 'Europe/Berlin' });
			assert.deepEqual(v2.outputs.map((o) => o.map((i) => i.pairedItem)), [[{ item: 1 }], [], [], [], [{ item: 0 }]]);
			assert.match(String(v2.outputs[4][0].json.error), /^Item 0: Field "score"/);
			assert.deepEqual(v2.outputs[4][0].json.details, { item: 0, field: 'score', expected: 'the Lead Score result (put a Lead Score node before this one)' });
			const v1 = await runNode({ node: router, typeVersion: 1, parameters: params, items, credentials: freshStore(), onError: 'continueRegularOutput', timezone: 'Europe/Berlin' });
			assert.deepEqual(v1.outputs.map((o) => o.map((i) => i.pairedItem)), [[{ item: 1 }], [], [], [{ item: 0 }]], 'Nurture');
			// Tiers that all give an owner: version 1 has no quiet tier, so the last one.
			const rulesJson = JSON.stringify({ tiers: [{ name: 'Enterprise', when: { score: 'fit', atLeast: 30 }, sla: { hours: 4, basis: 'business' } }, { name: 'Everyone else', sla: { hours: 48, basis: 'calendar' } }], assignment: { fallback: { queue: 'Inbox' } } });
			const allAssign = (typeVersion: number) => runNode({ node: router, typeVersion, parameters: { rulesSource: 'json', rulesJson }, items, credentials: freshStore(), onError: 'continueRegularOutput' });
			assert.deepEqual((await allAssign(2)).outputs.map((o) => o.length), [0, 1, 1]);
			assert.deepEqual((await allAssign(2)).outputs[2].map((i) => i.pairedItem), [{ item: 0 }]);
			assert.deepEqual((await allAssign(1)).outputs.map((o) => o.length), [0, 2]);
		});

		it('under Continue (regular output) an invalid routing sends every item to Not Routed with the error', async () => {
			const rulesJson = JSON.stringify({ assignment: { roster: [{ id: '1' }], teams: [{ id: 't', members: ['1', '2'] }] } });
			const { error, outputs } = await runNode({ node: router, parameters: { rulesSource: 'json', rulesJson }, items: [lead('a@b.de', 90, MONDAY_11), lead('c@d.de', 10, MONDAY_11)], credentials: freshStore(), onError: 'continueRegularOutput' });
			assert.equal(error, undefined);
			assert.deepEqual(outputs.map((o) => o.length), [0, 0, 0, 0, 2]);
			assert.match(String(outputs[4][0].json.error), /^Invalid protocol: .*\/assignment\/teams\/0\/members\/1/);
		});
	});
});
