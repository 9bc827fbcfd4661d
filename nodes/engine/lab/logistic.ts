/**
 * Regularized logistic regression by coordinate descent inside iteratively reweighted least
 * squares (the glmnet method: Friedman, Hastie and Tibshirani, "Regularization Paths for
 * Generalized Linear Models via Coordinate Descent", J. Stat. Softw. 2010).
 *
 * Minimizes  -loglik/n + lambda * (alpha * |w|_1 + (1 - alpha)/2 * |w|_2^2)  with an
 * unpenalized intercept, over sparse columns (most lead features are 0 for most leads).
 * Columns are scaled to unit root-mean-square inside the solver so that one lambda treats
 * them alike; weights are returned on the original scale.
 */

/** One feature over all rows: the rows where it is not zero and its values there. */
export interface SparseColumn {
	rows: Int32Array;
	values: Float64Array;
}

export interface Design {
	rowCount: number;
	columns: SparseColumn[];
	/** 1 = converted, 0 = not. */
	y: Uint8Array;
	/** Columns whose weight may not go below zero. */
	nonNegative?: boolean[];
}

export interface Fit {
	intercept: number;
	weights: Float64Array;
	lambda: number;
}

export interface SolverOptions {
	/** 1 = lasso, 0 = ridge. */
	alpha: number;
	tolerance?: number;
	maxOuter?: number;
	maxInner?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A solver over one design, keeping its state so a path of lambdas warm-starts. */
export class ElasticNetLogistic {
	private readonly n: number;
	private readonly scale: Float64Array;
	private readonly w: Float64Array;
	private b0: number;
	private readonly eta: Float64Array;

	constructor(private readonly design: Design) {
		this.n = design.rowCount;
		const p = design.columns.length;
		this.scale = new Float64Array(p);
		for (let j = 0; j < p; j++) {
			const { values } = design.columns[j];
			let ss = 0;
			for (let k = 0; k < values.length; k++) ss += values[k] * values[k];
			this.scale[j] = ss > 0 ? Math.sqrt(ss / this.n) : 0;
		}
		this.w = new Float64Array(p);
		let positives = 0;
		for (let i = 0; i < this.n; i++) positives += design.y[i];
		const mean = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, this.n)));
		this.b0 = Math.log(mean / (1 - mean));
		this.eta = new Float64Array(this.n).fill(this.b0);
	}

	/** Mean deviance (2 x log loss) of the current fit on its rows. */
	deviance(): number {
		const { y } = this.design;
		let total = 0;
		for (let i = 0; i < this.n; i++) {
			const e = this.eta[i];
			// log(1 + exp(-e)) for y = 1, log(1 + exp(e)) for y = 0, computed stably.
			const m = y[i] ? -e : e;
			total += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
		}
		return (2 * total) / this.n;
	}

	/** The smallest lambda at which every weight is zero (for this alpha). */
	lambdaMax(alpha: number): number {
		const { y, columns } = this.design;
		let mean = 0;
		for (let i = 0; i < this.n; i++) mean += y[i];
		mean /= this.n;
		let max = 0;
		for (let j = 0; j < columns.length; j++) {
			if (this.scale[j] === 0) continue;
			const { rows, values } = columns[j];
			let g = 0;
			for (let k = 0; k < rows.length; k++) g += (values[k] / this.scale[j]) * (y[rows[k]] - mean);
			max = Math.max(max, Math.abs(g) / this.n);
		}
		return max / Math.max(alpha, 1e-3);
	}

	/**
	 * Fits at `lambda`, starting from the current weights. Each column is centered implicitly on
	 * its weighted mean (a weight step moves the intercept by -step * mean), which keeps the
	 * intercept out of the coordinate updates: what glmnet does by standardizing.
	 */
	fit(lambda: number, options: SolverOptions): Fit {
		const { columns, y } = this.design;
		const nonNegative = this.design.nonNegative;
		const { n, scale, w, eta } = this;
		const p = columns.length;
		const alpha = options.alpha;
		const tolerance = options.tolerance ?? 1e-7;
		const l1 = lambda * alpha;
		const l2 = lambda * (1 - alpha);
		const W = new Float64Array(n);
		const r = new Float64Array(n);
		const h = new Float64Array(p);
		const mean = new Float64Array(p);
		// w is kept on the scaled axis: weight on the original scale is w / scale.
		for (let outer = 0; outer < (options.maxOuter ?? 30); outer++) {
			let sumW = 0;
			let sumWr = 0;
			for (let i = 0; i < n; i++) {
				const prob = sigmoid(eta[i]);
				const wi = Math.max(prob * (1 - prob), 1e-5);
				W[i] = wi;
				r[i] = (y[i] - prob) / wi;
				sumW += wi;
				sumWr += wi * r[i];
			}
			// Intercept first, so the weighted residuals sum to zero (and stay so).
			const d0 = sumWr / sumW;
			this.b0 += d0;
			for (let i = 0; i < n; i++) {
				r[i] -= d0;
				eta[i] += d0;
			}
			for (let j = 0; j < p; j++) {
				if (scale[j] === 0) continue;
				const { rows, values } = columns[j];
				const s = scale[j];
				let sx = 0;
				let sxx = 0;
				for (let k = 0; k < rows.length; k++) {
					const x = values[k] / s;
					sx += W[rows[k]] * x;
					sxx += W[rows[k]] * x * x;
				}
				mean[j] = sx / sumW;
				h[j] = Math.max((sxx - sx * mean[j]) / n, 1e-12);
			}
			// Offsets shared by every row (the centering), folded in after the sweeps.
			let rOff = 0;
			let eOff = 0;
			let outerChange = 0;
			// After a full sweep only the non-zero weights are cycled until they settle, then a
			// full sweep checks that no other weight wants to enter.
			let activeOnly = false;
			for (let inner = 0; inner < (options.maxInner ?? 200); inner++) {
				let maxChange = 0;
				for (let j = 0; j < p; j++) {
					if (scale[j] === 0 || (activeOnly && w[j] === 0)) continue;
					const { rows, values } = columns[j];
					const s = scale[j];
					let g = 0;
					for (let k = 0; k < rows.length; k++) g += W[rows[k]] * (values[k] / s) * r[rows[k]];
					g = (g + rOff * mean[j] * sumW) / n + h[j] * w[j];
					let next = Math.abs(g) <= l1 ? 0 : (g - Math.sign(g) * l1) / (h[j] + l2);
					if (nonNegative?.[j] && next < 0) next = 0;
					const delta = next - w[j];
					if (delta === 0) continue;
					w[j] = next;
					for (let k = 0; k < rows.length; k++) {
						const dx = (delta * values[k]) / s;
						r[rows[k]] -= dx;
						eta[rows[k]] += dx;
					}
					rOff += delta * mean[j];
					eOff -= delta * mean[j];
					this.b0 -= delta * mean[j];
					maxChange = Math.max(maxChange, h[j] * delta * delta);
				}
				outerChange = Math.max(outerChange, maxChange);
				if (maxChange < tolerance) {
					if (!activeOnly) break;
					activeOnly = false;
				} else if (!activeOnly) activeOnly = true;
			}
			for (let i = 0; i < n; i++) eta[i] += eOff;
			if (outerChange < tolerance) break;
		}
		const weights = new Float64Array(p);
		for (let j = 0; j < p; j++) weights[j] = scale[j] === 0 ? 0 : w[j] / scale[j];
		return { intercept: this.b0, weights, lambda };
	}
}

/**
 * The regularization path: fits from lambdaMax down to lambdaMax * minRatio on a log scale,
 * each warm-started from the one before. `keepGoing` sees each fit and may stop the path.
 */
export function fitPath(
	design: Design,
	options: SolverOptions & { steps?: number; minRatio?: number },
	keepGoing: (fit: Fit) => boolean = () => true,
): Fit[] {
	const solver = new ElasticNetLogistic(design);
	const steps = options.steps ?? 40;
	const max = solver.lambdaMax(options.alpha);
	const ratio = Math.pow(options.minRatio ?? 1e-3, 1 / (steps - 1));
	const fits: Fit[] = [];
	let previous = Infinity;
	for (let k = 0; k < steps; k++) {
		const fit = solver.fit(max * Math.pow(ratio, k), options);
		fits.push(fit);
		if (!keepGoing(fit)) break;
		// As glmnet: stop once a smaller lambda no longer improves the fit (deviance change < 1e-5).
		const deviance = solver.deviance();
		if (k > 0 && previous - deviance < 1e-5 * previous) break;
		previous = deviance;
	}
	return fits;
}

/** Logistic regression of the outcome on one score, p = sigmoid(a + b * score), by Newton's method. */
export function calibrate(scores: ArrayLike<number>, y: ArrayLike<number>): { intercept: number; slope: number } {
	const n = scores.length;
	let a = 0;
	let b = 0;
	for (let iteration = 0; iteration < 50; iteration++) {
		let ga = 0;
		let gb = 0;
		let haa = 1e-9;
		let hab = 0;
		let hbb = 1e-9;
		for (let i = 0; i < n; i++) {
			const s = scores[i];
			const prob = sigmoid(a + b * s);
			const wi = prob * (1 - prob);
			ga += y[i] - prob;
			gb += (y[i] - prob) * s;
			haa += wi;
			hab += wi * s;
			hbb += wi * s * s;
		}
		const det = haa * hbb - hab * hab;
		if (!(det > 0)) break;
		const da = (hbb * ga - hab * gb) / det;
		const db = (haa * gb - hab * ga) / det;
		a += da;
		b += db;
		if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-12) break;
	}
	return { intercept: a, slope: b };
}

export function predictLogit(intercept: number, slope: number, score: number): number {
	return sigmoid(intercept + slope * score);
}

/** The design restricted to `keep` (ascending row numbers), rows renumbered 0..keep.length-1. */
export function designRows(design: Design, keep: Int32Array): Design {
	const position = new Int32Array(design.rowCount).fill(-1);
	keep.forEach((row, i) => (position[row] = i));
	const y = new Uint8Array(keep.length);
	keep.forEach((row, i) => (y[i] = design.y[row]));
	const columns = design.columns.map(({ rows, values }) => {
		const r: number[] = [];
		const v: number[] = [];
		for (let k = 0; k < rows.length; k++) {
			const p = position[rows[k]];
			if (p >= 0) {
				r.push(p);
				v.push(values[k]);
			}
		}
		return { rows: Int32Array.from(r), values: Float64Array.from(v) };
	});
	return { rowCount: keep.length, columns, y, ...(design.nonNegative ? { nonNegative: design.nonNegative } : {}) };
}
