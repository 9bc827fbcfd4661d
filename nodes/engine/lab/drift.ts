/**
 * Has the market moved? Compares the recent leads with the training period: the base rate
 * (share converted) and each field's distribution, by the population stability index
 * PSI = sum over bins of (recent - before) * ln(recent / before). By the usual reading a PSI
 * under 0.1 is stable, 0.1-0.25 a moderate shift and above 0.25 a large one.
 */
import { compilePath } from '../common/paths';
import { anyValue, isPresent } from '../common/values';
import type { ReadRow } from './history';
import type { AttributeSpec } from './features';
import type { LeadScorer } from '../scoring';

export interface FieldDrift {
	field: string;
	label: string;
	psi: number;
	level: 'stable' | 'moderate' | 'large';
	/** The bin that moved most, in words: "Lead Source = Google: 31% → 12%". */
	largestMove: string;
}

export interface DriftReport {
	before: { leads: number; baseRate: number };
	recent: { leads: number; baseRate: number };
	/** Two-proportion z statistic of the base-rate change. */
	baseRateZ: number;
	fields: FieldDrift[];
	/** One sentence per problem; empty when nothing moved far. */
	warnings: string[];
	drifted: boolean;
}

export interface DriftOptions {
	/** PSI at or above which a field is reported as moved far (default 0.25). */
	psiWarn?: number;
	/** Base-rate change, in percentage points, that counts as far (default 5), when also significant (|z| >= 3). */
	baseRatePoints?: number;
}

const EPSILON = 1e-4;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** PSI between two distributions over the same bins (counts). */
export function psi(before: readonly number[], recent: readonly number[]): number {
	const nb = before.reduce((a, b) => a + b, 0);
	const nr = recent.reduce((a, b) => a + b, 0);
	let total = 0;
	for (let k = 0; k < before.length; k++) {
		const b = Math.max(before[k] / nb, EPSILON);
		const r = Math.max(recent[k] / nr, EPSILON);
		total += (r - b) * Math.log(r / b);
	}
	return total;
}

interface Binning {
	names: string[];
	bin: (lead: ReadRow) => number[];
}

function categoryBinning(spec: AttributeSpec, before: readonly ReadRow[]): Binning {
	const read = compilePath(spec.field);
	const counts = new Map<string, number>();
	const spelling = new Map<string, string>();
	for (const row of before) {
		const value = read(row.lead);
		if (!isPresent(value)) continue;
		anyValue(value, (v) => {
			const k = String(v).trim().toLowerCase();
			counts.set(k, (counts.get(k) ?? 0) + 1);
			if (!spelling.has(k)) spelling.set(k, String(v).trim());
			return false;
		});
	}
	// Levels under 1% of the training period are pooled, so noise in rare levels does not alarm.
	const levels = [...counts.entries()].filter(([, c]) => c >= before.length * 0.01).map(([k]) => k);
	const index = new Map(levels.map((k, i) => [k, i]));
	const other = levels.length;
	const missing = levels.length + 1;
	return {
		names: [...levels.map((k) => `= ${spelling.get(k)}`), 'other values', 'not given'],
		bin: (row) => {
			const value = read(row.lead);
			if (!isPresent(value)) return [missing];
			const bins: number[] = [];
			anyValue(value, (v) => {
				bins.push(index.get(String(v).trim().toLowerCase()) ?? other);
				return false;
			});
			return bins;
		},
	};
}

function numberBinning(spec: AttributeSpec, before: readonly ReadRow[]): Binning {
	const read = compilePath(spec.field);
	const values = before
		.map((row) => read(row.lead))
		.filter(isPresent)
		.map(Number)
		.filter(Number.isFinite)
		.sort((a, b) => a - b);
	const edges: number[] = [];
	for (let k = 1; k < 10; k++) {
		const q = values[Math.floor((k * values.length) / 10)];
		if (q !== undefined && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
	}
	const names = [...edges.map((e, i) => (i === 0 ? `up to ${e}` : `${edges[i - 1]} to ${e}`)), edges.length ? `over ${edges[edges.length - 1]}` : 'given', 'not given'];
	return {
		names,
		bin: (row) => {
			const value = read(row.lead);
			if (!isPresent(value) || !Number.isFinite(Number(value))) return [edges.length + 1];
			const x = Number(value);
			let k = 0;
			while (k < edges.length && x > edges[k]) k++;
			return [k];
		},
	};
}

/** Activities per lead of one type, in bins 0, 1, 2-3, 4-7, 8+. */
function activityBinning(type: string, activityCounts: (row: ReadRow) => Map<string, number>): Binning {
	return {
		names: ['= 0', '= 1', '= 2-3', '= 4-7', '≥ 8'],
		bin: (row) => {
			const n = activityCounts(row).get(type) ?? 0;
			return [n === 0 ? 0 : n === 1 ? 1 : n <= 3 ? 2 : n <= 7 ? 3 : 4];
		},
	};
}

export function detectDrift(
	before: readonly ReadRow[],
	recent: readonly ReadRow[],
	specs: readonly AttributeSpec[],
	scorer: LeadScorer,
	zone: string,
	options: DriftOptions = {},
): DriftReport {
	const psiWarn = options.psiWarn ?? 0.25;
	const pointsWarn = (options.baseRatePoints ?? 5) / 100;
	const rate = (rows: readonly ReadRow[]) => rows.reduce((t, r) => t + r.y, 0) / Math.max(1, rows.length);
	const b = rate(before);
	const r = rate(recent);
	const pooled = rate([...before, ...recent]);
	const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(1, before.length) + 1 / Math.max(1, recent.length)));
	const z = se > 0 ? (r - b) / se : 0;

	const cache = new WeakMap<ReadRow, Map<string, number>>();
	const activityCounts = (row: ReadRow) => {
		let counts = cache.get(row);
		if (!counts) {
			counts = new Map();
			let activities: Array<{ type: string }> = [];
			try {
				activities = scorer.readActivities(row.lead, zone);
			} catch {
				// A lead whose activities cannot be read counts as having none here; learning reports it.
			}
			for (const a of activities) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
			cache.set(row, counts);
		}
		return counts;
	};
	const types = new Set<string>();
	for (const row of [...before, ...recent]) for (const type of activityCounts(row).keys()) types.add(type);

	const fields: FieldDrift[] = [];
	const measure = (field: string, label: string, binning: Binning) => {
		const count = (rows: readonly ReadRow[]) => {
			const counts = new Array<number>(binning.names.length).fill(0);
			for (const row of rows) for (const k of binning.bin(row)) counts[k]++;
			return counts;
		};
		const cb = count(before);
		const cr = count(recent);
		const value = psi(cb, cr);
		const nb = before.length || 1;
		const nr = recent.length || 1;
		let move = 0;
		for (let k = 1; k < cb.length; k++) if (Math.abs(cr[k] / nr - cb[k] / nb) > Math.abs(cr[move] / nr - cb[move] / nb)) move = k;
		fields.push({
			field,
			label,
			psi: value,
			level: value >= psiWarn ? 'large' : value >= 0.1 ? 'moderate' : 'stable',
			largestMove: `${label} ${binning.names[move]}: ${pct(cb[move] / nb)} → ${pct(cr[move] / nr)}`,
		});
	};
	for (const spec of specs) measure(spec.field, spec.label ?? spec.field, spec.kind === 'number' ? numberBinning(spec, before) : categoryBinning(spec, before));
	for (const type of [...types].sort()) measure(`activities:${type}`, `${type} activities per lead`, activityBinning(type, activityCounts));
	fields.sort((x, y) => y.psi - x.psi);

	const warnings: string[] = [];
	if (Math.abs(r - b) >= pointsWarn && Math.abs(z) >= 3) {
		warnings.push(`The base rate moved from ${pct(b)} in the training period to ${pct(r)} in the ${recent.length.toLocaleString('en-US')} most recent leads (z = ${z.toFixed(1)}).`);
	}
	const far = fields.filter((f) => f.level === 'large');
	if (far.length) {
		warnings.push(`These fields moved far from the training period (PSI ≥ ${psiWarn}): ${far.map((f) => `${f.label} (PSI ${f.psi.toFixed(2)}; ${f.largestMove})`).join('; ')}.`);
	}
	return {
		before: { leads: before.length, baseRate: b },
		recent: { leads: recent.length, baseRate: r },
		baseRateZ: z,
		fields,
		warnings,
		drifted: warnings.length > 0,
	};
}
