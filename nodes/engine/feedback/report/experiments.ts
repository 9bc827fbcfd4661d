/**
 * Champion/challenger arms compared in the Lead Quality Report. A hand-off belongs to an arm by
 * the model that scored the lead at hand-off (the experiment record says which model ran as which
 * arm), or by the row's own `experiment` and `arm` when rows come as items.
 *
 * Method, for each of acceptance, meeting and win rate (shares of hand-offs, as everywhere in the
 * report): each arm's rate with its Wilson 95 % interval; the difference (challenger minus
 * champion) with Newcombe's hybrid score interval (built from the two Wilson intervals); a
 * two-sided two-proportion z-test with the pooled rate, significant at p < 0.05. When it is not
 * significant yet, the hand-offs still needed to show a difference of the size seen with 80 %
 * power at the 5 % level (normal approximation, Fleiss, with the arms split by the experiment's
 * share), counted from the hand-offs each arm already has.
 */
import type { Arm } from '../../experiment';
import { buildReport } from './report';
import type { ReportRow } from './rows';
import { Z95, type Rate } from './stats';
import { percent } from './format';

/** z for 80 % power (one-sided 0.2 quantile). */
const Z80 = 0.8416212335729143;
export const ALPHA = 0.05;
export const POWER = 0.8;

export const ARM_METRICS = [
	{ metric: 'acceptance', label: 'Accepted' },
	{ metric: 'meeting', label: 'Meetings' },
	{ metric: 'win', label: 'Won' },
] as const;
export type ArmMetric = (typeof ARM_METRICS)[number]['metric'];

export const ARM_METHOD =
	'Rates are shares of hand-offs with Wilson 95 % intervals; the difference (challenger minus champion) has a Newcombe 95 % interval; significant means a two-sided two-proportion z-test gives p < 0.05. Hand-offs still needed: for 80 % power at the 5 % level to show the difference seen (normal approximation), with the arms split by the challenger share.';

/** An experiment as the store records it (or as given): which models are its arms. */
export interface ExperimentArms {
	name: string;
	championModelId: string;
	challengerModelId: string;
	sharePercent: number;
	/** Hand-offs before this time are left out: the champion's model also scored before the experiment began. */
	firstSeenAt?: number;
}

export interface ArmFigures {
	arm: Arm;
	modelId?: string;
	handoffs: number;
	rates: Record<ArmMetric, Rate>;
}

export interface MetricComparison {
	metric: ArmMetric;
	label: string;
	champion: Rate;
	challenger: Rate;
	/** Challenger minus champion, as a share (0.031 is 3.1 points). */
	difference?: number;
	low?: number;
	high?: number;
	pValue?: number;
	significant: boolean;
	/** When not significant and a difference was seen: hand-offs (both arms) still needed, and how many of them the challenger gets. */
	moreHandoffs?: number;
	moreInChallenger?: number;
	text: string;
}

export interface ArmComparison {
	experiment: string;
	sharePercent: number;
	champion: ArmFigures;
	challenger: ArmFigures;
	metrics: MetricComparison[];
	method: string;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf; absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
	const x = Math.abs(z) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * x);
	const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
	return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of the pooled two-proportion z-test; 1 when both arms are all 0 or all 1. */
export function twoProportionP(x1: number, n1: number, x2: number, n2: number): number {
	const pooled = (x1 + x2) / (n1 + n2);
	const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
	if (se === 0) return 1;
	const z = (x2 / n2 - x1 / n1) / se;
	return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/**
 * Hand-offs per arm needed to show the difference between p1 (champion) and p2 (challenger) with
 * 80 % power at the 5 % level, the challenger getting `k` hand-offs for each of the champion's.
 */
export function requiredPerArm(p1: number, p2: number, k: number): { champion: number; challenger: number } | undefined {
	const d = p2 - p1;
	if (d === 0 || !(k > 0)) return undefined;
	const pBar = (p1 + k * p2) / (1 + k);
	const n1 = (Z95 * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / k)) + Z80 * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / k)) ** 2 / (d * d);
	return { champion: n1, challenger: k * n1 };
}

const points = (d: number) => `${d >= 0 ? '+' : '−'}${(Math.abs(d) * 100).toFixed(1)} points`;
const signed = (d: number) => `${d >= 0 ? '+' : '−'}${(Math.abs(d) * 100).toFixed(1)}`;
const withInterval = (r: Rate) => (r.rate === undefined ? '–' : `${percent(r.rate, 1)} (${percent(r.low, 1)}–${percent(r.high, 1)})`);
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(p < 0.01 ? 3 : 2)}`);

function compareMetric(metric: ArmMetric, label: string, a: Rate, b: Rate, share: number): MetricComparison {
	const base = { metric, label, champion: a, challenger: b };
	if (a.rate === undefined || b.rate === undefined) return { ...base, significant: false, text: `${label}: not enough hand-offs in both arms yet.` };
	const d = b.rate - a.rate;
	// Newcombe's hybrid score interval from the arms' Wilson intervals.
	const low = d - Math.sqrt((b.rate - b.low!) ** 2 + (a.high! - a.rate) ** 2);
	const high = d + Math.sqrt((b.high! - b.rate) ** 2 + (a.rate - a.low!) ** 2);
	const pValue = twoProportionP(a.count, a.of, b.count, b.of);
	const significant = pValue < ALPHA;
	const head = `${label}: challenger ${withInterval(b)} against champion ${withInterval(a)}, ${points(d)} (95 % interval ${signed(low)} to ${signed(high)})`;
	if (significant) return { ...base, difference: d, low, high, pValue, significant, text: `${head}: significant (${pText(pValue)}), the challenger ${d > 0 ? 'higher' : 'lower'}.` };
	const needed = requiredPerArm(a.rate, b.rate, share / (1 - share));
	if (!needed) return { ...base, difference: d, low, high, pValue, significant, text: `${head}: no difference so far (${pText(pValue)}).` };
	const more = Math.ceil(Math.max(0, (needed.champion - a.of) / (1 - share), (needed.challenger - b.of) / share));
	const moreInChallenger = Math.ceil(more * share);
	return {
		...base,
		difference: d,
		low,
		high,
		pValue,
		significant,
		moreHandoffs: more,
		moreInChallenger,
		text: `${head}: not significant yet (${pText(pValue)}); about ${more.toLocaleString('en-US')} more hand-offs with outcomes (${moreInChallenger.toLocaleString('en-US')} of them in the challenger arm) would show a difference this size with 80 % power.`,
	};
}

function figures(arm: Arm, modelId: string | undefined, rows: ReportRow[]): ArmFigures {
	const total = buildReport(rows, { bands: [] }).total;
	return { arm, modelId, handoffs: total.handoffs, rates: { acceptance: total.acceptance, meeting: total.meeting, win: total.win } };
}

/**
 * The arms of each experiment compared, for the experiments whose two arms both have hand-offs
 * in the rows (already limited to the report's period). Rows that name their experiment and arm
 * are taken as they say; others by their model id.
 */
export function compareArms(rows: Iterable<ReportRow>, experiments: readonly ExperimentArms[]): ArmComparison[] {
	const byName = new Map<string, { spec?: ExperimentArms; champion: ReportRow[]; challenger: ReportRow[] }>();
	const entry = (name: string) => {
		let e = byName.get(name);
		if (!e) byName.set(name, (e = { champion: [], challenger: [] }));
		return e;
	};
	for (const spec of experiments) entry(spec.name).spec = spec;
	const byModel = new Map<string, Array<{ spec: ExperimentArms; arm: Arm }>>();
	for (const spec of experiments) {
		for (const [model, arm] of [[spec.championModelId, 'champion'], [spec.challengerModelId, 'challenger']] as const) {
			const list = byModel.get(model) ?? [];
			list.push({ spec, arm });
			byModel.set(model, list);
		}
	}
	for (const row of rows) {
		if (row.experiment !== undefined && row.arm !== undefined) {
			entry(row.experiment)[row.arm].push(row);
			continue;
		}
		if (row.modelId === undefined) continue;
		for (const { spec, arm } of byModel.get(row.modelId) ?? []) {
			if (spec.firstSeenAt !== undefined && row.handedOffAt < spec.firstSeenAt) continue;
			entry(spec.name)[arm].push(row);
		}
	}
	const out: ArmComparison[] = [];
	for (const [name, e] of byName) {
		if (e.champion.length === 0 || e.challenger.length === 0) continue;
		const share = e.spec ? e.spec.sharePercent / 100 : e.challenger.length / (e.champion.length + e.challenger.length);
		const champion = figures('champion', e.spec?.championModelId ?? e.champion[0].modelId, e.champion);
		const challenger = figures('challenger', e.spec?.challengerModelId ?? e.challenger[0].modelId, e.challenger);
		out.push({
			experiment: name,
			sharePercent: Math.round(share * 1000) / 10,
			champion,
			challenger,
			metrics: ARM_METRICS.map(({ metric, label }) => compareMetric(metric, label, champion.rates[metric], challenger.rates[metric], share)),
			method: ARM_METHOD,
		});
	}
	return out;
}
