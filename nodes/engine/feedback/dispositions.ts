/**
 * Disposition codes: what sales says about a handed-off lead, in the words both teams agreed on.
 * The defaults are the protocol guide's (accepted; rejected with a reason; contacted; meeting
 * booked; opportunity; won with an amount; lost with a reason) plus `reopened`, the correction
 * that takes a closed outcome back to open. A team adds its own codes, reasons and aliases in
 * feedback.schema.json's form, validated with errors that name the JSON path.
 */
import { LeadDataError, ProtocolError } from '../common/errors';
import { assertMatchesSchema } from '../common/schema';
import schema from './feedback.schema.json';
import { isClosing, type Stage } from './stages';

export interface DispositionReason {
	code: string;
	label: string;
	meaning?: string;
	aliases?: string[];
}

export interface DispositionCode {
	code: string;
	label: string;
	stage: Stage;
	meaning?: string;
	aliases?: string[];
	reasons?: DispositionReason[];
	customReason?: boolean;
	requireReason?: boolean;
	amount?: 'none' | 'optional' | 'required';
}

/** A value of a CRM field mapped to a code: the code, the code with a reason, or null (ignore it). */
export type MappingTarget = string | { code: string; reason?: string } | null;
export type ValueMap = Record<string, MappingTarget>;

export interface HubSpotMapping {
	leadStatus?: ValueMap;
	lifecycleStage?: ValueMap;
	dealStage?: ValueMap;
	leadStatusProperty?: string;
	lifecycleStageProperty?: string;
	dealStageProperty?: string;
	amountProperty?: string;
	lostReasonProperty?: string;
	portalId?: string | number;
}

export interface SalesforceMapping {
	leadStatus?: ValueMap;
	opportunityStage?: ValueMap;
	lostReasonField?: string;
	rejectReasonField?: string;
	organizationId?: string;
}

export interface PipedriveMapping {
	dealCreated?: MappingTarget;
	stages?: ValueMap;
	personLabels?: ValueMap;
	personField?: string;
	personFieldOptions?: ValueMap;
	companyId?: string | number;
}

/** The feedback part of the protocol (JSON form: feedback.schema.json). */
export interface FeedbackProtocol {
	includeDefaults?: boolean;
	codes?: DispositionCode[];
	hubspot?: HubSpotMapping;
	salesforce?: SalesforceMapping;
	pipedrive?: PipedriveMapping;
}

/** The reason kept when sales gives one of their own (its words go in `reasonText`). */
export const OTHER_REASON = 'other';

export const DEFAULT_CODES: readonly DispositionCode[] = [
	{
		code: 'accepted',
		label: 'Accepted',
		stage: 'accepted',
		meaning: 'Sales agrees the lead is worth working and takes it on (a sales-accepted lead)',
		aliases: ['Sales accepted', 'SAL', 'Working', 'In progress'],
	},
	{
		code: 'rejected',
		label: 'Rejected',
		stage: 'rejected',
		meaning: 'Sales sends the lead back; the reason tells marketing what to change in scoring or targeting',
		aliases: ['Declined', 'Disqualified', 'Sent back'],
		reasons: [
			{ code: 'not_qualified', label: 'Not qualified', meaning: 'Not the buyer or not the company we sell to', aliases: ['Unqualified', 'Not a fit', 'No fit'] },
			{ code: 'wrong_timing', label: 'Wrong timing', meaning: 'Interested, but not buying now', aliases: ['Bad timing', 'Timing', 'Not now', 'Too early'] },
			{ code: 'no_budget', label: 'No budget', meaning: 'Cannot pay for it', aliases: ['Budget', 'No money'] },
			{ code: 'chose_competitor', label: 'Chose a competitor', meaning: 'Already bought or buying elsewhere', aliases: ['Competitor', 'Lost to competitor', 'Went with a competitor', 'Chose competitor'] },
			{ code: 'duplicate', label: 'Duplicate', meaning: 'The person or company is already being worked', aliases: ['Dupe', 'Already in CRM'] },
			{ code: 'bad_data', label: 'Bad data', meaning: 'Fake, wrong or unreachable contact details', aliases: ['Invalid data', 'Bad contact data', 'Wrong number', 'Fake', 'Spam'] },
		],
	},
	{
		code: 'contacted',
		label: 'Contacted',
		stage: 'contacted',
		meaning: 'Sales reached out (a call, an email, a message), answered or not: the first touch that stops the SLA clock',
		aliases: ['Attempted to contact', 'Connected', 'Reached', 'First touch'],
	},
	{
		code: 'meeting_booked',
		label: 'Meeting booked',
		stage: 'meeting',
		meaning: 'A meeting or demo with the lead is on the calendar',
		aliases: ['Meeting', 'Demo booked', 'Appointment scheduled', 'Meeting scheduled'],
	},
	{
		code: 'opportunity',
		label: 'Opportunity',
		stage: 'opportunity',
		meaning: 'Qualified by sales: a deal or opportunity is open in the CRM',
		aliases: ['Sales qualified', 'SQL', 'Open deal', 'Deal'],
	},
	{
		code: 'won',
		label: 'Won',
		stage: 'won',
		meaning: 'The lead became a customer; the amount is what the deal is worth',
		aliases: ['Closed won', 'Customer'],
		amount: 'optional',
	},
	{
		code: 'lost',
		label: 'Lost',
		stage: 'lost',
		meaning: 'The opportunity closed without a sale; the reason says why',
		aliases: ['Closed lost'],
		reasons: [
			{ code: 'chose_competitor', label: 'Chose a competitor', aliases: ['Competitor', 'Lost to competitor', 'Went with a competitor', 'Chose competitor'] },
			{ code: 'no_budget', label: 'No budget', aliases: ['Budget', 'No money'] },
			{ code: 'price', label: 'Price', meaning: 'Our offer cost more than they would pay', aliases: ['Too expensive', 'Pricing'] },
			{ code: 'wrong_timing', label: 'Wrong timing', aliases: ['Bad timing', 'Timing', 'Not now'] },
			{ code: 'no_decision', label: 'No decision', meaning: 'The buyer went quiet or chose to do nothing', aliases: ['Went dark', 'No response', 'Unresponsive', 'Status quo'] },
			{ code: 'not_qualified', label: 'Not a fit', meaning: 'Turned out not to be a buyer we can serve', aliases: ['Not qualified', 'Unqualified', 'No fit'] },
		],
	},
	{
		code: 'reopened',
		label: 'Reopened',
		stage: 'open',
		meaning: 'A correction: a closed outcome is open again (a won deal reverted, a rejected lead taken back)',
		aliases: ['Reopen', 'Open again'],
	},
];

export interface ResolvedReason {
	/** A reason code of the disposition, or "other" for a reason of the user's own. */
	reason: string;
	/** Sales' own words, when the reason is "other" or the text differs from the label. */
	reasonText?: string;
}

export interface CompiledDispositions {
	readonly codes: readonly DispositionCode[];
	readonly protocol: FeedbackProtocol;
	/** The code given by its code, label or an alias (case, spaces, dashes and underscores do not matter). */
	find(value: string): DispositionCode | undefined;
	/** The first code of a stage (the defaults have one per stage); undefined when none has it. */
	forStage(stage: Stage): DispositionCode | undefined;
	/** A reason of the code given by its code, label or an alias; undefined when it is none of them. */
	findReason(code: DispositionCode, value: string): DispositionReason | undefined;
}

/**
 * Validates the feedback protocol (JSON Schema, then what a schema cannot say: codes, reasons and
 * aliases must be unique, reasons belong to rejected and lost codes) and compiles it once.
 * Throws a ProtocolError naming the JSON path.
 */
export function compileDispositions(input: unknown = {}): CompiledDispositions {
	assertMatchesSchema<FeedbackProtocol>(schema, input, 'The Lead Feedback protocol');
	const protocol = input as FeedbackProtocol;
	const own = protocol.codes ?? [];
	checkOwnCodes(own);
	const ownCodes = new Set(own.map((c) => c.code));
	const defaults = protocol.includeDefaults === false ? [] : DEFAULT_CODES.filter((c) => !ownCodes.has(c.code));
	const codes = [...defaults, ...own].map(withDefaults);
	if (codes.length === 0) throw ProtocolError.at('/codes', 'there is no disposition code: add codes, or leave includeDefaults on');

	const byName = new Map<string, DispositionCode>();
	// The user's codes claim their names first, so an alias of theirs wins over a default's.
	for (const code of [...codes.filter((c) => ownCodes.has(c.code)), ...codes.filter((c) => !ownCodes.has(c.code))]) {
		for (const name of [code.code, code.label, ...(code.aliases ?? [])]) {
			const key = normalizeName(name);
			const holder = byName.get(key);
			if (holder && holder.code !== code.code) {
				if (ownCodes.has(holder.code) && !ownCodes.has(code.code)) continue; // a default's alias taken by the user's code
				throw ProtocolError.at(pathOfCode(own, code.code), `"${name}" names both code "${holder.code}" and code "${code.code}"`);
			}
			byName.set(key, code);
		}
	}
	const reasonIndex = new Map<string, Map<string, DispositionReason>>();
	for (const code of codes) {
		const index = new Map<string, DispositionReason>();
		for (const reason of code.reasons ?? []) {
			for (const name of [reason.code, reason.label, ...(reason.aliases ?? [])]) {
				const key = normalizeName(name);
				const holder = index.get(key);
				if (holder && holder.code !== reason.code) {
					throw ProtocolError.at(`${pathOfCode(own, code.code)}/reasons`, `"${name}" names both reason "${holder.code}" and reason "${reason.code}" of code "${code.code}"`);
				}
				index.set(key, reason);
			}
		}
		reasonIndex.set(code.code, index);
	}
	return {
		codes,
		protocol,
		find: (value) => byName.get(normalizeName(value)),
		forStage: (stage) => codes.find((c) => c.stage === stage),
		findReason: (code, value) => reasonIndex.get(code.code)?.get(normalizeName(value)),
	};
}

function checkOwnCodes(own: readonly DispositionCode[]): void {
	const seen = new Map<string, number>();
	own.forEach((code, i) => {
		const first = seen.get(code.code);
		if (first !== undefined) throw ProtocolError.at(`/codes/${i}/code`, `code "${code.code}" is defined twice (also at /codes/${first})`);
		seen.set(code.code, i);
		if (code.reasons?.length && !isClosing(code.stage)) {
			throw ProtocolError.at(`/codes/${i}/reasons`, `reasons belong to codes that close the outcome (stage rejected, lost or won), not to stage "${code.stage}"`);
		}
		if (code.requireReason && !code.reasons?.length && code.customReason === false) {
			throw ProtocolError.at(`/codes/${i}/requireReason`, 'a reason is required but the code has no reasons and allows no reason of your own');
		}
		if (code.amount && code.amount !== 'none' && code.stage !== 'won' && code.stage !== 'opportunity' && code.stage !== 'lost') {
			throw ProtocolError.at(`/codes/${i}/amount`, `an amount belongs to codes of stage won, lost or opportunity, not to stage "${code.stage}"`);
		}
		const reasonCodes = new Set<string>();
		code.reasons?.forEach((reason, j) => {
			if (reasonCodes.has(reason.code)) throw ProtocolError.at(`/codes/${i}/reasons/${j}/code`, `reason "${reason.code}" is defined twice for code "${code.code}"`);
			reasonCodes.add(reason.code);
		});
	});
}

function withDefaults(code: DispositionCode): DispositionCode {
	const closing = code.stage === 'rejected' || code.stage === 'lost';
	return {
		...code,
		customReason: code.customReason ?? closing,
		requireReason: code.requireReason ?? false,
		amount: code.amount ?? (code.stage === 'won' ? 'optional' : 'none'),
	};
}

function pathOfCode(own: readonly DispositionCode[], code: string): string {
	const i = own.findIndex((c) => c.code === code);
	return i < 0 ? '/codes' : `/codes/${i}`;
}

/** How names are compared: case, spaces, dashes, dots and underscores do not matter ("Closed - Won" is "closedwon"). */
export function normalizeName(value: string): string {
	return value.toLowerCase().replace(/[\s_\-./]+/g, '');
}

/**
 * Reads a reason given for a code: a reason's code, label or alias; else, when the code allows
 * reasons of one's own, "other" with the words given. Empty is no reason (an error when the
 * code requires one).
 */
export function resolveReason(dispositions: CompiledDispositions, code: DispositionCode, value: unknown, field = 'Reason'): ResolvedReason | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		if (code.requireReason) throw new LeadDataError(field, `a reason for "${code.label}": ${reasonWords(code)}`, value);
		return undefined;
	}
	if (typeof value !== 'string') throw new LeadDataError(field, `a reason as text: ${reasonWords(code)}`, value);
	const text = value.trim();
	const known = dispositions.findReason(code, text);
	if (known) return { reason: known.code };
	if (code.customReason) return { reason: OTHER_REASON, reasonText: text.slice(0, 500) };
	throw new LeadDataError(field, `one of the reasons of "${code.label}": ${reasonWords(code)}`, value);
}

function reasonWords(code: DispositionCode): string {
	const reasons = (code.reasons ?? []).map((r) => `${r.code} (${r.label})`);
	if (code.customReason) reasons.push('or a reason of your own');
	return reasons.length ? reasons.join(', ') : 'this code has no reasons';
}

/** The words for a reason: its label, sales' own words, or nothing. */
export function reasonLabel(code: DispositionCode | undefined, reason: string | undefined, reasonText?: string): string | undefined {
	if (reason === undefined) return undefined;
	if (reason === OTHER_REASON && reasonText) return reasonText;
	return code?.reasons?.find((r) => r.code === reason)?.label ?? reasonText ?? reason;
}

/**
 * Reads an amount: a finite number at least 0, or a text of digits with an optional decimal point
 * and thousands separators ("12500", "12,500.50"); a currency sign or code around it is allowed
 * ("$12,500", "12500 EUR"). Anything else is a LeadDataError naming the field.
 */
export function parseAmount(value: unknown, field = 'Amount'): number | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
	const expected = 'an amount at least 0, e.g. 12500 or "12,500.00"';
	if (typeof value === 'number') {
		if (Number.isFinite(value) && value >= 0) return value;
		throw new LeadDataError(field, expected, value);
	}
	if (typeof value !== 'string') throw new LeadDataError(field, expected, value);
	const text = value
		.trim()
		.replace(/^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$/g, '')
		.replace(/^[$€£¥]\s*|\s*[$€£¥]$/g, '');
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
	if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) return Number(text.replace(/,/g, ''));
	throw new LeadDataError(field, expected, value);
}

export function knownCodesWords(dispositions: CompiledDispositions): string {
	return dispositions.codes.map((c) => c.code).join(', ');
}
