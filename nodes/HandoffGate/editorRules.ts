/**
 * The gate's rules as the editor shows them (rule rows with condition rows) and back. The
 * editor's defaults are derived from the engine's default gate, so there is one source for it.
 *
 * Two row shapes, by node version. Versions 1-2: every value of a rule is a field of its row
 * (Rule ID, Match, Yields to Intent; an activity test's content, count, window and words).
 * Version 3: a row shows its name and its conditions; what is optional (Match "any", a Rule ID,
 * Yields to Intent, an activity's content, count, window or words) sits in the row's options and
 * shows only when set, and a Score Rule Applied test picks the scoring rules by label. Rows of
 * either shape compile alike, so a saved workflow of either version decides as it did.
 */
import { ProtocolError } from '../engine/common/errors';
import { parseProtocolJson } from '../engine/common/schema';
import { DEFAULT_COOLDOWN_DAYS, DEFAULT_GATE, type Condition, type GateProtocol, type GateRule } from '../engine/gate';
import { DEFAULT_PROTOCOL, normalizeProtocol } from '../engine/scoring';
import { conditionToRows, rowsToCondition, type ConditionGroupRow } from '../shared/conditionRows';
import { count, inWords, rulesInUse, type ParameterReader } from '../shared/ruleViews';

/** The first node version whose rows keep their optional values in Rule Options. */
export const COMPACT_ROWS_VERSION = 3;

/** A rule's optional values in the version-3 row. */
export interface GateRuleOptions {
	match?: 'all' | 'any';
	id?: string;
	yieldsToIntent?: boolean;
}

export interface GateRuleRow extends ConditionGroupRow {
	name: string;
	/** Versions 1-2; version 3 keeps it in ruleOptions. */
	id?: string;
	/** Versions 1-2; version 3 keeps it in ruleOptions. */
	yieldsToIntent?: boolean;
	ruleOptions?: GateRuleOptions;
}

export interface GateEditorRules {
	disqualifiers: GateRuleRow[];
	intents: GateRuleRow[];
	triggers: GateRuleRow[];
	cooldownDays?: number;
}

const GROUPS = [
	['disqualifiers', 'Disqualifier'],
	['intents', 'Intent trigger'],
	['triggers', 'Hand-off trigger'],
] as const;

/** The rows of a gate: flat (versions 1-2) or compact (version 3 on). */
export function gateToEditorRows(gate: GateProtocol, version = 1): Omit<GateEditorRules, 'cooldownDays'> {
	const compact = version >= COMPACT_ROWS_VERSION;
	const toRow = (rule: GateRule): GateRuleRow => {
		if (!compact) {
			return {
				name: rule.name,
				id: rule.id ?? '',
				...(rule.yieldsToIntent !== undefined ? { yieldsToIntent: rule.yieldsToIntent } : {}),
				...conditionToRows(rule.when),
			};
		}
		const { match, conditions } = conditionToRows(rule.when, true);
		const ruleOptions: GateRuleOptions = {
			...(match === 'any' ? { match } : {}),
			...(rule.id ? { id: rule.id } : {}),
			...(rule.yieldsToIntent ? { yieldsToIntent: true } : {}),
		};
		return { name: rule.name, conditions, ...(Object.keys(ruleOptions).length ? { ruleOptions } : {}) };
	};
	return {
		disqualifiers: (gate.disqualifiers ?? []).map(toRow),
		intents: (gate.intents ?? []).map(toRow),
		triggers: (gate.triggers ?? []).map(toRow),
	};
}

/** Builds the gate protocol from the editor's rows (either shape); errors name the row. */
export function editorRowsToGate(rules: GateEditorRules): GateProtocol {
	const protocol: GateProtocol = { cooldownDays: rules.cooldownDays ?? DEFAULT_COOLDOWN_DAYS };
	for (const [key, label] of GROUPS) {
		protocol[key] = (rules[key] ?? []).map((row, i) => {
			const where = `${label} ${i + 1} (${row.name || 'unnamed'})`;
			if (!row.name?.trim()) throw ProtocolError.at(`${where} › Name`, 'give the rule a name: sales will read it');
			const options = row.ruleOptions ?? {};
			const when = rowsToCondition({ match: options.match ?? row.match, conditions: row.conditions }, where);
			if (!when) throw ProtocolError.at(where, 'add at least one condition');
			const id = (options.id ?? row.id ?? '').trim();
			return {
				name: row.name.trim(),
				...(id ? { id } : {}),
				when,
				...(key === 'disqualifiers' && (options.yieldsToIntent ?? row.yieldsToIntent) ? { yieldsToIntent: true } : {}),
			};
		});
	}
	return protocol;
}

/** The negative rules of the default scoring protocol, with the ids the scorer gives them. */
export const DEFAULT_NEGATIVE_RULES = normalizeProtocol(DEFAULT_PROTOCOL).negative.map(({ id, label, points, why }) => ({ id, label, points, why }));

/**
 * The default gate as version 3 holds it: no written ids (each rule's id is derived from its
 * name) and scoring rules named by their label, the way the editor lists them. It decides as the
 * engine's default gate does; only the ids of the rules that fire differ where the engine's
 * default names them otherwise (e.g. "student-or-job-seeker" for "student").
 */
export const DEFAULT_GATE_V3: GateProtocol = {
	disqualifiers: DEFAULT_GATE.disqualifiers.map(readable),
	intents: DEFAULT_GATE.intents.map(readable),
	triggers: DEFAULT_GATE.triggers.map(readable),
	cooldownDays: DEFAULT_GATE.cooldownDays,
};

function readable({ id: _id, ...rule }: GateRule): GateRule {
	return { ...rule, when: byLabel(rule.when) };
}

/** Names each scoring rule of a Score Rule Applied test by the label of the default rule it means. */
function byLabel(condition: Condition): Condition {
	if ('all' in condition) return { all: condition.all.map(byLabel) };
	if ('any' in condition) return { any: condition.any.map(byLabel) };
	if ('not' in condition) return { not: byLabel(condition.not) } as Condition;
	if (!('negativeRule' in condition)) return condition;
	const labels = condition.negativeRule.map((ref) => DEFAULT_NEGATIVE_RULES.find((r) => [r.id, r.label.toLowerCase()].includes(ref.toLowerCase()))?.label ?? ref);
	return { negativeRule: [...new Set(labels)] };
}

/** The gate a fresh node of this version holds. */
export const defaultGateOf = (version: number): GateProtocol => (version >= COMPACT_ROWS_VERSION ? DEFAULT_GATE_V3 : DEFAULT_GATE);
/** The JSON a fresh node of this version shows. */
export const defaultRulesJsonOf = (version: number): string => JSON.stringify(defaultGateOf(version), null, 2);
/** The rule rows a fresh node of this version shows. */
export const defaultTableOf = (version: number) => gateToEditorRows(defaultGateOf(version), version);

/** The JSON a fresh node (latest version) shows. */
export const DEFAULT_RULES_JSON = defaultRulesJsonOf(COMPACT_ROWS_VERSION);
/** The rule rows a fresh node (latest version) shows. */
export const DEFAULT_TABLE = defaultTableOf(COMPACT_ROWS_VERSION);

function tableOf(get: ParameterReader): GateEditorRules {
	const rows = (name: string) => ((get(name) as { rules?: GateRuleRow[] } | undefined)?.rules ?? []);
	return { disqualifiers: rows('disqualifiers'), intents: rows('intents'), triggers: rows('triggers'), cooldownDays: get('cooldownDays') as number | undefined };
}

/** The gate rules from the rule table or the JSON parameter, before validation; see rulesInUse. */
export function readGateRules(get: ParameterReader, version = COMPACT_ROWS_VERSION): unknown {
	return rulesInUse<unknown>({
		node: 'Handoff Gate',
		modeParameter: 'Rules Source',
		source: get('rulesSource') === 'json' ? 'json' : 'editor',
		table: {
			mode: 'Rule Table',
			rules: 'rule table',
			read: () => editorRowsToGate(tableOf(get)),
			defaults: () => editorRowsToGate({ ...defaultTableOf(version), cooldownDays: DEFAULT_COOLDOWN_DAYS }),
		},
		json: { mode: 'JSON', rules: 'Rules (JSON)', read: () => parseProtocolJson(get('rulesJson'), 'Rules (JSON)'), defaults: () => JSON.parse(defaultRulesJsonOf(version)) },
		summary: (rules) => {
			const r = (rules ?? {}) as Partial<Record<'disqualifiers' | 'intents' | 'triggers', unknown[]>>;
			const n = (list: unknown) => (Array.isArray(list) ? list.length : 0);
			return inWords([count(n(r.disqualifiers), 'disqualifier'), count(n(r.intents), 'intent trigger'), count(n(r.triggers), 'hand-off trigger')]);
		},
	});
}
