import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';

import { ProtocolError } from '../common/errors';
import { assertMatchesSchema } from '../common/schema';
import { compileUserPattern } from '../common/pattern';
import {
	DEFAULT_PROTOCOL,
	type AttributeRule,
	type Decay,
	type EngagementRule,
	type ScoringProtocol,
	type ScoringProtocolInput,
} from './protocol';
import schema from './scoring.schema.json';
import { isSeniorityLevel, SENIORITY_LEVELS } from './seniority';

// Compiled when the engine loads (n8n loads the node at start), not in a user's first execution,
// where it was most of the time a first run of a few thousand leads took.
assertMatchesSchema(schema, {}, 'The scoring rules');

/** A rule after normalization: every optional part filled in, ids unique. */
export type NormalizedAttributeRule = Required<Pick<AttributeRule, 'id' | 'field' | 'operator' | 'points'>> &
	Pick<AttributeRule, 'value'> & { label: string; why: string };
export type NormalizedEngagementRule = {
	id: string;
	label: string;
	activity: string[];
	contentContains: string[];
	points: number;
	cap?: { points: number; windowDays?: number };
	decay?: Decay;
	why: string;
};
export interface NormalizedProtocol extends Omit<ScoringProtocol, 'fit' | 'negative' | 'engagement'> {
	fit: NormalizedAttributeRule[];
	negative: NormalizedAttributeRule[];
	engagement: NormalizedEngagementRule[];
}

const NUMERIC_OPERATORS = new Set(['greaterThan', 'lessThan']);
const LIST_OPERATORS = new Set(['oneOf', 'emailDomainIn']);
const NO_VALUE_OPERATORS = new Set(['exists', 'notExists', 'isTrue', 'freeEmailDomain', 'isStudentOrJobSeeker']);

/**
 * Validates a protocol (schema, then what a schema cannot say: operator and value agree,
 * regular expressions compile, ids are unique), fills in defaults and returns the normalized
 * protocol. A rule list left out is empty; any other part left out takes the default
 * protocol's value (so `"caps": {}` means no caps, and no `caps` means the default cap). Throws a ProtocolError naming the JSON path of the first problem.
 */
export function normalizeProtocol(input: unknown): NormalizedProtocol {
	assertMatchesSchema<ScoringProtocolInput>(schema, input, 'The scoring rules');
	const ids = new Set<string>();
	const uniqueId = (wanted: string | undefined, label: string | undefined, path: string, fallback: string) => {
		const id = wanted ?? (slug(label ?? '') || fallback);
		if (ids.has(id)) {
			if (wanted) throw ProtocolError.at(`${path}/id`, `the rule id "${id}" is used twice; rule ids must be unique`);
			let n = 2;
			while (ids.has(`${id}-${n}`)) n++;
			ids.add(`${id}-${n}`);
			return `${id}-${n}`;
		}
		ids.add(id);
		return id;
	};

	const attributeRules = (rules: AttributeRule[] | undefined, group: 'fit' | 'negative') =>
		(rules ?? []).map((rule, index): NormalizedAttributeRule => {
			const path = `/${group}/${index}`;
			checkAttributeValue(rule, path);
			if (group === 'negative' && rule.points > 0) {
				throw ProtocolError.at(`${path}/points`, `negative rules take points below zero, got ${rule.points}`);
			}
			return {
				id: uniqueId(rule.id, rule.label, path, `${group}-${index + 1}`),
				label: rule.label ?? rule.id ?? `${rule.field} ${rule.operator}`,
				field: rule.field,
				operator: rule.operator,
				...(rule.value === undefined ? {} : { value: rule.value }),
				points: rule.points,
				why: rule.why ?? '',
			};
		});

	const protocol = input as ScoringProtocolInput;
	const engagement = (protocol.engagement ?? []).map((rule: EngagementRule, index): NormalizedEngagementRule => {
		const path = `/engagement/${index}`;
		const activity = (Array.isArray(rule.activity) ? rule.activity : [rule.activity]).map(normalizeActivityType);
		const contentContains = (Array.isArray(rule.contentContains) ? rule.contentContains : rule.contentContains ? [rule.contentContains] : [])
			.map((s) => s.trim().toLowerCase())
			.filter((s) => s !== '');
		return {
			id: uniqueId(rule.id, rule.label, path, `engagement-${index + 1}`),
			label: rule.label ?? rule.id ?? activity.join(' or '),
			activity,
			contentContains,
			points: rule.points,
			...(rule.cap ? { cap: rule.cap } : {}),
			...(rule.decay ? { decay: rule.decay } : {}),
			why: rule.why ?? '',
		};
	});

	return {
		fit: attributeRules(protocol.fit, 'fit'),
		engagement,
		negative: attributeRules(protocol.negative, 'negative'),
		decay: protocol.decay ?? DEFAULT_PROTOCOL.decay,
		caps: protocol.caps ?? DEFAULT_PROTOCOL.caps,
		velocity: { ...DEFAULT_PROTOCOL.velocity, ...protocol.velocity },
		grade: { ...DEFAULT_PROTOCOL.grade, ...protocol.grade },
		thresholds: [...(protocol.thresholds ?? DEFAULT_PROTOCOL.thresholds)].sort((a, b) => a.score - b.score),
		fields: { ...DEFAULT_PROTOCOL.fields, ...protocol.fields },
	};
}

/**
 * The model id: a content hash of what decides the points. Ids, labels and rationales are
 * left out, so renaming a rule or rewording its "why" does not make a new model.
 */
export function modelIdOf(protocol: NormalizedProtocol): string {
	const strip = <T extends { id: string; label: string; why: string }>({ id: _id, label: _label, why: _why, ...rest }: T) => rest;
	const decisive = {
		...protocol,
		fit: protocol.fit.map(strip),
		negative: protocol.negative.map(strip),
		engagement: protocol.engagement.map(strip),
	};
	return `lsm_${createHash('sha256').update(stableStringify(decisive)).digest('hex').slice(0, 16)}`;
}

export function normalizeActivityType(type: string): string {
	return type.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function checkAttributeValue(rule: AttributeRule, path: string): void {
	const { operator, value } = rule;
	const at = `${path}/value`;
	if (NO_VALUE_OPERATORS.has(operator)) return;
	if (value === undefined) throw ProtocolError.at(at, `the operator "${operator}" needs a value`);
	if (NUMERIC_OPERATORS.has(operator) && (typeof value !== 'number' || !Number.isFinite(value))) {
		throw ProtocolError.at(at, `"${operator}" compares numbers: give a number, got ${JSON.stringify(value)}`);
	}
	if (operator === 'between') {
		if (!Array.isArray(value) || value.length !== 2 || value.some((v) => typeof v !== 'number')) {
			throw ProtocolError.at(at, `"between" takes [min, max] as two numbers, got ${JSON.stringify(value)}`);
		}
		if ((value[0] as number) > (value[1] as number)) {
			throw ProtocolError.at(at, `"between" takes [min, max] with min <= max, got ${JSON.stringify(value)}`);
		}
	}
	if (LIST_OPERATORS.has(operator) && !Array.isArray(value)) {
		throw ProtocolError.at(at, `"${operator}" takes a list of values, got ${JSON.stringify(value)}`);
	}
	if (operator === 'matches') {
		if (typeof value !== 'string') throw ProtocolError.at(at, `"matches" takes a regular expression as a string`);
		try {
			compileUserPattern(value);
		} catch (error) {
			throw ProtocolError.at(at, (error as Error).message);
		}
	}
	if (operator === 'seniorityAtLeast' && !isSeniorityLevel(value)) {
		throw ProtocolError.at(at, `"seniorityAtLeast" takes one of ${SENIORITY_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
	}
	if (operator === 'contains' && !(typeof value === 'string' || Array.isArray(value))) {
		throw ProtocolError.at(at, `"contains" takes a word or a list of words, got ${JSON.stringify(value)}`);
	}
}

function slug(text: string): string {
	return text
		.toLowerCase()
		.replace(/\+/g, ' plus ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}
