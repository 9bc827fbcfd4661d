/**
 * The editor's fields as Lead Enrich options (the shape of enrich.schema.json), so both ways of
 * configuring the node compile through `compileEnrichment` and its validation.
 */
import { setOwn } from '../engine/common/paths';
import { parseProtocolJson } from '../engine/common/schema';
import type { AttributionModel, EnrichOptions, Firmographics, FirmographicsPreset } from '../engine/enrich';
import { inWords, rulesInUse, type ParameterReader } from '../shared/ruleViews';

export interface EditorParameters {
	companyData: 'none' | 'table' | 'http';
	urlTemplate?: string;
	preset?: FirmographicsPreset;
	mapping?: Record<string, string>;
	lookupTable?: { rows?: Array<{ domain?: string; name?: string; employees?: number; industry?: string; country?: string; techStack?: string; description?: string }> };
	lookupSettings?: { cacheTtlHours?: number; maxRetryWaitSeconds?: number; maxAttempts?: number; skipFreeMail?: boolean; timeoutSeconds?: number };
	brief?: {
		attributionModel?: AttributionModel;
		crmUrlTemplate?: string;
		crmNoteFormat?: 'markdown' | 'text' | 'html';
		goneDarkDays?: number;
		signals?: number;
		smsIncludePersonalData?: boolean;
		smsMaxSegments?: number;
		maxTalkingPoints?: number;
		topRules?: number;
	};
	templates?: Record<string, string>;
	fields?: Record<string, string>;
}

const ACTIVITY_KEYS = new Set(['activities', 'type', 'time', 'url', 'title', 'asset', 'campaign', 'source', 'medium', 'referrer']);

/** Empty fields mean "the default": they are left out, so the engine's defaults apply. */
export function editorToOptions(p: EditorParameters): EnrichOptions {
	const options: EnrichOptions = {};
	const filled = (o: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== '' && v !== undefined && v !== null));

	const fields = filled(p.fields) as Record<string, string>;
	const lead = Object.fromEntries(Object.entries(fields).filter(([k]) => !ACTIVITY_KEYS.has(k)));
	const activity = Object.fromEntries(Object.entries(fields).filter(([k]) => ACTIVITY_KEYS.has(k)));
	if (Object.keys(lead).length) options.fields = lead;
	if (Object.keys(activity).length) options.activityFields = activity;

	const s = p.lookupSettings ?? {};
	if (p.companyData === 'table') {
		const table: Record<string, Firmographics> = {};
		(p.lookupTable?.rows ?? []).forEach((row) => {
			const domain = row.domain?.trim();
			if (!domain) return;
			const stack = (row.techStack ?? '').split(',').map((t) => t.trim()).filter(Boolean);
			setOwn(table, domain, {
				...(row.name ? { name: row.name } : {}),
				...(row.employees ? { employees: row.employees } : {}),
				...(row.industry ? { industry: row.industry } : {}),
				...(row.country ? { country: row.country } : {}),
				...(stack.length ? { techStack: stack } : {}),
				...(row.description ? { description: row.description } : {}),
			});
		});
		options.firmographics = { table, ...(s.skipFreeMail !== undefined ? { skipFreeMail: s.skipFreeMail } : {}) };
	} else if (p.companyData === 'http') {
		const mapping = filled(p.mapping) as Record<string, string>;
		options.firmographics = {
			urlTemplate: p.urlTemplate ?? '',
			preset: p.preset ?? 'clearbit',
			...(Object.keys(mapping).length ? { mapping } : {}),
			...filled(s),
		};
	}

	const b = p.brief ?? {};
	if (b.attributionModel) options.attribution = { model: b.attributionModel };
	if (b.crmUrlTemplate) options.crmUrlTemplate = b.crmUrlTemplate;
	if (b.crmNoteFormat) options.crmNote = { format: b.crmNoteFormat };
	if (b.goneDarkDays !== undefined) options.recency = { goneDarkDays: b.goneDarkDays };
	const brief = filled({ signals: b.signals, maxTalkingPoints: b.maxTalkingPoints, topRules: b.topRules });
	if (Object.keys(brief).length) options.brief = brief;
	const sms = filled({ maxSegments: b.smsMaxSegments, includePersonalData: b.smsIncludePersonalData });
	if (Object.keys(sms).length) options.sms = sms;
	const templates = filled(p.templates);
	if (Object.keys(templates).length) options.templates = templates;
	return options;
}

/**
 * The JSON a fresh node shows: the engine's defaults spelled out, so a fresh node decides the
 * same in either view (the settings left empty mean these defaults too).
 */
export const DEFAULT_OPTIONS_JSON = '{\n  "attribution": { "model": "uShaped" },\n  "sms": { "maxSegments": 1 }\n}';

/** What each setting reads as when n8n holds no value for it (its field is hidden or empty). */
const NOT_SET: EditorParameters = { companyData: 'none', urlTemplate: '', preset: 'clearbit', mapping: {}, lookupTable: {}, lookupSettings: {}, brief: {}, templates: {}, fields: {} };

/** The options from the settings or the JSON parameter, before validation; see rulesInUse. */
export function readEnrichOptions(get: ParameterReader): unknown {
	const settings = () => Object.fromEntries(Object.entries(NOT_SET).map(([name, fallback]) => [name, get(name) ?? fallback])) as unknown as EditorParameters;
	return rulesInUse<unknown>({
		node: 'Lead Enrich',
		modeParameter: 'Configure With',
		source: get('optionsSource') === 'json' ? 'json' : 'editor',
		table: { mode: 'Settings', rules: 'settings', read: () => editorToOptions(settings()), defaults: () => editorToOptions(NOT_SET) },
		json: { mode: 'JSON', rules: 'Options (JSON)', read: () => parseProtocolJson(get('optionsJson'), 'Options (JSON)'), defaults: () => JSON.parse(DEFAULT_OPTIONS_JSON) },
		summary: (options) => {
			const keys = Object.keys(options && typeof options === 'object' ? options : {});
			return keys.length ? `settings for ${inWords(keys)}` : 'no settings';
		},
	});
}
