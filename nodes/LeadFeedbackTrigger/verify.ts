/**
 * The trigger's check of one request, before any workflow runs: the engine's authenticity checks
 * on the exact bytes received, then, for a signed request, its replay key remembered in the store
 * (only when everything else passed, so a refused request leaves nothing behind).
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import { verifyBasicAuth, verifyHmacSignature, verifyHubSpotV3, type AuthResult, type RequestHeaders } from '../engine/feedback';
import { DEFAULT_SCOPE } from '../store';
import { leaseStoreFor } from '../shared/store';

export type Authentication = 'hubspot' | 'basicAuth' | 'hmac';

/** A request without a timestamp (HMAC of the body alone) is remembered this long. */
export const UNTIMED_REPLAY_KEEP_MS = 30 * 24 * 3_600_000;

export type Verdict = { ok: true; verifiedBy: string } | { ok: false; status: 401; reason: string; message: string };

/** The body as received, byte for byte (n8n keeps it as rawBody beside the parsed body). */
export async function rawBodyOf(ctx: IWebhookFunctions): Promise<Buffer> {
	const req = ctx.getRequestObject();
	if (!req.rawBody && typeof req.readRawBody === 'function') await req.readRawBody();
	const raw = req.rawBody as Buffer | string | undefined;
	if (raw === undefined || raw === null) return Buffer.alloc(0);
	return Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8');
}

/** The URL HubSpot called: the credential's Target URL, else this trigger's webhook URL, with the query as received. */
function hubspotUri(ctx: IWebhookFunctions, targetUrl: string | undefined): string {
	const req = ctx.getRequestObject();
	const original = req.originalUrl ?? req.url ?? '';
	const q = original.indexOf('?');
	const query = q >= 0 ? original.slice(q) : '';
	if (targetUrl && targetUrl.trim()) return targetUrl.trim().includes('?') ? targetUrl.trim() : `${targetUrl.trim()}${query}`;
	const own = (typeof ctx.getWebhookResourceUrl === 'function' ? ctx.getWebhookResourceUrl('default') : undefined) ?? ctx.getNodeWebhookUrl('default') ?? '';
	return `${own}${query}`;
}

function refuse(result: Extract<AuthResult, { ok: false }>): Verdict {
	return { ok: false, status: 401, reason: result.reason, message: result.message };
}

export async function verifyRequest(ctx: IWebhookFunctions, authentication: Authentication, scope: string, now: number): Promise<Verdict> {
	const req = ctx.getRequestObject();
	const headers = req.headers as RequestHeaders;
	let result: AuthResult;
	let verifiedBy: string;
	if (authentication === 'basicAuth') {
		const credential = await ctx.getCredentials('leadFeedbackBasicAuthApi');
		result = verifyBasicAuth(headers, String(credential.user ?? ''), String(credential.password ?? ''));
		verifiedBy = 'basic auth';
	} else if (authentication === 'hubspot') {
		const credential = await ctx.getCredentials('leadFeedbackHubSpotAppApi');
		const body = await rawBodyOf(ctx);
		result = verifyHubSpotV3({ method: req.method ?? 'POST', uri: hubspotUri(ctx, credential.targetUrl as string | undefined), body, headers }, String(credential.clientSecret ?? ''), now);
		verifiedBy = 'HubSpot signature v3';
	} else {
		const credential = await ctx.getCredentials('leadFeedbackHmacApi');
		const body = await rawBodyOf(ctx);
		const timestampHeader = String(credential.timestampHeader ?? '').trim();
		const encoding = credential.encoding === 'hex' || credential.encoding === 'base64' ? credential.encoding : 'auto';
		result = verifyHmacSignature(
			headers,
			body,
			{
				secret: String(credential.secret ?? ''),
				header: String(credential.header ?? '').trim() || 'X-Signature',
				encoding,
				...(timestampHeader ? { timestampHeader } : {}),
				maxAgeMs: Math.max(1, Number(credential.maxAgeMinutes) || 5) * 60_000,
			},
			now,
		);
		verifiedBy = 'HMAC-SHA256 signature';
	}
	if (!result.ok) return refuse(result);
	if (result.replay) {
		const lease = await leaseStoreFor(ctx);
		try {
			const fresh = await lease.store.rememberReplayKey(scope || DEFAULT_SCOPE, result.replay.key, result.replay.keepUntil ?? now + UNTIMED_REPLAY_KEEP_MS, now);
			if (!fresh) {
				return {
					ok: false,
					status: 401,
					reason: 'replayed',
					message: 'This signed request was received before: a replayed request is refused (a CRM retry carries a new signature and timestamp)',
				};
			}
		} finally {
			lease.release();
		}
	}
	return { ok: true, verifiedBy };
}
