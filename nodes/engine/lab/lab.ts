/**
 * The scoring lab: learns a point table from closed leads, validates it against the current
 * table on leads it never saw, and warns when the recent market moved away from the history.
 */
import { LeadDataError } from '../common/errors';
import { compileScorer, modelIdOf, normalizeProtocol, type LeadScorer, type NormalizedProtocol, type ScoringProtocolInput } from '../scoring';
import { detectDrift, type DriftOptions, type DriftReport } from './drift';
import { buildFeatures, designOf, dropDuplicates, inferAttributes, type AttributeSpec } from './features';
import { atRow, readRows, type OutcomeRow, type ReadRow } from './history';
import { calibrate, designRows, ElasticNetLogistic, fitPath, predictLogit, type Design, type Fit } from './logistic';
import { auc, aucOfArrays, bootstrapAucDifference, calibrationBands, quantileEdges, topShare, type Band, type Interval } from './metrics';
import { seededRandom, shuffledIndexes } from './random';
import { draftTable, type Change, type Evidence } from './table';

export interface LabOptions {
	/** The current scoring rules, as Lead Score takes them (JSON form). */
	current: unknown;
	/** Time to count activities at for rows without their own `at` (epoch ms). */
	asOf: number;
	/** Zone for dates without an offset (default UTC). */
	zone?: string;
	/** Lead fields to learn rules on; inferred from the rows when left out. */
	attributes?: AttributeSpec[];
	/** Fields never to learn from (e.g. those sales fills in after contact). */
	exclude?: string[];
	/** Most rules in the proposed table (default 25). */
	maxRules?: number;
	/** Share of rows held out for validation (default 0.3). */
	holdoutShare?: number;
	/** Seed for the random holdout and the bootstrap (default 1). */
	seed?: number;
	/** Score bands for calibration (default 5). */
	bands?: number;
	/** Bootstrap resamples (default 400). */
	resamples?: number;
	/** Levels, "not given" and cut points need at least this many training leads (default max(30, 0.5 %)). */
	minCount?: number;
	/** Cut points per number field (default 6). */
	cuts?: number;
	drift?: DriftOptions;
	/** Also learn on the earlier leads and validate on the most recent ones (default true; needs a time on every row). */
	timeOrdered?: boolean;
}

/** A table's learned reading of its score: predicted conversion = sigmoid(intercept + slope * score). */
export interface ScoreCalibration {
	intercept: number;
	slope: number;
	/** Inner limits of the score bands (from the training scores). */
	bandEdges: number[];
}

export interface Proposal {
	/** The learned table: paste it into Lead Score's JSON rules, or publish it. */
	table: ScoringProtocolInput;
	modelId: string;
	ruleCount: number;
	/** The rule budget (Max Rules) the table was learned within. */
	maxRules: number;
	/** Rules of the current table kept as they were because they never matched a training lead (they count towards the budget). */
	keptWithoutEvidence: number;
	/** Every difference from the current table, in words with its evidence. */
	changes: Change[];
	/** Points that double the odds of converting (the table's scale). */
	pointsToDoubleOdds: number;
	calibration: ScoreCalibration;
	/** The current table's calibration on the same training leads, for the side-by-side. */
	currentCalibration: ScoreCalibration;
	trainedOn: { leads: number; conversions: number; baseRate: number };
}

export interface TableFigures {
	modelId: string;
	auc: number;
	/** Share of all conversions found in the top 30 % of leads by score. */
	top30: number;
	bands: Band[];
	/** Largest |observed - predicted| over the bands, in probability (0..1). */
	worstBandGap: number;
}

export interface Validation {
	leads: number;
	conversions: number;
	current: TableFigures;
	proposal: TableFigures;
	/** AUC(proposal) - AUC(current) with its bootstrap interval. */
	aucGain: Interval;
	/** True when the whole interval is above zero. */
	better: boolean;
	verdict: string;
}

export interface LabReport {
	proposal: Proposal;
	/** On a random holdout (the proposal above never saw it). */
	random: Validation;
	/** Learned on the earlier leads, validated on the most recent ones; absent when rows carry no times. */
	timeOrdered?: { proposal: Proposal; validation: Validation; drift: DriftReport };
	/** Whether to offer the proposal, and why (or why not). */
	offer: { better: boolean; reasons: string[] };
}

interface Learned {
	proposal: Proposal;
	/** The model behind the table, for checks: log-odds of each training row without the intercept. */
	model: {
		intercept: number;
		/** Per training row: the model's log-odds less the intercept. */
		logits: Float64Array;
		/** Per training row: how far rounding to points can move it, in log-odds. */
		roundingBound: Float64Array;
		pointsPerLogit: number;
		rows: ReadRow[];
	};
}

/** Most leads the regularization path is computed on. */
const PATH_ROWS = 20_000;
const PDO_CHOICES = [5, 10, 15, 20, 25, 30, 40, 50];
const ALPHA = 0.95;

/** Learns a table from rows (all of them), without validating it. */
export function learnTable(rows: readonly OutcomeRow[], options: LabOptions): Proposal {
	const zone = options.zone ?? 'UTC';
	const current = normalizeProtocol(options.current);
	return learn(readRows(rows, zone), current, options).proposal;
}

/** For tests: the proposal and the model it rounds. */
export function learnWithModel(rows: readonly OutcomeRow[], options: LabOptions): Learned {
	const zone = options.zone ?? 'UTC';
	return learn(readRows(rows, zone), normalizeProtocol(options.current), options);
}

function learn(train: ReadRow[], current: NormalizedProtocol, options: LabOptions): Learned {
	const zone = options.zone ?? 'UTC';
	const maxRules = options.maxRules ?? 25;
	if (train.length < 20) throw new LeadDataError('rows', 'at least 20 closed leads to learn from', `${train.length}`);
	const conversions = train.reduce((t, r) => t + r.y, 0);
	if (conversions === 0 || conversions === train.length) {
		throw new LeadDataError('rows[].converted', 'both converted and not converted leads', conversions === 0 ? 'no conversions' : 'only conversions');
	}
	const baseRate = conversions / train.length;
	const specs = options.attributes ?? inferAttributes(train, current.fields.activities, options.exclude ?? []);
	const usable = specs.filter((s) => !(options.exclude ?? []).includes(s.field));
	const features = buildFeatures(current, usable, train, {
		minCount: options.minCount ?? Math.max(30, Math.round(train.length * 0.005)),
		cuts: options.cuts ?? 6,
		maxLevels: 30,
	});
	const { design, currentScores } = designOf(features, current, train, options.asOf, zone);
	const evidence: Evidence[] = design.columns.map(({ rows }) => {
		let c = 0;
		for (let k = 0; k < rows.length; k++) c += design.y[rows[k]];
		const rate = rows.length ? c / rows.length : 0;
		return { leads: rows.length, conversions: c, rate, lift: rate / baseRate };
	});
	dropDuplicates(design);
	const ctx = { current, candidates: features.candidates, evidence, baseRate, trainingLeads: train.length };
	const defaultScale = 10 / Math.LN2;
	const count = (fit: Fit) => draftTable(fit.weights, defaultScale, ctx).ruleCount;

	// The lasso path, from no rule to many; the path stops once the tables stay over budget.
	// Which rules to keep is decided on at most PATH_ROWS leads (a seeded sample), plenty to
	// tell a rule from noise; the points of the chosen rules are then fitted on all of them.
	const pathDesign = design.rowCount > PATH_ROWS ? designRows(design, sampleRows(design.rowCount, PATH_ROWS, options.seed ?? 1)) : design;
	let over = 0;
	const path = fitPath(pathDesign, { alpha: ALPHA, steps: 40, minRatio: 1e-3 }, (fit) => {
		over = count(fit) > maxRules ? over + 1 : 0;
		return over < 4;
	});
	const admissible = path.filter((fit) => count(fit) <= maxRules);
	let chosen = admissible[admissible.length - 1] ?? path[0];
	// Relaxed lasso: the chosen rules refit with a light ridge only, which undoes the lasso's
	// shrinkage of the points (a better-calibrated table), kept when it stays within budget.
	const relaxed = refit(design, chosen);
	if (count(relaxed) <= maxRules) chosen = relaxed;

	const logits = linearPredictor(design, chosen.weights);
	const modelAuc = aucOfArrays(logits, design.y);
	// The coarsest scale (fewest points per doubling of the odds) whose rounding keeps the
	// model's ranking: points stay small and readable.
	let best: { pdo: number; auc: number } | undefined;
	for (const pdo of PDO_CHOICES) {
		const draft = draftTable(chosen.weights, pdo / Math.LN2, ctx);
		if (draft.ruleCount > maxRules) continue;
		const a = aucOfArrays(linearPredictor(design, draft.points), design.y);
		if (!best || a > best.auc + 1e-9) best = { pdo, auc: a };
		if (a >= modelAuc - 0.001) {
			best = { pdo, auc: a };
			break;
		}
	}
	const pdo = best?.pdo ?? 10;
	// Drafted once more with the design, which names the other rules behind a rule whose leads
	// converted the other way from its points (the same table: only the words gain).
	const draft = draftTable(chosen.weights, pdo / Math.LN2, { ...ctx, design, ...(admissible.length < path.length ? { ruleBudgetReached: maxRules } : {}) });

	const table: ScoringProtocolInput = {
		fit: draft.fit,
		engagement: draft.engagement,
		negative: draft.negative,
		decay: current.decay,
		caps: {},
		velocity: current.velocity,
		grade: current.grade,
		thresholds: current.thresholds,
		fields: current.fields,
	};
	// The table's score of each training lead: its points times its features (Lead Score adds
	// the same, the table having no caps).
	const proposalScores = linearPredictor(design, draft.points);
	const bands = options.bands ?? 5;
	// Band limits are whole points, as a team would write them.
	const calibrationOf = (scores: Float64Array): ScoreCalibration => ({
		...calibrate(scores, design.y),
		bandEdges: [...new Set(quantileEdges([...scores], bands).map(Math.round))],
	});
	const calibration = calibrationOf(proposalScores);
	const currentCalibration = calibrationOf(currentScores);

	const changes = [...draft.changes];
	const hadCaps = Object.keys(current.caps).filter((k) => current.caps[k as keyof typeof current.caps] !== undefined);
	if (hadCaps.length) {
		changes.push({ kind: 'setting', rule: 'Caps', text: `Caps removed (${hadCaps.map((k) => `${k} ${current.caps[k as keyof typeof current.caps]}`).join(', ')}): the learned points add up uncapped, so every point keeps its meaning (${pdo} points double the odds of converting)` });
	}
	// Thresholds move to the score with the same predicted conversion as before.
	if (currentCalibration.slope > 0 && calibration.slope > 0) {
		table.thresholds = current.thresholds.map((t) => {
			const logit = currentCalibration.intercept + currentCalibration.slope * t.score;
			const score = Math.round((logit - calibration.intercept) / calibration.slope);
			if (score !== t.score) {
				changes.push({ kind: 'setting', rule: `${t.name} threshold`, from: t.score, to: score, text: `${t.name} threshold: ${t.score} → ${score} (the same predicted conversion, ${(100 / (1 + Math.exp(-logit))).toFixed(0)}%)` });
			}
			return { name: t.name, score };
		});
	}
	changes.push({
		kind: 'setting',
		rule: 'Grade',
		text: `Grade limits kept as they were (fit ${current.grade.fit.join('/')}, engagement ${current.grade.engagement.join('/')}): review them, the points are on a new scale`,
	});
	const normalized = normalizeProtocol(table);
	return {
		proposal: {
			table,
			modelId: modelIdOf(normalized),
			ruleCount: draft.ruleCount,
			maxRules,
			keptWithoutEvidence: draft.changes.filter((c) => c.kind === 'kept' && c.evidence?.leads === 0 && c.from !== 0).length,
			changes,
			pointsToDoubleOdds: pdo,
			calibration,
			currentCalibration,
			trainedOn: { leads: train.length, conversions, baseRate },
		},
		model: { intercept: chosen.intercept, logits, roundingBound: roundingBound(design, chosen.weights, draft.points, pdo / Math.LN2), pointsPerLogit: pdo / Math.LN2, rows: train },
	};
}

function sampleRows(n: number, m: number, seed: number): Int32Array {
	return shuffledIndexes(n, seededRandom(seed)).slice(0, m).sort();
}

function refit(design: Design, fit: Fit): Fit {
	const keep: number[] = [];
	fit.weights.forEach((w, j) => {
		if (w !== 0) keep.push(j);
	});
	const sub: Design = {
		rowCount: design.rowCount,
		columns: keep.map((j) => design.columns[j]),
		y: design.y,
		nonNegative: keep.map((j) => design.nonNegative?.[j] ?? false),
	};
	const solver = new ElasticNetLogistic(sub);
	const refitted = solver.fit(1e-3, { alpha: 0 });
	const weights = new Float64Array(design.columns.length);
	keep.forEach((j, k) => (weights[j] = refitted.weights[k]));
	return { intercept: refitted.intercept, weights, lambda: refitted.lambda };
}

function roundingBound(design: Design, weights: ArrayLike<number>, points: ArrayLike<number>, scale: number): Float64Array {
	const bound = new Float64Array(design.rowCount);
	design.columns.forEach(({ rows, values }, j) => {
		const error = Math.abs(weights[j] - points[j] / scale);
		if (error === 0) return;
		for (let k = 0; k < rows.length; k++) bound[rows[k]] += error * Math.abs(values[k]);
	});
	return bound;
}

function linearPredictor(design: Design, weights: ArrayLike<number>): Float64Array {
	const eta = new Float64Array(design.rowCount);
	design.columns.forEach(({ rows, values }, j) => {
		const w = weights[j];
		if (w === 0) return;
		for (let k = 0; k < rows.length; k++) eta[rows[k]] += w * values[k];
	});
	return eta;
}


function scoreRows(scorer: LeadScorer, rows: readonly ReadRow[], asOf: number, zone: string): Float64Array {
	return Float64Array.from(rows, (row) => atRow(row, () => scorer.score(row.lead, row.at ?? asOf, zone).total));
}

/** Scores held-out rows (never learned from) with the current table and the proposal, side by side. */
export function validateProposal(proposal: Proposal, holdout: readonly OutcomeRow[], options: LabOptions): Validation {
	return validate(proposal, options.current, readRows(holdout, options.zone ?? 'UTC'), options);
}

function validate(proposal: Proposal, currentProtocol: unknown, holdout: readonly ReadRow[], options: LabOptions): Validation {
	const zone = options.zone ?? 'UTC';
	const current = compileScorer(currentProtocol);
	const learned = compileScorer(proposal.table);
	const y = holdout.map((r) => r.y === 1);
	const figures = (scorer: LeadScorer, calibration: ScoreCalibration): { figures: TableFigures; scores: number[] } => {
		const scores = [...scoreRows(scorer, holdout, options.asOf, zone)];
		const scored = scores.map((score, i) => ({ score, converted: y[i] }));
		const bands = calibrationBands(scored, calibration.bandEdges, (s) => predictLogit(calibration.intercept, calibration.slope, s));
		return {
			scores,
			figures: {
				modelId: scorer.modelId,
				auc: auc(scored),
				top30: topShare(scored, 0.3),
				bands,
				worstBandGap: bands.reduce((m, b) => Math.max(m, Math.abs(b.observed - b.predicted)), 0),
			},
		};
	};
	const a = figures(current, proposal.currentCalibration);
	const b = figures(learned, proposal.calibration);
	const aucGain = bootstrapAucDifference(a.scores, b.scores, y, { resamples: options.resamples ?? 400, seed: options.seed ?? 1 });
	const better = aucGain.low > 0;
	const gain = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
	const interval = `${(aucGain.level * 100).toFixed(0)}% interval ${gain(aucGain.low)} to ${gain(aucGain.high)}`;
	return {
		leads: holdout.length,
		conversions: y.filter(Boolean).length,
		current: a.figures,
		proposal: b.figures,
		aucGain,
		better,
		verdict: better
			? `Better: AUC ${b.figures.auc.toFixed(3)} against ${a.figures.auc.toFixed(3)} (gain ${gain(aucGain.estimate)}, ${interval}) on ${holdout.length.toLocaleString('en-US')} leads it never saw`
			: `Not shown to be better: AUC gain ${gain(aucGain.estimate)} (${interval} includes no gain) on ${holdout.length.toLocaleString('en-US')} leads it never saw`,
	};
}

/**
 * The whole lab: a random holdout (seeded), and when every row has a time, a time-ordered one
 * (the most recent rows held out) with a drift check between the two periods.
 */
export function runLab(rows: readonly OutcomeRow[], options: LabOptions): LabReport {
	const zone = options.zone ?? 'UTC';
	const current = normalizeProtocol(options.current);
	const all = readRows(rows, zone);
	const share = options.holdoutShare ?? 0.3;
	const holdoutSize = Math.round(all.length * share);
	const order = shuffledIndexes(all.length, seededRandom(options.seed ?? 1));
	const inHoldout = new Uint8Array(all.length);
	for (let k = 0; k < holdoutSize; k++) inHoldout[order[k]] = 1;
	const train = all.filter((_, i) => !inHoldout[i]);
	const holdout = all.filter((_, i) => inHoldout[i]);
	const { proposal } = learn(train, current, options);
	const random = validate(proposal, current, holdout, options);
	const reasons = [random.verdict];
	let better = random.better;

	let timeOrdered: LabReport['timeOrdered'];
	if (options.timeOrdered === false) {
		reasons.push('No time-ordered check: switched off, so the proposal was not tried on the most recent leads.');
	} else if (all.length > 0 && all.every((r) => r.at !== undefined)) {
		const byTime = [...all].sort((x, z) => x.at! - z.at! || x.index - z.index);
		const cut = all.length - holdoutSize;
		const earlier = byTime.slice(0, cut);
		const recent = byTime.slice(cut);
		const learnedEarlier = learn(earlier, current, options).proposal;
		const validation = validate(learnedEarlier, current, recent, options);
		const specs = (options.attributes ?? inferAttributes(earlier, current.fields.activities, options.exclude ?? [])).filter((s) => !(options.exclude ?? []).includes(s.field));
		const drift = detectDrift(earlier, recent, specs, compileScorer(current), zone, options.drift);
		timeOrdered = { proposal: learnedEarlier, validation, drift };
		reasons.push(`On the most recent ${recent.length.toLocaleString('en-US')} leads (learned on the earlier ones): ${validation.verdict.charAt(0).toLowerCase()}${validation.verdict.slice(1)}`);
		if (!validation.better) better = false;
		if (drift.drifted) {
			better = false;
			reasons.push(`Do not publish yet: the recent market differs from the history. ${drift.warnings.join(' ')}`);
		}
	} else {
		reasons.push('No time-ordered check: not every row has a time (at), so recent leads cannot be told from old ones.');
	}
	return { proposal, random, ...(timeOrdered ? { timeOrdered } : {}), offer: { better, reasons } };
}
