/**
 * Hostile requests at Lead Feedback Trigger's webhook, called in n8n-core's WebhookContext with
 * the real embedded store, and what it starts through Lead Feedback (Record Outcome, HubSpot
 * preset): random and malformed JSON, wrong content types, huge and deeply nested bodies,
 * `__proto__` keys, unicode, arrays, thousands of events in one body; missing, forged, altered,
 * stale, future and replayed signatures and timestamps; header names in any case. What holds:
 * the webhook never throws (n8n would answer 500); a request it cannot verify is answered 4xx
 * and starts nothing; a verified one starts exactly one execution with the body as received;
 * the same signed delivery again starts nothing; every event of a body is recorded, ignored with
 * a reason, or reported as a problem naming its index and field, never with personal data in
 * the message; Object.prototype is untouched.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { basicAuthHeader, hmacSignature, hubspotV3Signature } from '../../nodes/engine/feedback';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node.ts';
import { LeadFeedbackTrigger } from '../../nodes/LeadFeedbackTrigger/LeadFeedbackTrigger.node.ts';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores } from '../../nodes/store';
import { webhookNode, type NodeSpec, type WebhookNodeResult } from '../helpers/n8n-runner';
import { hostileValue, INHERITED_NAMES, pollution, prototypeUntouched, UNICODE } from './hostile';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-trigger-fuzz-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const NOW = Date.parse('2026-03-10T09:00:00Z');
const MINUTE = 60_000;
const realNow = clock.now;
beforeEach(() => {
	clock.now = () => NOW;
});
afterEach(() => {
	clock.now = realNow;
});

type Scheme = 'hubspot' | 'basicAuth' | 'hmac';
const SCHEMES: Scheme[] = ['hubspot', 'basicAuth', 'hmac'];
const HOOK_PATH = 'crm/outcomes';
/** The trigger's own URL in the harness (n8n's webhook base URL and the Path parameter). */
const HOOK_URL = `http://localhost:5678/webhook/${HOOK_PATH}`;
const HMAC_SECRET = 's3cret';
const APP_SECRET = 'app-secret';

const credentialsFor = (store: string) => ({
	leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, store) },
	leadFeedbackHmacApi: { secret: HMAC_SECRET, header: 'X-Signature', encoding: 'auto', timestampHeader: 'X-Timestamp', maxAgeMinutes: 5 },
	leadFeedbackHubSpotAppApi: { clientSecret: APP_SECRET, targetUrl: '' },
	leadFeedbackBasicAuthApi: { user: 'pipedrive', password: 'pw' },
});

interface Delivery {
	scheme: Scheme;
	/** The body's bytes as sent. */
	raw: Buffer;
	/** The body as n8n's parser hands it over (it depends on the content type). */
	body: unknown;
	headers: Record<string, string | string[]>;
	query: string;
}

interface Answer extends WebhookNodeResult {
	status?: number;
	sent?: IDataObject;
	setHeaders: Record<string, string>;
}

async function deliver(d: Delivery, store: string, after: NodeSpec[] = []): Promise<Answer> {
	const answer: Answer = { setHeaders: {} };
	const response = {
		setHeader: (name: string, value: string) => (answer.setHeaders[name] = value),
		status(code: number) {
			answer.status = code;
			return this;
		},
		json(body: IDataObject) {
			answer.sent = body;
			return this;
		},
		send() {
			return this;
		},
		end() {
			return this;
		},
	};
	const request = { method: 'POST', originalUrl: `/webhook/${HOOK_PATH}${d.query}`, url: `/webhook/${HOOK_PATH}${d.query}`, headers: d.headers, rawBody: d.raw, body: d.body, query: {}, params: {} };
	const result = await webhookNode({
		node: new LeadFeedbackTrigger(),
		parameters: { verifyWith: d.scheme, path: HOOK_PATH },
		credentials: credentialsFor(store),
		timezone: 'Europe/Berlin',
		request,
		response,
		after,
	});
	return Object.assign(answer, result);
}

const started = (a: Answer): INodeExecutionData[] => a.response?.workflowData?.[0] ?? [];

/** The header name as a client may write it. */
const headerCase = fc.constantFrom<(name: string) => string>(
	(n) => n,
	(n) => n.toLowerCase(),
	(n) => n.toUpperCase(),
	(n) => [...n].map((c, i) => (i % 2 ? c.toLowerCase() : c.toUpperCase())).join(''),
);

let serial = 0;
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** A body as text: any JSON, hostile values, polluting keys, deep nesting, many events, or not JSON at all. */
const bodyText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: fc.json({ maxDepth: 4 }) },
	{ weight: 4, arbitrary: fc.array(hostileValue, { maxLength: 6 }).map((values) => JSON.stringify(values)) },
	{ weight: 3, arbitrary: fc.dictionary(fc.constantFrom('eventId', 'disposition', 'email', 'objectId', 'meta', 'data', ...INHERITED_NAMES), hostileValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
	{ weight: 1, arbitrary: fc.constant(null).map(() => JSON.stringify({ ...pollution(), email: 'dana@globex.com' })) },
	{ weight: 1, arbitrary: fc.constant(null).map(() => '{"__proto__":{"polluted":"yes"},"a":[{"constructor":{"prototype":{"polluted":"yes"}}}]}') },
	{ weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map(deep) },
	{ weight: 1, arbitrary: fc.integer({ min: 1000, max: 4000 }).map((n) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ eventId: i, subscriptionType: 'contact.propertyChange', objectId: i, propertyName: 'hs_lead_status', propertyValue: 'CONNECTED', occurredAt: NOW })))) },
	{ weight: 1, arbitrary: fc.integer({ min: 200_000, max: 1_000_000 }).map((n) => JSON.stringify({ note: 'x'.repeat(n) })) },
	{ weight: 1, arbitrary: fc.constantFrom(...UNICODE).map((u) => JSON.stringify({ name: u, [u]: u })) },
	{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
	{ weight: 1, arbitrary: fc.constantFrom('', '{', '[1,2', '{"a":}', 'null', 'true', '"text"', '1e309', 'NaN', '\uFEFF{}', 'a=1&b=2', '<xml/>') },
);

/** What n8n's body parser hands the node for these bytes under some content type. */
const parsedBody = (text: string) =>
	fc.constantFrom<() => unknown>(
		() => {
			try {
				return JSON.parse(text) as unknown;
			} catch {
				return {};
			}
		},
		() => ({}),
		() => text,
		() => undefined,
	).map((parse) => parse());

function signedHeaders(scheme: Scheme, raw: Buffer, query: string, ts: number, name: (n: string) => string): Record<string, string> {
	if (scheme === 'basicAuth') return { [name('Authorization')]: basicAuthHeader('pipedrive', 'pw') };
	if (scheme === 'hubspot') {
		const stamp = String(ts);
		return { [name('X-HubSpot-Signature-v3')]: hubspotV3Signature(APP_SECRET, 'POST', `${HOOK_URL}${query}`, raw, stamp), [name('X-HubSpot-Request-Timestamp')]: stamp };
	}
	// Epoch ms: one stamp per request, so no two requests of a run share a signature.
	const stamp = String(ts);
	return { [name('X-Signature')]: `sha256=${hmacSignature(HMAC_SECRET, raw, stamp)}`, [name('X-Timestamp')]: stamp };
}

const noise = fc.dictionary(
	fc.constantFrom('content-type', 'user-agent', 'x-forwarded-for', 'cookie', 'x-request-id', '__proto__', 'constructor'),
	fc.oneof(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', ''), fc.string({ maxLength: 30 })),
	{ maxKeys: 3 },
);

const contentType = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers));

describe('Lead Feedback Trigger: a request it cannot verify', () => {
	type Attack = 'unsigned' | 'noTimestamp' | 'garbage' | 'otherSecret' | 'altered' | 'stale' | 'future' | 'badTimestamp' | 'otherUrl' | 'wrongPassword' | 'notBasic' | 'emptyHeader';
	const attacks: Attack[] = ['unsigned', 'noTimestamp', 'garbage', 'otherSecret', 'altered', 'stale', 'future', 'badTimestamp', 'otherUrl', 'wrongPassword', 'notBasic', 'emptyHeader'];

	function forged(scheme: Scheme, attack: Attack, raw: Buffer, query: string, name: (n: string) => string, junk: string, ts: number): Record<string, string | string[]> {
		const good = signedHeaders(scheme, raw, query, ts, name);
		const sigName = name(scheme === 'hubspot' ? 'X-HubSpot-Signature-v3' : scheme === 'hmac' ? 'X-Signature' : 'Authorization');
		const tsName = name(scheme === 'hubspot' ? 'X-HubSpot-Request-Timestamp' : 'X-Timestamp');
		const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
		switch (attack) {
			case 'unsigned':
				return without(sigName);
			case 'noTimestamp':
				return scheme === 'basicAuth' ? {} : without(tsName);
			case 'garbage':
				return { ...good, [sigName]: junk };
			case 'emptyHeader':
				return { ...good, [sigName]: [' ', junk] };
			case 'otherSecret':
				if (scheme === 'basicAuth') return { [sigName]: basicAuthHeader('pipedrive', `${junk}x`) };
				return scheme === 'hubspot'
					? { ...good, [sigName]: hubspotV3Signature(`${APP_SECRET}x`, 'POST', `${HOOK_URL}${query}`, raw, good[tsName]) }
					: { ...good, [sigName]: hmacSignature(`${HMAC_SECRET}x`, raw, good[tsName]) };
			case 'stale':
			case 'future': {
				if (scheme === 'basicAuth') return { [sigName]: basicAuthHeader(`${junk}x`, 'pw') };
				const at = attack === 'stale' ? NOW - 6 * MINUTE - (ts % MINUTE) : NOW + 10 * MINUTE + (ts % MINUTE);
				return signedHeaders(scheme, raw, query, at, name);
			}
			case 'badTimestamp':
				return scheme === 'basicAuth' ? { [sigName]: `Basic ${junk}` } : { ...good, [tsName]: junk };
			case 'otherUrl':
				if (scheme !== 'hubspot') return { [sigName]: basicAuthHeader('pipedrive', 'pw').toLowerCase() + (scheme === 'hmac' ? '' : 'x') };
				return { ...good, [sigName]: hubspotV3Signature(APP_SECRET, 'POST', `${HOOK_URL}/other${query}`, raw, good[tsName]) };
			case 'wrongPassword':
				return scheme === 'basicAuth' ? { [sigName]: basicAuthHeader('pipedrive', 'PW') } : { ...good, [sigName]: good[sigName].slice(0, -2) };
			case 'notBasic':
				return { [sigName]: scheme === 'basicAuth' ? `Bearer ${junk}` : `sha1=${junk}` };
			case 'altered':
				// Basic auth does not cover the body: its altered request is a wrong user instead.
				return scheme === 'basicAuth' ? { [sigName]: basicAuthHeader('Pipedrive', 'pw') } : good;
		}
	}

	it.each(SCHEMES)('%s: never throws, answers 4xx with the reason, starts nothing, leaves Object.prototype alone', async (scheme) => {
		const store = `refused-${scheme}`;
		await fc.assert(
			fc.asyncProperty(
				bodyText.chain((text) => fc.tuple(fc.constant(text), parsedBody(text))),
				fc.constantFrom(...attacks),
				headerCase,
				fc.string({ maxLength: 60 }),
				fc.constantFrom('', '?portal=44', '?a=%3A%2F&b=%E2%9C%93'),
				noise,
				async ([text, body], attack, name, junk, query, extra) => {
					const raw = Buffer.from(text, 'utf8');
					const ts = NOW - (++serial % (4 * MINUTE));
					const headers = { ...contentType(extra), ...forged(scheme, attack, raw, query, name, junk, ts) } as Record<string, string | string[]>;
					// An altered body: the signature is over other bytes than those received.
					const sentRaw = attack === 'altered' ? Buffer.concat([raw, Buffer.from(' ')]) : raw;
					const answer = await deliver({ scheme, raw: sentRaw, body, headers, query }, store);
					assert.equal(answer.thrown, undefined, `the webhook threw: ${String((answer.thrown as Error)?.stack ?? answer.thrown)}`);
					assert.ok(answer.status !== undefined && answer.status >= 400 && answer.status < 500, `answered ${answer.status}`);
					assert.equal(answer.response?.workflowData, undefined, 'nothing starts');
					assert.equal(answer.response?.noWebhookResponse, true);
					assert.match(String(answer.sent?.error), /^[a-zA-Z]+$/, 'a reason code');
					assert.match(String(answer.sent?.message), /\S/);
					assert.doesNotMatch(String(answer.sent?.message), /@globex\.com|dana/i, 'no personal data in the answer');
					if (scheme === 'basicAuth') assert.equal(answer.setHeaders['WWW-Authenticate'], 'Basic realm="Lead Feedback"');
					prototypeUntouched();
				},
			),
			{ numRuns: 250, seed: 11 },
		);
	}, 60_000);
});

describe('Lead Feedback Trigger: a verified request', () => {
	it.each(SCHEMES)('%s: starts one execution with the body as received and no secret headers; the same delivery again starts nothing when signed', async (scheme) => {
		const store = `accepted-${scheme}`;
		await fc.assert(
			fc.asyncProperty(bodyText.chain((text) => fc.tuple(fc.constant(text), parsedBody(text))), headerCase, fc.constantFrom('', '?portal=44'), noise, async ([text, body], name, query, extra) => {
				const raw = Buffer.from(text, 'utf8');
				const ts = NOW - (++serial % (4 * MINUTE));
				const headers = { ...contentType(extra), ...signedHeaders(scheme, raw, query, ts, name), [name('Authorization')]: scheme === 'basicAuth' ? basicAuthHeader('pipedrive', 'pw') : 'Bearer secret-token', Cookie: 'session=secret' } as Record<string, string | string[]>;
				const d: Delivery = { scheme, raw, body, headers, query };
				const first = await deliver(d, store);
				assert.equal(first.thrown, undefined, `the webhook threw: ${String((first.thrown as Error)?.stack ?? first.thrown)}`);
				assert.equal(first.status, undefined, `refused: ${JSON.stringify(first.sent)}`);
				assert.equal(first.error, undefined, first.error?.message);
				const items = started(first);
				assert.equal(items.length, 1, 'one execution item per request');
				const item = items[0].json;
				// Compared as JSON: own `__proto__` keys count too.
				assert.equal(JSON.stringify(item.body), JSON.stringify(body ?? {}), 'the body as received, nothing dropped');
				for (const secret of ['authorization', 'cookie']) assert.ok(!Object.keys(item.headers as IDataObject).some((k) => k.toLowerCase() === secret), `${secret} is not passed on`);
				assert.equal(item.source, { hubspot: 'hubspot', basicAuth: 'pipedrive', hmac: 'signed' }[scheme]);
				assert.deepEqual(Object.keys(first.outputs ?? {}), ['Lead Feedback Trigger'], 'the execution ran from the trigger');

				const again = await deliver(d, store);
				assert.equal(again.thrown, undefined);
				if (scheme === 'basicAuth') {
					// Basic auth has no signature to remember: Lead Feedback's event ids catch a repeated event.
					assert.equal(started(again).length, 1);
				} else {
					assert.equal(again.status, 401);
					assert.equal(again.sent?.error, 'replayed');
					assert.equal(again.response?.workflowData, undefined, 'a replayed delivery starts nothing');
				}
				prototypeUntouched();
			}),
			{ numRuns: 120, seed: 12 },
		);
	}, 60_000);
});

describe('Lead Feedback Trigger into Lead Feedback (HubSpot preset): every event of a body is accounted for', () => {
	type Kind = 'valid' | 'ignored' | 'broken';
	const STATUSES = ['OPEN', 'IN_PROGRESS', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'OPEN_DEAL', 'UNQUALIFIED', 'BAD_TIMING'];
	const PERSONAL = ['dana@globex.com', 'Dana Scully', '+1 555 0100'];
	const notText = fc.constantFrom<unknown>(undefined, null, '', '   ', {}, [], { email: 'dana@globex.com' }, ['dana@globex.com'], true);

	/** One HubSpot event of a kind: a mapped lead status change, a change the feedback does not read, or one field broken. */
	const event = (kind: Kind) => {
		const n = ++serial;
		const valid = fc.constantFrom(...STATUSES).map((status) => ({ eventId: 10_000 + n, subscriptionType: 'contact.propertyChange', portalId: 44, objectId: 500_000 + n, propertyName: 'hs_lead_status', propertyValue: status, occurredAt: NOW - n }));
		if (kind === 'valid') return valid.map((e) => ({ kind, event: e as unknown }));
		if (kind === 'ignored') {
			return fc
				.tuple(valid, fc.constantFrom<Record<string, unknown>>({ subscriptionType: 'contact.creation' }, { propertyName: 'firstname', propertyValue: 'Dana' }, { propertyValue: 'NOT_A_STATUS' }, { propertyValue: null }, { subscriptionType: 42 }))
				.map(([e, change]) => ({ kind, event: { ...e, ...change } as unknown }));
		}
		return fc.oneof(
			fc.tuple(valid, fc.constantFrom('propertyName', 'objectId', 'eventId'), notText).map(([e, field, value]) => ({ kind, field, event: { ...e, [field]: value } as unknown })),
			fc.tuple(valid, fc.constantFrom<unknown>(null, 'dana@globex.com', '2026-02-30T00:00:00Z', 'NaN', {}, [], true, -1e308, '1e309')).map(([e, value]) => ({ kind, field: 'occurredAt', event: { ...e, occurredAt: value } as unknown })),
			fc.constantFrom<unknown>(null, 42, 'dana@globex.com', [], [{}], true).map((value) => ({ kind, field: '', event: value })),
			valid.map((e) => ({ kind, field: 'occurredAt', event: Object.assign(pollution(), { ...e, occurredAt: { valueOf: 1 } }) as unknown })),
		);
	};
	const body = (max: number) => fc.array(fc.constantFrom<Kind>('valid', 'valid', 'ignored', 'broken'), { minLength: 1, maxLength: max }).chain((kinds) => fc.tuple(...kinds.map(event)));

	const feedback: NodeSpec = { node: new LeadFeedback(), parameters: { resource: 'outcome', operation: 'record', input: 'hubspot' }, onError: 'continueErrorOutput' };

	async function check(events: Array<{ kind: Kind; field?: string; event: unknown }>, store: string) {
		// Ids of this body alone (fast-check may run an example again while shrinking): a repeated id would be a duplicate.
		const body = ++serial;
		const sent = events.map(({ event, field }, i) => {
				if (event === null || typeof event !== 'object' || Array.isArray(event)) return event;
				const copy = JSON.parse(JSON.stringify(event)) as IDataObject;
				if (field !== 'eventId') copy.eventId = `${body}-${i}`;
				if (field !== 'objectId') copy.objectId = `${body}${i}`;
				return copy;
			});
		const text = JSON.stringify(sent);
		const raw = Buffer.from(text, 'utf8');
		const ts = NOW - (++serial % (4 * MINUTE));
		const answer = await deliver({ scheme: 'hubspot', raw, body: JSON.parse(text), headers: signedHeaders('hubspot', raw, '', ts, (n) => n.toLowerCase()), query: '' }, store, [feedback]);
		assert.equal(answer.thrown, undefined, String(answer.thrown));
		assert.equal(answer.status, undefined, JSON.stringify(answer.sent));
		assert.equal(answer.error, undefined, answer.error?.message);
		prototypeUntouched();
		const [recorded = [], unchanged = [], failed = []] = answer.outputs?.['Lead Feedback'] ?? [];
		assert.equal(recorded.length + unchanged.length + failed.length, 1, 'the one item leaves on one output');
		const valid = events.filter((e) => e.kind === 'valid').length;
		const brokenAt = events.flatMap((e, i) => (e.kind === 'broken' ? [i] : []));
		const ignoredAt = events.flatMap((e, i) => (e.kind === 'ignored' ? [i] : []));
		if (failed.length) {
			// Nothing in the body could be recorded: the item fails with an error naming every broken event, and counting the ignored ones.
			assert.equal(valid, 0, `failed although events were valid: ${String(failed[0].json.error)}`);
			const message = String(failed[0].json.error);
			const named = [...message.matchAll(/"\[(\d+)\]/g)].map((m) => Number(m[1]));
			assert.deepEqual(named, brokenAt.slice(0, 21), `names each broken event by its index: ${message}`);
			if (brokenAt.length > 21) assert.ok(message.includes(`and ${brokenAt.length - 21} more`), message);
			if (ignoredAt.length) assert.match(message, new RegExp(`; ${ignoredAt.length} other changes? (is|are) not outcomes`));
			for (const p of PERSONAL) assert.ok(!message.includes(p), `personal data in the message: ${message}`);
			return;
		}
		const outcome = [...recorded, ...unchanged][0].json.outcome as IDataObject;
		const problems = (outcome.problems ?? []) as Array<{ field: string; expected: string; message: string }>;
		assert.deepEqual(
			problems.map((p) => Number(/^\[(\d+)\]/.exec(p.field)?.[1])),
			brokenAt,
			`each broken event reported once, by its index; not reported: ${JSON.stringify(brokenAt.filter((i) => !problems.some((p) => p.field.startsWith(`[${i}]`))).map((i) => sent[i]))}`,
		);
		for (const [k, p] of problems.entries()) {
			const field = events[brokenAt[k]].field;
			if (field) assert.equal(p.field, `[${brokenAt[k]}].${field}`);
			assert.match(p.expected, /\S/);
			for (const personal of PERSONAL) assert.ok(!p.message.includes(personal), `personal data in the message: ${p.message}`);
		}
		assert.equal(Number(outcome.recorded) + Number(outcome.duplicates), valid, 'every valid event recorded once');
		assert.equal(outcome.duplicates, 0);
		const ignored = (outcome.ignored ?? []) as Array<{ what: string; why: string }>;
		assert.deepEqual(
			ignored.map((g) => Number(/^event (\d+)/.exec(g.what)?.[1]) - 1),
			ignoredAt,
			'each ignored event named, with why',
		);
	}

	it('bodies of up to 40 events, valid, ignored and broken mixed', async () => {
		await fc.assert(
			fc.asyncProperty(body(40), async (events) => check(events, 'events')),
			{ numRuns: 60, seed: 13 },
		);
	}, 60_000);

	it('thousands of events in one body', async () => {
		const [events] = fc.sample(fc.array(fc.constantFrom<Kind>('valid', 'ignored', 'broken', 'broken'), { minLength: 3000, maxLength: 3000 }).chain((kinds) => fc.tuple(...kinds.map(event))), { numRuns: 1, seed: 14 });
		await check(events, 'thousands');
	}, 60_000);
});
