/**
 * The gate's rules as the editor shows them (rule rows with condition rows) and back. The
 * editor's defaults are derived from the engine's default gate, so there is one source for it.
 */
import { ProtocolError } from '../engine/common/errors';
import { parseProtocolJson } from '../engine/common/schema';
import { DEFAULT_COOLDOWN_DAYS, DEFAULT_GATE, type GateProtocol, type GateRule } from '../engine/gate';
import { conditionToRows, rowsToCondition, type ConditionGroupRow } from '../shared/conditionRows';
import { count, inWords, rulesInUse, type ParameterReader } from '../shared/ruleViews';

export interface GateRuleRow extends ConditionGroupRow {
	name: string;
	id?: string;
	yieldsToIntent?: boolean;
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

export function gateToEditorRows(gate: GateProtocol): Omit<GateEditorRules, 'cooldownDays'> {
	const toRow = (rule: GateRule): GateRuleRow => ({
		name: rule.name,
		id: rule.id ?? '',
		...(rule.yieldsToIntent !== undefined ? { yieldsToIntent: rule.yieldsToIntent } : {}),
		...conditionToRows(rule.when),
	});
	return {
		disqualifiers: (gate.disqualifiers ?? []).map(toRow),
		intents: (gate.intents ?? []).map(toRow),
		triggers: (gate.triggers ?? []).map(toRow),
	};
}

/** Builds the gate protocol from the editor's rows; errors name the row. */
export function editorRowsToGate(rules: GateEditorRules): GateProtocol {
	const protocol: GateProtocol = { cooldownDays: rules.cooldownDays ?? DEFAULT_COOLDOWN_DAYS };
	for (const [key, label] of GROUPS) {
		protocol[key] = (rules[key] ?? []).map((row, i) => {
			const where = `${label} ${i + 1} (${row.name || 'unnamed'})`;
			if (!row.name?.trim()) throw ProtocolError.at(`${where} › Name`, 'give the rule a name: sales will read it');
			const when = rowsToCondition(row, where);
			if (!when) throw ProtocolError.at(where, 'add at least one condition');
			return {
				name: row.name.trim(),
				...(row.id?.trim() ? { id: row.id.trim() } : {}),
				when,
				...(key === 'disqualifiers' && row.yieldsToIntent ? { yieldsToIntent: true } : {}),
			};
		});
	}
	return protocol;
}

/** The JSON a fresh node shows. */
export const DEFAULT_RULES_JSON = JSON.stringify(DEFAULT_GATE, null, 2);
/** The rule rows a fresh node shows. */
export const DEFAULT_TABLE = gateToEditorRows(DEFAULT_GATE);

function tableOf(get: ParameterReader): GateEditorRules {
	const rows = (name: string) => ((get(name) as { rules?: GateRuleRow[] } | undefined)?.rules ?? []);
	return { disqualifiers: rows('disqualifiers'), intents: rows('intents'), triggers: rows('triggers'), cooldownDays: get('cooldownDays') as number | undefined };
}

/** The gate rules from the rule table or the JSON parameter, before validation; see rulesInUse. */
export function readGateRules(get: ParameterReader): unknown {
	return rulesInUse<unknown>({
		node: 'Handoff Gate',
		modeParameter: 'Rules Source',
		source: get('rulesSource') === 'json' ? 'json' : 'editor',
		table: {
			mode: 'Rule Table',
			rules: 'rule table',
			read: () => editorRowsToGate(tableOf(get)),
			defaults: () => editorRowsToGate({ ...DEFAULT_TABLE, cooldownDays: DEFAULT_COOLDOWN_DAYS }),
		},
		json: { mode: 'JSON', rules: 'Rules (JSON)', read: () => parseProtocolJson(get('rulesJson'), 'Rules (JSON)'), defaults: () => JSON.parse(DEFAULT_RULES_JSON) },
		summary: (rules) => {
			const r = (rules ?? {}) as Partial<Record<'disqualifiers' | 'intents' | 'triggers', unknown[]>>;
			const n = (list: unknown) => (Array.isArray(list) ? list.length : 0);
			return inWords([count(n(r.disqualifiers), 'disqualifier'), count(n(r.intents), 'intent trigger'), count(n(r.triggers), 'hand-off trigger')]);
		},
	});
}
