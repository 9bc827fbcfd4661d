/**
 * The routing a timer keeps for its reassignment: the teams and roster of Tier Router's protocol
 * as they were when the timer started, in its policy. A reassignment then goes through the same
 * teams, strategies, working hours and capacities as the first assignment, without the SLA nodes
 * being configured again, and a later change of the roster never reaches back into old timers.
 */
import { ProtocolError } from '../common/errors';
import { compileRouter, type CompiledRouter, type RoutingProtocol } from '../routing';
import type { Contact } from './escalation';
import type { CompiledPolicy, RoutingSnapshot } from './policy';

/** The teams and roster of a routing protocol, or undefined when it has neither. */
export function routingSnapshot(protocol: RoutingProtocol): RoutingSnapshot | undefined {
	const assignment = protocol.assignment ?? {};
	if (!assignment.teams?.length && !assignment.roster?.length) return undefined;
	return {
		...(assignment.teams?.length ? { teams: assignment.teams } : {}),
		...(assignment.roster?.length ? { roster: assignment.roster } : {}),
		...(assignment.defaultTeam === undefined ? {} : { defaultTeam: assignment.defaultTeam }),
		...(assignment.fallback === undefined ? {} : { fallback: assignment.fallback }),
	};
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** A rep's contact from the roster: id, name, email, Slack id, phone (the id alone when not listed). */
export function rosterContact(snapshot: RoutingSnapshot | undefined, repId: string): Contact {
	const rep = snapshot?.roster?.find((r) => r.id === repId);
	const contact: Contact = { id: repId };
	for (const key of ['name', 'email', 'slackId', 'phone'] as const) {
		const value = text(rep?.[key]);
		if (value !== undefined) contact[key] = value;
	}
	return contact;
}

/** The manager of a team: a roster rep named by id (with their contact), or the contact given. */
export function teamManager(snapshot: RoutingSnapshot | undefined, teamId: string | undefined): Contact | undefined {
	if (teamId === undefined) return undefined;
	const manager = snapshot?.teams?.find((t) => t.id === teamId)?.manager;
	if (manager === undefined) return undefined;
	if (typeof manager === 'string') return rosterContact(snapshot, manager.trim());
	const contact: Contact = {};
	for (const key of ['name', 'email', 'slackId', 'phone'] as const) {
		const value = text(manager[key]);
		if (value !== undefined) contact[key] = value;
	}
	return Object.keys(contact).length ? contact : undefined;
}

/** The teams a rep is a member of, in protocol order. */
export function teamsOf(snapshot: RoutingSnapshot | undefined, repId: string): string[] {
	return (snapshot?.teams ?? []).filter((t) => t.members.includes(repId)).map((t) => t.id);
}

export interface ReassignmentRouting {
	router: CompiledRouter;
	/** The team whose round-robin counter and loads the reassignment takes (undefined: none). */
	team?: string;
	/** Reps whose loads the routing reads: the team's members and the fallback owners. */
	repIds: string[];
	/** Rep id to the zone their day and week are counted in. */
	zoneOf(repId: string): string;
}

const routers = new Map<string, ReassignmentRouting>();
const ROUTER_LIMIT = 256;

/**
 * The routing of a reassignment: the timer's team (else the snapshot's default team, else its
 * first), its strategy, members, hours and capacities, and the fallbacks, in the policy's calendar.
 * Named accounts and assignment rules are not part of it: the lead stays in its team. Throws a
 * ProtocolError when the policy carries no routing (the timer was started without a roster).
 */
export function reassignmentRouting(policy: CompiledPolicy, team: string | undefined): ReassignmentRouting {
	const snapshot = policy.policy.routing;
	if (!snapshot?.teams?.length) {
		throw new ProtocolError('the timer was started without a routing with teams (SLA Timer Start, or Tier Router without teams), so it cannot be reassigned through the routing; name the rep to reassign to');
	}
	const teamId = team !== undefined && snapshot.teams.some((t) => t.id === team) ? team : (snapshot.defaultTeam ?? snapshot.teams[0].id);
	const key = `${policy.key}\u0000${teamId}`;
	const known = routers.get(key);
	if (known) return known;
	const protocol: RoutingProtocol = {
		calendar: policy.policy.calendar,
		tiers: [{ name: 'Reassignment', sla: null }],
		assignment: {
			teams: snapshot.teams,
			roster: snapshot.roster ?? [],
			defaultTeam: teamId,
			...(snapshot.fallback ? { fallback: snapshot.fallback } : {}),
		},
	};
	const router = compileRouter(protocol, { zone: policy.policy.calendar.zone });
	const chosen = snapshot.teams.find((t) => t.id === teamId)!;
	const fallbacks = [snapshot.fallback, chosen.fallback].flatMap((f) => (f && 'owner' in f ? [f.owner] : []));
	const zones = new Map((snapshot.roster ?? []).map((r) => [r.id, r.timeZone ?? policy.policy.calendar.zone]));
	const routing: ReassignmentRouting = {
		router,
		team: teamId,
		repIds: [...new Set([...chosen.members, ...fallbacks])],
		zoneOf: (repId) => zones.get(repId) ?? policy.policy.calendar.zone,
	};
	if (routers.size >= ROUTER_LIMIT) routers.clear();
	routers.set(key, routing);
	return routing;
}
