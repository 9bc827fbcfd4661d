/**
 * How well a score ranks and predicts outcomes: area under the ROC curve, the share of
 * conversions in the top of the list, calibration per score band, and a paired bootstrap
 * interval for the difference between two scores on the same leads.
 */
import { seededRandom } from './random';

export interface Scored {
	score: number;
	converted: boolean;
}

/** Positions sorted by score (ascending), and the start of each tie group. */
interface Ranking {
	order: Int32Array;
	/** groupEnd[k] = index (in `order`) one past the tie group that starts at k. */
	groupEnd: Int32Array;
}

function rank(scores: ArrayLike<number>): Ranking {
	const n = scores.length;
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	order.sort((a, b) => scores[a] - scores[b]);
	const groupEnd = new Int32Array(n);
	for (let i = 0; i < n; ) {
		let j = i + 1;
		while (j < n && scores[order[j]] === scores[order[i]]) j++;
		groupEnd[i] = j;
		i = j;
	}
	return { order, groupEnd };
}

/**
 * Weighted AUC over a ranking: the chance that a random converted lead outscores a random
 * other one, ties counting half. `weight[i]` is how often lead i counts (1, or a bootstrap
 * multiplicity). NaN when either class is empty.
 */
function aucOf(ranking: Ranking, converted: ArrayLike<number>, weight?: ArrayLike<number>): number {
	const { order, groupEnd } = ranking;
	let negativesBelow = 0;
	let pairs = 0;
	let positives = 0;
	for (let i = 0; i < order.length; ) {
		const end = groupEnd[i];
		let groupPositives = 0;
		let groupNegatives = 0;
		for (let k = i; k < end; k++) {
			const lead = order[k];
			const w = weight ? weight[lead] : 1;
			if (converted[lead]) groupPositives += w;
			else groupNegatives += w;
		}
		pairs += groupPositives * (negativesBelow + groupNegatives / 2);
		negativesBelow += groupNegatives;
		positives += groupPositives;
		i = end;
	}
	return pairs / (positives * negativesBelow);
}

/** AUC of scores against 0/1 outcomes in typed arrays: both classes sorted natively, then merged. */
export function aucOfArrays(scores: ArrayLike<number>, y: ArrayLike<number>): number {
	let positives = 0;
	for (let i = 0; i < y.length; i++) positives += y[i] ? 1 : 0;
	const pos = new Float64Array(positives);
	const neg = new Float64Array(y.length - positives);
	for (let i = 0, a = 0, b = 0; i < y.length; i++) {
		if (y[i]) pos[a++] = scores[i];
		else neg[b++] = scores[i];
	}
	pos.sort();
	neg.sort();
	let pairs = 0;
	let below = 0;
	let equal = 0;
	for (let k = 0; k < pos.length; k++) {
		const s = pos[k];
		if (k === 0 || s !== pos[k - 1]) {
			below += equal;
			while (below < neg.length && neg[below] < s) below++;
			equal = 0;
			while (below + equal < neg.length && neg[below + equal] === s) equal++;
		}
		pairs += below + equal / 2;
	}
	return pairs / (pos.length * neg.length);
}

export function auc(scored: readonly Scored[]): number {
	const scores = scored.map((s) => s.score);
	return aucOf(rank(scores), scored.map((s) => (s.converted ? 1 : 0)));
}

/**
 * The share of all conversions found in the top `fraction` of leads by score. Leads tied at
 * the cut count in proportion, so the figure does not depend on the order of ties.
 */
export function topShare(scored: readonly Scored[], fraction = 0.3): number {
	const total = scored.reduce((t, s) => t + (s.converted ? 1 : 0), 0);
	if (total === 0) return NaN;
	const sorted = [...scored].sort((a, b) => b.score - a.score);
	let room = fraction * sorted.length;
	let found = 0;
	for (let i = 0; i < sorted.length && room > 0; ) {
		let j = i;
		let groupConverted = 0;
		while (j < sorted.length && sorted[j].score === sorted[i].score) groupConverted += sorted[j++].converted ? 1 : 0;
		const size = j - i;
		const taken = Math.min(size, room);
		found += (groupConverted * taken) / size;
		room -= taken;
		i = j;
	}
	return found / total;
}

export interface Band {
	/** Scores in [from, to) (the last band includes its upper end). */
	from: number;
	to: number;
	leads: number;
	conversions: number;
	/** Observed conversion rate in the band (0..1). */
	observed: number;
	/** Mean predicted conversion probability of the band's leads (0..1). */
	predicted: number;
}

/**
 * Observed against predicted conversion per score band. `edges` are the inner band limits
 * (ascending), fixed before the leads are seen (from the training scores), so a band is a
 * range of scores, as a team would set it.
 */
export function calibrationBands(scored: readonly Scored[], edges: readonly number[], predict: (score: number) => number): Band[] {
	const limits = [-Infinity, ...edges, Infinity];
	const bands: Band[] = [];
	for (let b = 0; b < limits.length - 1; b++) {
		const inBand = scored.filter((s) => s.score >= limits[b] && s.score < limits[b + 1]);
		if (inBand.length === 0) continue;
		const conversions = inBand.reduce((t, s) => t + (s.converted ? 1 : 0), 0);
		bands.push({
			from: limits[b],
			to: limits[b + 1],
			leads: inBand.length,
			conversions,
			observed: conversions / inBand.length,
			predicted: inBand.reduce((t, s) => t + predict(s.score), 0) / inBand.length,
		});
	}
	return bands;
}

/** Inner limits that split the scores into `count` bands of about equal size. */
export function quantileEdges(scores: readonly number[], count: number): number[] {
	const sorted = [...scores].sort((a, b) => a - b);
	const edges: number[] = [];
	for (let k = 1; k < count; k++) {
		const edge = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / count))];
		if (edge !== undefined && (edges.length === 0 || edge > edges[edges.length - 1]) && edge > sorted[0]) edges.push(edge);
	}
	return edges;
}

export interface Interval {
	estimate: number;
	low: number;
	high: number;
	/** Confidence level, e.g. 0.95. */
	level: number;
	resamples: number;
}

/**
 * Paired bootstrap of AUC(b) - AUC(a) on the same leads: the leads are resampled with
 * replacement (seeded, so the interval is repeatable) and both scores judged on each sample.
 * Percentile interval at `level`.
 */
export function bootstrapAucDifference(
	a: readonly number[],
	b: readonly number[],
	converted: readonly boolean[],
	options: { resamples?: number; level?: number; seed?: number } = {},
): Interval {
	const resamples = options.resamples ?? 200;
	const level = options.level ?? 0.95;
	const n = converted.length;
	const y = Uint8Array.from(converted, (c) => (c ? 1 : 0));
	const rankA = rank(a);
	const rankB = rank(b);
	const estimate = aucOf(rankB, y) - aucOf(rankA, y);
	const random = seededRandom(options.seed ?? 1);
	const weight = new Float64Array(n);
	const differences: number[] = [];
	for (let r = 0; r < resamples; r++) {
		weight.fill(0);
		for (let i = 0; i < n; i++) weight[Math.floor(random() * n)]++;
		const d = aucOf(rankB, y, weight) - aucOf(rankA, y, weight);
		if (Number.isFinite(d)) differences.push(d);
	}
	differences.sort((x, z) => x - z);
	const at = (q: number) => differences[Math.min(differences.length - 1, Math.max(0, Math.floor(q * differences.length)))];
	return { estimate, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2), level, resamples };
}

/** Log loss of probabilities against outcomes. */
export function logLoss(probabilities: ArrayLike<number>, converted: ArrayLike<number>): number {
	let total = 0;
	for (let i = 0; i < probabilities.length; i++) {
		const p = Math.min(1 - 1e-12, Math.max(1e-12, probabilities[i]));
		total -= converted[i] ? Math.log(p) : Math.log(1 - p);
	}
	return total / probabilities.length;
}
