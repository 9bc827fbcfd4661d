/**
 * The learner's features. Every feature is a Lead Score rule with 1 point: the current table's
 * rules (engagement rules count their activities, with the table's caps and decay), and
 * candidate rules on the lead's attributes (a category level, "not given", a number above a
 * cut point). The features are computed by Lead Score itself, so a learned table scores a
 * lead exactly as the model saw it.
 */
import { compilePath } from '../common/paths';
import { anyValue, isPresent } from '../common/values';
import { allAbove, compileScorer, readQuantity, type NormalizedProtocol } from '../scoring';
import type { AttributeRule, EngagementRule } from '../scoring/protocol';
import { atRow, type ReadRow } from './history';
import type { Design, SparseColumn } from './logistic';

export interface AttributeSpec {
	/** Path of the lead's field, as Lead Score reads it. */
	field: string;
	kind: 'category' | 'number';
	/** How the field is named in the table, e.g. "Lead Source". Defaults to the field. */
	label?: string;
}

export type Candidate =
	| { kind: 'current'; group: 'fit' | 'negative' | 'engagement'; index: number; id: string; nonNegative: boolean }
	| { kind: 'level'; spec: AttributeSpec; key: string; value: string | number | boolean; mergeable: boolean; id: string }
	| { kind: 'missing'; spec: AttributeSpec; id: string }
	| { kind: 'above'; spec: AttributeSpec; threshold: number; id: string };

export interface FeatureSet {
	candidates: Candidate[];
}

export interface FeatureOptions {
	/** Levels (and "not given") seen fewer times are pooled into the field's baseline. */
	minCount: number;
	/** Cut points per number field (at its quantiles). */
	cuts: number;
	/** At most this many levels per category field (the most frequent). */
	maxLevels: number;
}

const key = (value: unknown) => String(value).trim().toLowerCase();

/** Which fields of the leads look like categories or numbers, leaving out ids and excluded fields. */
export function inferAttributes(rows: readonly ReadRow[], activitiesPath: string, exclude: readonly string[]): AttributeSpec[] {
	const skip = new Set([activitiesPath.split(/[.[]/)[0], ...exclude]);
	const fields = new Map<string, { present: number; numeric: number; distinct: Set<string> }>();
	for (const row of rows) {
		for (const [field, value] of Object.entries(row.lead)) {
			if (skip.has(field) || !isPresent(value) || (typeof value === 'object' && !Array.isArray(value))) continue;
			let stats = fields.get(field);
			if (!stats) fields.set(field, (stats = { present: 0, numeric: 0, distinct: new Set() }));
			stats.present++;
			if (isNumeric(value)) stats.numeric++;
			if (stats.distinct.size <= rows.length / 2) stats.distinct.add(key(value));
		}
	}
	const specs: AttributeSpec[] = [];
	for (const [field, stats] of fields) {
		// Identifiers (ids, emails, names) tell nothing about other leads.
		if (stats.distinct.size > Math.max(50, stats.present / 2)) continue;
		specs.push({ field, kind: stats.numeric === stats.present && stats.distinct.size > 2 ? 'number' : 'category' });
	}
	return specs;
}

function isNumeric(value: unknown): boolean {
	if (typeof value === 'number') return Number.isFinite(value);
	return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

/** A readable cut point: two significant digits above 10 (674 -> 670), else one decimal. */
export function niceNumber(x: number): number {
	if (Math.abs(x) < 10) return Math.round(x * 10) / 10;
	const magnitude = Math.pow(10, Math.floor(Math.log10(Math.abs(x))) - 1);
	return Math.round(x / magnitude) * magnitude;
}

/** The candidate rules, from the training rows only. */
export function buildFeatures(current: NormalizedProtocol, specs: readonly AttributeSpec[], rows: readonly ReadRow[], options: FeatureOptions): FeatureSet {
	const candidates: Candidate[] = [];
	for (const group of ['fit', 'negative'] as const) {
		current[group].forEach((_, index) => candidates.push({ kind: 'current', group, index, id: `current-${group}-${index}`, nonNegative: false }));
	}
	// A cap holds only for positive points, so a capped rule is learned as capped and kept >= 0.
	current.engagement.forEach((rule, index) =>
		candidates.push({ kind: 'current', group: 'engagement', index, id: `current-engagement-${index}`, nonNegative: rule.cap !== undefined && rule.points > 0 }),
	);

	specs.forEach((spec, s) => {
		const read = compilePath(spec.field);
		let missing = 0;
		if (spec.kind === 'category') {
			const levels = new Map<string, { count: number; spellings: Map<string | number | boolean, number> }>();
			let multi = false;
			for (const row of rows) {
				const value = read(row.lead);
				if (!isPresent(value)) {
					missing++;
					continue;
				}
				if (Array.isArray(value) || (typeof value === 'string' && value.includes(';'))) multi = true;
				const seen = new Set<string>();
				anyValue(value, (v) => {
					if (!isPresent(v) || typeof v === 'object') return false;
					const k = levelKey(v);
					if (seen.has(k)) return false;
					seen.add(k);
					let level = levels.get(k);
					if (!level) levels.set(k, (level = { count: 0, spellings: new Map() }));
					level.count++;
					const spelling = typeof v === 'string' ? v.trim() : (v as number | boolean);
					level.spellings.set(spelling, (level.spellings.get(spelling) ?? 0) + 1);
					return false;
				});
			}
			const kept = [...levels.entries()]
				.filter(([, level]) => level.count >= options.minCount && level.count < rows.length)
				.sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
				.slice(0, options.maxLevels);
			kept.forEach(([k, level], l) => {
				const value = [...level.spellings.entries()].sort((a, b) => b[1] - a[1])[0][0];
				const id = `attribute-${s}-level-${l}`;
				candidates.push({ kind: 'level', spec, key: k, value, mergeable: !multi && typeof value !== 'boolean', id });
			});
		} else {
			const values: number[] = [];
			for (const row of rows) {
				const value = read(row.lead);
				if (!isPresent(value)) missing++;
				else {
					const q = atRow(row, () => readQuantity(value, spec.field));
					if (q !== undefined && Number.isFinite(q.min)) values.push(q.min);
				}
			}
			values.sort((a, b) => a - b);
			const cuts = new Set<number>();
			for (let k = 1; k <= options.cuts; k++) {
				const q = values[Math.floor((k * values.length) / (options.cuts + 1))];
				if (q === undefined) continue;
				const t = niceNumber(q);
				const above = values.length - upperBound(values, t);
				if (above >= options.minCount && values.length - above >= options.minCount) cuts.add(t);
			}
			[...cuts].sort((a, b) => a - b).forEach((threshold, c) => {
				const id = `attribute-${s}-above-${c}`;
				candidates.push({ kind: 'above', spec, threshold, id });
			});
		}
		if (missing >= options.minCount && missing < rows.length) {
			const id = `attribute-${s}-missing`;
			candidates.push({ kind: 'missing', spec, id });
		}
	});

	return { candidates };
}

function upperBound(sorted: readonly number[], x: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (sorted[mid] <= x) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * The design matrix (one sparse column per candidate) and the current table's score of each
 * row. The current rules' features come from the current table's own breakdown (its points on
 * a rule divided by the rule's points: 1 for an attribute rule, the counted activities, after
 * caps and decay, for an engagement rule); the candidates on attributes are tested as Lead
 * Score tests them (equals, notExists, greaterThan), reading each field once per lead.
 */
export function designOf(
	features: FeatureSet,
	current: NormalizedProtocol,
	rows: readonly ReadRow[],
	asOf: number,
	zone: string,
): { design: Design; currentScores: Float64Array } {
	const { candidates } = features;
	const scorer = compileScorer(current);
	const currentRule = new Map<string, { column: number; points: number }>();
	const zeroRules: { fit: AttributeRule[]; engagement: EngagementRule[] } = { fit: [], engagement: [] };
	candidates.forEach((c, j) => {
		if (c.kind !== 'current') return;
		const rule = current[c.group][c.index];
		if (rule.points !== 0) {
			currentRule.set(rule.id, { column: j, points: rule.points });
			return;
		}
		// A rule at 0 points leaves no line: a one-point copy of it measures it.
		const id = `zero-${c.id}`;
		currentRule.set(id, { column: j, points: 1 });
		if (c.group === 'engagement') {
			const r = current.engagement[c.index];
			zeroRules.engagement.push({ id, activity: r.activity, contentContains: r.contentContains, points: 1, decay: r.decay ?? current.decay });
		} else {
			const r = current[c.group][c.index];
			zeroRules.fit.push({ id, field: r.field, operator: r.operator, ...(r.value === undefined ? {} : { value: r.value }), points: 1 });
		}
	});
	const zeroScorer =
		zeroRules.fit.length + zeroRules.engagement.length > 0
			? compileScorer({ fit: zeroRules.fit, engagement: zeroRules.engagement, negative: [], caps: {}, decay: current.decay, thresholds: [], fields: current.fields })
			: undefined;

	// Attribute candidates by field: level keys, the "not given" column, cut points.
	const fields = new Map<AttributeSpec, { read: (lead: unknown) => unknown; levels: Map<string, number>; missing: number; above: Array<{ column: number; threshold: number }> }>();
	const fieldOf = (spec: AttributeSpec) => {
		let f = fields.get(spec);
		if (!f) fields.set(spec, (f = { read: compilePath(spec.field), levels: new Map(), missing: -1, above: [] }));
		return f;
	};
	candidates.forEach((c, j) => {
		if (c.kind === 'level') fieldOf(c.spec).levels.set(c.key, j);
		else if (c.kind === 'missing') fieldOf(c.spec).missing = j;
		else if (c.kind === 'above') fieldOf(c.spec).above.push({ column: j, threshold: c.threshold });
	});

	const rowLists: number[][] = candidates.map(() => []);
	const valueLists: number[][] = candidates.map(() => []);
	const y = new Uint8Array(rows.length);
	const currentScores = new Float64Array(rows.length);
	const sums = new Float64Array(candidates.length);
	const touched: number[] = [];
	const add = (j: number, value: number) => {
		if (sums[j] === 0) touched.push(j);
		sums[j] += value;
	};
	rows.forEach((row, i) => {
		y[i] = row.y;
		atRow(row, () => {
			const activities = scorer.readActivities(row.lead, zone);
			const at = row.at ?? asOf;
			const result = scorer.scoreWith(row.lead, activities, at);
			currentScores[i] = result.total;
			for (const line of result.breakdown) {
				const rule = currentRule.get(line.rule);
				if (rule) add(rule.column, line.points / rule.points);
			}
			if (zeroScorer) {
				for (const line of zeroScorer.scoreWith(row.lead, activities, at).breakdown) {
					const rule = currentRule.get(line.rule);
					if (rule) add(rule.column, line.points);
				}
			}
			for (const [spec, f] of fields) {
				const value = f.read(row.lead);
				if (!isPresent(value)) {
					if (f.missing >= 0) add(f.missing, 1);
					continue;
				}
				if (spec.kind === 'category') {
					anyValue(value, (v) => {
						const j = f.levels.get(levelKey(v));
						// equals fires once however many of the values match.
						if (j !== undefined && sums[j] === 0) add(j, 1);
						return false;
					});
				} else {
					const q = readQuantity(value, spec.field);
					if (q === undefined) continue;
					for (const { column, threshold } of f.above) if (allAbove(q, threshold)) add(column, 1);
				}
			}
		});
		for (const j of touched) {
			if (sums[j] !== 0) {
				rowLists[j].push(i);
				valueLists[j].push(sums[j]);
			}
			sums[j] = 0;
		}
		touched.length = 0;
	});
	const columns: SparseColumn[] = rowLists.map((list, j) => ({ rows: Int32Array.from(list), values: Float64Array.from(valueLists[j]) }));
	return {
		design: { rowCount: rows.length, columns, y, nonNegative: candidates.map((c) => c.kind === 'current' && c.nonNegative) },
		currentScores,
	};
}

/** A value as `equals` compares it: text and numbers case-insensitively as text, booleans as such. */
function levelKey(v: unknown): string {
	if (typeof v === 'string' || typeof v === 'number') return key(v);
	if (typeof v === 'boolean') return `boolean:${v}`;
	return `other:${String(v)}`;
}

/**
 * Columns that say (nearly) the same thing as an earlier one: the same leads, but for at most
 * `tolerance` of them (e.g. "Unsubscribed" and "Do Not Email = Yes"). Learning from both splits
 * the points between two rules; the later one is emptied so the earlier (a current rule
 * before a new one) carries them. Returns, per column, the column it repeats or -1.
 */
export function dropDuplicates(design: Design, tolerance = 0.005): Int32Array {
	const repeats = new Int32Array(design.columns.length).fill(-1);
	const order = design.columns.map((c, j) => j).sort((a, b) => design.columns[a].rows.length - design.columns[b].rows.length || a - b);
	for (let x = 0; x < order.length; x++) {
		const a = order[x];
		const ca = design.columns[a];
		if (ca.rows.length === 0) continue;
		for (let z = x + 1; z < order.length; z++) {
			const b = order[z];
			const cb = design.columns[b];
			const allowed = Math.floor(Math.max(ca.rows.length, cb.rows.length) * tolerance);
			if (cb.rows.length - ca.rows.length > allowed) break;
			if (repeats[a] !== -1 || repeats[b] !== -1) continue;
			if (differences(ca, cb, allowed) > allowed) continue;
			const [keep, drop] = a < b ? [a, b] : [b, a];
			repeats[drop] = keep;
		}
	}
	repeats.forEach((keep, j) => {
		if (keep !== -1) design.columns[j] = { rows: new Int32Array(0), values: new Float64Array(0) };
	});
	return repeats;
}

/** Rows where two columns differ, counting up to `limit` + 1. */
function differences(a: SparseColumn, b: SparseColumn, limit: number): number {
	let i = 0;
	let k = 0;
	let count = 0;
	while ((i < a.rows.length || k < b.rows.length) && count <= limit) {
		if (k >= b.rows.length || (i < a.rows.length && a.rows[i] < b.rows[k])) {
			count++;
			i++;
		} else if (i >= a.rows.length || b.rows[k] < a.rows[i]) {
			count++;
			k++;
		} else {
			if (a.values[i] !== b.values[k]) count++;
			i++;
			k++;
		}
	}
	return count;
}
