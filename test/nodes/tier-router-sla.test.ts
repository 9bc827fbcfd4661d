/**
 * Tier Router starts each assigned hand-off's SLA timer in the same transaction as the
 * assignment (Start SLA Timer, on by default): with the tier's SLA, the router's calendar, the
 * escalation ladder (table or JSON) and the routing a reassignment needs; once per hand-off; and
 * a test run from the editor keeps no timer, as it keeps no assignment.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import type { SlaPolicy, SlaTimer } from '../../nodes/engine/sla';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../nodes/store';
import { editorRowsToRouting, tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode } from '../helpers/n8n-runner';
import { score } from '../engine/gate/helpers';
import { tableCounts } from '../store/tableCounts';

const router = new TierRouter();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-router-sla-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

/** Monday 16 March 2026, 11:00 in Berlin. */
const MONDAY_11 = '2026-03-16T10:00:00.000Z';

const tables = {
	rulesSource: 'editor',
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: {
		rep: [
			{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA', phone: '+49 30 101', timeZone: 'Europe/Berlin' },
			{ id: '102', name: 'Ben Okafor', email: 'ben@example.com', timeZone: 'Europe/Berlin' },
			{ id: '104', name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA', active: false },
		],
	},
	teams: { team: [{ id: 'emea', name: 'EMEA', members: '101, 102', strategy: 'roundRobin', outsideHours: 'allow', manager: '104' }] },
	settings: { calendarZone: 'Europe/Berlin', workingHours: '09:00-18:00' },
};
const params = tables as unknown as INodeParameters;

const lead = (email: string, total: number, extra: IDataObject = {}) => ({
	email,
	firstName: 'Dana',
	lastName: 'Scully',
	company: 'Globex',
	...extra,
	score: score({ total, asOf: MONDAY_11 }) as unknown as IDataObject,
});

type SlaOut = { status: string; note: string; handoffKey?: string; timerStatus?: string; dueAt?: string; dueAtLocal?: string; stages?: Array<{ stage: string; dueAt: string }>; test?: boolean };
const slaOf = (item: INodeExecutionData) => (item.json.routing as { slaTimer: SlaOut }).slaTimer;
const stages = (out: SlaOut) => Object.fromEntries((out.stages ?? []).map((s) => [s.stage, s.dueAt]));

async function stored(credentials: ReturnType<typeof freshStore>, handoffKey: string) {
	const lease = await openStore(storeConfigFromCredential(credentials.leadHandoffStoreApi));
	try {
		return await lease.store.getSlaTimer<SlaTimer>('default', handoffKey);
	} finally {
		lease.release();
	}
}

const run = (parameters: INodeParameters, items: IDataObject[], credentials: ReturnType<typeof freshStore>, mode?: WorkflowExecuteMode, typeVersion?: number) =>
	runNode({ node: router, parameters, items, credentials, timezone: 'Europe/Berlin', ...(mode ? { mode } : {}), ...(typeVersion ? { typeVersion } : {}) });

describe('Tier Router starts SLA timers', () => {
	it('an assigned hot lead starts its timer with the assignment: due as routed, the default ladder, the owner, the manager and the routing kept', async () => {
		const credentials = freshStore();
		const { outputs, error } = await run(params, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials);
		assert.equal(error, undefined, error?.message);
		const item = outputs[0][0];
		const routing = item.json.routing as { dueAt: string; ownerId: string };
		const sla = slaOf(item);
		assert.equal(sla.status, 'started');
		assert.match(sla.note, /^Started: 1 h of business time to a first contact, due 2026-03-16 12:00 \(Europe\/Berlin\)$/);
		assert.equal(sla.timerStatus, 'open');
		assert.equal(sla.dueAt, routing.dueAt, 'the timer is due when the router said');
		assert.equal(sla.dueAtLocal, 'Mon 16 Mar 2026 12:00 (Europe/Berlin)');
		assert.deepEqual(stages(sla), { reminder: '2026-03-16T10:30:00.000Z', manager: '2026-03-16T11:00:00.000Z', reassign: '2026-03-16T12:00:00.000Z' });

		const found = await stored(credentials, sla.handoffKey!);
		assert.ok(found, 'the timer is in the store under the hand-off key shown');
		assert.deepEqual([found.timer.ownerId, found.timer.team, found.timer.tier, found.timer.leadKey], [routing.ownerId, 'emea', 'Hot', 'dana@globex.com']);
		assert.deepEqual(found.timer.details, {
			lead: { name: 'Dana Scully', company: 'Globex', email: 'dana@globex.com' },
			owner: { id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA', phone: '+49 30 101' },
			manager: { id: '104', name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA' },
		});
		const policy = found.policy as unknown as SlaPolicy;
		assert.deepEqual(policy.sla, { minutes: 60, basis: 'business', action: 'contact' });
		assert.equal(policy.calendar.zone, 'Europe/Berlin');
		assert.deepEqual(policy.routing?.teams?.map((t) => [t.id, t.members, t.manager]), [['emea', ['101', '102'], '104']], 'a reassignment can route through the same team');
		assert.deepEqual(policy.routing?.roster?.map((r) => r.id), ['101', '102', '104']);
	});

	it('a redelivered event starts nothing and shows the first timer; the next event of the lead supersedes it', async () => {
		const credentials = freshStore();
		const first = slaOf((await run(params, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials)).outputs[0][0]);
		const again = await run(params, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials);
		assert.deepEqual(again.outputs.map((o) => o.length), [0, 0, 0, 0, 1], 'Not Routed');
		const duplicate = slaOf(again.outputs[4][0]);
		assert.equal(duplicate.status, 'duplicate');
		assert.match(duplicate.note, /has its timer already \(started Mon 16 Mar 2026 11:00 \(Europe\/Berlin\)\); nothing changed/);
		assert.deepEqual([duplicate.handoffKey, duplicate.dueAt], [first.handoffKey, first.dueAt]);
		const next = slaOf((await run(params, [lead('dana@globex.com', 90, { eventId: 'evt-2' })], credentials)).outputs[0][0]);
		assert.equal(next.status, 'started');
		assert.equal((await stored(credentials, first.handoffKey!))?.timer.status, 'cancelled', 'one running timer per lead');
	});

	it('a test run from the editor shows the timer, marked as a test, and keeps neither it nor the assignment; Record Test Runs keeps both', async () => {
		const credentials = freshStore();
		const folder = { kind: 'embedded' as const, folder: credentials.leadHandoffStoreApi.folder };
		await run(params, [lead('earlier@globex.com', 90, { eventId: 'evt-0' })], credentials);
		const before = await tableCounts(folder);
		assert.equal(before.sla_timers, 1);
		const test = await run(params, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials, 'manual');
		const sla = slaOf(test.outputs[0][0]);
		assert.equal(sla.status, 'started');
		assert.equal((test.outputs[0][0].json.routing as { test?: boolean }).test, true);
		assert.equal(await stored(credentials, sla.handoffKey!), undefined, 'no timer kept');
		assert.deepEqual(await tableCounts(folder), before, 'nothing else either: no policy, no assignment, no load');
		const retried = slaOf((await run(params, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials, 'manual')).outputs[0][0]);
		assert.equal(retried.status, 'started', 'the same test again starts it again');

		const recorded = await run({ ...params, options: { recordTestRuns: true } } as unknown as INodeParameters, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials, 'manual');
		assert.equal(slaOf(recorded.outputs[0][0]).status, 'started');
		assert.equal((await stored(credentials, sla.handoffKey!))?.timer.status, 'open');
	});

	it('a tier without an SLA starts nothing, and says so; Start SLA Timer off starts nothing either', async () => {
		const credentials = freshStore();
		const rulesJson = JSON.stringify({
			calendar: { zone: 'Europe/Berlin' },
			tiers: [{ name: 'Partners', when: { field: 'partner', operator: 'equals', value: true }, sla: null }, ...DEFAULT_TIERS],
			assignment: { roster: [{ id: '101' }, { id: '102' }], teams: [{ id: 'emea', members: ['101', '102'], outsideHours: 'allow' }] },
		});
		const json = { rulesSource: 'json', rulesJson } as INodeParameters;
		const partner = slaOf((await run(json, [lead('pat@partner.io', 10, { partner: true, eventId: 'p-1' })], credentials)).outputs[0][0]);
		assert.deepEqual(partner, { status: 'notStarted', note: 'The tier "Partners" has no SLA', handoffKey: partner.handoffKey });
		assert.match(partner.handoffKey ?? '', /^h:[0-9a-f]{32}$/, 'the hand-off key, for a timer started later');
		const off = await run({ ...json, options: { startSlaTimer: false } }, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials);
		const offSla = slaOf(off.outputs[1][0]);
		assert.deepEqual([offSla.status, offSla.note], ['notStarted', 'Start SLA Timer is off in the Options']);
		assert.equal((await tableCounts({ kind: 'embedded', folder: credentials.leadHandoffStoreApi.folder })).sla_timers, 0);
		const nurture = await run(params, [lead('gus@tiny.io', 10)], credentials);
		assert.equal((nurture.outputs[3][0].json.routing as IDataObject).slaTimer, undefined, 'a tier without owners has no timer to speak of');
	});

	it('the Escalation Ladder table and the same ladder as JSON give the same stages', async () => {
		const ladder = {
			stage: [
				{ stage: 'reminder', at: 10, unit: 'minutes' },
				{ tier: 'Hot', stage: 'manager', unit: 'off' },
				{ tier: 'hot', stage: 'reassign', at: 150, unit: 'percent' },
			],
		};
		const withLadder = { ...tables, escalationLadder: ladder } as unknown as INodeParameters;
		const a = slaOf((await run(withLadder, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], freshStore())).outputs[0][0]);
		assert.deepEqual(stages(a), { reminder: '2026-03-16T10:10:00.000Z', reassign: '2026-03-16T11:30:00.000Z' });
		const routing = editorRowsToRouting({ tiers: tables.tiers.tier, roster: tables.roster.rep, teams: tables.teams.team as never, rules: [], namedAccounts: [], settings: tables.settings, ladder: ladder.stage as never });
		assert.deepEqual(routing.escalation, { ladder: { reminder: { minutes: 10 } }, tiers: { Hot: { manager: 'off', reassign: { percent: 150 } } } });
		const b = slaOf((await run({ rulesSource: 'json', rulesJson: JSON.stringify(routing) }, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], freshStore())).outputs[0][0]);
		assert.deepEqual(stages(b), stages(a));
		// A warm lead keeps the default stages, with the shared reminder.
		const warm = slaOf((await run(withLadder, [lead('eve@initech.de', 65, { eventId: 'evt-2' })], freshStore())).outputs[1][0]);
		assert.deepEqual(Object.keys(stages(warm)), ['reminder', 'manager', 'reassign']);
	});

	describe('bad ladders and managers', () => {
		it('a ladder for a tier the router does not have names the tier and the tiers there are', async () => {
			const rulesJson = JSON.stringify({ tiers: DEFAULT_TIERS, escalation: { tiers: { Hott: { reminder: 'off' } } } });
			const { error } = await run({ rulesSource: 'json', rulesJson }, [lead('a@b.de', 90)], freshStore());
			assert.match(error?.message ?? '', /\/escalation\/tiers\/Hott: no tier is named "Hott" \(the tiers are Hot, Warm, MQL, Nurture\)/);
		});

		it('a bad stage in the JSON names its path', async () => {
			const rulesJson = JSON.stringify({ escalation: { ladder: { reminder: { percent: 0 } } } });
			const { error } = await run({ rulesSource: 'json', rulesJson }, [lead('a@b.de', 90)], freshStore());
			assert.match(error?.message ?? '', /\/escalation\/ladder\/reminder/);
		});

		it('a ladder row with no share of the SLA names the row', async () => {
			const parameters = { ...tables, escalationLadder: { stage: [{ tier: 'Hot', stage: 'manager', at: 0, unit: 'percent' }] } } as unknown as INodeParameters;
			const { error } = await run(parameters, [lead('a@b.de', 90)], freshStore());
			assert.match(error?.message ?? '', /Escalation Ladder row 1 \(Hot, Manager Alert\) › At: give a share of the SLA above 0 \(e.g. 50\), got 0/);
		});

		it('a manager given by name and email is kept as a contact; a manager id missing from the roster names the team', async () => {
			const credentials = freshStore();
			const named = { ...tables, teams: { team: [{ ...tables.teams.team[0], manager: 'Sam Hill <sam@example.com>' }] } } as unknown as INodeParameters;
			const sla = slaOf((await run(named, [lead('dana@globex.com', 90, { eventId: 'evt-1' })], credentials)).outputs[0][0]);
			assert.deepEqual((await stored(credentials, sla.handoffKey!))?.timer.details.manager, { name: 'Sam Hill', email: 'sam@example.com' });
			const missing = { ...tables, teams: { team: [{ ...tables.teams.team[0], manager: '999' }] } } as unknown as INodeParameters;
			const { error } = await run(missing, [lead('a@b.de', 90)], freshStore());
			assert.match(error?.message ?? '', /\/assignment\/teams\/0\/manager: "999" is not in the roster/);
		});
	});
});
