/**
 * The routing protocol as the editor shows it (tier rows, roster, teams, assignment rules, named
 * accounts, settings) and back. Tier defaults come from the engine's default tiers.
 */
import type { CalendarSpec, TimeRange, Weekday } from '../engine/calendar';
import { ProtocolError } from '../engine/common/errors';
import { ownEntry, setOwn } from '../engine/common/paths';
import { parseProtocolJson } from '../engine/common/schema';
import { DEFAULT_TIERS, type AssignmentRule, type Fallback, type RosterRep, type RoutingProtocol, type Team, type Tier } from '../engine/routing';
import { STAGES, type EscalationProtocol, type StageAt, type StageName } from '../engine/sla/ladder';
import { conditionToRows, rowsToCondition, type ConditionGroupRow } from '../shared/conditionRows';
import { count, inWords, rulesInUse, type ParameterReader } from '../shared/ruleViews';

export interface TierRow extends ConditionGroupRow {
	name: string;
	sla?: 'none' | 'business' | 'calendar';
	slaHours?: number;
	slaAction?: 'contact' | 'acknowledge';
	assign?: boolean;
}

export interface RepRow {
	id: string;
	name?: string;
	email?: string;
	slackId?: string;
	phone?: string;
	timeZone?: string;
	workingDays?: Weekday[];
	workingHours?: string;
	weight?: number;
	capacityPerDay?: number;
	capacityPerWeek?: number;
	outOfOffice?: string;
	active?: boolean;
}

export interface TeamRow {
	id: string;
	name?: string;
	members: string;
	strategy?: Team['strategy'];
	outsideHours?: 'skip' | 'allow';
	fallbackOwner?: string;
	fallbackQueue?: string;
	/** A rep ID of the roster, or "Name <email>", or an email. */
	manager?: string;
}

/** One stage of the escalation ladder; no tier: every tier. */
export interface LadderRow {
	tier?: string;
	stage: StageName;
	at?: number;
	unit?: 'percent' | 'minutes' | 'off';
}

export interface RuleRow {
	name: string;
	team: string;
	countries?: string;
	regions?: string;
	states?: string;
	postalCodePrefixes?: string;
	industries?: string;
	segments?: string;
	minEmployees?: number;
	maxEmployees?: number;
}

export interface RoutingSettings {
	calendarZone?: string;
	workingDays?: Weekday[];
	workingHours?: string;
	holidays?: string;
	keepSlaInOnePeriod?: boolean;
	defaultTeam?: string;
	fallbackOwner?: string;
	fallbackQueue?: string;
	keepExistingOwner?: 'never' | 'ifActive' | 'ifAvailable';
	ownerField?: string;
	countryField?: string;
	regionField?: string;
	stateField?: string;
	postalCodeField?: string;
	industryField?: string;
	segmentField?: string;
	companySizeField?: string;
	domainField?: string;
}

export interface RoutingEditorRules {
	tiers: TierRow[];
	roster: RepRow[];
	teams: TeamRow[];
	rules: RuleRow[];
	namedAccounts: Array<{ domain: string; owner: string }>;
	settings: RoutingSettings;
	/** The escalation ladder's stages that differ from the default ladder. */
	ladder?: LadderRow[];
}

const list = (text: string | undefined) =>
	(text ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');

export function tiersToEditorRows(tiers: Tier[]): TierRow[] {
	return tiers.map((tier) => ({
		name: tier.name,
		...conditionToRows(tier.when),
		sla: tier.sla ? tier.sla.basis : 'none',
		slaHours: tier.sla ? (tier.sla.hours ?? 0) + (tier.sla.minutes ?? 0) / 60 : 0,
		slaAction: tier.sla?.action ?? 'contact',
		assign: tier.assign ?? true,
	}));
}

/** "09:00-12:00, 13:00-18:00" */
function hours(text: string | undefined, where: string): TimeRange[] | undefined {
	const parts = list(text);
	if (parts.length === 0) return undefined;
	return parts.map((part) => {
		const match = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(part);
		if (!match) throw ProtocolError.at(where, `write hours as start-end, e.g. "09:00-17:00", got "${part}"`);
		const pad = (t: string) => t.padStart(5, '0');
		return { start: pad(match[1]), end: pad(match[2]) };
	});
}

function calendarOf(days: Weekday[] | undefined, text: string | undefined, where: string): Omit<CalendarSpec, 'zone'> {
	const ranges = hours(text, where);
	return { ...(days?.length ? { workingDays: days } : {}), ...(ranges ? { hours: ranges } : {}) };
}

function fallbackOf(owner: string | undefined, queue: string | undefined): Fallback | undefined {
	if (owner?.trim()) return { owner: owner.trim() };
	if (queue?.trim()) return { queue: queue.trim() };
	return undefined;
}

/** "Mia Chen <mia@example.com>", "mia@example.com", or a rep ID of the roster. */
function managerOf(text: string | undefined): Team['manager'] | undefined {
	const value = text?.trim();
	if (!value) return undefined;
	const named = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(value);
	if (named) return { ...(named[1].trim() ? { name: named[1].trim() } : {}), email: named[2] };
	if (value.includes('@')) return { email: value };
	return value;
}

const STAGE_WORDS: Record<StageName, string> = { reminder: 'Reminder', manager: 'Manager Alert', reassign: 'Reassignment', lastAlert: 'Last Alert' };

/** The ladder rows as an escalation protocol; undefined without rows (the default ladder). */
export function ladderRowsToEscalation(rows: LadderRow[]): EscalationProtocol | undefined {
	if (rows.length === 0) return undefined;
	const escalation: { ladder?: Partial<Record<StageName, StageAt>>; tiers?: Record<string, Partial<Record<StageName, StageAt>>> } = {};
	const seen = new Map<string, number>();
	// Tier names match regardless of case, as the ladder finds them: "hot" and "Hot" are one tier.
	const spelled = new Map<string, string>();
	rows.forEach((row, i) => {
		const given = row.tier?.trim() ?? '';
		const tier = given && (spelled.get(given.toLowerCase()) ?? given);
		if (tier) spelled.set(tier.toLowerCase(), tier);
		const where = `Escalation Ladder row ${i + 1} (${tier || 'every tier'}, ${STAGE_WORDS[row.stage] ?? row.stage})`;
		if (!STAGES.includes(row.stage)) throw ProtocolError.at(`${where} › Stage`, `choose one of ${STAGES.map((s) => STAGE_WORDS[s]).join(', ')}`);
		const key = `${tier.toLowerCase()}\u0000${row.stage}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) throw ProtocolError.at(where, `row ${earlier} sets this stage for ${tier ? `the tier "${tier}"` : 'every tier'} already`);
		seen.set(key, i + 1);
		const unit = row.unit ?? 'percent';
		const amount = row.at ?? 0;
		let at: StageAt;
		if (unit === 'off') at = 'off';
		else if (!Number.isFinite(amount) || amount < 0 || (unit === 'percent' && amount === 0)) {
			throw ProtocolError.at(`${where} › At`, unit === 'percent' ? `give a share of the SLA above 0 (e.g. 50), got ${amount}` : `give minutes, 0 or more, got ${amount}`);
		} else at = unit === 'percent' ? { percent: amount } : { minutes: amount };
		if (tier) {
			escalation.tiers ??= {};
			// A tier named `__proto__` or `constructor` is a tier like any other.
			setOwn(escalation.tiers, tier, { ...ownEntry(escalation.tiers, tier), [row.stage]: at });
		} else {
			escalation.ladder = { ...escalation.ladder, [row.stage]: at };
		}
	});
	return escalation;
}

/** Builds the routing protocol from the editor's rows; errors name the row. */
export function editorRowsToRouting(rules: RoutingEditorRules): RoutingProtocol {
	const s = rules.settings;
	if (rules.tiers.length === 0) throw ProtocolError.at('Tiers', 'add at least one tier (the last one usually without conditions, e.g. Nurture)');
	const tiers: Tier[] = rules.tiers.map((row, i) => {
		const where = `Tier ${i + 1} (${row.name || 'unnamed'})`;
		if (!row.name?.trim()) throw ProtocolError.at(`${where} › Name`, 'name the tier: it names its output');
		const when = rowsToCondition(row, where);
		const sla = row.sla && row.sla !== 'none' ? { hours: row.slaHours ?? 0, basis: row.sla, action: row.slaAction ?? 'contact' } : null;
		return { name: row.name.trim(), ...(when ? { when } : {}), sla, assign: row.assign ?? true };
	});
	const roster: RosterRep[] = rules.roster.map((row, i) => {
		const where = `Rep ${i + 1} (${row.name || row.id || 'no id'})`;
		if (!row.id?.trim()) throw ProtocolError.at(`${where} › Rep ID`, 'enter the CRM owner id');
		const workingHours = calendarOf(row.workingDays, row.workingHours, `${where} › Working Hours`);
		const outOfOffice = list(row.outOfOffice).map((range) => {
			const [from, to = from] = range.split('/').map((p) => p.trim());
			return { from, to };
		});
		const capacity = { ...(row.capacityPerDay ? { perDay: row.capacityPerDay } : {}), ...(row.capacityPerWeek ? { perWeek: row.capacityPerWeek } : {}) };
		const optional = { name: row.name, email: row.email, slackId: row.slackId, phone: row.phone, timeZone: row.timeZone };
		return {
			id: row.id.trim(),
			...Object.fromEntries(Object.entries(optional).filter(([, v]) => typeof v === 'string' && v.trim() !== '').map(([k, v]) => [k, (v as string).trim()])),
			...(Object.keys(workingHours).length ? { workingHours } : {}),
			...(row.weight !== undefined && row.weight !== 1 ? { weight: row.weight } : {}),
			...(Object.keys(capacity).length ? { capacity } : {}),
			...(outOfOffice.length ? { outOfOffice } : {}),
			...(row.active === false ? { active: false } : {}),
		};
	});
	const teams: Team[] = rules.teams.map((row, i) => {
		const where = `Team ${i + 1} (${row.name || row.id || 'no id'})`;
		if (!row.id?.trim()) throw ProtocolError.at(`${where} › Team ID`, 'enter an id the assignment rules refer to');
		const members = list(row.members);
		if (members.length === 0) throw ProtocolError.at(`${where} › Members`, 'list the rep ids of the team, comma-separated');
		const fallback = fallbackOf(row.fallbackOwner, row.fallbackQueue);
		const manager = managerOf(row.manager);
		return {
			id: row.id.trim(),
			...(row.name?.trim() ? { name: row.name.trim() } : {}),
			members,
			strategy: row.strategy ?? 'roundRobin',
			outsideHours: row.outsideHours ?? 'skip',
			...(fallback ? { fallback } : {}),
			...(manager ? { manager } : {}),
		};
	});
	const assignmentRules: AssignmentRule[] = rules.rules.map((row) => {
		const territory = Object.fromEntries(
			Object.entries({ country: list(row.countries), region: list(row.regions), state: list(row.states), postalCodePrefix: list(row.postalCodePrefixes) }).filter(([, v]) => v.length),
		);
		const size = { ...(row.minEmployees ? { min: row.minEmployees } : {}), ...(row.maxEmployees ? { max: row.maxEmployees } : {}) };
		return {
			name: row.name,
			team: row.team,
			...(Object.keys(territory).length ? { territory } : {}),
			...(list(row.industries).length ? { industry: list(row.industries) } : {}),
			...(list(row.segments).length ? { segment: list(row.segments) } : {}),
			...(Object.keys(size).length ? { companySize: size } : {}),
		};
	});
	const fields = Object.fromEntries(
		Object.entries({
			owner: s.ownerField,
			country: s.countryField,
			region: s.regionField,
			state: s.stateField,
			postalCode: s.postalCodeField,
			industry: s.industryField,
			segment: s.segmentField,
			companySize: s.companySizeField,
			domain: s.domainField,
		}).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
	);
	const holidays = list(s.holidays);
	const calendar: CalendarSpec = {
		...(s.calendarZone?.trim() ? { zone: s.calendarZone.trim() } : {}),
		...calendarOf(s.workingDays, s.workingHours, 'Routing Settings › Working Hours'),
		...(holidays.length ? { holidays } : {}),
		...(s.keepSlaInOnePeriod ? { keepSlaInOnePeriod: true } : {}),
	};
	const fallback = fallbackOf(s.fallbackOwner, s.fallbackQueue);
	const escalation = ladderRowsToEscalation(rules.ladder ?? []);
	return {
		calendar,
		tiers,
		assignment: {
			...(Object.keys(fields).length ? { fields } : {}),
			namedAccounts: rules.namedAccounts.filter((a) => a.domain?.trim()).map((a) => ({ domain: a.domain.trim(), owner: a.owner.trim() })),
			rules: assignmentRules,
			...(s.defaultTeam?.trim() ? { defaultTeam: s.defaultTeam.trim() } : {}),
			teams,
			roster,
			...(fallback ? { fallback } : {}),
			keepExistingOwner: s.keepExistingOwner ?? 'never',
		},
		...(escalation ? { escalation } : {}),
	};
}

/**
 * The routing JSON a fresh node shows: what the empty tables mean, spelled out (the default
 * tiers, no reps yet, the fallback queue), so a fresh node routes the same in either view. Reps
 * go into `assignment.roster` ({ "id", "name", "email", "slackId" }) and into a team's `members`.
 */
export const DEFAULT_ROUTING_JSON = JSON.stringify(
	{
		calendar: { hours: { start: '09:00', end: '18:00' } },
		tiers: DEFAULT_TIERS,
		assignment: { roster: [], teams: [], fallback: { queue: 'Unassigned' } },
	},
	null,
	2,
);

function tablesOf(get: ParameterReader): RoutingEditorRules {
	const rows = <T>(name: string, key: string) => ((get(name) as Record<string, T[] | undefined> | undefined)?.[key] ?? []) as T[];
	return {
		tiers: rows<TierRow>('tiers', 'tier'),
		roster: rows<RepRow>('roster', 'rep'),
		teams: rows<TeamRow>('teams', 'team'),
		rules: rows<RuleRow>('assignmentRules', 'rule'),
		namedAccounts: rows<{ domain: string; owner: string }>('namedAccounts', 'account'),
		settings: (get('settings') ?? {}) as RoutingSettings,
		ladder: rows<LadderRow>('escalationLadder', 'stage'),
	};
}

/** The routing from the tables or the JSON parameter, before validation; see rulesInUse. */
export function readRouting(get: ParameterReader): RoutingProtocol {
	return rulesInUse<RoutingProtocol>({
		node: 'Tier Router',
		modeParameter: 'Rules Source',
		source: get('rulesSource') === 'json' ? 'json' : 'editor',
		table: {
			mode: 'Tables',
			rules: 'tables (tiers, roster, teams)',
			read: () => editorRowsToRouting(tablesOf(get)),
			defaults: () => editorRowsToRouting({ tiers: tiersToEditorRows(DEFAULT_TIERS), roster: [], teams: [], rules: [], namedAccounts: [], settings: {} }),
		},
		json: {
			mode: 'JSON',
			rules: 'Routing (JSON)',
			read: () => parseProtocolJson(get('rulesJson'), 'Routing (JSON)') as RoutingProtocol,
			defaults: () => JSON.parse(DEFAULT_ROUTING_JSON) as RoutingProtocol,
		},
		summary: (routing) => {
			const n = (list: unknown) => (Array.isArray(list) ? list.length : 0);
			const assignment = (routing?.assignment ?? {}) as Partial<RoutingProtocol['assignment']>;
			return inWords([count(n(routing?.tiers), 'tier'), count(n(assignment?.roster), 'rep'), count(n(assignment?.teams), 'team'), count(n(assignment?.rules), 'assignment rule')]);
		},
	});
}
