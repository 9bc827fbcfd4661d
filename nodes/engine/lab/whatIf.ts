/**
 * Threshold What-If: for each candidate hand-off threshold, what the sales team would have
 * received over the history (hand-offs per week, the load per rep against the roster's
 * capacity, the conversions and the precision), which threshold fills the team without
 * overflowing it, and what moving there gains or loses against the current threshold.
 */
import { LeadDataError, ProtocolError } from '../common/errors';

const WEEK = 7 * 86_400_000;

export interface WhatIfLead {
	score: number;
	converted: boolean;
	/** When the lead reached its score (epoch ms); the weeks covered come from these. */
	at?: number;
}

export interface WhatIfRep {
	id: string;
	name?: string;
	/** Hand-offs a week the rep can take (Tier Router's capacity.perWeek). */
	perWeek?: number;
	/** Hand-offs a day (Tier Router's capacity.perDay); a week is `workdays` of them. */
	perDay?: number;
	/** Share of the hand-offs (Tier Router's weight, default 1). */
	weight?: number;
	/** false: out of rotation, takes nothing. */
	active?: boolean;
}

export interface WhatIfOptions {
	current: number;
	roster: readonly WhatIfRep[];
	/** Thresholds to try; default: whole steps across the scores seen. */
	candidates?: readonly number[];
	/** Weeks the history covers; default: from the first to the last lead's time. */
	weeks?: number;
	/** Working days a week, for capacities per day (default 5). */
	workdays?: number;
	/** The share of the team's capacity counted as full (default 1: every slot). */
	maxUtilization?: number;
	/**
	 * Scores are only known from here up (history of hand-offs: nothing below the threshold then
	 * in force was handed off). Candidates below it are left out, and a note says why.
	 */
	knownFrom?: number;
}

export interface RepLoad {
	id: string;
	name: string;
	capacityPerWeek: number;
	loadPerWeek: number;
	/** loadPerWeek / capacityPerWeek. */
	utilization: number;
}

export interface ThresholdFigures {
	threshold: number;
	handoffs: number;
	handoffsPerWeek: number;
	conversions: number;
	conversionsPerWeek: number;
	/** Share of the hand-offs that converted (0..1); NaN with no hand-off. */
	precision: number;
	/** Share of all conversions that would have been handed off (0..1). */
	recall: number;
	/** Hand-offs a week over the team's capacity a week. */
	utilization: number;
	overflows: boolean;
	reps: RepLoad[];
}

export interface WhatIfReport {
	leads: number;
	conversions: number;
	weeks: number;
	capacityPerWeek: number;
	rows: ThresholdFigures[];
	current: ThresholdFigures;
	recommended: ThresholdFigures;
	/** What moving from the current threshold to the recommended one gains or loses, in words. */
	verdict: string;
	notes: string[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : 'n/a');
const num = (x: number) => round1(x).toLocaleString('en-US');

/** Each rep's hand-offs a week; throws a ProtocolError naming the rep without a capacity. */
export function rosterCapacity(roster: readonly WhatIfRep[], workdays = 5): Array<{ id: string; name: string; capacityPerWeek: number; weight: number }> {
	if (!Array.isArray(roster) || roster.length === 0) throw ProtocolError.at('/roster', 'Roster: expected at least one rep with a capacity (per week or per day)');
	const reps = roster.filter((r) => r.active !== false);
	if (reps.length === 0) throw ProtocolError.at('/roster', 'Roster: every rep is inactive, so nobody takes hand-offs');
	return reps.map((rep) => {
		const index = roster.indexOf(rep);
		if (typeof rep.id !== 'string' || rep.id.trim() === '') throw ProtocolError.at(`/roster/${index}/id`, 'Roster: each rep needs an id');
		const capacity = rep.perWeek ?? (rep.perDay !== undefined ? rep.perDay * workdays : undefined);
		if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity < 0) {
			throw ProtocolError.at(`/roster/${index}/capacity`, `Roster: rep "${rep.id}" needs a capacity (hand-offs per week or per day, a number of 0 or more)`);
		}
		const weight = rep.weight ?? 1;
		if (!(weight > 0)) throw ProtocolError.at(`/roster/${index}/weight`, `Roster: rep "${rep.id}" needs a positive weight`);
		return { id: rep.id, name: rep.name ?? rep.id, capacityPerWeek: capacity, weight };
	});
}

/** Whole-number thresholds across the scores seen, about 20 of them, on a readable step. */
export function candidateThresholds(scores: readonly number[], current: number): number[] {
	const sorted = [...scores].sort((a, b) => a - b);
	const lo = sorted[Math.floor(sorted.length * 0.02)] ?? current;
	const hi = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.98))] ?? current;
	const span = Math.max(1, hi - lo);
	const step = [1, 2, 5, 10, 20, 25, 50, 100].find((s) => span / s <= 20) ?? Math.ceil(span / 20);
	const values = new Set<number>([current]);
	for (let t = Math.floor(lo / step) * step; t <= hi + step; t += step) values.add(t);
	return [...values].sort((a, b) => a - b);
}

export function thresholdWhatIf(leads: readonly WhatIfLead[], options: WhatIfOptions): WhatIfReport {
	if (!Array.isArray(leads) || leads.length === 0) throw new LeadDataError('leads', 'at least one scored lead', leads);
	leads.forEach((lead, i) => {
		if (typeof lead.score !== 'number' || !Number.isFinite(lead.score)) throw new LeadDataError(`leads[${i}].score`, 'a number', lead.score);
		if (typeof lead.converted !== 'boolean') throw new LeadDataError(`leads[${i}].converted`, 'true or false', lead.converted);
	});
	if (typeof options.current !== 'number' || !Number.isFinite(options.current)) throw ProtocolError.at('/current', `Current Threshold: expected a number, got ${String(options.current)}`);
	const reps = rosterCapacity(options.roster, options.workdays ?? 5);
	const capacity = reps.reduce((t, r) => t + r.capacityPerWeek, 0);
	const totalWeight = reps.reduce((t, r) => t + r.weight, 0);
	const notes: string[] = [];

	let weeks = options.weeks;
	if (weeks === undefined) {
		const times = leads.map((l) => l.at).filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
		if (times.length < leads.length) throw new LeadDataError(`leads[${leads.findIndex((l) => typeof l.at !== 'number')}].at`, 'when the lead was scored (or give the weeks the history covers)', undefined);
		const span = Math.max(...times) - Math.min(...times);
		weeks = Math.max(1, span / WEEK);
	}
	if (!(weeks > 0)) throw ProtocolError.at('/weeks', `Weeks Covered: expected a positive number, got ${weeks}`);

	let candidates = [...new Set([...(options.candidates ?? candidateThresholds(leads.map((l) => l.score), options.current)), options.current])].sort((a, b) => a - b);
	if (options.knownFrom !== undefined) {
		const below = candidates.filter((t) => t < options.knownFrom!);
		candidates = candidates.filter((t) => t >= options.knownFrom! || t === options.current);
		if (below.length) notes.push(`Thresholds below ${options.knownFrom} are left out: the history holds only leads that were handed off, none scored below ${options.knownFrom}.`);
	}

	// Scores descending with cumulative counts: each threshold is one binary search.
	const sorted = [...leads].sort((a, b) => b.score - a.score);
	const cumConversions = new Int32Array(sorted.length + 1);
	sorted.forEach((l, i) => (cumConversions[i + 1] = cumConversions[i] + (l.converted ? 1 : 0)));
	const allConversions = cumConversions[sorted.length];
	const atOrAbove = (t: number) => {
		let lo = 0;
		let hi = sorted.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (sorted[mid].score >= t) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	const full = options.maxUtilization ?? 1;
	const figures = (threshold: number): ThresholdFigures => {
		const handoffs = atOrAbove(threshold);
		const conversions = cumConversions[handoffs];
		const perWeek = handoffs / weeks!;
		const repLoads = reps.map((r) => {
			const load = (perWeek * r.weight) / totalWeight;
			return { id: r.id, name: r.name, capacityPerWeek: r.capacityPerWeek, loadPerWeek: load, utilization: r.capacityPerWeek > 0 ? load / r.capacityPerWeek : load > 0 ? Infinity : 0 };
		});
		const utilization = capacity > 0 ? perWeek / capacity : perWeek > 0 ? Infinity : 0;
		return {
			threshold,
			handoffs,
			handoffsPerWeek: perWeek,
			conversions,
			conversionsPerWeek: conversions / weeks!,
			precision: handoffs ? conversions / handoffs : NaN,
			recall: allConversions ? conversions / allConversions : NaN,
			utilization,
			overflows: utilization > full + 1e-9,
			reps: repLoads,
		};
	};
	const rows = candidates.map(figures);
	const current = rows.find((r) => r.threshold === options.current)!;
	// The lowest threshold that stays within capacity hands off the most leads the team can take.
	const fitting = rows.filter((r) => !r.overflows);
	const recommended = fitting.length ? fitting[0] : rows[rows.length - 1];
	if (!fitting.length) notes.push(`Even the highest threshold tried (${recommended.threshold}) hands off ${num(recommended.handoffsPerWeek)} leads a week, over the team's capacity of ${num(capacity)}: the team needs more capacity.`);
	const overRep = recommended.reps.filter((r) => r.utilization > full + 1e-9);
	if (!recommended.overflows && overRep.length) notes.push(`At ${recommended.threshold}, an even share by weight overloads ${overRep.map((r) => `${r.name} (${num(r.loadPerWeek)} a week for ${num(r.capacityPerWeek)})`).join(', ')}: route by capacity so the others take the rest.`);

	return { leads: leads.length, conversions: allConversions, weeks, capacityPerWeek: capacity, rows, current, recommended, verdict: verdictOf(current, recommended, capacity), notes };
}

function verdictOf(current: ThresholdFigures, best: ThresholdFigures, capacity: number): string {
	const fill = (f: ThresholdFigures) => `${num(f.handoffsPerWeek)} hand-offs a week, ${pct(f.utilization)} of the team's ${num(capacity)}`;
	if (best.threshold === current.threshold) {
		return `Keep the threshold at ${current.threshold}: ${fill(current)}, ${num(current.conversionsPerWeek)} conversions a week at ${pct(current.precision)} precision.${current.overflows ? ' It overflows the team, and no threshold tried fits.' : ' A lower one would overflow the team.'}`;
	}
	const moreHandoffs = best.handoffsPerWeek - current.handoffsPerWeek;
	const moreConversions = best.conversionsPerWeek - current.conversionsPerWeek;
	const direction = best.threshold < current.threshold ? 'Lower' : 'Raise';
	const why = current.overflows ? `the current ${current.threshold} overflows the team (${fill(current)})` : `the current ${current.threshold} leaves capacity unused (${fill(current)})`;
	const conversions = moreConversions >= 0 ? `${num(moreConversions)} more conversions a week` : `${num(-moreConversions)} fewer conversions a week`;
	return `${direction} the threshold from ${current.threshold} to ${best.threshold}: ${why}; at ${best.threshold}, ${fill(best)}. That is ${num(Math.abs(moreHandoffs))} ${moreHandoffs >= 0 ? 'more' : 'fewer'} hand-offs and ${conversions}, precision ${pct(best.precision)} instead of ${pct(current.precision)}.`;
}

/** The what-if as a Markdown table with the recommendation. */
export function whatIfMarkdown(report: WhatIfReport, title = 'Hand-off threshold what-if'): string {
	const lines = [
		`# ${title}`,
		'',
		`**${report.verdict}**`,
		'',
		...report.notes.map((n) => `- ${n}`),
		...(report.notes.length ? [''] : []),
		`${report.leads.toLocaleString('en-US')} leads over ${num(report.weeks)} weeks, ${report.conversions.toLocaleString('en-US')} converted; the team takes ${num(report.capacityPerWeek)} hand-offs a week.`,
		'',
		'| Threshold | Hand-offs / week | Team load | Conversions / week | Precision | Share of all conversions | |',
		'| ---: | ---: | ---: | ---: | ---: | ---: | --- |',
	];
	for (const r of report.rows) {
		const mark = [r.threshold === report.current.threshold ? 'current' : '', r.threshold === report.recommended.threshold ? 'recommended' : '', r.overflows ? 'overflows' : ''].filter(Boolean).join(', ');
		lines.push(`| ${r.threshold} | ${num(r.handoffsPerWeek)} | ${pct(r.utilization)} | ${num(r.conversionsPerWeek)} | ${pct(r.precision)} | ${pct(r.recall)} | ${mark} |`);
	}
	lines.push('', `Per rep at ${report.recommended.threshold}:`, '', '| Rep | Hand-offs / week | Capacity / week | Load |', '| --- | ---: | ---: | ---: |');
	for (const r of report.recommended.reps) lines.push(`| ${r.name} | ${num(r.loadPerWeek)} | ${num(r.capacityPerWeek)} | ${pct(r.utilization)} |`);
	lines.push('');
	return lines.join('\n');
}
