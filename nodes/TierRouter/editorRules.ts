/**
 * The routing protocol as the editor shows it (tier rows, roster, teams, assignment rules, named
 * accounts, settings) and back. Tier defaults come from the engine's default tiers.
 */
import type { CalendarSpec, TimeRange, Weekday } from '../engine/calendar';
import { ProtocolError } from '../engine/common/errors';
import type { AssignmentRule, Fallback, RosterRep, RoutingProtocol, Team, Tier } from '../engine/routing';
import { conditionToRows, rowsToCondition, type ConditionGroupRow } from '../shared/conditionRows';

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
		return {
			id: row.id.trim(),
			...(row.name?.trim() ? { name: row.name.trim() } : {}),
			members,
			strategy: row.strategy ?? 'roundRobin',
			outsideHours: row.outsideHours ?? 'skip',
			...(fallback ? { fallback } : {}),
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
	};
}
