import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import {
	basicAuthHeader,
	hmacSignature,
	hubspotSignedUri,
	hubspotV3Signature,
	verifyBasicAuth,
	verifyHmacSignature,
	verifyHubSpotV3,
	type AuthResult,
} from '../../../nodes/engine/feedback';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name));

function failure(result: AuthResult): { reason: string; message: string } {
	assert.equal(result.ok, false, 'expected the request to be refused');
	return result as { reason: string; message: string };
}

describe('HubSpot signature v3', () => {
	// Known answers published in HubSpot's own SDK test suites (hubspot-api-python and hubspot-api-ruby).
	const SDK = { secret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy', uri: 'https://www.example.com/webhook_uri', body: "{'example_field':'example_value'}" };

	it("matches the signatures in HubSpot's SDK tests", () => {
		assert.equal(hubspotV3Signature(SDK.secret, 'POST', SDK.uri, SDK.body, '1693657560000'), 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=');
		assert.equal(hubspotV3Signature(SDK.secret, 'POST', SDK.uri, SDK.body, '1700000300000'), 'RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=');
		const headers = { 'x-hubspot-signature-v3': 'RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=', 'x-hubspot-request-timestamp': '1700000300000' };
		assert.equal(verifyHubSpotV3({ method: 'POST', uri: SDK.uri, body: SDK.body, headers }, SDK.secret, 1_700_000_301_000).ok, true);
	});

	const secret = 'c0ffee00-1234-4bcd-9876-0123456789ab';
	const uri = 'https://n8n.globex.com/webhook/lead-feedback/hubspot';
	const body = fixture('hubspot/contact-batch.json');
	const sentAt = 1_773_133_966_000;
	const signed = (overrides: Partial<{ body: Buffer | string; timestamp: string; method: string; uri: string }> = {}) => {
		const timestamp = overrides.timestamp ?? String(sentAt);
		return {
			method: overrides.method ?? 'POST',
			uri: overrides.uri ?? uri,
			body: overrides.body ?? body,
			headers: {
				'content-type': 'application/json',
				'x-hubspot-signature-v3': hubspotV3Signature(secret, 'POST', uri, body, timestamp),
				'x-hubspot-request-timestamp': timestamp,
				'x-hubspot-signature-version': 'v1',
			},
		};
	};

	it('accepts a request signed over the exact bytes received, within 5 minutes, and names its replay key', () => {
		const result = verifyHubSpotV3(signed(), secret, sentAt + 4 * 60_000);
		assert.equal(result.ok, true);
		assert.ok(result.ok && result.replay);
		if (result.ok && result.replay) {
			assert.match(result.replay.key, /^hubspot:[0-9a-f]{40}$/);
			assert.equal(result.replay.keepUntil, sentAt + 5 * 60_000);
			// The same request again has the same key: the store refuses it as a replay.
			const again = verifyHubSpotV3(signed(), secret, sentAt + 4 * 60_000 + 500);
			assert.ok(again.ok && again.replay?.key === result.replay.key);
		}
		const headersInOtherCase = { 'X-HubSpot-Signature-V3': signed().headers['x-hubspot-signature-v3'], 'X-HubSpot-Request-Timestamp': String(sentAt) };
		assert.equal(verifyHubSpotV3({ ...signed(), headers: headersInOtherCase }, secret, sentAt).ok, true, 'header names in any case');
	});

	it('refuses an altered body, even one that parses to the same JSON', () => {
		const altered = Buffer.from(body.toString('utf8').replace('"IN_PROGRESS"', '"OPEN_DEAL"'));
		assert.equal(failure(verifyHubSpotV3(signed({ body: altered }), secret, sentAt)).reason, 'signatureMismatch');
		const reformatted = JSON.stringify(JSON.parse(body.toString('utf8')));
		const result = failure(verifyHubSpotV3(signed({ body: reformatted }), secret, sentAt));
		assert.equal(result.reason, 'signatureMismatch');
		assert.match(result.message, /body or URL was altered, the signature was forged, or it was signed with another app's client secret/);
	});

	it('refuses a forged signature, one made with another secret, and one for another URL or method', () => {
		const forged = { ...signed(), headers: { ...signed().headers, 'x-hubspot-signature-v3': Buffer.alloc(32, 7).toString('base64') } };
		assert.equal(failure(verifyHubSpotV3(forged, secret, sentAt)).reason, 'signatureMismatch');
		assert.equal(failure(verifyHubSpotV3(signed(), 'another-secret', sentAt)).reason, 'signatureMismatch');
		assert.equal(failure(verifyHubSpotV3(signed({ uri: uri.replace('https:', 'http:') }), secret, sentAt)).reason, 'signatureMismatch');
		assert.equal(failure(verifyHubSpotV3(signed({ method: 'PUT' }), secret, sentAt)).reason, 'signatureMismatch');
		const garbage = { ...signed(), headers: { ...signed().headers, 'x-hubspot-signature-v3': 'not a signature' } };
		assert.equal(failure(verifyHubSpotV3(garbage, secret, sentAt)).reason, 'signatureMismatch');
	});

	it('refuses a stale timestamp (a late or replayed request) and one too far ahead', () => {
		const stale = failure(verifyHubSpotV3(signed(), secret, sentAt + 5 * 60_000 + 1));
		assert.equal(stale.reason, 'staleTimestamp');
		assert.match(stale.message, /signed 5 min 1 s ago \(X-HubSpot-Request-Timestamp\), more than the 5 min allowed: it is a late or replayed request/);
		assert.equal(verifyHubSpotV3(signed(), secret, sentAt + 5 * 60_000).ok, true, 'exactly 5 minutes is still in time');
		const ahead = failure(verifyHubSpotV3(signed(), secret, sentAt - 6 * 60_000));
		assert.equal(ahead.reason, 'futureTimestamp');
		assert.match(ahead.message, /X-HubSpot-Request-Timestamp is 6 min ahead of this server's clock, more than the 5 min of clock skew allowed/);
		assert.match(failure(verifyHubSpotV3(signed(), secret, sentAt + 3 * 3_600_000)).message, /signed 3 h ago/);
		assert.equal(verifyHubSpotV3(signed(), secret, sentAt - 4 * 60_000).ok, true, 'a clock a little behind is allowed for');
		// A replay with a fresh timestamp header but the old signature does not match.
		const replayed = { ...signed(), headers: { ...signed().headers, 'x-hubspot-request-timestamp': String(sentAt + 10 * 60_000) } };
		assert.equal(failure(verifyHubSpotV3(replayed, secret, sentAt + 10 * 60_000)).reason, 'signatureMismatch');
	});

	it('refuses missing and malformed headers, saying which', () => {
		const { 'x-hubspot-signature-v3': _s, ...noSignature } = signed().headers;
		assert.match(failure(verifyHubSpotV3({ ...signed(), headers: noSignature }, secret, sentAt)).message, /X-HubSpot-Signature-v3 header is missing/);
		const { 'x-hubspot-request-timestamp': _t, ...noTimestamp } = signed().headers;
		const missing = failure(verifyHubSpotV3({ ...signed(), headers: noTimestamp }, secret, sentAt));
		assert.equal(missing.reason, 'missingHeader');
		assert.match(missing.message, /X-HubSpot-Request-Timestamp header is missing/);
		const words = failure(verifyHubSpotV3({ ...signed(), headers: { ...signed().headers, 'x-hubspot-request-timestamp': 'yesterday' } }, secret, sentAt));
		assert.equal(words.reason, 'malformedHeader');
	});

	it('decodes the characters HubSpot lists in the URI, and nothing else', () => {
		assert.equal(hubspotSignedUri('https://example.com/hook?src=hs%3Aapp%2Fv3&x=%28a%29&q=a%20b%26c'), 'https://example.com/hook?src=hs:app/v3&x=(a)&q=a%20b%26c');
		const query = 'https://n8n.globex.com/webhook/feedback?portal=44021786&tag=%28hubspot%29';
		const signature = hubspotV3Signature(secret, 'POST', query, '[]', String(sentAt));
		assert.equal(signature, hubspotV3Signature(secret, 'POST', 'https://n8n.globex.com/webhook/feedback?portal=44021786&tag=(hubspot)', '[]', String(sentAt)));
		assert.equal(verifyHubSpotV3({ method: 'POST', uri: query, body: '[]', headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(sentAt) } }, secret, sentAt).ok, true);
	});

	it('treats an empty client secret as a configuration error', () => {
		assert.throws(() => verifyHubSpotV3(signed(), '', sentAt), (error: unknown) => error instanceof ProtocolError && /client secret is empty/.test(error.message));
	});
});

describe('Pipedrive basic auth', () => {
	const headers = { authorization: basicAuthHeader('pipedrive', 's3cret:with:colons') };

	it('accepts the user name and password set on the webhook', () => {
		assert.equal(basicAuthHeader('pipedrive', 's3cret:with:colons'), `Basic ${Buffer.from('pipedrive:s3cret:with:colons').toString('base64')}`);
		const result = verifyBasicAuth(headers, 'pipedrive', 's3cret:with:colons');
		assert.deepEqual(result, { ok: true }, 'no replay key: a replay is caught by the event id');
		assert.equal(verifyBasicAuth({ Authorization: headers.authorization.replace('Basic', 'basic') }, 'pipedrive', 's3cret:with:colons').ok, true);
	});

	it('refuses wrong credentials, other schemes and a missing header', () => {
		assert.equal(failure(verifyBasicAuth(headers, 'pipedrive', 'guess')).reason, 'wrongCredentials');
		assert.equal(failure(verifyBasicAuth(headers, 'admin', 's3cret:with:colons')).reason, 'wrongCredentials');
		assert.equal(failure(verifyBasicAuth({ authorization: 'Bearer abc' }, 'pipedrive', 'x')).reason, 'malformedHeader');
		assert.equal(failure(verifyBasicAuth({ authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }, 'pipedrive', 'x')).reason, 'malformedHeader');
		const missing = failure(verifyBasicAuth({}, 'pipedrive', 'x'));
		assert.equal(missing.reason, 'missingHeader');
		assert.match(missing.message, /set the HTTP auth user name and password on the Pipedrive webhook/);
	});
});

describe('a generic HMAC-SHA256 signature header', () => {
	const secret = 'whsec_7f3a9c2e41b8d6055e1f';
	const body = fixture('salesforce/flow-lead-status.json');
	const now = Date.parse('2026-03-10T09:12:46Z');

	it('accepts hex or base64, with or without a sha256= prefix, in the header configured', () => {
		const hex = hmacSignature(secret, body);
		assert.match(hex, /^[0-9a-f]{64}$/);
		const base64 = hmacSignature(secret, body, undefined, 'base64');
		for (const value of [hex, hex.toUpperCase(), `sha256=${hex}`, base64, base64.replace(/\+/g, '-').replace(/\//g, '_')]) {
			assert.equal(verifyHmacSignature({ 'x-signature': value }, body, { secret }, now).ok, true, value);
		}
		assert.equal(verifyHmacSignature({ 'X-Lead-Signature': hex }, body, { secret, header: 'x-lead-signature', encoding: 'hex' }, now).ok, true);
		assert.equal(failure(verifyHmacSignature({ 'x-signature': base64 }, body, { secret, encoding: 'hex' }, now)).reason, 'malformedHeader', 'only hex when hex is set');
	});

	it('refuses an altered body, a forged signature and another secret', () => {
		const hex = hmacSignature(secret, body);
		const altered = Buffer.from(body.toString('utf8').replace('Working - Contacted', 'Closed - Converted'));
		const result = failure(verifyHmacSignature({ 'x-signature': hex }, altered, { secret }, now));
		assert.equal(result.reason, 'signatureMismatch');
		assert.match(result.message, /does not match the body received: the body was altered, the signature forged, or it was signed with another secret/);
		assert.equal(failure(verifyHmacSignature({ 'x-signature': 'a'.repeat(64) }, body, { secret }, now)).reason, 'signatureMismatch');
		assert.equal(failure(verifyHmacSignature({ 'x-signature': hmacSignature('other', body) }, body, { secret }, now)).reason, 'signatureMismatch');
		assert.equal(failure(verifyHmacSignature({}, body, { secret }, now)).reason, 'missingHeader');
	});

	it('without a timestamp, a replay has the same key for the store to refuse, kept as long as the store keeps keys', () => {
		const first = verifyHmacSignature({ 'x-signature': hmacSignature(secret, body) }, body, { secret }, now);
		const second = verifyHmacSignature({ 'x-signature': hmacSignature(secret, body) }, body, { secret }, now + 86_400_000);
		assert.ok(first.ok && second.ok);
		if (first.ok && second.ok) {
			assert.equal(first.replay?.key, second.replay?.key);
			assert.equal(first.replay?.keepUntil, undefined);
		}
	});

	it('with a timestamp, signs `timestamp.body` and refuses stale requests; seconds or milliseconds', () => {
		const options = { secret, timestampHeader: 'X-Timestamp' };
		const seconds = String(Math.floor(now / 1000) - 30);
		const signature = hmacSignature(secret, body, seconds);
		const result = verifyHmacSignature({ 'x-signature': signature, 'x-timestamp': seconds }, body, options, now);
		assert.ok(result.ok);
		if (result.ok) assert.equal(result.replay?.keepUntil, Number(seconds) * 1000 + 5 * 60_000);
		assert.equal(failure(verifyHmacSignature({ 'x-signature': hmacSignature(secret, body), 'x-timestamp': seconds }, body, options, now)).reason, 'signatureMismatch', 'the body alone is not what is signed');
		assert.equal(failure(verifyHmacSignature({ 'x-signature': signature, 'x-timestamp': seconds }, body, options, now + 10 * 60_000)).reason, 'staleTimestamp');
		const ms = String(now - 1000);
		assert.equal(verifyHmacSignature({ 'x-signature': hmacSignature(secret, body, ms), 'x-timestamp': ms }, body, options, now).ok, true);
		assert.equal(failure(verifyHmacSignature({ 'x-signature': signature }, body, options, now)).reason, 'missingHeader');
		assert.equal(failure(verifyHmacSignature({ 'x-signature': signature, 'x-timestamp': '2026-03-10' }, body, options, now)).reason, 'malformedHeader');
		assert.equal(verifyHmacSignature({ 'x-signature': signature, 'x-timestamp': seconds }, body, { ...options, maxAgeMs: 10_000 }, now).ok, false, 'a shorter window');
	});
});
