import { DateTime, IANAZone } from 'luxon';

import { compileCalendar, describeSla, dueTime, type BusinessCalendar, type Sla } from '../calendar';
import calendarSchema from '../calendar/calendar.schema.json';
import { emailDomain } from '../common/email';
import type { AsOfOptions } from '../common/asOf';
import { ProtocolError } from '../common/errors';
import { compilePath, ownEntry } from '../common/paths';
import { assertMatchesSchema } from '../common/schema';
import type { Activity, Lead } from '../common/types';
import { compileCondition, type CompiledCondition, type Condition, type ConditionInput } from '../gate/condition';
import gateSchema from '../gate/gate.schema.json';
import slaSchema from '../sla/sla.schema.json';
import type { LeadScoreResult } from '../scoring/result';
import {
	eligibleReps,
	pickLeastLoaded,
	pickOwner,
	unavailability,
	weightedSequence,
	type CompiledRep,
	type RepLoad,
	type SkippedRep,
} from './assign';
import {
	DEFAULT_FALLBACK,
	DEFAULT_FIELDS,
	DEFAULT_TIERS,
	type AssignmentRule,
	type Fallback,
	type RosterRep,
	type RoutingProtocol,
	type Strategy,
	type Tier,
} from './protocol';
import schema from './routing.schema.json';

// routing.schema.json refers to the gate's condition, the calendar and the escalation ladder schemas
// by $id; the shared validator resolves a $id once it has compiled that schema, so compile them
// first ({} is valid), the calendar before the ladder that refers to it.
assertMatchesSchema(gateSchema, {}, 'The hand-off gate rules');
assertMatchesSchema(calendarSchema, {}, 'The business calendar');
assertMatchesSchema(slaSchema, {}, 'The escalation ladder');

export interface RoutingState {
	/** Per team: the round-robin counter, as the store holds it. */
	counters?: Readonly<Record<string, number>>;
	/** Per rep id. */
	loads?: Readonly<Record<string, RepLoad | undefined>>;
	/** Reps who may not take this lead, and why (a reassignment passes over the rep who let it lapse). */
	exclude?: readonly SkippedRep[];
}

export interface TierResult {
	name: string;
	index: number;
	/** Why this tier, in words. */
	reason: string;
	sla: Sla | null;
	/** "1 business hour", for briefs. */
	slaText?: string;
	/** Epoch ms by which the SLA's action is due. */
	dueAt?: number;
	assign: boolean;
}

export type AssignedVia =
	| 'existingOwner'
	| 'namedAccount'
	| 'roundRobin'
	| 'weightedRoundRobin'
	| 'leastOpen'
	| 'fallbackOwner'
	| 'fallbackQueue';

export interface RepContact {
	id: string;
	name?: string;
	email?: string;
	slackId?: string;
	phone?: string;
	timeZone?: string;
}

export interface OwnerResult {
	/** The CRM owner id; absent when the lead goes to a queue. */
	ownerId?: string;
	queue?: string;
	/** The roster entry of the owner, for notifications. */
	owner?: RepContact;
	via: AssignedVia;
	team?: string;
	rule?: string;
	reasons: string[];
	/** Team members passed over, and why. */
	skipped: SkippedRep[];
	/** Round-robin: the counter value the store writes back for this team. */
	cursor?: { team: string; next: number };
}

export type TeamChoice =
	| { kind: 'namedAccount'; owner: string; reason: string }
	| { kind: 'team'; team: string; rule?: string; reason: string };

export interface CompiledRouter {
	readonly tierNames: readonly string[];
	readonly calendar: BusinessCalendar;
	/** First tier whose condition holds, with its SLA due time from `now`; undefined when none does. */
	tierOf(lead: Lead, score: LeadScoreResult | undefined, activities: readonly Activity[], now: number, options?: AsOfOptions): TierResult | undefined;
	/** The named account owner or the team for a lead (the store locks this team's counter). */
	teamFor(lead: Lead): TeamChoice;
	/** The owner of a lead, given the store's counters and loads (read under lock). */
	assign(lead: Lead, now: number, state?: RoutingState): OwnerResult;
	route(
		lead: Lead,
		score: LeadScoreResult | undefined,
		activities: readonly Activity[],
		now: number,
		state?: RoutingState,
		options?: AsOfOptions,
	): { tier: TierResult | undefined; owner?: OwnerResult };
}

interface CompiledTeam {
	id: string;
	name: string;
	strategy: Strategy;
	members: CompiledRep[];
	sequence: string[];
	fallback: Fallback | undefined;
	outsideHours: 'skip' | 'allow';
}

/**
 * Validates and compiles the routing protocol once. `options.zone` (the workflow's time zone) is
 * the default zone of the calendar and of reps. Without a protocol the default tiers apply and
 * every lead goes to the fallback queue. Throws a ProtocolError naming the JSON path.
 */
export function compileRouter(input: unknown = {}, options: { zone?: string } = {}): CompiledRouter {
	assertMatchesSchema<RoutingProtocol>(schema, input, 'The routing rules');
	const protocol = input as RoutingProtocol;
	const calendar = compileCalendar(protocol.calendar ?? {}, options.zone ?? 'UTC', '/calendar');

	const tierSpecs: Tier[] = protocol.tiers ?? DEFAULT_TIERS;
	const tierNames = new Set<string>();
	const tiers = tierSpecs.map((tier, index) => {
		if (tierNames.has(tier.name.toLowerCase())) throw ProtocolError.at(`/tiers/${index}/name`, `the tier "${tier.name}" is named twice`);
		tierNames.add(tier.name.toLowerCase());
		return { tier, index, test: tier.when ? compileCondition(tier.when, `/tiers/${index}/when`) : undefined };
	});

	const assignment = protocol.assignment ?? {};
	const fields = { ...DEFAULT_FIELDS, ...assignment.fields };
	const read = Object.fromEntries(Object.entries(fields).map(([k, path]) => [k, compilePath(path)])) as Record<keyof typeof fields, (lead: unknown) => unknown>;

	const reps = new Map<string, CompiledRep>();
	(assignment.roster ?? []).forEach((rep, index) => {
		if (reps.has(rep.id)) throw ProtocolError.at(`/assignment/roster/${index}/id`, `the rep id "${rep.id}" is used twice`);
		reps.set(rep.id, compileRep(rep, calendar, `/assignment/roster/${index}`));
	});

	const teams = new Map<string, CompiledTeam>();
	(assignment.teams ?? []).forEach((team, index) => {
		const path = `/assignment/teams/${index}`;
		if (teams.has(team.id)) throw ProtocolError.at(`${path}/id`, `the team id "${team.id}" is used twice`);
		const members = team.members.map((id, i) => {
			const rep = reps.get(id);
			if (!rep) throw ProtocolError.at(`${path}/members/${i}`, `"${id}" is not in the roster`);
			return rep;
		});
		if (new Set(team.members).size !== team.members.length) throw ProtocolError.at(`${path}/members`, 'a rep is listed twice');
		if (typeof team.manager === 'string' && !reps.has(team.manager)) {
			throw ProtocolError.at(`${path}/manager`, `"${team.manager}" is not in the roster: give the manager's rep ID, or a contact with name and email`);
		}
		const strategy = team.strategy ?? 'roundRobin';
		// Plain round-robin gives every member one turn per cycle, whatever their weight.
		const sequence = weightedSequence(members.map((m) => ({ id: m.id, weight: strategy === 'weightedRoundRobin' ? m.weight : 1 })));
		teams.set(team.id, { id: team.id, name: team.name ?? team.id, strategy, members, sequence, fallback: team.fallback, outsideHours: team.outsideHours ?? 'skip' });
	});
	const teamOrFail = (id: string, path: string) => {
		if (!teams.has(id)) throw ProtocolError.at(path, `no team has the id "${id}"`);
		return id;
	};
	const rules = (assignment.rules ?? []).map((rule, index) => ({
		name: rule.name,
		team: teamOrFail(rule.team, `/assignment/rules/${index}/team`),
		test: compileRule(rule, fields, `/assignment/rules/${index}`),
	}));
	const defaultTeam =
		assignment.defaultTeam !== undefined ? teamOrFail(assignment.defaultTeam, '/assignment/defaultTeam') : [...teams.keys()][0];
	const namedAccounts = new Map((assignment.namedAccounts ?? []).map((a) => [normalizeDomain(a.domain), a.owner]));
	const fallback = assignment.fallback ?? DEFAULT_FALLBACK;
	const keepExisting = assignment.keepExistingOwner ?? 'never';

	const contact = (id: string): RepContact | undefined => {
		const rep = reps.get(id)?.rep;
		if (!rep) return undefined;
		const { id: _id, name, email, slackId, phone, timeZone } = rep;
		return { id, ...defined({ name, email, slackId, phone, timeZone }) };
	};
	const toOwner = (ownerId: string, rest: Omit<OwnerResult, 'ownerId' | 'owner'>): OwnerResult => {
		const owner = contact(ownerId);
		return { ownerId, ...(owner ? { owner } : {}), ...rest };
	};
	const toFallback = (chosen: Fallback, rest: Omit<OwnerResult, 'via'>): OwnerResult =>
		'owner' in chosen
			? toOwner(chosen.owner, { ...rest, via: 'fallbackOwner', reasons: [...rest.reasons, `Fallback owner ${chosen.owner}`] })
			: { ...rest, queue: chosen.queue, via: 'fallbackQueue', reasons: [...rest.reasons, `Fallback queue "${chosen.queue}"`] };

	const teamFor = (lead: Lead): TeamChoice => {
		const domain = normalizeDomain(read.domain(lead)) ?? emailDomain(read.email(lead));
		if (domain) {
			// A subdomain (eu.acme.com) belongs to its account (acme.com).
			for (let d: string | undefined = domain; d; d = d.includes('.') ? d.slice(d.indexOf('.') + 1) : undefined) {
				const owner = namedAccounts.get(d);
				if (owner !== undefined) return { kind: 'namedAccount', owner, reason: `Named account ${d}` };
			}
		}
		const input: ConditionInput = { lead, score: undefined, activities: [], now: 0 };
		for (const rule of rules) {
			const outcome = rule.test(input);
			if (outcome.ok) return { kind: 'team', team: rule.team, rule: rule.name, reason: `Rule "${rule.name}": ${outcome.text}` };
		}
		return { kind: 'team', team: defaultTeam ?? '', reason: rules.length ? 'No assignment rule matched: default team' : 'Default team' };
	};

	const assign = (lead: Lead, now: number, state: RoutingState = {}): OwnerResult => {
		const loads = state.loads ?? {};
		const excluded = new Map((state.exclude ?? []).map((e) => [e.repId, e.reason]));
		const current = read.owner(lead);
		let notKept: SkippedRep | undefined;
		if (keepExisting !== 'never' && typeof current === 'string' && current.trim() !== '') {
			const rep = reps.get(current.trim());
			const why =
				excluded.get(current.trim()) ??
				(!rep ? 'not in the roster' : rep.rep.active === false ? 'inactive' : keepExisting === 'ifAvailable' ? unavailability(rep, ownEntry(loads, rep.id), now) : undefined);
			if (!why) return toOwner(rep!.id, { via: 'existingOwner', reasons: [`Kept the current owner ${rep!.rep.name ?? rep!.id}`], skipped: [] });
			notKept = { repId: current.trim(), reason: `current owner not kept: ${why}` };
		}
		const skippedOwner = notKept ? [notKept] : [];
		const choice = teamFor(lead);
		if (choice.kind === 'namedAccount') {
			const why = excluded.get(choice.owner);
			if (why === undefined) return toOwner(choice.owner, { via: 'namedAccount', reasons: [choice.reason], skipped: skippedOwner });
			return toFallback(fallback, { reasons: [choice.reason], skipped: [...skippedOwner, { repId: choice.owner, reason: why }] });
		}
		const team = teams.get(choice.team);
		if (!team) return toFallback(fallback, { reasons: ['No team is configured'], skipped: skippedOwner });
		const members = excluded.size ? team.members.filter((m) => !excluded.has(m.id)) : team.members;
		const { eligible, skipped: unavailable } = eligibleReps(members, loads, now, { outsideHours: team.outsideHours });
		const skipped = excluded.size
			? [...team.members.filter((m) => excluded.has(m.id) && m.id !== notKept?.repId).map((m) => ({ repId: m.id, reason: excluded.get(m.id)! })), ...unavailable]
			: unavailable;
		const base = { team: team.id, ...(choice.rule ? { rule: choice.rule } : {}), skipped: [...skippedOwner, ...skipped] };
		const available = new Set(eligible);
		if (team.strategy === 'leastOpen') {
			const repId = pickLeastLoaded(team.members, available, loads);
			if (repId !== undefined) {
				const open = ownEntry(loads, repId)?.open ?? 0;
				return toOwner(repId, { ...base, via: 'leastOpen', reasons: [choice.reason, `Fewest open hand-offs in team ${team.name} (${open})`] });
			}
		} else {
			const counter = ownEntry(state.counters, team.id) ?? 0;
			const pick = pickOwner(team.sequence, counter, available);
			if (pick) {
				const words = team.strategy === 'weightedRoundRobin' ? 'Weighted round-robin' : 'Round-robin';
				return toOwner(pick.repId, { ...base, via: team.strategy, reasons: [choice.reason, `${words} in team ${team.name}`], cursor: { team: team.id, next: pick.nextCounter } });
			}
		}
		return toFallback(team.fallback ?? fallback, { ...base, reasons: [choice.reason, `Nobody in team ${team.name} is available`] });
	};

	const tierOf = (lead: Lead, score: LeadScoreResult | undefined, activities: readonly Activity[], now: number, options: AsOfOptions = {}): TierResult | undefined => {
		const input: ConditionInput = { lead, score, activities, now, live: options.live };
		for (const { tier, index, test } of tiers) {
			const outcome = test?.(input);
			if (outcome && !outcome.ok) continue;
			const sla = tier.sla ?? null;
			return {
				name: tier.name,
				index,
				reason: outcome ? outcome.text : 'No higher tier matched',
				sla,
				...(sla ? { slaText: describeSla(sla), dueAt: dueTime(now, sla, calendar) } : {}),
				assign: tier.assign ?? true,
			};
		}
		return undefined;
	};

	return {
		tierNames: tierSpecs.map((t) => t.name),
		calendar,
		tierOf,
		teamFor,
		assign,
		route(lead, score, activities, now, state, options) {
			const tier = tierOf(lead, score, activities, now, options);
			if (!tier || !tier.assign) return { tier };
			return { tier, owner: assign(lead, now, state) };
		},
	};
}

function compileRep(rep: RosterRep, calendar: BusinessCalendar, path: string): CompiledRep {
	const zone = rep.timeZone ?? calendar.zone;
	if (!IANAZone.isValidZone(zone)) throw ProtocolError.at(`${path}/timeZone`, `"${zone}" is not an IANA time zone`);
	// Without hours of their own, a rep keeps the team calendar's days and hours, in their zone.
	const repCalendar = rep.workingHours
		? compileCalendar({ ...rep.workingHours, zone }, undefined, `${path}/workingHours`)
		: { ...calendar, zone };
	const outOfOffice = (rep.outOfOffice ?? []).map((range, i): [number, number] => {
		const from = parseBound(range.from, zone, 'start', `${path}/outOfOffice/${i}/from`);
		const to = parseBound(range.to, zone, 'end', `${path}/outOfOffice/${i}/to`);
		if (to < from) throw ProtocolError.at(`${path}/outOfOffice/${i}`, `ends before it starts (${range.from} to ${range.to})`);
		return [from, to];
	});
	return { rep, id: rep.id, weight: rep.weight ?? 1, zone, calendar: repCalendar, outOfOffice };
}

/** A date is the whole day in the rep's zone; a date-time is that instant. */
function parseBound(text: string, zone: string, side: 'start' | 'end', path: string): number {
	const parsed = DateTime.fromISO(text, { zone });
	if (!parsed.isValid) throw ProtocolError.at(path, `"${text}" is not a date (YYYY-MM-DD) or an ISO date-time`);
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return side === 'start' ? parsed.startOf('day').toMillis() : parsed.endOf('day').toMillis();
	return parsed.toMillis();
}

/** A rule's parts become conditions of the shared language, so they explain themselves alike. */
function compileRule(rule: AssignmentRule, fields: typeof DEFAULT_FIELDS, path: string): CompiledCondition {
	const parts: Condition[] = [];
	const oneOf = (field: string, label: string, values: string[] | undefined) => {
		if (values?.length) parts.push({ field, label, operator: 'oneOf', value: values });
	};
	oneOf(fields.country, 'Country', rule.territory?.country);
	oneOf(fields.region, 'Region', rule.territory?.region);
	oneOf(fields.state, 'State', rule.territory?.state);
	if (rule.territory?.postalCodePrefix?.length) {
		parts.push({ field: fields.postalCode, label: 'Postal code', operator: 'startsWith', value: rule.territory.postalCodePrefix });
	}
	oneOf(fields.industry, 'Industry', rule.industry);
	oneOf(fields.segment, 'Segment', rule.segment);
	if (rule.companySize) {
		const { min, max } = rule.companySize;
		if (min !== undefined && max !== undefined && max < min) throw ProtocolError.at(`${path}/companySize`, `"max" (${max}) is below "min" (${min})`);
		const size = { field: fields.companySize, label: 'Company size' };
		// Employees are counted whole: "at least 501" is "more than 500", so an open-ended "500+" counts.
		if (min !== undefined && max !== undefined) parts.push({ ...size, operator: 'between', value: [min, max] });
		else if (max !== undefined) parts.push({ ...size, operator: 'lessThan', value: max + 1 });
		else parts.push({ ...size, operator: 'greaterThan', value: (min ?? 0) - 1 });
	}
	if (rule.when) parts.push(rule.when);
	if (parts.length === 0) throw ProtocolError.at(path, 'the rule tests nothing: give a territory, industry, segment, companySize or when');
	return compileCondition(parts.length === 1 ? parts[0] : { all: parts }, path);
}

/** "https://www.Acme.com/about" -> "acme.com". */
function normalizeDomain(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const host = value
		.trim()
		.toLowerCase()
		.replace(/^[a-z]+:\/\//, '')
		.replace(/^www\./, '')
		.replace(/[/?#:].*$/, '')
		.replace(/\.$/, '');
	return host.includes('.') ? host : undefined;
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
	return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}
