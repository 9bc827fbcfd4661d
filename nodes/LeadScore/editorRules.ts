/**
 * The point table as the editor shows it (rows of plain strings and numbers) and back.
 * The editor's defaults are derived from the engine's default protocol, so there is one
 * source for the standard table.
 *
 * Engagement rows have two shapes, by node version. Version 1: content, cap and cap window are
 * fields of every row ("Cap (Points) 0" for no cap). Version 2: they sit in the row's Rule
 * Options and show only when set; a rule without a cap has none. Rows of either shape compile
 * alike, so a saved workflow of either version scores as it did.
 */
import { ProtocolError } from '../engine/common/errors';
import { parseProtocolJson } from '../engine/common/schema';
import {
	DEFAULT_PROTOCOL,
	type AttributeOperator,
	type AttributeRule,
	type Decay,
	type EngagementRule,
	type ScoringProtocol,
	type ScoringProtocolInput,
	type SeniorityLevel,
} from '../engine/scoring';
import { STANDARD_ACTIVITY_TYPES } from '../shared/activityTypes';
import { count, inWords, rulesInUse, type ParameterReader } from '../shared/ruleViews';

export interface AttributeRow {
	label: string;
	field: string;
	operator: AttributeOperator;
	value?: string;
	seniority?: SeniorityLevel;
	min?: number;
	max?: number;
	points: number;
	why?: string;
}


/** The first node version whose engagement rows keep content and cap in Rule Options. */
export const COMPACT_ROWS_VERSION = 2;

/** An engagement rule's optional values in the version-2 row; unset reads as any content, no cap. */
export interface EngagementRuleOptions {
	contentContains?: string;
	capPoints?: number;
	capWindowDays?: number;
}

export interface EngagementRow {
	label: string;
	activityType: string;
	customActivityType?: string;
	/** Version 1; version 2 keeps it in ruleOptions. */
	contentContains?: string;
	points: number;
	/** Version 1 (0 for no cap); version 2 keeps it in ruleOptions. */
	capPoints?: number;
	/** Version 1 (0 for all time); version 2 keeps it in ruleOptions. */
	capWindowDays?: number;
	why?: string;
	ruleOptions?: EngagementRuleOptions;
}

export interface EditorSettings {
	decay?: Decay['kind'];
	halfLifeDays?: number;
	linearPercent?: number;
	linearPeriodDays?: number;
	totalCap?: number;
	totalMin?: number;
	fitCap?: number;
	engagementCap?: number;
	velocityWindowDays?: number;
	fitGrade?: string;
	engagementGrade?: string;
	thresholds?: string;
	activitiesField?: string;
	activityTypeField?: string;
	activityTimeField?: string;
	activityIdField?: string;
	activityUrlField?: string;
	activityAssetField?: string;
	activityCampaignField?: string;
	activityTitleField?: string;
}

export interface EditorRules {
	fit: AttributeRow[];
	engagement: EngagementRow[];
	negative: AttributeRow[];
	settings: EditorSettings;
}

const list = (text: string | undefined) =>
	(text ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');

/** The rows of a protocol: engagement rows flat (version 1) or with their Rule Options (version 2 on). */
export function protocolToEditorRows(protocol: ScoringProtocol, version = 1): Omit<EditorRules, 'settings'> {
	const attributeRow = (rule: AttributeRule): AttributeRow => {
		const row: AttributeRow = { label: rule.label ?? rule.id ?? '', field: rule.field, operator: rule.operator, points: rule.points, why: rule.why ?? '' };
		if (rule.operator === 'between') [row.min, row.max] = rule.value as [number, number];
		else if (rule.operator === 'seniorityAtLeast') row.seniority = rule.value as SeniorityLevel;
		else if (Array.isArray(rule.value)) row.value = rule.value.join(', ');
		else if (rule.value !== undefined) row.value = String(rule.value);
		return row;
	};
	const engagementRow = (rule: EngagementRule): EngagementRow => {
		const [type] = rule.activity;
		const standard = STANDARD_ACTIVITY_TYPES.includes(type);
		if (version >= COMPACT_ROWS_VERSION) {
			const ruleOptions: EngagementRuleOptions = {
				...(rule.contentContains?.length ? { contentContains: rule.contentContains.join(', ') } : {}),
				...(rule.cap ? { capPoints: rule.cap.points } : {}),
				...(rule.cap?.windowDays ? { capWindowDays: rule.cap.windowDays } : {}),
			};
			return {
				label: rule.label ?? rule.id ?? '',
				activityType: standard ? type : 'custom',
				...(standard ? {} : { customActivityType: rule.activity.join(', ') }),
				points: rule.points,
				why: rule.why ?? '',
				...(Object.keys(ruleOptions).length ? { ruleOptions } : {}),
			};
		}
		return {
			label: rule.label ?? rule.id ?? '',
			activityType: standard ? type : 'custom',
			...(standard ? {} : { customActivityType: rule.activity.join(', ') }),
			contentContains: (rule.contentContains ?? []).join(', '),
			points: rule.points,
			capPoints: rule.cap?.points ?? 0,
			capWindowDays: rule.cap?.windowDays ?? 0,
			why: rule.why ?? '',
		};
	};
	return {
		fit: protocol.fit.map(attributeRow),
		engagement: protocol.engagement.map(engagementRow),
		negative: protocol.negative.map(attributeRow),
	};
}

/** Builds the protocol from the editor's rows; anything the settings leave out takes the default. */
export function editorRowsToProtocol(rules: EditorRules): ScoringProtocolInput {
	const attributeRule = (row: AttributeRow, where: string): AttributeRule => {
		const rule: AttributeRule = { label: row.label || undefined, field: row.field, operator: row.operator, points: row.points, why: row.why || undefined };
		switch (row.operator) {
			case 'between':
				rule.value = [requireNumber(row.min, `${where} › Min`), requireNumber(row.max, `${where} › Max`)];
				break;
			case 'seniorityAtLeast':
				rule.value = row.seniority ?? 'director';
				break;
			case 'greaterThan':
			case 'lessThan':
				rule.value = requireNumber(row.value === undefined || row.value === '' ? undefined : Number(row.value), `${where} › Value`);
				break;
			case 'oneOf':
			case 'contains':
			case 'emailDomainIn':
				rule.value = list(row.value);
				break;
			case 'exists':
			case 'notExists':
			case 'isTrue':
			case 'freeEmailDomain':
			case 'isStudentOrJobSeeker':
				break;
			default:
				rule.value = row.value ?? '';
		}
		return stripUndefined(rule);
	};
	const engagementRule = (row: EngagementRow, where: string): EngagementRule => {
		const activity = row.activityType === 'custom' ? list(row.customActivityType) : [row.activityType];
		// A version-2 row keeps these in its Rule Options; a version-1 row beside the points.
		const options = row.ruleOptions ?? {};
		const capPoints = options.capPoints ?? row.capPoints;
		const capWindowDays = options.capWindowDays ?? row.capWindowDays;
		if (options.capWindowDays !== undefined && !capPoints) {
			throw ProtocolError.at(`${where} › Cap Window (Days)`, 'caps nothing without Cap (Points): add the cap, or remove the window');
		}
		return stripUndefined({
			label: row.label || undefined,
			activity,
			contentContains: list(options.contentContains ?? row.contentContains),
			points: row.points,
			cap: capPoints ? { points: capPoints, ...(capWindowDays ? { windowDays: capWindowDays } : {}) } : undefined,
			why: row.why || undefined,
		});
	};
	const s = rules.settings;
	const protocol: ScoringProtocolInput = {
		fit: rules.fit.map((row, i) => attributeRule(row, `Fit rule ${i + 1} (${row.label || row.field})`)),
		engagement: rules.engagement.map((row, i) => engagementRule(row, `Engagement rule ${i + 1} (${row.label || row.activityType})`)),
		negative: rules.negative.map((row, i) => attributeRule(row, `Negative rule ${i + 1} (${row.label || row.field})`)),
	};
	if (s.decay === 'none') protocol.decay = { kind: 'none' };
	else if (s.decay === 'linear') protocol.decay = { kind: 'linear', percent: s.linearPercent ?? 10, periodDays: s.linearPeriodDays ?? 30 };
	else if (s.decay === 'halfLife' || s.halfLifeDays !== undefined) protocol.decay = { kind: 'halfLife', halfLifeDays: s.halfLifeDays ?? 30 };
	const caps = { ...DEFAULT_PROTOCOL.caps };
	if (s.totalCap !== undefined) caps.total = s.totalCap > 0 ? s.totalCap : undefined;
	if (s.totalMin !== undefined) caps.totalMin = s.totalMin;
	if (s.fitCap) caps.fit = s.fitCap;
	if (s.engagementCap) caps.engagement = s.engagementCap;
	protocol.caps = stripUndefined(caps);
	if (s.velocityWindowDays !== undefined) protocol.velocity = { windowDays: s.velocityWindowDays };
	if (s.fitGrade || s.engagementGrade) {
		protocol.grade = {
			...(s.fitGrade ? { fit: gradeThresholds(s.fitGrade, 'Fit Grade Thresholds') } : {}),
			...(s.engagementGrade ? { engagement: gradeThresholds(s.engagementGrade, 'Engagement Grade Thresholds') } : {}),
		};
	}
	if (s.thresholds !== undefined) protocol.thresholds = parseThresholds(s.thresholds);
	const fields = stripUndefined({
		activities: s.activitiesField || undefined,
		activityType: s.activityTypeField || undefined,
		activityTime: s.activityTimeField || undefined,
		activityId: s.activityIdField || undefined,
		activityUrl: s.activityUrlField || undefined,
		activityAsset: s.activityAssetField || undefined,
		activityCampaign: s.activityCampaignField || undefined,
		activityTitle: s.activityTitleField || undefined,
	});
	if (Object.keys(fields).length > 0) protocol.fields = fields;
	return protocol;
}

function requireNumber(value: number | undefined, where: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw ProtocolError.at(where, 'must be a number');
	return value;
}

function gradeThresholds(text: string, where: string): [number, number, number] {
	const numbers = list(text).map(Number);
	if (numbers.length !== 3 || numbers.some((n) => !Number.isFinite(n))) {
		throw ProtocolError.at(where, `takes three numbers separated by commas (e.g. "25, 15, 5"), got "${text}"`);
	}
	return numbers as [number, number, number];
}

/** "MQL=50, SQL=70" */
function parseThresholds(text: string): Array<{ name: string; score: number }> {
	return list(text).map((part) => {
		const [name, score] = part.split('=').map((s) => s.trim());
		const value = Number(score);
		if (!name || score === undefined || !Number.isFinite(value)) {
			throw ProtocolError.at('Thresholds', `takes name=score pairs separated by commas (e.g. "MQL=50, SQL=70"), got "${part}"`);
		}
		return { name, score: value };
	});
}

function stripUndefined<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The rules of the point table as n8n holds its parameters. */
function tableOf(get: ParameterReader): EditorRules {
	const rows = (name: string) => ((get(name) as { rules?: unknown[] } | undefined)?.rules ?? []) as never[];
	return { fit: rows('fitRules'), engagement: rows('engagementRules'), negative: rows('negativeRules'), settings: (get('settings') ?? {}) as EditorSettings };
}

const DEFAULT_JSON_RULES = Object.fromEntries(Object.entries(DEFAULT_PROTOCOL).filter(([key]) => key !== 'fields'));
/** The JSON a fresh node shows: the default protocol without the field paths. */
export const DEFAULT_RULES_JSON = JSON.stringify(DEFAULT_JSON_RULES, null, 2);
/** The rows a fresh node of this version shows. */
export const defaultTableOf = (version: number) => protocolToEditorRows(DEFAULT_PROTOCOL, version);
/** The rows a fresh node (latest version) shows. */
export const DEFAULT_TABLE = defaultTableOf(COMPACT_ROWS_VERSION);

/** The scoring rules from the point table or the JSON parameter, before validation; see rulesInUse. */
export function readScoringRules(get: ParameterReader, version = COMPACT_ROWS_VERSION): unknown {
	return rulesInUse<unknown>({
		node: 'Lead Score',
		modeParameter: 'Rules Source',
		source: get('rulesSource') === 'json' ? 'json' : 'editor',
		table: {
			mode: 'Point Table',
			rules: 'point table',
			read: () => editorRowsToProtocol(tableOf(get)),
			defaults: () => editorRowsToProtocol({ ...defaultTableOf(version), settings: {} }),
		},
		json: { mode: 'JSON', rules: 'Rules (JSON)', read: () => parseProtocolJson(get('rulesJson'), 'Rules (JSON)'), defaults: () => JSON.parse(DEFAULT_RULES_JSON) },
		summary: (rules) => {
			const r = (rules ?? {}) as Partial<Record<'fit' | 'engagement' | 'negative', unknown[]>>;
			const n = (list: unknown) => (Array.isArray(list) ? list.length : 0);
			return inWords([count(n(r.fit), 'fit rule'), count(n(r.engagement), 'engagement rule'), count(n(r.negative), 'negative rule')]);
		},
	});
}
