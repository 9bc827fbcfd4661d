/**
 * From learned weights back to a point table in the schema Lead Score reads, and every change
 * against the current table in words, with its evidence.
 */
import type { NormalizedProtocol } from '../scoring';
import type { AttributeRule, EngagementRule } from '../scoring/protocol';
import type { Candidate } from './features';

/** How the leads a rule matched did in the training history. */
export interface Evidence {
	/** Leads the rule matched (for an activity rule: leads with at least one such activity). */
	leads: number;
	conversions: number;
	/** Their conversion rate (0..1). */
	rate: number;
	/** Their rate divided by the base rate of all training leads. */
	lift: number;
}

export type ChangeKind = 'changed' | 'kept' | 'new' | 'dropped' | 'setting';

export interface Change {
	kind: ChangeKind;
	/** The rule's label, or the setting's name. */
	rule: string;
	from?: number;
	to?: number;
	evidence?: Evidence;
	/** The change in words, e.g. "Webinar attendance: +15 → +25 (matching leads converted at 2.1x the base rate, n = 412)". */
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
}

const signed = (points: number) => (points > 0 ? `+${points}` : `${points}`);
const count = (n: number) => n.toLocaleString('en-US');

function evidenceText(e: Evidence): string {
	return `matching leads converted at ${e.lift.toFixed(1)}x the base rate, n = ${count(e.leads)}`;
}

function listWords(values: Array<string | number>): string {
	const words = values.map(String);
	return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function slug(text: string): string {
	return text
		.toLowerCase()
		.replace(/\+/g, ' plus ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
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
	const changes: Change[] = [];
	const ids = new Set<string>([...current.fit, ...current.negative, ...current.engagement].map((r) => r.id));

	const explainCurrent = (label: string, from: number, to: number, e: Evidence) => {
		if (e.leads === 0) {
			changes.push({ kind: 'kept', rule: label, from, to: from, evidence: e, text: `Keep: ${label} ${signed(from)} (never matched in the ${count(ctx.trainingLeads)} closed leads: no evidence either way)` });
		} else if (to === 0) {
			const noLift = Math.abs(e.lift - 1) < 0.1;
			const reason = noLift ? `no lift: ${evidenceText(e)}` : `no lift once the other rules count: alone, ${evidenceText(e)}`;
			changes.push({ kind: 'dropped', rule: label, from, to: 0, evidence: e, text: `Drop: ${label} (${reason})` });
		} else if (to === from) {
			changes.push({ kind: 'kept', rule: label, from, to, evidence: e, text: `Keep: ${label} ${signed(from)} (${evidenceText(e)})` });
		} else {
			changes.push({ kind: 'changed', rule: label, from, to, evidence: e, text: `${label}: ${signed(from)} → ${signed(to)} (${evidenceText(e)})` });
		}
	};

	// The current table's rules, in their order, with their new points.
	candidates.forEach((c, j) => {
		if (c.kind !== 'current') return;
		const e = evidence[j];
		if (c.group === 'engagement') {
			const rule = current.engagement[c.index];
			const to = e.leads === 0 ? rule.points : points[j];
			explainCurrent(rule.label, rule.points, to, e);
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
		explainCurrent(rule.label, rule.points, to, e);
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
	const newRules: Array<{ rule: AttributeRule; e: Evidence }> = [];
	const addNew = (label: string, rule: Omit<AttributeRule, 'id' | 'label' | 'points' | 'why'>, p: number, e: Evidence) => {
		let id = slug(label) || 'learned-rule';
		for (let n = 2; ids.has(id); n++) id = `${slug(label)}-${n}`;
		ids.add(id);
		newRules.push({ rule: { id, label, ...rule, points: p, why: `Learned from ${count(ctx.trainingLeads)} closed leads: ${evidenceText(e)}` }, e });
	};
	const merged = new Map<string, number[]>();
	candidates.forEach((c, j) => {
		if (points[j] === 0) return;
		if (c.kind === 'level' && c.mergeable) {
			const k = `${c.spec.field}\u0000${points[j]}`;
			merged.set(k, [...(merged.get(k) ?? []), j]);
		} else if (c.kind === 'level') {
			addNew(`${c.spec.label ?? c.spec.field} = ${String(c.value)}`, { field: c.spec.field, operator: 'equals', value: c.value }, points[j], evidence[j]);
		} else if (c.kind === 'missing') {
			addNew(`${c.spec.label ?? c.spec.field} not given`, { field: c.spec.field, operator: 'notExists' }, points[j], evidence[j]);
		} else if (c.kind === 'above') {
			addNew(`${c.spec.label ?? c.spec.field} over ${c.threshold}`, { field: c.spec.field, operator: 'greaterThan', value: c.threshold }, points[j], evidence[j]);
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
		addNew(label, values.length === 1 ? { field: first.spec.field, operator: 'equals', value: values[0] } : { field: first.spec.field, operator: 'oneOf', value: values }, points[js[0]], e);
	}
	for (const { rule, e } of newRules) {
		(rule.points > 0 ? fit : negative).push(rule);
		changes.push({ kind: 'new', rule: rule.label!, to: rule.points, evidence: e, text: `New rule: ${rule.label} ${signed(rule.points)} (${evidenceText(e)})` });
	}
	return { fit, negative, engagement, changes, points, ruleCount: fit.length + negative.length + engagement.length };
}
