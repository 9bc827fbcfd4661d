/**
 * The list a Score Rule Applied test picks from: the negative rules of Lead Score's default
 * table, by label, then any other rule this node already names (so a rule of your own, once
 * named, reads as itself rather than as an unknown value).
 *
 * Only these are known to the list: n8n loads options with the node alone (a one-node workflow),
 * so the rules of a Lead Score node elsewhere in the workflow cannot be read. Rules of your own
 * are named with an expression, by id or label.
 */
import type { INodeParameters, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_NEGATIVE_RULES } from './editorRules';

const GROUPS = ['disqualifiers', 'intents', 'triggers'];

export function scoringRuleOptions(parameters: INodeParameters | undefined): INodePropertyOptions[] {
	const listed: INodePropertyOptions[] = DEFAULT_NEGATIVE_RULES.map((rule) => ({
		name: rule.label,
		value: rule.label,
		description: `${rule.points} points${rule.why ? `: ${rule.why}` : ''} (Lead Score's default table)`,
	}));
	const known = new Set(DEFAULT_NEGATIVE_RULES.flatMap((rule) => [rule.label.toLowerCase(), rule.id]));
	for (const named of namedScoreRules(parameters)) {
		if (known.has(named.toLowerCase())) continue;
		known.add(named.toLowerCase());
		listed.push({ name: named, value: named, description: 'A scoring rule of your own, named in this node' });
	}
	return listed;
}

/** The scoring rules the node's Score Rule Applied tests name as plain values (not expressions). */
function namedScoreRules(parameters: INodeParameters | undefined): string[] {
	const names: string[] = [];
	for (const group of GROUPS) {
		const rules = (parameters?.[group] as { rules?: unknown } | undefined)?.rules;
		if (!Array.isArray(rules)) continue;
		for (const rule of rules as Array<{ conditions?: { condition?: unknown } }>) {
			const conditions = rule?.conditions?.condition;
			if (!Array.isArray(conditions)) continue;
			for (const condition of conditions as Array<{ kind?: unknown; scoreRules?: unknown }>) {
				if (condition?.kind === 'negativeRule' && Array.isArray(condition.scoreRules)) {
					names.push(...condition.scoreRules.filter((r): r is string => typeof r === 'string' && r.trim() !== ''));
				}
			}
		}
	}
	return names;
}
