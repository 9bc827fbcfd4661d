/**
 * The Lead Quality Report: one pass over the report rows (one per hand-off) fills an accumulator
 * for the total and for each group of each breakdown (score band, grade, tier, source, campaign,
 * rep, team); the figures and the findings are read from the accumulators. Every chart, table and
 * dashboard figure comes from here, so they always agree.
 *
 * What a figure counts (stated once, used everywhere):
 * - a lead reached a funnel stage when it recorded that stage or a later one (accepted < contacted
 *   < meeting < opportunity < won); a lost lead was accepted; a first touch is a contact;
 * - acceptance, meeting, opportunity and win rates are shares of hand-offs; the close rate is won
 *   out of won and lost; the SLA met rate is out of the hand-offs whose SLA is decided;
 * - speed to contact is the first touch in business and clock minutes (clock minutes from the
 *   first contact time when the row has no SLA figures); cycle length is days from hand-off to won;
 * - revenue per lead is the won amount over all hand-offs of the group.
 */
import { ProtocolError } from '../../common/errors';
import type { ReportRow } from './rows';
import { rateOf, spreadOf, type Rate, type Spread } from './stats';

export const DIMENSIONS = ['scoreBand', 'grade', 'tier', 'source', 'campaign', 'rep', 'team'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DIMENSION_LABELS: Readonly<Record<Dimension | 'total', string>> = {
	total: 'All hand-offs',
	scoreBand: 'Score band',
	grade: 'Grade',
	tier: 'Tier',
	source: 'Source',
	campaign: 'Campaign',
	rep: 'Rep',
	team: 'Team',
};
export const FUNNEL = ['handedOff', 'accepted', 'contacted', 'meeting', 'opportunity', 'won'] as const;
export type FunnelStage = (typeof FUNNEL)[number];

/** The value of a row with nothing in a breakdown's field. */
export const NONE = '(none)';
export const NO_SCORE = '(no score)';
export const DEFAULT_BANDS: readonly number[] = [40, 60, 80];
export const DEFAULT_MIN_COUNT = 30;
export const DEFAULT_RATIO = 2;

export interface ReportOptions {
	/** Lower bounds of the score bands above the lowest, ascending whole numbers: [40, 60, 80] gives < 40, 40-59, 60-79, 80+. */
	bands?: readonly number[];
	/** The fewest hand-offs (first touches, for speed) a group needs before a finding may name it. */
	minCount?: number;
	/** How many times the average a rejection reason's rate must be to be called out. */
	ratio?: number;
	/** Only hand-offs at or after this time (epoch ms). */
	from?: number;
	/** Only hand-offs before this time (epoch ms). */
	to?: number;
}

export interface CompiledReportOptions {
	bands: number[];
	bandLabels: string[];
	minCount: number;
	ratio: number;
	from?: number;
	to?: number;
}

export interface Reasons {
	reason: string;
	count: number;
}

/** The figures of one group (or of all hand-offs). Leading indicators first, lagging ones after. */
export interface GroupFigures {
	dimension: Dimension | 'total';
	group: string;
	handoffs: number;
	/** Nothing heard from sales yet. */
	pending: number;
	// Leading indicators: what sales does in the first hours and days.
	acceptance: Rate;
	rejection: Rate;
	speedBusiness: Spread;
	speedClock: Spread;
	slaMet: Rate;
	meeting: Rate;
	// Lagging indicators: what it is worth, weeks or months later.
	opportunity: Rate;
	win: Rate;
	close: Rate;
	cycleDays: Spread;
	revenue: number;
	revenuePerLead?: number;
	/** The currency of the won amounts; 'mixed' when they differ (revenue is then a plain sum). */
	currency?: string;
	funnel: Record<FunnelStage, number>;
	rejectionReasons: Reasons[];
	lostReasons: Reasons[];
	/** The SLA most of the group's hand-offs had. */
	sla?: { minutes: number; basis: 'business' | 'clock' };
}

export interface Report {
	from?: number;
	to?: number;
	options: CompiledReportOptions;
	total: GroupFigures;
	breakdowns: Record<Dimension, GroupFigures[]>;
	/** Per rep (and team), first touches in the SLA's own basis, by SLA: what the speed findings read. */
	speedBySla: SlaSpeed[];
}

export interface SlaSpeed {
	dimension: 'rep' | 'team';
	group: string;
	slaMinutes: number;
	basis: 'business' | 'clock';
	speed: Spread;
}

export function compileReportOptions(options: ReportOptions = {}): CompiledReportOptions {
	const bands = [...(options.bands ?? DEFAULT_BANDS)];
	bands.forEach((b, i) => {
		if (!Number.isInteger(b)) throw ProtocolError.at(`/bands/${i}`, `a band's lower bound must be a whole number, got ${b}`);
		if (i > 0 && b <= bands[i - 1]) throw ProtocolError.at(`/bands/${i}`, `bands must ascend: ${b} comes after ${bands[i - 1]}`);
	});
	const minCount = options.minCount ?? DEFAULT_MIN_COUNT;
	if (!Number.isInteger(minCount) || minCount < 1) throw ProtocolError.at('/minCount', `the minimum count must be a whole number of 1 or more, got ${minCount}`);
	const ratio = options.ratio ?? DEFAULT_RATIO;
	if (!Number.isFinite(ratio) || ratio <= 1) throw ProtocolError.at('/ratio', `the ratio must be a number above 1, got ${ratio}`);
	if (options.from !== undefined && options.to !== undefined && options.to <= options.from) throw ProtocolError.at('/to', 'the period must end after it starts');
	return { bands, bandLabels: bandLabels(bands), minCount, ratio, from: options.from, to: options.to };
}

/** '< 40', '40-59', '60-79', '80+' for [40, 60, 80]; 'All scores' without bounds. */
export function bandLabels(bands: readonly number[]): string[] {
	if (bands.length === 0) return ['All scores'];
	const labels = [`< ${bands[0]}`];
	for (let i = 0; i + 1 < bands.length; i++) labels.push(bands[i + 1] - 1 === bands[i] ? `${bands[i]}` : `${bands[i]}-${bands[i + 1] - 1}`);
	labels.push(`${bands[bands.length - 1]}+`);
	return labels;
}

/** The band index of a score (bands as compiled). */
export function bandOf(score: number, bands: readonly number[]): number {
	let i = 0;
	while (i < bands.length && score >= bands[i]) i++;
	return i;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

class Accumulator {
	handoffs = 0;
	pending = 0;
	accepted = 0;
	rejected = 0;
	slaDecided = 0;
	slaMet = 0;
	lost = 0;
	revenue = 0;
	currency?: string;
	/** Hand-offs that reached each funnel stage, in FUNNEL order. */
	readonly funnel = [0, 0, 0, 0, 0, 0];
	readonly speedBusiness: number[] = [];
	readonly speedClock: number[] = [];
	readonly cycle: number[] = [];
	readonly rejectionReasons = new Map<string, number>();
	readonly lostReasons = new Map<string, number>();
	/** Hand-offs per SLA (by the SLA's index in the report's list of SLAs). */
	readonly slas: number[] = [];
	/** Only for reps and teams: first touches in the SLA's basis, per SLA index. */
	bySla?: number[][];

	constructor(
		readonly dimension: Dimension | 'total',
		readonly group: string,
	) {
		if (dimension === 'rep' || dimension === 'team') this.bySla = [];
	}

	add(f: RowFacts): void {
		this.handoffs++;
		if (f.pending) this.pending++;
		if (f.accepted) this.accepted++;
		if (f.rejected) {
			this.rejected++;
			const reason = f.row.rejectionReason ?? 'no reason given';
			this.rejectionReasons.set(reason, (this.rejectionReasons.get(reason) ?? 0) + 1);
		}
		if (f.lost) {
			this.lost++;
			const reason = f.row.lostReason ?? 'no reason given';
			this.lostReasons.set(reason, (this.lostReasons.get(reason) ?? 0) + 1);
		}
		for (let s = 0; s <= f.funnelDepth; s++) this.funnel[s]++;
		if (f.row.metSla !== undefined) {
			this.slaDecided++;
			if (f.row.metSla) this.slaMet++;
		}
		if (f.business !== undefined) this.speedBusiness.push(f.business);
		if (f.clock !== undefined) this.speedClock.push(f.clock);
		if (f.cycleDays !== undefined) this.cycle.push(f.cycleDays);
		if (f.funnelDepth === 5 && f.row.wonAmount !== undefined) {
			this.revenue += f.row.wonAmount;
			const c = f.row.currency;
			if (c !== undefined) this.currency = this.currency === undefined || this.currency === c ? c : 'mixed';
		}
		const sla = f.sla;
		if (sla >= 0) {
			this.slas[sla] = (this.slas[sla] ?? 0) + 1;
			if (this.bySla && f.inBasis !== undefined) {
				const list = this.bySla[sla];
				if (list) list.push(f.inBasis);
				else this.bySla[sla] = [f.inBasis];
			}
		}
	}

	figures(slaKeys: readonly string[]): GroupFigures {
		const n = this.handoffs;
		const [, , , meetings, opportunities, won] = this.funnel;
		let sla: GroupFigures['sla'];
		let most = 0;
		this.slas.forEach((count, index) => {
			if (count > most) {
				most = count;
				sla = parseSlaKey(slaKeys[index]);
			}
		});
		return {
			dimension: this.dimension,
			group: this.group,
			handoffs: n,
			pending: this.pending,
			acceptance: rateOf(this.accepted, n),
			rejection: rateOf(this.rejected, n),
			speedBusiness: spreadOf(this.speedBusiness),
			speedClock: spreadOf(this.speedClock),
			slaMet: rateOf(this.slaMet, this.slaDecided),
			meeting: rateOf(meetings, n),
			opportunity: rateOf(opportunities, n),
			win: rateOf(won, n),
			close: rateOf(won, won + this.lost),
			cycleDays: spreadOf(this.cycle),
			revenue: this.revenue,
			revenuePerLead: n > 0 ? this.revenue / n : undefined,
			currency: this.currency,
			funnel: Object.fromEntries(FUNNEL.map((stage, i) => [stage, this.funnel[i]])) as Record<FunnelStage, number>,
			rejectionReasons: sortedReasons(this.rejectionReasons),
			lostReasons: sortedReasons(this.lostReasons),
			sla,
		};
	}
}

function sortedReasons(map: Map<string, number>): Reasons[] {
	return [...map].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

function parseSlaKey(key: string): { minutes: number; basis: 'business' | 'clock' } {
	const [minutes, basis] = key.split('|');
	return { minutes: Number(minutes), basis: basis as 'business' | 'clock' };
}

/** What one row contributes, worked out once for all its groups. */
interface RowFacts {
	row: ReportRow;
	pending: boolean;
	accepted: boolean;
	rejected: boolean;
	lost: boolean;
	/** 0 handed off ... 5 won: the furthest funnel stage reached. */
	funnelDepth: number;
	business?: number;
	clock?: number;
	cycleDays?: number;
	/** The index of the row's SLA in the report's list of SLAs; -1 without one. */
	sla: number;
	/** The first touch in the minutes of the row's SLA basis. */
	inBasis?: number;
}

function rowFacts(row: ReportRow, slaIndex: Map<string, number>, slaKeys: string[]): RowFacts {
	const r = row.reached;
	const stage = row.stage;
	const won = stage === 'won' || r.won !== undefined;
	let depth = 0;
	if (won) depth = 5;
	else if (stage === 'opportunity' || r.opportunity !== undefined) depth = 4;
	else if (stage === 'meeting' || r.meeting !== undefined) depth = 3;
	else if (stage === 'contacted' || r.contacted !== undefined || row.firstTouchClockMinutes !== undefined || row.firstTouchBusinessMinutes !== undefined) depth = 2;
	else if (stage === 'accepted' || r.accepted !== undefined || stage === 'lost' || r.lost !== undefined) depth = 1;
	// A first touch on a lead that was then lost still counts as contacted; a lost lead was accepted.
	const lost = stage === 'lost';
	const rejected = stage === 'rejected';
	let clock = row.firstTouchClockMinutes;
	if (clock === undefined && r.contacted !== undefined && r.contacted >= row.handedOffAt) clock = (r.contacted - row.handedOffAt) / MINUTE;
	const business = row.firstTouchBusinessMinutes;
	const wonAt = r.won;
	const cycleDays = won && wonAt !== undefined && wonAt >= row.handedOffAt ? (wonAt - row.handedOffAt) / DAY : undefined;
	let sla = -1;
	let inBasis: number | undefined;
	if (row.slaMinutes !== undefined) {
		const basis = row.slaBasis ?? 'business';
		const key = `${row.slaMinutes}|${basis}`;
		sla = slaIndex.get(key) ?? -1;
		if (sla < 0) {
			sla = slaKeys.length;
			slaKeys.push(key);
			slaIndex.set(key, sla);
		}
		inBasis = basis === 'clock' ? clock : business;
	}
	return {
		row,
		pending: stage === 'handedOff' && depth === 0,
		accepted: depth >= 1,
		rejected,
		lost,
		funnelDepth: depth,
		business,
		clock,
		cycleDays,
		sla,
		inBasis,
	};
}

/** The report over the rows handed off in the period, in one pass. */
export function buildReport(rows: Iterable<ReportRow>, options: ReportOptions | CompiledReportOptions = {}): Report {
	const o = 'bandLabels' in options ? options : compileReportOptions(options);
	const total = new Accumulator('total', DIMENSION_LABELS.total);
	const groups: Record<Dimension, Map<string, Accumulator>> = {
		scoreBand: new Map(),
		grade: new Map(),
		tier: new Map(),
		source: new Map(),
		campaign: new Map(),
		rep: new Map(),
		team: new Map(),
	};
	const add = (dimension: Dimension, key: string, facts: RowFacts) => {
		const map = groups[dimension];
		let acc = map.get(key);
		if (!acc) {
			acc = new Accumulator(dimension, key);
			map.set(key, acc);
		}
		acc.add(facts);
	};
	const slaIndex = new Map<string, number>();
	const slaKeys: string[] = [];
	for (const row of rows) {
		if (o.from !== undefined && row.handedOffAt < o.from) continue;
		if (o.to !== undefined && row.handedOffAt >= o.to) continue;
		const facts = rowFacts(row, slaIndex, slaKeys);
		total.add(facts);
		add('scoreBand', row.score === undefined ? NO_SCORE : o.bandLabels[bandOf(row.score, o.bands)], facts);
		add('grade', row.grade ?? NONE, facts);
		add('tier', row.tier ?? NONE, facts);
		add('source', row.source ?? NONE, facts);
		add('campaign', row.campaign ?? NONE, facts);
		add('rep', row.rep ?? NONE, facts);
		add('team', row.team ?? NONE, facts);
	}
	const breakdowns = {} as Record<Dimension, GroupFigures[]>;
	const speedBySla: SlaSpeed[] = [];
	for (const dimension of DIMENSIONS) {
		const accs = [...groups[dimension].values()];
		accs.sort(orderOf(dimension, o.bandLabels));
		breakdowns[dimension] = accs.map((a) => a.figures(slaKeys));
		for (const acc of accs) {
			if (!acc.bySla || acc.group === NONE) continue;
			acc.bySla.forEach((values, index) => {
				const { minutes, basis } = parseSlaKey(slaKeys[index]);
				speedBySla.push({ dimension: dimension as 'rep' | 'team', group: acc.group, slaMinutes: minutes, basis, speed: spreadOf(values) });
			});
		}
	}
	return { from: o.from, to: o.to, options: o, total: total.figures(slaKeys), breakdowns, speedBySla };
}

/** Bands in band order; grades by name; other breakdowns by hand-offs, most first; the group with no value last. */
function orderOf(dimension: Dimension, labels: readonly string[]): (a: Accumulator, b: Accumulator) => number {
	const missing = (a: Accumulator) => (a.group === NONE || a.group === NO_SCORE ? 1 : 0);
	const byName = (a: Accumulator, b: Accumulator) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0);
	if (dimension === 'scoreBand') return (a, b) => missing(a) - missing(b) || labels.indexOf(a.group) - labels.indexOf(b.group);
	if (dimension === 'grade') return (a, b) => missing(a) - missing(b) || byName(a, b);
	return (a, b) => missing(a) - missing(b) || b.handoffs - a.handoffs || byName(a, b);
}
