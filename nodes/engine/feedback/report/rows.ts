/**
 * A report row: one hand-off with what became of it, as the Lead Quality Report reads it. The store
 * gives rows in this shape (the hand-off, its SLA timer and its outcome joined); a workflow may
 * give them as items too. `reportRow` reads one from loose JSON and names the field that is wrong.
 */
import { LeadDataError } from '../../common/errors';
import { parseTimestamp } from '../../common/time';
import { normalizeName } from '../dispositions';
import type { ClosingStage, OutcomeStage, ProgressStage } from '../stages';

export type ReachedStage = ProgressStage | ClosingStage;
export const REACHED_STAGES: readonly ReachedStage[] = ['accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected'];
const OUTCOME_STAGES: readonly OutcomeStage[] = ['handedOff', ...REACHED_STAGES];

export interface ReportRow {
	handoffKey?: string;
	/** When the lead was handed off (epoch ms). */
	handedOffAt: number;
	score?: number;
	grade?: string;
	tier?: string;
	source?: string;
	campaign?: string;
	/** The rep who owns the hand-off (a name reads best in findings). */
	rep?: string;
	team?: string;
	/** The SLA the hand-off had, in minutes of its basis. */
	slaMinutes?: number;
	slaBasis?: 'business' | 'clock';
	/** Minutes from hand-off to first touch, in business time and on the clock. */
	firstTouchBusinessMinutes?: number;
	firstTouchClockMinutes?: number;
	/** Whether the first touch (or acceptance, for an acknowledge SLA) came within the SLA; undefined while undecided. */
	metSla?: boolean;
	/** Where the outcome stands. */
	stage: OutcomeStage;
	/** When the lead first reached each stage (epoch ms). */
	reached: Partial<Record<ReachedStage, number>>;
	wonAmount?: number;
	currency?: string;
	rejectionReason?: string;
	lostReason?: string;
	/** The scoring model version that scored the lead at hand-off. */
	modelId?: string;
	/** The champion/challenger experiment the lead was in, and its arm (else found from modelId and the experiments recorded). */
	experiment?: string;
	arm?: 'champion' | 'challenger';
}

function text(json: Record<string, unknown>, field: string): string | undefined {
	const value = json[field];
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new LeadDataError(field, 'a text', value);
}

function number(json: Record<string, unknown>, field: string, expected: string, min = -Infinity): number | undefined {
	const value = json[field];
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < min) throw new LeadDataError(field, expected, value);
	return n;
}

function bool(json: Record<string, unknown>, field: string): boolean | undefined {
	const value = json[field];
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 1 || value === '1') return true;
	if (value === 'false' || value === 0 || value === '0') return false;
	throw new LeadDataError(field, 'true or false', value);
}

/**
 * Reads a report row from JSON: `handedOffAt` and the times in `reached` as ISO 8601 or epoch;
 * `stage` one of handedOff, accepted, contacted, meeting, opportunity, won, lost, rejected (any
 * case; absent means handed off and nothing heard); numbers as numbers or numeric text.
 */
/**
 * The SLA basis of a report row: SLA timers say "business" or "calendar" (on the clock), the
 * report "business" or "clock". Both words for the clock are read as the clock, so a clock SLA is
 * never judged in business minutes.
 */
export function reportSlaBasis(value: unknown): 'business' | 'clock' | undefined {
	if (value === 'business') return 'business';
	if (value === 'clock' || value === 'calendar') return 'clock';
	return undefined;
}

export function reportRow(json: Record<string, unknown>, zone = 'UTC'): ReportRow {
	const handedOffAt = parseTimestamp(json.handedOffAt, 'handedOffAt', zone);
	const stageText = text(json, 'stage');
	const stage = stageText === undefined ? 'handedOff' : OUTCOME_STAGES.find((s) => normalizeName(s) === normalizeName(stageText));
	if (stage === undefined) throw new LeadDataError('stage', `one of ${OUTCOME_STAGES.join(', ')}`, json.stage);
	const reached: Partial<Record<ReachedStage, number>> = {};
	const reachedJson = json.reached;
	if (reachedJson !== undefined && reachedJson !== null) {
		if (typeof reachedJson !== 'object' || Array.isArray(reachedJson)) throw new LeadDataError('reached', 'an object of stage: time', reachedJson);
		for (const [key, value] of Object.entries(reachedJson as Record<string, unknown>)) {
			if (value === undefined || value === null || value === '') continue;
			const s = REACHED_STAGES.find((r) => normalizeName(r) === normalizeName(key));
			if (s === undefined) throw new LeadDataError(`reached.${key}`, `a stage: one of ${REACHED_STAGES.join(', ')}`, key);
			reached[s] = parseTimestamp(value, `reached.${key}`, zone);
		}
	}
	const basisText = text(json, 'slaBasis');
	const basis = reportSlaBasis(basisText);
	const arm = text(json, 'arm')?.toLowerCase();
	if (arm !== undefined && arm !== 'champion' && arm !== 'challenger') throw new LeadDataError('arm', '"champion" or "challenger"', json.arm);
	const experiment = text(json, 'experiment');
	if ((arm === undefined) !== (experiment === undefined)) throw new LeadDataError(arm === undefined ? 'arm' : 'experiment', 'both experiment and arm, or neither', arm === undefined ? json.arm : json.experiment);
	if (basisText !== undefined && basis === undefined) throw new LeadDataError('slaBasis', '"business", or "clock" (also "calendar", as SLA timers say)', json.slaBasis);
	return {
		handoffKey: text(json, 'handoffKey'),
		handedOffAt,
		score: number(json, 'score', 'a number'),
		grade: text(json, 'grade'),
		tier: text(json, 'tier'),
		source: text(json, 'source'),
		campaign: text(json, 'campaign'),
		rep: text(json, 'rep'),
		team: text(json, 'team'),
		slaMinutes: number(json, 'slaMinutes', 'minutes (a number above 0)', Number.MIN_VALUE),
		slaBasis: basis,
		firstTouchBusinessMinutes: number(json, 'firstTouchBusinessMinutes', 'minutes (0 or more)', 0),
		firstTouchClockMinutes: number(json, 'firstTouchClockMinutes', 'minutes (0 or more)', 0),
		metSla: bool(json, 'metSla'),
		stage,
		reached,
		wonAmount: number(json, 'wonAmount', 'an amount (0 or more)', 0),
		currency: text(json, 'currency'),
		rejectionReason: text(json, 'rejectionReason'),
		lostReason: text(json, 'lostReason'),
		modelId: text(json, 'modelId'),
		...(experiment === undefined ? {} : { experiment, arm: arm as 'champion' | 'challenger' }),
	};
}
