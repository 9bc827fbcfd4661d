/**
 * Start: a timer for a hand-off assigned somewhere else (a CRM's own rotation, a form that names
 * the owner). Tier Router starts its timers itself (its Start SLA Timer option); here every value
 * left empty comes from the item's `routing` when Tier Router ran before, else from the defaults:
 * 60 business minutes to a first contact, Monday to Friday 09:00-17:00 in the workflow's zone,
 * the guide's escalation ladder. Starting the same hand-off again changes nothing and says so.
 */
import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LeadDataError } from '../../engine/common/errors';
import { eventKeyOf } from '../../engine/common/eventKey';
import { getPath } from '../../engine/common/paths';
import { compileCalendar, type CalendarSpec, type Weekday } from '../../engine/calendar';
import { leadKeyOf } from '../../engine/scoring';
import {
	compilePolicy,
	contactOf,
	decideStart,
	DEFAULT_LADDER,
	leadSummaryOf,
	makePolicy,
	readStageAt,
	timerDetails,
	type CompiledPolicy,
	type Contact,
	type Ladder,
	type SlaTimer,
	type StageName,
	type TimerChange,
} from '../../engine/sla';
import { localTime, timerView } from '../../shared/slaTimerView';
import { fromRouting, show, textOf, timeOf, type OperationModule, type SlaTimerRun } from './common';

const WEEKDAYS = [
	{ name: 'Monday', value: 'mon' },
	{ name: 'Tuesday', value: 'tue' },
	{ name: 'Wednesday', value: 'wed' },
	{ name: 'Thursday', value: 'thu' },
	{ name: 'Friday', value: 'fri' },
	{ name: 'Saturday', value: 'sat' },
	{ name: 'Sunday', value: 'sun' },
];

const STAGE_FIELDS: Array<{ stage: StageName; name: string; displayName: string; description: string }> = [
	{ stage: 'reminder', name: 'reminderAt', displayName: 'Reminder At', description: 'A reminder to the owner' },
	{ stage: 'manager', name: 'managerAt', displayName: 'Manager Alert At', description: 'The manager is told (100 %: the SLA is missed)' },
	{ stage: 'reassign', name: 'reassignAt', displayName: 'Reassignment At', description: 'The lead goes to another rep' },
	{ stage: 'lastAlert', name: 'lastAlertAt', displayName: 'Last Alert At', description: "A last alert when a reassigned lead lapses too, counted from the reassignment" },
];

const percent = (at: Ladder[StageName]) => (at === 'off' ? 'off' : 'percent' in at ? `${at.percent}%` : `${at.minutes} min`);

export const description: INodeProperties[] = [
	{
		displayName: 'Lead Key',
		name: 'leadKey',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: show('start'),
		description: 'Identifies the lead in the store: its email address (compared without case) or CRM record ID',
	},
	{
		displayName: 'Hand-Off Key',
		name: 'handoffKey',
		type: 'string',
		default: '',
		displayOptions: show('start'),
		placeholder: 'e.g. {{ $json.eventId }}',
		description:
			"Identifies the hand-off: one timer per key, so a webhook delivered twice starts nothing the second time. Empty: the key Tier Router or Handoff Gate used (routing.slaTimer.handoffKey, handoff.eventKey), else a hash of the item's content.",
	},
	{ displayName: 'Owner ID', name: 'ownerId', type: 'string', default: '', displayOptions: show('start'), description: "The rep who owns the lead (CRM owner ID). Empty: Tier Router's routing.ownerId, else nobody (a queue)." },
	{ displayName: 'Tier', name: 'tier', type: 'string', default: '', placeholder: 'e.g. Hot', displayOptions: show('start'), description: "Empty: Tier Router's routing.tier, else \"Default\"" },
	{
		displayName: 'SLA Minutes',
		name: 'slaMinutes',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		displayOptions: show('start'),
		description: "Time to respond, in minutes (60 for one hour). 0: the tier's SLA from Tier Router (routing.slaMinutes), else 60.",
	},
	{
		displayName: 'SLA Basis',
		name: 'slaBasis',
		type: 'options',
		displayOptions: show('start'),
		options: [
			{ name: 'As Routed', value: 'routing', description: "Tier Router's routing.slaBasis, else business hours" },
			{ name: 'Business Hours', value: 'business', description: 'Only working hours of the calendar count' },
			{ name: 'Clock Hours', value: 'calendar', description: 'Nights and weekends count too' },
		],
		default: 'routing',
	},
	{
		displayName: 'Counts As Response',
		name: 'slaAction',
		type: 'options',
		displayOptions: show('start'),
		options: [
			{ name: 'As Routed', value: 'routing', description: "Tier Router's routing.slaAction, else a first contact" },
			{ name: 'First Contact', value: 'contact', description: 'A call, an email or a meeting (Mark Contacted) stops the timer' },
			{ name: 'Acknowledge', value: 'acknowledge', description: 'The owner accepting the lead (Accept) stops the timer, as for MQLs' },
		],
		default: 'routing',
	},
	{ displayName: 'Started At', name: 'startedAt', type: 'dateTime', default: '', displayOptions: show('start'), description: "When the hand-off happened. Empty: Tier Router's routing.assignedAt, else now." },
	{
		displayName: 'Timer Settings',
		name: 'timerSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: show('start'),
		options: [
			{ displayName: 'Calendar Time Zone', name: 'calendarZone', type: 'string', default: '', placeholder: 'e.g. Europe/Berlin', description: "Zone of the business calendar. Empty: the workflow's time zone." },
			{ displayName: 'CRM URL', name: 'crmUrl', type: 'string', default: '', description: "Link to the lead in the CRM, for the escalation messages. Empty: the item's crmUrl, or Lead Enrich's." },
			{ displayName: 'Holidays', name: 'holidays', type: 'string', default: '', placeholder: 'e.g. 2026-12-24, 12-25, 01-01', description: 'Closed dates: YYYY-MM-DD, or MM-DD for every year' },
			...STAGE_FIELDS.map(({ stage, name, displayName, description: what }) => ({
				displayName,
				name,
				type: 'string' as const,
				default: percent(DEFAULT_LADDER[stage]),
				placeholder: 'e.g. 50%, 45 min, off',
				description: `${what}: a share of the SLA ("50%"), minutes on the SLA's clock ("45 min"), or "off"`,
			})),
			{ displayName: 'Lead Company', name: 'leadCompany', type: 'string', default: '', description: "Empty: the item's company" },
			{ displayName: 'Lead Name', name: 'leadName', type: 'string', default: '', description: "Empty: the item's name, or first and last name" },
			{ displayName: 'Manager', name: 'manager', type: 'string', default: '', placeholder: 'e.g. Mia Chen <mia@example.com>', description: "Told when the SLA is missed: a name and email, or an email" },
			{ displayName: 'Owner Email', name: 'ownerEmail', type: 'string', placeholder: 'name@email.com', default: '', description: "Empty: Tier Router's routing.owner.email" },
			{ displayName: 'Owner Name', name: 'ownerName', type: 'string', default: '', description: "Empty: Tier Router's routing.owner.name" },
			{ displayName: 'Owner Phone', name: 'ownerPhone', type: 'string', default: '', description: "Empty: Tier Router's routing.owner.phone" },
			{ displayName: 'Owner Slack ID', name: 'ownerSlackId', type: 'string', default: '', placeholder: 'e.g. U0123ABC', description: "Empty: Tier Router's routing.owner.slackId" },
			{ displayName: 'Team', name: 'team', type: 'string', default: '', description: "The owner's team, for Get's open timers of a team. Empty: Tier Router's routing.team." },
			{ displayName: 'Working Days', name: 'workingDays', type: 'multiOptions', options: WEEKDAYS, default: ['mon', 'tue', 'wed', 'thu', 'fri'] },
			{ displayName: 'Working Hours', name: 'workingHours', type: 'string', default: '09:00-17:00', description: 'Hours of the business calendar, e.g. "09:00-12:00, 13:00-18:00"' },
		],
	},
];

export const writes = true;

interface TimerSettings {
	calendarZone?: string;
	crmUrl?: string;
	holidays?: string;
	reminderAt?: string;
	managerAt?: string;
	reassignAt?: string;
	lastAlertAt?: string;
	leadCompany?: string;
	leadName?: string;
	manager?: string;
	ownerEmail?: string;
	ownerName?: string;
	ownerPhone?: string;
	ownerSlackId?: string;
	team?: string;
	workingDays?: Weekday[];
	workingHours?: string;
}

const SETTINGS = 'Timer Settings';
const list = (text: string | undefined) => (text ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const stringOr = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** The calendar: zone, days, hours and holidays; errors name the setting. */
function calendarOf(settings: TimerSettings, zone: string): CalendarSpec & { zone: string } {
	const hours = list(settings.workingHours ?? '09:00-17:00').map((part) => {
		const match = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(part);
		if (!match) throw new LeadDataError(`${SETTINGS} › Working Hours`, 'hours as start-end, e.g. "09:00-17:00"', part);
		return { start: match[1].padStart(5, '0'), end: match[2].padStart(5, '0') };
	});
	const spec: CalendarSpec & { zone: string } = {
		zone: settings.calendarZone?.trim() || zone,
		workingDays: settings.workingDays?.length ? settings.workingDays : ['mon', 'tue', 'wed', 'thu', 'fri'],
		hours: hours.length === 1 ? hours[0] : hours,
		...(list(settings.holidays).length ? { holidays: list(settings.holidays) } : {}),
	};
	let problem: string | undefined;
	try {
		compileCalendar(spec);
	} catch (error) {
		problem = (error as Error).message;
	}
	if (problem !== undefined) throw new LeadDataError(SETTINGS, `a valid business calendar (${problem})`, spec);
	return spec;
}

function ladderOf(settings: TimerSettings): Ladder {
	const ladder = { ...DEFAULT_LADDER } as Record<StageName, Ladder[StageName]>;
	for (const { stage, name, displayName } of STAGE_FIELDS) {
		const text = settings[name as keyof TimerSettings];
		if (typeof text !== 'string' || text.trim() === '') continue;
		const at = readStageAt(text);
		if (at === undefined) throw new LeadDataError(`${SETTINGS} › ${displayName}`, 'a share of the SLA ("50%"), minutes ("45 min"), or "off"', text);
		ladder[stage] = at;
	}
	return ladder;
}

function managerOf(text: string | undefined): Contact | undefined {
	if (!text?.trim()) return undefined;
	const named = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(text.trim());
	if (named) return contactOf({ name: named[1], email: named[2] });
	if (text.includes('@')) return { email: text.trim() };
	return { name: text.trim() };
}

/** Which of SLA minutes, basis and action; "As Routed" reads Tier Router's routing. */
function slaOf(run: SlaTimerRun, item: INodeExecutionData, i: number) {
	const given = run.ctx.getNodeParameter('slaMinutes', i, 0) as unknown;
	const routed = fromRouting(item, 'slaMinutes');
	const minutes = typeof given === 'number' && given > 0 ? given : typeof routed === 'number' && routed > 0 ? routed : 60;
	if (!(typeof given === 'number' && given >= 0)) throw new LeadDataError('SLA Minutes', 'a number of minutes above 0 (0: the routed SLA, else 60)', given);
	const basisParam = run.ctx.getNodeParameter('slaBasis', i, 'routing') as string;
	const routedBasis = fromRouting(item, 'slaBasis');
	const basis = basisParam === 'business' || basisParam === 'calendar' ? basisParam : routedBasis === 'calendar' ? 'calendar' : 'business';
	const actionParam = run.ctx.getNodeParameter('slaAction', i, 'routing') as string;
	const routedAction = fromRouting(item, 'slaAction');
	const action = actionParam === 'contact' || actionParam === 'acknowledge' ? actionParam : routedAction === 'acknowledge' ? 'acknowledge' : 'contact';
	return { minutes, basis, action } as const;
}

/** Policies are compiled once per execution and settings. */
const compiled = new WeakMap<SlaTimerRun, Map<string, CompiledPolicy>>();

function policyFor(run: SlaTimerRun, spec: Parameters<typeof makePolicy>): CompiledPolicy {
	let cache = compiled.get(run);
	if (!cache) compiled.set(run, (cache = new Map()));
	const key = JSON.stringify(spec);
	let policy = cache.get(key);
	if (!policy) cache.set(key, (policy = compilePolicy(makePolicy(...spec))));
	return policy;
}

export const execute: OperationModule['execute'] = async (item, i, run) => {
	const { ctx } = run;
	const lead = item.json;
	const leadKey = leadKeyOf(ctx.getNodeParameter('leadKey', i), 'Lead Key');
	const givenKey = textOf(run, 'handoffKey', 'Hand-Off Key', i);
	const handoffKey = givenKey ?? stringOr(fromRouting(item, 'slaTimer.handoffKey')) ?? stringOr(getPath(lead, 'handoff.eventKey')) ?? eventKeyOf(lead, '', ['score', 'routing', 'handoff', run.outputField]);
	const settings = ctx.getNodeParameter('timerSettings', i, {}) as TimerSettings;
	const ownerId = textOf(run, 'ownerId', 'Owner ID', i) ?? stringOr(fromRouting(item, 'ownerId'));
	const team = stringOr(settings.team) ?? stringOr(fromRouting(item, 'team'));
	const tier = textOf(run, 'tier', 'Tier', i) ?? stringOr(fromRouting(item, 'tier')) ?? 'Default';
	const sla = slaOf(run, item, i);
	const routedAt = fromRouting(item, 'assignedAt');
	const startedAt = timeOf(run, 'startedAt', 'Started At', i, blank(routedAt) ? undefined : routedAt);
	const policy = policyFor(run, [{ minutes: sla.minutes, basis: sla.basis, action: sla.action }, calendarOf(settings, run.zone), ladderOf(settings)]);

	const routedOwner = (fromRouting(item, 'owner') ?? {}) as IDataObject;
	const owner = contactOf({
		id: ownerId,
		name: settings.ownerName || routedOwner.name,
		email: settings.ownerEmail || routedOwner.email,
		slackId: settings.ownerSlackId || routedOwner.slackId,
		phone: settings.ownerPhone || routedOwner.phone,
	});
	const summary = leadSummaryOf(lead);
	const leadDetails = { ...summary, ...(settings.leadName?.trim() ? { name: settings.leadName.trim() } : {}), ...(settings.leadCompany?.trim() ? { company: settings.leadCompany.trim() } : {}), ...(settings.crmUrl?.trim() ? { crmUrl: settings.crmUrl.trim() } : {}) };
	const input = {
		scope: run.scope,
		handoffKey,
		leadKey,
		...(ownerId === undefined ? {} : { ownerId }),
		...(team === undefined ? {} : { team }),
		tier,
		startedAt,
		details: timerDetails(leadDetails, owner, managerOf(settings.manager)),
	};
	let change: TimerChange | undefined;
	const outcome = await run.store.startSlaTimer<SlaTimer>(
		{ scope: run.scope, handoffKey, leadKey, policyKey: policy.key, policy: policy.policy as unknown as Record<string, unknown> },
		(state) => {
			const decision = decideStart(policy, input, state);
			change = decision.change;
			return decision;
		},
	);
	if (outcome.status === 'duplicate') {
		return {
			changed: false,
			outcome: 'duplicate',
			note: `The hand-off "${handoffKey}" has its timer already (started ${localTime(outcome.timer.startedAt, policy.calendar.zone)}); nothing changed`,
			...timerView(outcome.timer, policy.calendar.zone),
		};
	}
	return {
		changed: true,
		outcome: 'started',
		note: change?.message ?? 'Started',
		...(outcome.others.length ? { superseded: outcome.others.map((t) => t.handoffKey) } : {}),
		...timerView(outcome.timer, policy.calendar.zone),
	};
};
