/**
 * The routing part of the hand-off protocol: tiers with their SLAs, assignment rules, teams
 * and the roster. JSON form: routing.schema.json. Conditions are the gate's condition language.
 */
import type { CalendarSpec, Sla } from '../calendar';
import type { Condition } from '../gate/condition';
import type { EscalationProtocol } from '../sla/ladder';

export interface Tier {
	name: string;
	/** Without a condition the tier takes every lead that reaches it (a catch-all). */
	when?: Condition;
	/** No SLA (nurture) when left out or null. */
	sla?: Sla | null;
	/** Whether leads of this tier get an owner (default true). */
	assign?: boolean;
}

export type Fallback = { owner: string } | { queue: string };

export type Strategy = 'roundRobin' | 'weightedRoundRobin' | 'leastOpen';

export interface Team {
	id: string;
	name?: string;
	/** Rep ids from the roster, in the order round-robin visits them. */
	members: string[];
	strategy?: Strategy;
	/** Who gets the lead when no member is available (default: the assignment fallback). */
	fallback?: Fallback;
	/** 'skip' (default): reps outside their working hours are passed over; 'allow': hours are ignored. */
	outsideHours?: 'skip' | 'allow';
	/** Told when a hand-off of the team misses its SLA: a rep id of the roster, or a contact. */
	manager?: string | ManagerContact;
}

export interface ManagerContact {
	name?: string;
	email?: string;
	slackId?: string;
	phone?: string;
}

export interface AssignmentRule {
	name: string;
	team: string;
	/** Every part given must match (AND); inside a part, any value matches (OR). */
	territory?: { country?: string[]; region?: string[]; state?: string[]; postalCodePrefix?: string[] };
	industry?: string[];
	segment?: string[];
	/** Employees, inclusive; a band ("51-200") or an open-ended size ("500+") matches only when all of it is in range. */
	companySize?: { min?: number; max?: number };
	when?: Condition;
}

export interface RosterRep {
	/** The CRM owner id. */
	id: string;
	name?: string;
	email?: string;
	slackId?: string;
	phone?: string;
	/** IANA zone of the rep (default: the routing calendar's zone). */
	timeZone?: string;
	/** The rep's hours, in their zone (default: the routing calendar's days and hours). */
	workingHours?: Omit<CalendarSpec, 'zone'>;
	/** Share in weighted round-robin and least-open (a positive integer, default 1). */
	weight?: number;
	capacity?: { perDay?: number; perWeek?: number };
	/** Dates (YYYY-MM-DD, whole days in the rep's zone) or ISO date-times, both ends included. */
	outOfOffice?: Array<{ from: string; to: string }>;
	/** false takes the rep out of rotation (and makes them not "active" for sticky ownership). */
	active?: boolean;
}

export interface AssignmentFields {
	owner: string;
	country: string;
	region: string;
	state: string;
	postalCode: string;
	industry: string;
	segment: string;
	companySize: string;
	/** The company's website or domain; the email's domain is used when it is empty. */
	domain: string;
	email: string;
}

export interface Assignment {
	fields?: Partial<AssignmentFields>;
	/** Domain to owner, checked before any rule. */
	namedAccounts?: Array<{ domain: string; owner: string }>;
	rules?: AssignmentRule[];
	/** The team for leads no rule matches (default: the first team). */
	defaultTeam?: string;
	teams?: Team[];
	roster?: RosterRep[];
	fallback?: Fallback;
	/** Keep the lead's current owner: never (default), if the rep is active, or if available now. */
	keepExistingOwner?: 'never' | 'ifActive' | 'ifAvailable';
}

export interface RoutingProtocol {
	/** Business calendar for SLA due times (zone defaults to the workflow's). */
	calendar?: CalendarSpec;
	tiers?: Tier[];
	assignment?: Assignment;
	/** The SLA escalation ladder, per tier (see sla.schema.json); default: the guide's ladder. */
	escalation?: EscalationProtocol;
}

export const DEFAULT_FIELDS: AssignmentFields = {
	owner: 'ownerId',
	country: 'country',
	region: 'region',
	state: 'state',
	postalCode: 'postalCode',
	industry: 'industry',
	segment: 'segment',
	companySize: 'companySize',
	domain: 'website',
	email: 'email',
};

export const DEFAULT_FALLBACK: Fallback = { queue: 'Unassigned' };

/**
 * The guide's tiers: hot leads (asked for sales, 80+ points, or 60+ points gained fast) within
 * 1 business hour; warm leads (60+) within 24 hours; MQLs (50+) acknowledged within 48 hours;
 * the rest nurtured, without an owner.
 */
export const DEFAULT_TIERS: Tier[] = [
	{
		name: 'Hot',
		when: {
			any: [
				{ activity: ['demo_request', 'contact_sales'], withinDays: 7, label: 'asked to talk to sales' },
				{ score: 'total', atLeast: 80 },
				{ all: [{ score: 'total', atLeast: 60 }, { gainedPoints: 30, withinDays: 7 }] },
			],
		},
		sla: { hours: 1, basis: 'business', action: 'contact' },
	},
	{ name: 'Warm', when: { score: 'total', atLeast: 60 }, sla: { hours: 24, basis: 'calendar', action: 'contact' } },
	{ name: 'MQL', when: { score: 'total', atLeast: 50 }, sla: { hours: 48, basis: 'calendar', action: 'acknowledge' } },
	{ name: 'Nurture', sla: null, assign: false },
];
