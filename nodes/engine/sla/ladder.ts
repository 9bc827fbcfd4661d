/**
 * The escalation ladder: which stages fire, and when, on the clock of a hand-off's SLA. The
 * ladder is the same for every tier unless a tier changes some of its stages (sla.schema.json).
 */
import { ProtocolError } from '../common/errors';
import { assertMatchesSchema } from '../common/schema';
import calendarSchema from '../calendar/calendar.schema.json';
import schema from './sla.schema.json';

// sla.schema.json refers to the calendar schema by $id, and a timer's policy to sla.schema.json:
// the shared validator resolves a $id once it has compiled that schema ({} is valid for both).
assertMatchesSchema(calendarSchema, {}, 'The business calendar');
assertMatchesSchema(schema, {}, 'The escalation ladder');

/** In the order they normally fire. `lastAlert` belongs to a reassigned hand-off's new window. */
export const STAGES = ['reminder', 'manager', 'reassign', 'lastAlert'] as const;
export type StageName = (typeof STAGES)[number];

/** When a stage fires: a share of the SLA, or minutes on the SLA's clock; "off" never. */
export type StageAt = { percent: number } | { minutes: number } | 'off';

export type Ladder = Readonly<Record<StageName, StageAt>>;

export interface EscalationProtocol {
	ladder?: Partial<Ladder>;
	tiers?: Record<string, Partial<Ladder>>;
}

/** The guide's escalation: remind the owner half-way, tell the manager at the due time, reassign at twice the SLA. */
export const DEFAULT_LADDER: Ladder = {
	reminder: { percent: 50 },
	manager: { percent: 100 },
	reassign: { percent: 200 },
	lastAlert: { percent: 100 },
};

export const STAGE_LABELS: Readonly<Record<StageName, string>> = {
	reminder: 'Reminder to the owner',
	manager: 'Manager alert',
	reassign: 'Reassignment',
	lastAlert: 'Last alert',
};

/** Stages of a hand-off's first window, and of the window a reassignment opens. */
export const FIRST_WINDOW: readonly StageName[] = ['reminder', 'manager', 'reassign'];
export const REASSIGNED_WINDOW: readonly StageName[] = ['lastAlert'];

export interface CompiledEscalation {
	/** The ladder of a tier: its own stages over the shared ladder over the default. */
	ladderFor(tier: string): Ladder;
}

/**
 * Validates an escalation protocol and compiles it once. Tier names match exactly, or else
 * regardless of case ("hot" finds "Hot"). Throws a ProtocolError naming the JSON path.
 */
export function compileEscalation(input: unknown = {}): CompiledEscalation {
	assertMatchesSchema<EscalationProtocol>(schema, input, 'The escalation ladder');
	const protocol = input as EscalationProtocol;
	const shared: Ladder = { ...DEFAULT_LADDER, ...protocol.ladder };
	const tiers = new Map<string, Ladder>();
	const folded = new Map<string, string>();
	for (const [name, ladder] of Object.entries(protocol.tiers ?? {})) {
		const key = name.trim().toLowerCase();
		if (key === '') throw ProtocolError.at('/tiers', 'a tier name is empty');
		const earlier = folded.get(key);
		if (earlier !== undefined) throw ProtocolError.at(`/tiers/${name}`, `the tier "${name}" is given twice (also as "${earlier}")`);
		folded.set(key, name);
		tiers.set(name, { ...shared, ...ladder });
	}
	return {
		ladderFor(tier) {
			const exact = tiers.get(tier);
			if (exact) return exact;
			const name = folded.get(tier.trim().toLowerCase());
			return name === undefined ? shared : (tiers.get(name) as Ladder);
		},
	};
}

/** Minutes on the SLA's clock at which a stage fires, or undefined when it is off. */
export function stageMinutes(at: StageAt, slaMinutes: number): number | undefined {
	if (at === 'off') return undefined;
	return 'percent' in at ? (slaMinutes * at.percent) / 100 : at.minutes;
}

/** "50 % of the SLA", "45 minutes", "off": how a stage reads in a protocol document. */
export function describeStageAt(at: StageAt, basis: 'business' | 'calendar'): string {
	if (at === 'off') return 'off';
	if ('percent' in at) return `${at.percent} % of the SLA`;
	return `${at.minutes} ${basis === 'business' ? 'business ' : ''}minute${at.minutes === 1 ? '' : 's'}`;
}

/**
 * A stage as a person types it: "50%", "50 %", "45 min", "45 minutes", "off" (or empty, for the
 * default). Undefined when it reads as none of these.
 */
export function readStageAt(text: string): StageAt | undefined {
	const value = text.trim().toLowerCase();
	if (value === 'off' || value === 'none' || value === 'never') return 'off';
	const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
	if (percent && Number(percent[1]) > 0 && Number(percent[1]) <= 10000) return { percent: Number(percent[1]) };
	const minutes = /^(\d+(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes)$/.exec(value);
	if (minutes && Number(minutes[1]) <= 5256000) return { minutes: Number(minutes[1]) };
	return undefined;
}
