/**
 * Firmographics, the pure parts: which domain to look up, the provider URL, mapping a provider's
 * JSON to one shape, a lookup table, and whether to retry a failed call. The node does the HTTP.
 */
import { domainInList, emailDomain, isFreeMailDomain } from '../common/email';
import { ProtocolError } from '../common/errors';
import { compilePath, type PathGetter } from '../common/paths';

export { emailDomain, isFreeMailDomain };

export interface Firmographics {
	name?: string;
	domain?: string;
	employees?: number;
	/** As the provider words it when it gives a band: "51-200". */
	sizeRange?: string;
	industry?: string;
	country?: string;
	techStack?: string[];
	funding?: { totalUsd?: number; stage?: string };
	description?: string;
}

/** What became of the lookup; a failure is stated, never thrown: it must not block the hand-off. */
export type FirmographicsOutcome =
	| { status: 'found'; data: Firmographics; source: string }
	| { status: 'skipped' | 'notFound'; reason: string }
	/** `configuration`: the credential is missing or refused, for the user to fix; never retried. */
	| { status: 'failed'; reason: string; configuration?: true };

/** Field paths into a provider's response. */
export interface FirmographicsMapping {
	name: string;
	domain: string;
	employees: string;
	sizeRange: string;
	industry: string;
	country: string;
	techStack: string;
	fundingTotal: string;
	fundingStage: string;
	description: string;
}

export type FirmographicsPreset = 'clearbit' | 'apollo' | 'peopleDataLabs' | 'flat';

export const FIRMOGRAPHICS_PRESETS: Record<FirmographicsPreset, FirmographicsMapping> = {
	// Clearbit Company API (now HubSpot Breeze Intelligence) company object.
	clearbit: {
		name: 'name',
		domain: 'domain',
		employees: 'metrics.employees',
		sizeRange: 'metrics.employeesRange',
		industry: 'category.industry',
		country: 'geo.country',
		techStack: 'tech',
		fundingTotal: 'metrics.raised',
		fundingStage: 'fundingStage',
		description: 'description',
	},
	// Apollo organization enrichment: everything under `organization`.
	apollo: {
		name: 'organization.name',
		domain: 'organization.primary_domain',
		employees: 'organization.estimated_num_employees',
		sizeRange: 'organization.employee_range',
		industry: 'organization.industry',
		country: 'organization.country',
		techStack: 'organization.technology_names',
		fundingTotal: 'organization.total_funding',
		fundingStage: 'organization.latest_funding_stage',
		description: 'organization.short_description',
	},
	// People Data Labs company enrichment.
	peopleDataLabs: {
		name: 'name',
		domain: 'website',
		employees: 'employee_count',
		sizeRange: 'size',
		industry: 'industry',
		country: 'location.country',
		techStack: 'tags',
		fundingTotal: 'total_funding_raised',
		fundingStage: 'latest_funding_stage',
		description: 'summary',
	},
	// Our own shape (and a lookup table's rows).
	flat: {
		name: 'name',
		domain: 'domain',
		employees: 'employees',
		sizeRange: 'sizeRange',
		industry: 'industry',
		country: 'country',
		techStack: 'techStack',
		fundingTotal: 'funding.totalUsd',
		fundingStage: 'funding.stage',
		description: 'description',
	},
};

export type FirmographicsMapper = (response: unknown) => Firmographics | undefined;

/** Compiles field paths once; the mapper returns undefined when the response names no company. */
export function compileFirmographicsMapping(preset: FirmographicsPreset = 'clearbit', overrides: Partial<FirmographicsMapping> = {}): FirmographicsMapper {
	const mapping = { ...FIRMOGRAPHICS_PRESETS[preset], ...overrides };
	const get = Object.fromEntries(Object.entries(mapping).map(([k, path]) => [k, compilePath(path)])) as Record<keyof FirmographicsMapping, PathGetter>;
	return (response) => {
		const out: Firmographics = {};
		const name = text(get.name(response));
		if (name) out.name = name;
		const domain = text(get.domain(response));
		if (domain) out.domain = domain.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '');
		const employees = count(get.employees(response));
		if (employees !== undefined) out.employees = employees;
		const range = text(get.sizeRange(response));
		if (range) out.sizeRange = range;
		const industry = text(get.industry(response));
		if (industry) out.industry = industry;
		const country = text(get.country(response));
		if (country) out.country = country;
		const tech = list(get.techStack(response));
		if (tech.length > 0) out.techStack = tech;
		const total = count(get.fundingTotal(response));
		const stage = text(get.fundingStage(response));
		if (total !== undefined || stage) out.funding = { ...(total !== undefined ? { totalUsd: total } : {}), ...(stage ? { stage } : {}) };
		const description = text(get.description(response));
		if (description) out.description = description;
		return Object.keys(out).length === 0 ? undefined : out;
	};
}

/** A company size for people: "1,200 employees", else the provider's band. */
export function describeSize(data: Pick<Firmographics, 'employees' | 'sizeRange'> | undefined): string | undefined {
	if (!data) return undefined;
	if (data.employees !== undefined) return `${data.employees.toLocaleString('en-US')} employees`;
	if (data.sizeRange) return `${data.sizeRange} employees`;
	return undefined;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function count(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
	if (typeof value === 'string' && /^\s*[\d,]+(\.\d+)?\s*$/.test(value)) return Number(value.replace(/[,\s]/g, ''));
	return undefined;
}

/** Tech stacks come as strings, `{name}` objects or one comma-separated string. */
function list(value: unknown): string[] {
	const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	const names = items.map((item) => (typeof item === 'object' && item !== null ? text((item as { name?: unknown }).name) : text(item)));
	return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/**
 * The domain to look a lead's company up by: its website when it has one, else its email's
 * domain. Free-mail domains say nothing about a company, so they are skipped with a reason.
 */
export function lookupDomain(
	email: unknown,
	website: unknown,
	skipFreeMail = true,
): { domain: string } | { skip: string } {
	const site = typeof website === 'string' ? website.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/^www\./, '').replace(/[/?#:].*$/, '') : '';
	if (site.includes('.')) return { domain: site };
	const domain = emailDomain(email);
	if (!domain || !domain.includes('.')) return { skip: 'no company domain: the lead has no website and no usable email address' };
	if (skipFreeMail && isFreeMailDomain(domain)) return { skip: `free-mail address (${domain}): no company to look up` };
	return { domain };
}

/** A provider URL with `{{domain}}` (and `{{email}}`) URL-encoded into it. */
export function compileProviderUrl(template: string, path = '/firmographics/urlTemplate'): (values: { domain: string; email?: string }) => string {
	if (!/^https?:\/\//i.test(template.trim())) throw ProtocolError.at(path, 'the provider URL must start with http:// or https://');
	const names = [...template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]);
	const unknown = names.find((n) => n !== 'domain' && n !== 'email');
	if (unknown !== undefined) throw ProtocolError.at(path, `unknown placeholder {{${unknown}}}: use {{domain}} or {{email}}`);
	if (!names.includes('domain') && !names.includes('email')) throw ProtocolError.at(path, 'the provider URL must contain {{domain}}');
	const trimmed = template.trim();
	// A lead's domain must never choose the host: the API key would go wherever the lead says.
	const origin = /^https?:\/\/[^/?#]*/i.exec(trimmed)![0];
	if (/\{\{/.test(origin)) throw ProtocolError.at(path, 'a placeholder may not be in the host of the provider URL: put {{domain}} or {{email}} in its path or query');
	return (values) =>
		trimmed.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: 'domain' | 'email') => encodeURIComponent(values[name] ?? ''));
}

export function renderProviderUrl(template: string, domain: string): string {
	return compileProviderUrl(template)({ domain });
}

/** A lookup table keyed by domain; a subdomain finds its company (eu.acme.com is acme.com). */
export function compileLookupTable(table: Record<string, Firmographics>): (domain: string) => Firmographics | undefined {
	const rows = new Map(Object.entries(table).map(([domain, row]) => [domain.trim().toLowerCase().replace(/^www\./, ''), row]));
	const domains = [...rows.keys()];
	return (domain) => {
		const d = domain.toLowerCase();
		const direct = rows.get(d);
		if (direct) return { domain: d, ...direct };
		if (!domainInList(d, domains)) return undefined;
		const parent = domains.filter((k) => d.endsWith(`.${k}`)).sort((a, b) => b.length - a.length)[0];
		return { domain: parent, ...rows.get(parent) };
	};
}

export interface RetryPolicy {
	/** Attempts in all, the first included (default 3). */
	maxAttempts: number;
	/** Back-off before the 2nd attempt; doubles each time (default 500 ms). */
	baseDelayMs: number;
	/** No wait is longer; a provider asking for longer is given up on (default 30 s). */
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface RetryInput {
	/** HTTP status, when a response came. */
	status?: number;
	/** When no response came. */
	error?: 'timeout' | 'network';
	/** The Retry-After header: seconds or an HTTP date. */
	retryAfter?: string | null;
	/** Attempts made so far, the failed one included (1 after the first call). */
	attempt: number;
	/** For a Retry-After date. */
	now: number;
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string; configuration?: true };

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** The failure reason when Authentication names the credential but none is selected or it cannot be read. */
export function credentialMissingReason(detail: string): string {
	return `Configuration error: Authentication is set to "Company Data API" but the credential cannot be used (${detail}). Select or create a "Company Data API" credential in Lead Enrich, or set Authentication to None.`;
}

/** Answers that mean the credential is missing or refused: asking again cannot help, the user must fix it. */
export const CREDENTIAL_REFUSED_STATUS: ReadonlySet<number> = new Set([401, 403, 407]);

/** The failure reason for a refused credential; the brief shows only "Company data unavailable". */
export function credentialRefusedReason(providerName: string, status: number): string {
	return `Configuration error: ${providerName} refused the credential (HTTP ${status}). Check the API key in the "Company Data API" credential, and that Authentication is set to use it.`;
}

/**
 * Whether the node should call the provider again, and after how long. Deterministic (no jitter):
 * one call per domain per execution, so there is no herd to spread.
 */
export function retryDecision(input: RetryInput, policy: Partial<RetryPolicy> = {}): RetryDecision {
	const { maxAttempts, baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY_POLICY, ...policy };
	const what = input.error ? (input.error === 'timeout' ? 'timed out' : 'network error') : `HTTP ${input.status}`;
	if (input.error === undefined) {
		const status = input.status ?? 0;
		if (status >= 200 && status < 300) return { retry: false, reason: 'success' };
		if (status === 404) return { retry: false, reason: 'HTTP 404: the provider does not know this domain' };
		if (CREDENTIAL_REFUSED_STATUS.has(status)) return { retry: false, configuration: true, reason: `HTTP ${status}: configuration error, the provider refused the credential: not retried` };
		if (!RETRYABLE_STATUS.has(status)) return { retry: false, reason: `${what}: not worth retrying` };
	}
	if (input.attempt >= maxAttempts) return { retry: false, reason: `${what} after ${input.attempt} attempt${input.attempt === 1 ? '' : 's'}: giving up` };
	const asked = parseRetryAfter(input.retryAfter, input.now);
	if (asked !== undefined) {
		if (asked > maxDelayMs) {
			return { retry: false, reason: `${what}: the provider asks to wait ${Math.ceil(asked / 1000)} s, longer than ${maxDelayMs / 1000} s: giving up rather than holding the hand-off` };
		}
		return { retry: true, delayMs: asked, reason: `${what}: retry after ${asked / 1000} s as the provider asks` };
	}
	const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (input.attempt - 1));
	return { retry: true, delayMs, reason: `${what}: retry in ${delayMs / 1000} s` };
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
	if (value === null || value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	if (!/[a-z]/i.test(text)) return undefined;
	const at = Date.parse(text);
	if (!Number.isFinite(at)) return undefined;
	return Math.max(0, at - now);
}

/**
 * A provider's 2xx answer, read: the company, "no company" (some providers answer 200 with an
 * empty object or `null` for an unknown domain), or a failure when the body is not JSON.
 */
export function readProviderBody(body: unknown, map: FirmographicsMapper, domain: string, source: string): FirmographicsOutcome {
	let json = body;
	if (typeof body === 'string' || Buffer.isBuffer(body)) {
		const text = String(body).trim();
		if (text === '') return { status: 'notFound', reason: `${source} knows no company at ${domain} (empty answer)` };
		try {
			json = JSON.parse(text);
		} catch {
			const preview = text.length > 60 ? `${text.slice(0, 57)}...` : text;
			return { status: 'failed', reason: `${source} answered with something that is not JSON: ${JSON.stringify(preview)}` };
		}
	}
	const data = map(json);
	return data ? { status: 'found', data, source } : { status: 'notFound', reason: `${source} knows no company at ${domain}` };
}

/** How a provider is named in briefs and errors: the host of its URL template. */
export function providerName(urlTemplate: string): string {
	return urlTemplate.trim().replace(/^[a-z]+:\/\//i, '').replace(/[/?#:].*$/, '') || 'the company data provider';
}
