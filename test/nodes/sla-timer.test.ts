/**
 * The SLA Timer node in n8n-core's engine with the real embedded store: Start for hand-offs
 * assigned elsewhere (its defaults read from Tier Router's routing), Mark Contacted from a CRM
 * webhook (before or after the start, any number of times, in any order), Accept, Reassign,
 * Cancel and Get; repeats change nothing and say so; test runs keep nothing; bad input names the
 * item and the field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { clock } from '../../nodes/shared/clock';
import { SlaTimer } from '../../nodes/SlaTimer/SlaTimer.node.ts';
import { closeAllStores } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { score } from '../engine/gate/helpers';
import { runNode, runWorkflow, type OnError } from '../helpers/n8n-runner';

const node = new SlaTimer();
const router = new TierRouter();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-sla-timer-'));
let stores = 0;
type Credentials = { leadHandoffStoreApi: { backend: string; folder: string } };
const freshStore = (): Credentials => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

const MINUTE = 60_000;
/** Monday 16 March 2026, 11:00 in Berlin. */
const MONDAY_11 = '2026-03-16T10:00:00.000Z';
const T = Date.parse(MONDAY_11);
const at = (minutes: number) => new Date(T + minutes * MINUTE).toISOString();

const realNow = clock.now;
beforeEach(() => {
	clock.now = () => T + 3 * 60 * MINUTE;
});
afterEach(() => {
	clock.now = realNow;
});
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

type Out = IDataObject & {
	changed?: boolean;
	outcome?: string;
	note?: string;
	status?: string;
	handoffKey?: string;
	dueAt?: string;
	stages?: Array<{ stage: string; dueAt: string }>;
	firstTouchBusinessMinutes?: number | null;
	firstTouchClockMinutes?: number | null;
	metSla?: boolean | null;
	test?: boolean;
};

interface Run {
	parameters: IDataObject;
	items: IDataObject[];
	credentials: Credentials;
	mode?: WorkflowExecuteMode;
	onError?: OnError;
}

async function sla({ parameters, items, credentials, mode, onError }: Run): Promise<{ out: Out[]; items: INodeExecutionData[]; error?: string }> {
	const result = await runNode({ node, parameters: parameters as INodeParameters, items, credentials, timezone: 'Europe/Berlin', ...(mode ? { mode } : {}), ...(onError ? { onError } : {}) });
	const outputs = result.outputs.flat();
	return { out: outputs.map((i) => i.json.slaTimer as Out), items: outputs, error: result.error?.message };
}

const dana = { email: 'Dana@Globex.com', firstName: 'Dana', lastName: 'Scully', company: 'Globex', phone: '+1 555 0100', crmUrl: 'https://crm.example.com/contacts/1001', eventId: 'evt-1' };

/** A hand-off assigned by a CRM's own rotation: 30 business minutes in a 9-17 Berlin week. */
const START: IDataObject = {
	operation: 'start',
	handoffKey: '={{ $json.eventId }}',
	ownerId: '101',
	tier: 'Hot',
	slaMinutes: 30,
	slaBasis: 'business',
	slaAction: 'contact',
	startedAt: MONDAY_11,
	timerSettings: { ownerName: 'Ana Ruiz', ownerEmail: 'ana@example.com', ownerSlackId: 'U0ANA', team: 'emea', manager: 'Mia Chen <mia@example.com>' },
};
const CONTACT = (when: string, by: 'leadKey' | 'handoffKey' = 'leadKey'): IDataObject => ({ operation: 'markContacted', findBy: by, ...(by === 'handoffKey' ? { handoffKey: '={{ $json.eventId }}' } : {}), contactedAt: when });
const GET_ONE: IDataObject = { operation: 'get', getWhat: 'timer', findBy: 'leadKey' };

describe('SLA Timer node', () => {
	it('Start: a timer due in business time, with its stages, lead, owner and manager; starting it again changes nothing and says so', async () => {
		const credentials = freshStore();
		const { out, error } = await sla({ parameters: START, items: [dana], credentials });
		assert.equal(error, undefined, error);
		const [first] = out;
		assert.deepEqual([first.changed, first.outcome, first.status, first.handoffKey, first.leadKey], [true, 'started', 'open', 'evt-1', 'dana@globex.com']);
		assert.match(first.note ?? '', /^Started: 30 min of business time to a first contact, due 2026-03-16 11:30 \(Europe\/Berlin\)$/);
		assert.equal(first.dueAtLocal, 'Mon 16 Mar 2026 11:30 (Europe/Berlin)');
		assert.deepEqual(first.stages?.map((s) => [s.stage, s.dueAt]), [['reminder', at(15)], ['manager', at(30)], ['reassign', at(60)]]);
		assert.deepEqual(first.lead, { name: 'Dana Scully', company: 'Globex', email: 'Dana@Globex.com', phone: '+1 555 0100', crmUrl: 'https://crm.example.com/contacts/1001' });
		assert.deepEqual(first.owner, { id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' });
		assert.deepEqual(first.manager, { name: 'Mia Chen', email: 'mia@example.com' });
		assert.equal(first.team, 'emea');

		const again = (await sla({ parameters: { ...START, ownerId: '102' }, items: [dana], credentials })).out[0];
		assert.deepEqual([again.changed, again.outcome, again.ownerId], [false, 'duplicate', '101']);
		assert.match(again.note ?? '', /^The hand-off "evt-1" has its timer already \(started Mon 16 Mar 2026 11:00 \(Europe\/Berlin\)\); nothing changed$/);
	});

	it("Start after Tier Router (its own timer off) takes the owner, team, tier, SLA, start time and hand-off key from the item's routing", async () => {
		const credentials = freshStore();
		const routing = {
			rulesSource: 'editor',
			tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
			roster: { rep: [{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' }, { id: '102', name: 'Ben Okafor' }] },
			teams: { team: [{ id: 'emea', members: '101, 102', outsideHours: 'allow' }] },
			settings: { calendarZone: 'Europe/Berlin', workingHours: '09:00-18:00' },
			options: { startSlaTimer: false },
		};
		const lead = { ...dana, score: score({ total: 90, asOf: MONDAY_11 }) as unknown as IDataObject };
		const run = await runWorkflow({
			nodes: [
				{ node: router, parameters: routing as unknown as INodeParameters },
				{ node, parameters: { operation: 'start', timerSettings: { workingHours: '09:00-18:00' } } },
				// The default Hand-Off Key reads routing.slaTimer.handoffKey.
				{ node, name: 'Mark Contacted', parameters: { operation: 'markContacted', findBy: 'handoffKey', contactedAt: at(25) } },
			],
			connections: [
				{ from: 'Tier Router', to: 'SLA Timer', output: 0 },
				{ from: 'SLA Timer', to: 'Mark Contacted' },
			],
			items: [lead],
			credentials,
			timezone: 'Europe/Berlin',
		});
		assert.equal(run.error, undefined, run.error?.message);
		const routed = run.outputs['Tier Router'][0][0].json.routing as IDataObject & { slaTimer: { handoffKey: string } };
		const timer = run.outputs['SLA Timer'][0][0].json.slaTimer as Out;
		assert.deepEqual(
			[timer.outcome, timer.handoffKey, timer.ownerId, timer.team, timer.tier, timer.slaMinutes, timer.slaBasis, timer.slaAction, timer.startedAt, timer.dueAt],
			['started', routed.slaTimer.handoffKey, '101', 'emea', 'Hot', 60, 'business', 'contact', routed.assignedAt, routed.dueAt],
		);
		assert.deepEqual(timer.owner, { id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' });
		const contacted = run.outputs['Mark Contacted'][0][0].json.slaTimer as Out;
		assert.deepEqual([contacted.outcome, contacted.handoffKey, contacted.metSla, contacted.firstTouchClockMinutes], ['contacted', timer.handoffKey, true, 25]);
	});

	it('Mark Contacted stops the timer with time to first touch in business and clock minutes and whether the SLA was met; again, it changes nothing', async () => {
		const credentials = freshStore();
		await sla({ parameters: START, items: [dana], credentials });
		const [done] = (await sla({ parameters: CONTACT(at(20)), items: [dana], credentials })).out;
		assert.deepEqual(
			[done.changed, done.outcome, done.status, done.firstTouchBusinessMinutes, done.firstTouchClockMinutes, done.metSla, done.contactedAt, done.stages],
			[true, 'contacted', 'contacted', 20, 20, true, at(20), []],
		);
		assert.match(done.note ?? '', /^Contacted after 20 business min, 20 min: SLA met$/);
		const [twice] = (await sla({ parameters: CONTACT(at(40), 'handoffKey'), items: [dana], credentials })).out;
		assert.deepEqual([twice.changed, twice.outcome, twice.contactedAt], [false, 'alreadyContacted', at(20)]);
		assert.match(twice.note ?? '', /Already contacted at 2026-03-16 11:20 \(Europe\/Berlin\); nothing changed/);

		// Monday 16:50 + 30 business minutes in a 9-17 week: due Tuesday 09:20; contacted 09:40, missed.
		const late = { ...dana, email: 'late@globex.com', eventId: 'evt-late' };
		await sla({ parameters: { ...START, startedAt: at(350) }, items: [late], credentials });
		const [missed] = (await sla({ parameters: CONTACT('2026-03-17T09:40:00+01:00'), items: [late], credentials })).out;
		assert.deepEqual([missed.firstTouchBusinessMinutes, missed.firstTouchClockMinutes, missed.metSla], [50, 16 * 60 + 50, false]);
	});

	it('a contact that arrives before the start is kept, and closes the timer as it starts', async () => {
		const credentials = freshStore();
		const [kept] = (await sla({ parameters: CONTACT(at(5), 'handoffKey'), items: [dana], credentials })).out;
		assert.deepEqual([kept.changed, kept.outcome], [true, 'kept']);
		assert.match(kept.note ?? '', /No SLA timer for the hand-off "evt-1" yet: the contact is kept and closes the timer when it starts/);
		const [started] = (await sla({ parameters: START, items: [dana], credentials })).out;
		assert.deepEqual([started.outcome, started.status, started.contactedAt, started.metSla, started.firstTouchClockMinutes], ['started', 'contacted', at(5), true, 5]);
		assert.match(started.note ?? '', /^Started and closed at once by a contact received before the start/);
	});

	it('Start and Mark Contacted any number of times, in any order, leave the same timer', async () => {
		const credentials = freshStore();
		const view = (o: Out) => ({ ...o, handoffKey: undefined, leadKey: undefined, lead: undefined, changed: undefined, outcome: undefined, note: undefined });
		let n = 0;
		const contact = fc.record({ minutes: fc.integer({ min: 0, max: 600 }), by: fc.constantFrom('leadKey' as const, 'handoffKey' as const) });
		await fc.assert(
			fc.asyncProperty(fc.array(contact, { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer({ min: 1, max: 2 }), async (contacts, startPosition, repeat) => {
				const finals: Out[] = [];
				for (const order of ['start first', 'shuffled']) {
					const lead = { ...dana, email: `lead-${++n}@globex.com`, eventId: `evt-${n}` };
					const events = contacts.flatMap((c) => Array.from({ length: order === 'start first' ? 1 : repeat }, () => CONTACT(at(c.minutes), c.by)));
					if (order === 'shuffled') events.reverse();
					const position = order === 'start first' ? 0 : startPosition % (events.length + 1);
					events.splice(position, 0, START);
					for (const parameters of events) await sla({ parameters, items: [lead], credentials });
					finals.push((await sla({ parameters: GET_ONE, items: [lead], credentials })).out[0]);
				}
				assert.equal(finals[0].contactedAt, at(Math.min(...contacts.map((c) => c.minutes))), 'the earliest contact is the first touch');
				assert.deepEqual(view(finals[1]), view(finals[0]));
			}),
			{ numRuns: 15 },
		);
	});

	it('Accept meets an acknowledge SLA; for a contact SLA it is recorded and the timer runs on', async () => {
		const credentials = freshStore();
		const mql = { ...dana, email: 'mql@globex.com', eventId: 'evt-mql' };
		await sla({ parameters: { ...START, slaAction: 'acknowledge', slaMinutes: 48 * 60, slaBasis: 'calendar' }, items: [mql], credentials });
		const [accepted] = (await sla({ parameters: { operation: 'accept', findBy: 'leadKey', acceptedAt: at(90) }, items: [mql], credentials })).out;
		assert.deepEqual([accepted.changed, accepted.status, accepted.metSla, accepted.firstTouchClockMinutes], [true, 'accepted', true, 90]);
		await sla({ parameters: START, items: [dana], credentials });
		const [hot] = (await sla({ parameters: { operation: 'accept', findBy: 'leadKey', acceptedAt: at(5) }, items: [dana], credentials })).out;
		assert.deepEqual([hot.changed, hot.status, hot.acceptedAt], [true, 'open', at(5)]);
		assert.match(hot.note ?? '', /the SLA runs on until the first contact/);
	});

	it('Reassign: to a named rep, or through the routing Tier Router kept, passing over the late rep; a repeat changes nothing', async () => {
		const credentials = freshStore();
		const routing = {
			rulesSource: 'json',
			rulesJson: JSON.stringify({
				calendar: { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' } },
				tiers: DEFAULT_TIERS,
				assignment: {
					roster: [{ id: '101', name: 'Ana Ruiz' }, { id: '102', name: 'Ben Okafor', email: 'ben@example.com' }, { id: '103', name: 'Chen Li' }],
					teams: [{ id: 'emea', members: ['101', '102', '103'], outsideHours: 'allow', manager: { name: 'Mia Chen', email: 'mia@example.com' } }],
				},
			}),
			options: { eventKey: '={{ $json.eventId }}' },
		};
		const lead = { ...dana, score: score({ total: 90, asOf: MONDAY_11 }) as unknown as IDataObject };
		const routed = await runNode({ node: router, parameters: routing as unknown as INodeParameters, items: [lead], credentials, timezone: 'Europe/Berlin' });
		assert.equal((routed.outputs[0][0].json.routing as IDataObject).ownerId, '101');

		const reassign = (extra: IDataObject) => sla({ parameters: { operation: 'reassign', findBy: 'leadKey', reassignedAt: at(130), ...extra }, items: [lead], credentials });
		const [moved] = (await reassign({ reassignTo: 'routing', fromOwner: '101' })).out;
		assert.deepEqual([moved.changed, moved.outcome, moved.previousOwnerId, moved.ownerId, moved.status, moved.via, moved.lapsed], [true, 'reassigned', '101', '102', 'reassigned', 'roundRobin', true]);
		assert.deepEqual(moved.newOwner, { id: '102', name: 'Ben Okafor', email: 'ben@example.com' });
		assert.deepEqual(moved.manager, { name: 'Mia Chen', email: 'mia@example.com' });
		assert.match(String((moved.skipped as Array<{ reason: string }>)[0].reason), /^let the SLA lapse \(due 12:00, 1 h 10 min overdue/);
		assert.deepEqual(moved.stages?.map((s) => s.stage), ['lastAlert']);
		const [again] = (await reassign({ reassignTo: 'routing', fromOwner: '101' })).out;
		assert.deepEqual([again.changed, again.outcome, again.ownerId], [false, 'unchanged', '102']);
		assert.match(again.note ?? '', /Owned by 102 now, not 101; nothing changed/);
		const [named] = (await reassign({ reassignTo: 'rep', repId: '103', findBy: 'handoffKey', handoffKey: 'evt-1' })).out;
		assert.deepEqual([named.ownerId, named.previousOwners], ['103', ['101', '102']]);

		const open = (await sla({ parameters: { operation: 'get', getWhat: 'rep', repId: '103' }, items: [{}], credentials })).out[0];
		assert.equal(open.count, 1);
		assert.match(String(open.text), /^1 hand-off waiting on 103:\n• Dana Scully · Globex \(Hot\): due 14:10, 10 min left$/);
	});

	it('Reassign through the routing of a timer started without one says to name the rep', async () => {
		const credentials = freshStore();
		await sla({ parameters: START, items: [dana], credentials });
		const [out] = (await sla({ parameters: { operation: 'reassign', findBy: 'leadKey', reassignTo: 'routing' }, items: [dana], credentials })).out;
		assert.deepEqual([out.changed, out.outcome, out.ownerId], [false, 'unchanged', '101']);
		assert.match(out.note ?? '', /no next rep to route to; name the rep to reassign to/);
	});

	it('Cancel stops a timer with its reason; again, or on an unknown lead, it changes nothing and says so', async () => {
		const credentials = freshStore();
		await sla({ parameters: START, items: [dana], credentials });
		const cancel = { operation: 'cancel', findBy: 'leadKey', reason: 'Duplicate lead, merged', cancelledAt: at(3) };
		const [cancelled] = (await sla({ parameters: cancel, items: [dana], credentials })).out;
		assert.deepEqual([cancelled.changed, cancelled.status, cancelled.closeReason, cancelled.closedAt, cancelled.metSla], [true, 'cancelled', 'Duplicate lead, merged', at(3), null]);
		const [again] = (await sla({ parameters: cancel, items: [dana], credentials })).out;
		assert.deepEqual([again.changed, again.outcome], [false, 'alreadyClosed']);
		const [unknown] = (await sla({ parameters: cancel, items: [{ email: 'nobody@x.io' }], credentials })).out;
		assert.deepEqual(unknown, { changed: false, outcome: 'notFound', note: 'No SLA timer for the lead "nobody@x.io"; nothing changed' });
	});

	it('Get: one timer by hand-off or lead, the open timers of a rep or a team, soonest due first, with a text to send', async () => {
		const credentials = freshStore();
		const eve = { ...dana, email: 'eve@initech.de', firstName: 'Eve', lastName: 'Polastri', company: 'Initech', eventId: 'evt-2' };
		await sla({ parameters: START, items: [dana], credentials });
		await sla({ parameters: { ...START, startedAt: at(-45) }, items: [eve], credentials });
		const byHandoff = (await sla({ parameters: { operation: 'get', getWhat: 'timer', findBy: 'handoffKey', handoffKey: 'evt-2' }, items: [{}], credentials })).out[0];
		assert.deepEqual([byHandoff.found, byHandoff.leadKey, byHandoff.status], [true, 'eve@initech.de', 'open']);
		const rep = (await sla({ parameters: { operation: 'get', getWhat: 'rep', repId: '101' }, items: [{}], credentials })).out[0];
		assert.deepEqual([rep.count, rep.overdue, (rep.timers as Out[]).map((t) => t.handoffKey)], [2, 2, ['evt-2', 'evt-1']]);
		assert.equal(
			rep.text,
			'2 hand-offs waiting on 101, 2 overdue:\n• Eve Polastri · Initech (Hot): due 10:45, 3 h 15 min overdue\n• Dana Scully · Globex (Hot): due 11:30, 2 h 30 min overdue',
		);
		const team = (await sla({ parameters: { operation: 'get', getWhat: 'team', team: 'emea', limit: 1 }, items: [{}], credentials })).out[0];
		assert.deepEqual([team.count, (team.timers as Out[]).map((t) => t.handoffKey)], [1, ['evt-2']]);
		const none = (await sla({ parameters: { operation: 'get', getWhat: 'rep', repId: '999' }, items: [{}], credentials })).out[0];
		assert.deepEqual([none.count, none.text], [0, 'Nothing is waiting on 999.']);
		assert.deepEqual((await sla({ parameters: GET_ONE, items: [{ email: 'nobody@x.io' }], credentials })).out[0], { found: false, note: 'No SLA timer for the lead "nobody@x.io"' });
	});

	it('a test run from the editor shows the change, marked as a test, and keeps nothing; Record Test Runs keeps it', async () => {
		const credentials = freshStore();
		const [test] = (await sla({ parameters: START, items: [dana], credentials, mode: 'manual' })).out;
		assert.deepEqual([test.outcome, test.test], ['started', true]);
		assert.equal((await sla({ parameters: GET_ONE, items: [dana], credentials })).out[0].found, false, 'no timer kept');
		const [kept] = (await sla({ parameters: { ...START, options: { recordTestRuns: true } }, items: [dana], credentials, mode: 'manual' })).out;
		assert.deepEqual([kept.outcome, kept.test], ['started', undefined]);
		const [contact] = (await sla({ parameters: CONTACT(at(10)), items: [dana], credentials, mode: 'manual' })).out;
		assert.deepEqual([contact.outcome, contact.test], ['contacted', true]);
		assert.equal((await sla({ parameters: GET_ONE, items: [dana], credentials })).out[0].status, 'open', 'the test contact was not kept');
	});

	describe('bad input names the item and the field', () => {
		it('a contact time that is no time', async () => {
			const { items } = await sla({ parameters: CONTACT('yesterday-ish'), items: [{ email: 'a@b.io' }, dana], credentials: freshStore(), onError: 'continueErrorOutput' });
			const failed = items.find((i) => i.json.error !== undefined)!;
			assert.match(String(failed.json.error), /^Item 0: Field "Contacted At": expected /);
			assert.deepEqual(failed.pairedItem, { item: 0 });
		});

		it('a lead without a lead key, and a ladder stage that reads as nothing', async () => {
			const credentials = freshStore();
			const noKey = await sla({ parameters: START, items: [{ eventId: 'x' }], credentials, onError: 'continueRegularOutput' });
			assert.match(String(noKey.items[0].json.error), /^Item 0: Field "Lead Key": expected the lead's email address or CRM id, got nothing/);
			const badLadder = await sla({ parameters: { ...START, timerSettings: { reminderAt: 'half' } }, items: [dana], credentials, onError: 'continueRegularOutput' });
			assert.match(String(badLadder.items[0].json.error), /^Item 0: Field "Timer Settings › Reminder At": expected a share of the SLA \("50%"\), minutes \("45 min"\), or "off", got a text of 4 characters/);
			const badHours = await sla({ parameters: { ...START, timerSettings: { workingHours: '9 to 5' } }, items: [dana], credentials, onError: 'continueRegularOutput' });
			assert.match(String(badHours.items[0].json.error), /Field "Timer Settings › Working Hours": expected hours as start-end/);
		});
	});
});
