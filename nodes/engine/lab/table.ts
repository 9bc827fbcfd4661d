/**
 * From learned weights back to a point table in the schema Lead Score reads, and every change
 * against the current table in words, with its evidence.
 */
import type { NormalizedProtocol } from '../scoring';
import type { AttributeRule, EngagementRule } from '../scoring/protocol';
import type { Candidate } from './features';
import type { Design } from './logistic';

/** How the leads a rule matched did in the training history. */
export interface Evidence {
	/** Leads the rule matched (for an activity rule: leads with at least one such activity). */
	leads: number;
	conversions: number;
	/** Their conversion rate (0..1). */
	rate: number;
	/** Their rate divided by the base rate of all training leads (the rule alone, nothing else counted). */
	lift: number;
	/**
	 * What the rule's new points do to the odds of converting with the other rules counted (the
	 * regularized model's effect as the points encode it: 2 to the power points / points that
	 * double the odds); per activity for an activity rule, 1 for a dropped rule. Only on changes.
	 */
	oddsMultiplier?: number;
	/**
	 * When the leads alone converted the other way from what the points say (or a dropped rule
	 * lifted alone): the other rules of the table that account for it, largest first.
	 */
	explainedBy?: OtherRule[];
}

/** Another rule of the table, by how differently it scores the matching leads. */
export interface OtherRule {
	rule: string;
	points: number;
	/** Its average points on the matching leads less its average on all training leads. */
	shift: number;
}

export type ChangeKind = 'changed' | 'kept' | 'new' | 'dropped' | 'setting';

export interface Change {
	kind: ChangeKind;
	/** The rule's label, or the setting's name. */
	rule: string;
	from?: number;
	to?: number;
	evidence?: Evidence;
	/** The change in words, e.g. "Webinar attendance: +15 → +25 (raises the odds of converting 5.7x per activity once the other rules are counted; alone, matching leads converted at 2.1x the base rate, n = 412)". */
	text: string;
}

export interface TableDraft {
	fit: AttributeRule[];
	negative: AttributeRule[];
	engagement: EngagementRule[];
	changes: Change[];
	/** Points per candidate, as the table gives them (0 when the candidate is not in it). */
	points: Float64Array;
	ruleCount: number;
}

export interface DraftContext {
	current: NormalizedProtocol;
	candidates: readonly Candidate[];
	evidence: readonly Evidence[];
	baseRate: number;
	trainingLeads: number;
	/** The training design (the candidates' columns): with it, a rule whose leads converted the other way from its points names the other rules behind that. */
	design?: Pick<Design, 'rowCount' | 'columns'>;
	/** The rule budget, when the learner reached it (more rules would have entered with more room). */
	ruleBudgetReached?: number;
}

const signed = (points: number) => (points > 0 ? `+${points}` : `${points}`);
const count = (n: number) => n.toLocaleString('en-US');

/** A multiplier as people read it (2.6, 0.44), never "1.0" for one that is not 1. */
function times(m: number): string {
	if (m === 1) return '1';
	for (let digits = 1; digits < 6; digits++) {
		const text = m >= 0.95 ? m.toFixed(digits) : m.toPrecision(digits + 1);
		if (Number(text) !== 1) return text;
	}
	return String(m);
}

/** The alone rate as shown, so that words and figure never disagree: "0.9x" is low, "1.0x" neither. */
const shownLift = (e: Evidence) => Number(e.lift.toFixed(1));

function marginalText(e: Evidence): string {
	return `matching leads converted at ${e.lift.toFixed(1)}x the base rate, n = ${count(e.leads)}`;
}

function conditionalText(m: number, perActivity: boolean): string {
	const per = perActivity ? ' per activity' : '';
	if (m > 1) return `raises the odds of converting ${times(m)}x${per} once the other rules are counted`;
	if (m < 1) return `cuts the odds of converting to ${times(m)}x${per} once the other rules are counted`;
	return 'no effect on the odds once the other rules are counted';
}

function othersText(e: Evidence): string {
	const words: string[] = [];
	let previous = '';
	for (const o of e.explainedBy ?? []) {
		const how = o.shift > 0 === o.points > 0 ? 'more often' : 'less often';
		words.push(`${how === previous ? '' : `${how} match `}${o.rule} (${signed(o.points)})`);
		previous = how;
	}
	return words.length ? `; other rules explain their ${shownLift(e) < 1 ? 'low' : 'high'} rate: they ${listWords(words, 'and')}` : '';
}

/**
 * The evidence in words: the effect the points encode (with the other rules counted), then the
 * leads alone as context, and when the two point opposite ways, the other rules behind that.
 */
function evidenceText(e: Evidence, perActivity = false, ruleBudget?: number): string {
	const m = e.oddsMultiplier;
	if (m === undefined) return marginalText(e);
	if (m === 1 && shownLift(e) === 1) return `no lift: ${marginalText(e)}`;
	// Dropped though its leads alone differ, and no rule of the table accounts for that: the
	// learner ran out of rules before it (a fuller table might keep it).
	if (m === 1 && !e.explainedBy && ruleBudget !== undefined) return `no room among the ${ruleBudget} rules allowed; alone, ${marginalText(e)}`;
	return `${conditionalText(m, perActivity)}; alone, ${marginalText(e)}${othersText(e)}`;
}

function listWords(values: Array<string | number>, last = 'or'): string {
	const words = values.map(String);
	return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

function slug(text: string): string {
	return text
		.toLowerCase()
		.replace(/\+/g, ' plus ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/** A rule of the drafted table (or a dropped current rule) and the candidates it stands for. */
interface Unit {
	change: Change;
	columns: number[];
	points: number;
	perActivity: boolean;
}

/** Rounds weights (log-odds per unit) at `pointsPerLogit` into a table and explains each change. */
export function draftTable(weights: ArrayLike<number>, pointsPerLogit: number, ctx: DraftContext): TableDraft {
	const { current, candidates, evidence } = ctx;
	const points = new Float64Array(candidates.length);
	candidates.forEach((c, j) => {
		const p = Math.round(weights[j] * pointsPerLogit);
		points[j] = p === 0 ? 0 : p; // no -0
	});
	const fit: AttributeRule[] = [];
	const negative: AttributeRule[] = [];
	const engagement: EngagementRule[] = [];
	const units: Unit[] = [];
	const ids = new Set<string>([...current.fit, ...current.negative, ...current.engagement].map((r) => r.id));
	// The odds multiplier the new points encode (with the other rules counted).
	const withEffect = (e: Evidence, to: number): Evidence => ({ ...e, oddsMultiplier: Math.exp(to / pointsPerLogit) });

	const explainCurrent = (label: string, from: number, to: number, e: Evidence, j: number, perActivity: boolean) => {
		let change: Change;
		if (e.leads === 0) {
			change = { kind: 'kept', rule: label, from, to: from, evidence: e, text: `Keep: ${label} ${signed(from)} (never matched in the ${count(ctx.trainingLeads)} closed leads: no evidence either way)` };
		} else if (to === 0) {
			change = { kind: 'dropped', rule: label, from, to: 0, evidence: withEffect(e, 0), text: `Drop: ${label}` };
		} else if (to === from) {
			change = { kind: 'kept', rule: label, from, to, evidence: withEffect(e, to), text: `Keep: ${label} ${signed(from)}` };
		} else {
			change = { kind: 'changed', rule: label, from, to, evidence: withEffect(e, to), text: `${label}: ${signed(from)} → ${signed(to)}` };
		}
		units.push({ change, columns: e.leads === 0 ? [] : [j], points: e.leads === 0 ? 0 : to, perActivity });
	};

	// The current table's rules, in their order, with their new points.
	candidates.forEach((c, j) => {
		if (c.kind !== 'current') return;
		const e = evidence[j];
		if (c.group === 'engagement') {
			const rule = current.engagement[c.index];
			const to = e.leads === 0 ? rule.points : points[j];
			explainCurrent(rule.label, rule.points, to, e, j, true);
			if (to === 0) return;
			const cap = rule.cap && rule.points > 0 && to > 0 ? { points: (rule.cap.points / rule.points) * to, ...(rule.cap.windowDays ? { windowDays: rule.cap.windowDays } : {}) } : undefined;
			engagement.push({
				id: rule.id,
				label: rule.label,
				activity: rule.activity,
				...(rule.contentContains.length ? { contentContains: rule.contentContains } : {}),
				points: to,
				...(cap ? { cap } : {}),
				...(rule.decay ? { decay: rule.decay } : {}),
				...(rule.why ? { why: rule.why } : {}),
			});
			return;
		}
		const rule = current[c.group][c.index];
		const to = e.leads === 0 ? rule.points : points[j];
		explainCurrent(rule.label, rule.points, to, e, j, false);
		if (to === 0) return;
		const learned: AttributeRule = {
			id: rule.id,
			label: rule.label,
			field: rule.field,
			operator: rule.operator,
			...(rule.value === undefined ? {} : { value: rule.value }),
			points: to,
			...(rule.why ? { why: rule.why } : {}),
		};
		(to > 0 ? fit : negative).push(learned);
	});

	// New rules on the attributes: levels of one field with the same points become one rule.
	const newRules: Array<{ rule: AttributeRule; unit: Unit }> = [];
	const addNew = (label: string, rule: Omit<AttributeRule, 'id' | 'label' | 'points' | 'why'>, p: number, e: Evidence, columns: number[]) => {
		let id = slug(label) || 'learned-rule';
		for (let n = 2; ids.has(id); n++) id = `${slug(label)}-${n}`;
		ids.add(id);
		const unit: Unit = { change: { kind: 'new', rule: label, to: p, evidence: withEffect(e, p), text: `New rule: ${label} ${signed(p)}` }, columns, points: p, perActivity: false };
		newRules.push({ rule: { id, label, ...rule, points: p }, unit });
	};
	const merged = new Map<string, number[]>();
	candidates.forEach((c, j) => {
		if (points[j] === 0) return;
		if (c.kind === 'level' && c.mergeable) {
			const k = `${c.spec.field}\u0000${points[j]}`;
			merged.set(k, [...(merged.get(k) ?? []), j]);
		} else if (c.kind === 'level') {
			addNew(`${c.spec.label ?? c.spec.field} = ${String(c.value)}`, { field: c.spec.field, operator: 'equals', value: c.value }, points[j], evidence[j], [j]);
		} else if (c.kind === 'missing') {
			addNew(`${c.spec.label ?? c.spec.field} not given`, { field: c.spec.field, operator: 'notExists' }, points[j], evidence[j], [j]);
		} else if (c.kind === 'above') {
			addNew(`${c.spec.label ?? c.spec.field} over ${c.threshold}`, { field: c.spec.field, operator: 'greaterThan', value: c.threshold }, points[j], evidence[j], [j]);
		}
	});
	for (const js of merged.values()) {
		const first = candidates[js[0]] as Extract<Candidate, { kind: 'level' }>;
		const values = js.map((j) => (candidates[j] as Extract<Candidate, { kind: 'level' }>).value as string | number);
		const leads = js.reduce((t, j) => t + evidence[j].leads, 0);
		const conversions = js.reduce((t, j) => t + evidence[j].conversions, 0);
		const rate = leads ? conversions / leads : 0;
		const e: Evidence = { leads, conversions, rate, lift: ctx.baseRate ? rate / ctx.baseRate : 0 };
		const label = `${first.spec.label ?? first.spec.field} = ${listWords(values)}`;
		addNew(label, values.length === 1 ? { field: first.spec.field, operator: 'equals', value: values[0] } : { field: first.spec.field, operator: 'oneOf', value: values }, points[js[0]], e, js);
	}
	units.push(...newRules.map((r) => r.unit));

	if (ctx.design) explainOpposites(units, ctx.design);
	for (const { change, perActivity } of units) {
		if (change.evidence?.oddsMultiplier !== undefined) change.text += ` (${evidenceText(change.evidence, perActivity, ctx.ruleBudgetReached)})`;
	}
	for (const { rule, unit } of newRules) {
		(rule.points > 0 ? fit : negative).push({ ...rule, why: `Learned from ${count(ctx.trainingLeads)} closed leads: ${evidenceText(unit.change.evidence!)}` });
	}
	return { fit, negative, engagement, changes: units.map((u) => u.change), points, ruleCount: fit.length + negative.length + engagement.length };
}

/**
 * For each rule whose leads alone converted the other way from what its points say: the other
 * rules that score those leads differently from the rest, pulling the way the leads went. The
 * matching leads' average score less all leads' average is the sum, over the rules, of each
 * rule's points times how much more (or less) often it matches them; the others' terms that
 * pull against the rule's own effect are what explain the difference.
 */
function explainOpposites(units: Unit[], design: Pick<Design, 'rowCount' | 'columns'>): void {
	const n = design.rowCount;
	const scoring = units.filter((u) => u.points !== 0 && u.columns.length > 0);
	const meanAll = scoring.map((u) => u.columns.reduce((t, j) => t + design.columns[j].values.reduce((a, v) => a + v, 0), 0) / n);
	const inSet = new Uint8Array(n);
	for (const unit of units) {
		const e = unit.change.evidence;
		const m = e?.oddsMultiplier;
		if (!e || m === undefined || unit.columns.length === 0) continue;
		const lift = shownLift(e);
		const pull = lift < 1 ? -1 : lift > 1 ? 1 : 0;
		const effect = m > 1 ? 1 : m < 1 ? -1 : 0;
		// Only when the leads went where the points do not: the points alone would contradict them.
		if (pull === 0 || pull === effect) continue;
		inSet.fill(0);
		let size = 0;
		for (const j of unit.columns) {
			for (const i of design.columns[j].rows) {
				if (!inSet[i]) size++;
				inSet[i] = 1;
			}
		}
		if (size === 0) continue;
		const pulls: OtherRule[] = [];
		scoring.forEach((other, k) => {
			if (other === unit) return;
			let sum = 0;
			for (const j of other.columns) {
				const { rows, values } = design.columns[j];
				for (let r = 0; r < rows.length; r++) if (inSet[rows[r]]) sum += values[r];
			}
			const shift = other.points * (sum / size - meanAll[k]);
			if (shift * pull > 0) pulls.push({ rule: other.change.rule, points: other.points, shift });
		});
		pulls.sort((a, b) => Math.abs(b.shift) - Math.abs(a.shift));
		// At most three, none under a quarter of the largest.
		const named = pulls.slice(0, 3).filter((o) => Math.abs(o.shift) >= 0.25 * Math.abs(pulls[0].shift));
		if (named.length) e.explainedBy = named.map((o) => ({ ...o, shift: Number(o.shift.toPrecision(3)) }));
	}
}
