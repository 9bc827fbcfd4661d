/**
 * Company data from the HTTP provider, at run time: the store's cache first, then the provider
 * with a timeout and bounded retries (429 with Retry-After, 5xx, timeouts). Every failure becomes
 * a stated outcome, never an exception: enrichment must not block the hand-off. A missing or
 * refused credential is a configuration error: stated as one, logged once, never retried. Within
 * one execution a domain is looked up once, however many leads share it.
 */
import {
	credentialMissingReason,
	credentialRefusedReason,
	CREDENTIAL_REFUSED_STATUS,
	retryDecision,
	type FirmographicsOutcome,
	type ProviderSettings,
	type RetryInput,
} from '../engine/enrich';
import type { HandoffStore } from '../store';

/** What the node's HTTP helper answered (returnFullResponse, status errors ignored). */
export interface ProviderResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export interface CompanyLookupDeps {
	provider: ProviderSettings;
	/** One GET of the provider URL; throws only when no response came (timeout, network). */
	fetch(url: string, timeoutMs: number): Promise<ProviderResponse>;
	url(domain: string): string;
	/** The cache; none when the user chose to cache within the execution only. */
	store?: HandoffStore;
	sleep(ms: number): Promise<void>;
	now(): number;
	warn(message: string): void;
	/** Why the credential Authentication names cannot be used (none selected, unreadable): no request is made. */
	credentialProblem?: string;
}

export type CompanyLookup = (domain: string) => Promise<FirmographicsOutcome>;

export function createCompanyLookup(deps: CompanyLookupDeps): CompanyLookup {
	if (deps.credentialProblem !== undefined) {
		const failed: FirmographicsOutcome = { status: 'failed', configuration: true, reason: credentialMissingReason(deps.credentialProblem) };
		deps.warn(`Lead Enrich: ${failed.reason}`);
		return async () => failed;
	}
	const inExecution = new Map<string, Promise<FirmographicsOutcome>>();
	// Once the provider refuses the credential, it would refuse it for every other domain too.
	let refused: FirmographicsOutcome | undefined;
	return (domain) => {
		let outcome = inExecution.get(domain);
		if (!outcome && refused) return Promise.resolve(refused);
		if (!outcome) {
			outcome = lookup(deps, domain).then((result) => {
				if (!refused && result.status === 'failed' && result.configuration) {
					refused = result;
					deps.warn(`Lead Enrich: ${result.reason}`);
				}
				return result;
			});
			inExecution.set(domain, outcome);
		}
		return outcome;
	};
}

async function lookup(deps: CompanyLookupDeps, domain: string): Promise<FirmographicsOutcome> {
	const { provider, store } = deps;
	const caching = store !== undefined && provider.cacheTtlMs > 0;
	if (caching) {
		try {
			const cached = await store.getCompanyData(provider.key, domain, deps.now());
			if (cached?.status === 'found') return { status: 'found', data: cached.data, source: `${provider.name} (cached)` };
			if (cached?.status === 'notFound') return { status: 'notFound', reason: `${provider.name} knows no company at ${domain} (cached answer)` };
		} catch (error) {
			// A cache that cannot be read costs a provider call, not the hand-off. The warning goes to
			// n8n's log: it names no domain (a lead's email domain), and a store error's message names no lead.
			deps.warn(`Lead Enrich: reading cached company data failed, asking ${provider.name}: ${(error as Error).message}`);
		}
	}
	const fetchedAt = deps.now();
	const outcome = await fetchWithRetries(deps, domain);
	if (caching && (outcome.status === 'found' || outcome.status === 'notFound')) {
		try {
			await store.putCompanyData(provider.key, domain, {
				status: outcome.status,
				data: outcome.status === 'found' ? { ...outcome.data } : {},
				fetchedAt,
				expiresAt: fetchedAt + provider.cacheTtlMs,
			});
		} catch (error) {
			deps.warn(`Lead Enrich: caching company data failed: ${(error as Error).message}`);
		}
	}
	return outcome;
}

async function fetchWithRetries(deps: CompanyLookupDeps, domain: string): Promise<FirmographicsOutcome> {
	const { provider } = deps;
	const url = deps.url(domain);
	for (let attempt = 1; ; attempt++) {
		let input: RetryInput;
		let detail = '';
		try {
			const response = await deps.fetch(url, provider.timeoutMs);
			const status = response.statusCode;
			if (status >= 200 && status < 300) return provider.read(response.body, domain);
			if (status === 404) return { status: 'notFound', reason: `${provider.name} knows no company at ${domain} (HTTP 404)` };
			if (CREDENTIAL_REFUSED_STATUS.has(status)) return { status: 'failed', configuration: true, reason: credentialRefusedReason(provider.name, status) };
			input = { status, retryAfter: header(response.headers, 'retry-after'), attempt, now: deps.now() };
		} catch (error) {
			const timeout = isTimeout(error);
			detail = timeout ? ` (no answer within ${provider.timeoutMs / 1000} s)` : ` (${messageOf(error)})`;
			input = { error: timeout ? 'timeout' : 'network', attempt, now: deps.now() };
		}
		const decision = retryDecision(input, provider.retry);
		if (!decision.retry) return { status: 'failed', reason: `${provider.name}: ${decision.reason}${detail}` };
		await deps.sleep(decision.delayMs);
	}
}

function header(headers: Record<string, unknown>, name: string): string | null {
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
	}
	return null;
}

/** Axios marks a timeout ECONNABORTED / ETIMEDOUT; n8n may wrap it, so the causes are searched. */
function isTimeout(error: unknown): boolean {
	for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
		if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT') return true;
		if (typeof e.message === 'string' && /timeout|timed out/i.test(e.message)) return true;
	}
	return false;
}

function messageOf(error: unknown): string {
	const cause = (error as { cause?: { message?: unknown } })?.cause;
	const message = typeof cause?.message === 'string' && cause.message ? cause.message : (error as Error)?.message;
	return String(message ?? error).slice(0, 200);
}
