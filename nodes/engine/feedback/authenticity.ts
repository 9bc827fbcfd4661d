/**
 * Is a webhook request really from the CRM? Pure checks over the exact bytes received (parsing
 * and re-serialising JSON changes bytes and breaks signatures), with the current time as an
 * argument. Each says ok, or why not in words a person can act on.
 *
 * - HubSpot, signature v3: `X-HubSpot-Signature-v3` is base64(HMAC-SHA256(app client secret,
 *   method + URI + body + timestamp)), `X-HubSpot-Request-Timestamp` is epoch ms, and a request
 *   older than 5 minutes is refused. In the URI, the characters HubSpot's documentation lists
 *   (`%3A` `%2F` `%3F` `%40` `%21` `%24` `%27` `%28` `%29` `%2A` `%2C` `%3B`) are decoded first.
 * - Pipedrive: HTTP basic auth with the user name and password set on the webhook.
 * - Any other sender (a Salesforce flow through Apex, a form tool): an HMAC-SHA256 of the body,
 *   hex or base64, in a header, with a shared secret; with a timestamp header, the signed text is
 *   `timestamp.body` and stale requests are refused.
 *
 * Replays: a signed request sent again is byte for byte valid. Refusing it needs memory, which
 * the store has and these functions do not; an accepted request therefore comes with a replay key
 * (a hash of its signature and timestamp) and the time until which to remember it. After that
 * time the timestamp check refuses the request anyway.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { CLOCK_SKEW_MS } from '../common/asOf';
import { ProtocolError } from '../common/errors';

export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type AuthFailureReason = 'missingHeader' | 'malformedHeader' | 'staleTimestamp' | 'futureTimestamp' | 'signatureMismatch' | 'wrongCredentials';

export interface ReplayKey {
	/** Remember this key; a request with a key seen before is a replay. */
	key: string;
	/** Epoch ms after which the timestamp check refuses the request by itself; undefined when the scheme has no timestamp. */
	keepUntil?: number;
}

export type AuthResult = { ok: true; replay?: ReplayKey } | { ok: false; reason: AuthFailureReason; message: string };

/** HubSpot's window: a v3-signed request older than 5 minutes is refused (also the default for timestamped HMAC). */
export const HUBSPOT_MAX_AGE_MS = 5 * 60_000;

/** A header's value, whatever the case of its name; the first of repeated headers. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined) continue;
		const first = typeof value === 'string' ? value : value[0];
		return first === undefined || first.trim() === '' ? undefined : first.trim();
	}
	return undefined;
}

function fail(reason: AuthFailureReason, message: string): AuthResult {
	return { ok: false, reason, message };
}

function bytes(body: Buffer | Uint8Array | string): Buffer {
	return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function requireSecret(secret: string, what: string): void {
	if (typeof secret !== 'string' || secret === '') throw ProtocolError.at('/credentials', `${what} is empty: set it in the credential`);
}

function replayKey(scheme: string, signature: Buffer, timestamp: string | undefined, keepUntil: number | undefined): ReplayKey {
	const key = `${scheme}:${createHash('sha256').update(`${timestamp ?? ''}.`).update(signature).digest('hex').slice(0, 40)}`;
	return keepUntil === undefined ? { key } : { key, keepUntil };
}

/** Equal in constant time (for equal lengths; lengths are not secret). */
function sameBytes(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/** A signature as sent: base64 (standard or URL-safe) or hex; undefined when it is neither. */
function decodeSignature(value: string, encoding: 'hex' | 'base64' | 'auto'): Buffer | undefined {
	const v = value.replace(/^sha256=/i, '').trim();
	if ((encoding === 'hex' || encoding === 'auto') && /^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex');
	if ((encoding === 'base64' || encoding === 'auto') && /^[A-Za-z0-9+/_-]{43}=?$/.test(v)) return Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	return undefined;
}

// ---------------------------------------------------------------- HubSpot, signature v3

const HUBSPOT_DECODED: Readonly<Record<string, string>> = {
	'%3A': ':',
	'%2F': '/',
	'%3F': '?',
	'%40': '@',
	'%21': '!',
	'%24': '$',
	'%27': "'",
	'%28': '(',
	'%29': ')',
	'%2A': '*',
	'%2C': ',',
	'%3B': ';',
};

/** The URI as HubSpot signs it: the characters its documentation lists decoded, everything else as received. */
export function hubspotSignedUri(uri: string): string {
	return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => HUBSPOT_DECODED[match.toUpperCase()]);
}

export interface HubSpotRequest {
	/** The HTTP method, e.g. POST. */
	method: string;
	/** The full URL HubSpot called, scheme and host included, exactly as set as the app's target URL. */
	uri: string;
	/** The body as received, byte for byte. */
	body: Buffer | Uint8Array | string;
	headers: RequestHeaders;
}

/** The v3 signature of a request: what HubSpot sends in X-HubSpot-Signature-v3. */
export function hubspotV3Signature(clientSecret: string, method: string, uri: string, body: Buffer | Uint8Array | string, timestamp: string): string {
	return createHmac('sha256', clientSecret)
		.update(`${method.toUpperCase()}${hubspotSignedUri(uri)}`, 'utf8')
		.update(bytes(body))
		.update(timestamp, 'utf8')
		.digest('base64');
}

/** Checks HubSpot's v3 signature and its 5-minute window at `now` (epoch ms). */
export function verifyHubSpotV3(request: HubSpotRequest, clientSecret: string, now: number, maxAgeMs = HUBSPOT_MAX_AGE_MS): AuthResult {
	requireSecret(clientSecret, "The HubSpot app's client secret");
	const signature = headerValue(request.headers, 'X-HubSpot-Signature-v3');
	const timestamp = headerValue(request.headers, 'X-HubSpot-Request-Timestamp');
	if (!signature) return fail('missingHeader', 'The X-HubSpot-Signature-v3 header is missing: the request is not signed by HubSpot (or comes from an app with signature v1/v2 only)');
	if (!timestamp) return fail('missingHeader', 'The X-HubSpot-Request-Timestamp header is missing: HubSpot sends it with every v3 signature');
	if (!/^\d{10,16}$/.test(timestamp)) return fail('malformedHeader', `X-HubSpot-Request-Timestamp "${timestamp.slice(0, 40)}" is not a time in epoch milliseconds`);
	const window = checkWindow(Number(timestamp), now, maxAgeMs, 'X-HubSpot-Request-Timestamp');
	if (window) return window;
	const given = decodeSignature(signature, 'base64');
	const expected = Buffer.from(hubspotV3Signature(clientSecret, request.method, request.uri, request.body, timestamp), 'base64');
	if (!given || !sameBytes(given, expected)) {
		return fail('signatureMismatch', "The X-HubSpot-Signature-v3 signature does not match the request: its body or URL was altered, the signature was forged, or it was signed with another app's client secret (check the target URL too: it must match the app's, scheme and path included)");
	}
	return { ok: true, replay: replayKey('hubspot', expected, timestamp, Number(timestamp) + maxAgeMs) };
}

function checkWindow(sentAt: number, now: number, maxAgeMs: number, header: string): AuthResult | undefined {
	if (now - sentAt > maxAgeMs) {
		return fail('staleTimestamp', `The request was signed ${describeAge(now - sentAt)} ago (${header}), more than the ${describeAge(maxAgeMs)} allowed: it is a late or replayed request`);
	}
	if (sentAt - now > CLOCK_SKEW_MS) {
		return fail('futureTimestamp', `${header} is ${describeAge(sentAt - now)} ahead of this server's clock, more than the ${describeAge(CLOCK_SKEW_MS)} of clock skew allowed`);
	}
	return undefined;
}

/** "45 s", "5 min", "6 min 40 s", "3 h"; rounded up, so an age just past the limit reads past it. */
function describeAge(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	if (seconds < 7200) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
	return `${Math.round(seconds / 3600)} h`;
}

// ---------------------------------------------------------------- Pipedrive, basic auth

/** The Authorization header of basic auth with these credentials. */
export function basicAuthHeader(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Checks HTTP basic auth (what Pipedrive sends when the webhook has a user name and password).
 * Basic auth has no signature and no timestamp: a replayed request carries the same credentials,
 * so duplicates are caught by the event's own id (Pipedrive's meta.id), not here.
 */
export function verifyBasicAuth(headers: RequestHeaders, username: string, password: string): AuthResult {
	requireSecret(password, 'The webhook password');
	const header = headerValue(headers, 'Authorization');
	if (!header) return fail('missingHeader', 'The Authorization header is missing: set the HTTP auth user name and password on the Pipedrive webhook');
	const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
	if (!match) return fail('malformedHeader', 'The Authorization header is not HTTP basic auth ("Basic" and base64 of user:password)');
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return fail('malformedHeader', 'The Authorization header holds no "user:password" pair');
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	const userOk = sameBytes(digest(decoded.slice(0, colon)), digest(username));
	const passwordOk = sameBytes(digest(decoded.slice(colon + 1)), digest(password));
	if (!(userOk && passwordOk)) return fail('wrongCredentials', 'The user name or password of the request is not the one set for this webhook');
	return { ok: true };
}

// ---------------------------------------------------------------- Generic HMAC-SHA256 header

export interface HmacOptions {
	secret: string;
	/** The header with the signature (default X-Signature); a "sha256=" prefix is allowed. */
	header?: string;
	/** How the signature is written (default auto: 64 hex digits, else base64). */
	encoding?: 'hex' | 'base64' | 'auto';
	/** A header with the time of sending (epoch seconds or ms): then `timestamp.body` is signed and stale requests are refused. */
	timestampHeader?: string;
	/** How old a timestamped request may be (default 5 minutes). */
	maxAgeMs?: number;
}

/** The signature a sender computes: HMAC-SHA256 of the body, or of `timestamp.body`. */
export function hmacSignature(secret: string, body: Buffer | Uint8Array | string, timestamp?: string, encoding: 'hex' | 'base64' = 'hex'): string {
	const hmac = createHmac('sha256', secret);
	if (timestamp !== undefined) hmac.update(`${timestamp}.`, 'utf8');
	return hmac.update(bytes(body)).digest(encoding);
}

/** Checks an HMAC-SHA256 signature header (and its timestamp when one is configured) at `now`. */
export function verifyHmacSignature(headers: RequestHeaders, body: Buffer | Uint8Array | string, options: HmacOptions, now: number): AuthResult {
	requireSecret(options.secret, 'The shared secret');
	const name = options.header ?? 'X-Signature';
	const signature = headerValue(headers, name);
	if (!signature) return fail('missingHeader', `The ${name} header is missing: the request is not signed`);
	let timestamp: string | undefined;
	let sentAt: number | undefined;
	const maxAgeMs = options.maxAgeMs ?? HUBSPOT_MAX_AGE_MS;
	if (options.timestampHeader) {
		timestamp = headerValue(headers, options.timestampHeader);
		if (!timestamp) return fail('missingHeader', `The ${options.timestampHeader} header is missing: signed requests must say when they were sent`);
		if (!/^\d{9,16}$/.test(timestamp)) return fail('malformedHeader', `${options.timestampHeader} "${timestamp.slice(0, 40)}" is not a time in epoch seconds or milliseconds`);
		sentAt = Number(timestamp) < 1e11 ? Number(timestamp) * 1000 : Number(timestamp);
		const window = checkWindow(sentAt, now, maxAgeMs, options.timestampHeader);
		if (window) return window;
	}
	const given = decodeSignature(signature, options.encoding ?? 'auto');
	if (!given) return fail('malformedHeader', `The ${name} header is not an HMAC-SHA256 signature (${options.encoding === 'hex' ? '64 hex digits' : options.encoding === 'base64' ? '44 base64 characters' : '64 hex digits or 44 base64 characters'})`);
	const expected = Buffer.from(hmacSignature(options.secret, body, timestamp), 'hex');
	if (!sameBytes(given, expected)) {
		return fail('signatureMismatch', `The ${name} signature does not match the body received: the body was altered, the signature forged, or it was signed with another secret${timestamp ? ' (or another timestamp)' : ''}`);
	}
	return { ok: true, replay: replayKey('hmac', expected, timestamp, sentAt === undefined ? undefined : sentAt + maxAgeMs) };
}
