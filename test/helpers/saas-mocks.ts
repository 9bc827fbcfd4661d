/**
 * Local stand-ins for the SaaS APIs the template workflows call: HubSpot, Salesforce, Pipedrive,
 * Slack and Twilio behind one HTTPS-intercepting proxy (mockttp, with its own CA), and an SMTP
 * server for n8n's Send Email node. Everything listens on 127.0.0.1 and nothing is passed through:
 * a host without a mock gets a 404 that names it, and is recorded like every other request.
 *
 *   const mocks = await SaasMocks.start();
 *   // n8n gets mocks.env(): HTTPS_PROXY, HTTP_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS
 *   mocks.requests('slack.com')   // what n8n sent
 *   mocks.emails                  // what the SMTP server received, parsed
 *   mocks.override({ host: 'api.hubapi.com', path: /createOrUpdate/ }, { status: 429, json: {...} })
 *   mocks.reset(); await mocks.stop();
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { simpleParser, type AddressObject } from 'mailparser';
import { generateCACertificate, getLocal, type CompletedRequest, type Mockttp } from 'mockttp';
import { SMTPServer } from 'smtp-server';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One request as the mock received it. */
export interface RecordedRequest {
	method: string;
	/** Host name without port, e.g. `api.hubapi.com`. */
	host: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	/** Parsed JSON or form body; the raw text when it is neither; undefined when empty. */
	body: unknown;
	rawBody: string;
	/** What the mock answered. */
	status: number;
	response: unknown;
}

/** One email as the SMTP server received it. */
export interface ReceivedEmail {
	envelopeFrom: string;
	envelopeTo: string[];
	from: string;
	to: string[];
	cc: string[];
	subject: string;
	text: string;
	html: string;
	headers: Record<string, string>;
	auth?: { username: string; password: string };
	/** Attached files: name, type, size in bytes and content. */
	attachments: Array<{ filename: string; contentType: string; size: number; content: Buffer }>;
}

export interface MockResponse {
	status?: number;
	json?: unknown;
	text?: string;
	headers?: Record<string, string>;
}

export interface RequestMatcher {
	/** Exact host or a suffix (`salesforce.com` matches `acme.my.salesforce.com`). */
	host: string;
	method?: string;
	path?: string | RegExp;
}

interface Override {
	matcher: RequestMatcher;
	respond: MockResponse | ((req: RecordedRequest) => MockResponse);
	remaining: number;
}

/** Loopback only, so no other process on the network can use the proxy or the SMTP server. */
const LOOPBACK = '127.0.0.1';

/** Credentials the self-test and the templates' test fixtures use; any value is accepted. */
export const MOCK_IDS = {
	twilioAccountSid: 'AC00000000000000000000000000000001',
	salesforceInstance: 'https://lead-handoff.my.salesforce.com',
	slackTeam: 'T0LEADHAND',
} as const;

export class SaasMocks {
	private readonly recorded: RecordedRequest[] = [];
	private readonly received: ReceivedEmail[] = [];
	private overrides: Override[] = [];
	private state = new CrmState();
	private pendingMail = new Set<Promise<void>>();

	private constructor(
		private readonly proxy: Mockttp,
		private readonly smtp: SMTPServer,
		/** The proxy's port on 127.0.0.1. */
		readonly proxyPort: number,
		/** The SMTP server's port on 127.0.0.1 (plain SMTP, no TLS, any login accepted). */
		readonly smtpPort: number,
		/** PEM of the CA the proxy signs its certificates with. */
		readonly caCertPath: string,
		private readonly folder: string,
	) {}

	/**
	 * Starts the proxy and the SMTP server on free ports, with a CA of their own; `npm run demo` gives
	 * the CA and the ports an n8n was started with (scripts/start.sh in demo mode).
	 */
	static async start(options: { ca?: { key: string; cert: string }; proxyPort?: number; smtpPort?: number } = {}): Promise<SaasMocks> {
		const folder = mkdtempSync(join(tmpdir(), 'lead-handoff-mocks-'));
		const ca = options.ca ?? (await generateCACertificate({ subject: { commonName: 'lead-handoff test CA' }, bits: 2048 }));
		const caCertPath = join(folder, 'ca.pem');
		writeFileSync(caCertPath, ca.cert);

		const proxy = getLocal({ https: { key: ca.key, cert: ca.cert }, recordTraffic: false });
		const proxyPort = options.proxyPort ?? (await freePort());
		await onLoopback(() => proxy.start(proxyPort));
		const bound = (proxy as unknown as { server?: net.Server }).server?.address();
		if (!bound || typeof bound === 'string' || bound.address !== LOOPBACK) {
			await proxy.stop();
			throw new Error(`the mock proxy must listen on ${LOOPBACK} only, it listens on ${JSON.stringify(bound)}`);
		}

		// The SMTP handlers run once the instance exists.
		const ref: { self?: SaasMocks } = {};
		const smtp = new SMTPServer({
			secure: false,
			disabledCommands: ['STARTTLS'],
			authOptional: true,
			allowInsecureAuth: true,
			logger: false,
			onAuth(auth, _session, callback) {
				callback(null, { user: { username: auth.username ?? '', password: auth.password ?? '' } });
			},
			onData(stream, session, callback) {
				const done = simpleParser(stream).then((mail) => {
					const user = session.user as unknown as { username: string; password: string } | undefined;
					ref.self?.received.push({
						envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						envelopeTo: session.envelope.rcptTo.map((r) => r.address),
						from: addresses(mail.from)[0] ?? '',
						to: addresses(mail.to),
						cc: addresses(mail.cc),
						subject: mail.subject ?? '',
						text: mail.text ?? '',
						html: typeof mail.html === 'string' ? mail.html : '',
						headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
						auth: user,
						attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size, content: a.content })),
					});
				});
				const tracked = done.then(
					() => callback(),
					(error: Error) => callback(error),
				);
				ref.self?.pendingMail.add(tracked);
				void tracked.finally(() => ref.self?.pendingMail.delete(tracked));
			},
		});
		const smtpPort = options.smtpPort ?? (await freePort());
		await new Promise<void>((resolve, reject) => {
			smtp.once('error', reject);
			smtp.listen(smtpPort, LOOPBACK, () => resolve());
		});

		const mocks = new SaasMocks(proxy, smtp, proxyPort, smtpPort, caCertPath, folder);
		ref.self = mocks;
		await proxy.forAnyRequest().thenCallback((req) => mocks.handle(req));
		return mocks;
	}

	/** Environment for the n8n process: its HTTP(S) calls go to the proxy, which it trusts. */
	env(): Record<string, string> {
		const url = `http://${LOOPBACK}:${this.proxyPort}`;
		const noProxy = 'localhost,127.0.0.1,::1';
		return {
			HTTPS_PROXY: url,
			https_proxy: url,
			HTTP_PROXY: url,
			http_proxy: url,
			NO_PROXY: noProxy,
			no_proxy: noProxy,
			NODE_EXTRA_CA_CERTS: this.caCertPath,
		};
	}

	/** SMTP credential data for n8n (`smtp` type) that reaches this server. */
	smtpCredential(): JsonObject {
		return { user: 'n8n', password: 'mock-password', host: LOOPBACK, port: this.smtpPort, secure: false, disableStartTls: true };
	}

	/** Recorded requests, oldest first; `host` matches exactly or as a suffix. */
	requests(host?: string, filter?: { method?: string; path?: string | RegExp }): RecordedRequest[] {
		return this.recorded.filter((r) => matches(r, { host: host ?? r.host, ...filter }));
	}

	/** Emails received so far (wait for in-flight ones with `waitForEmails`). */
	get emails(): ReceivedEmail[] {
		return [...this.received];
	}

	async waitForEmails(count: number, timeoutMs = 10_000): Promise<ReceivedEmail[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.received.length < count && Date.now() < deadline) {
			await Promise.all(this.pendingMail);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		return this.emails;
	}

	/** Answers matching requests with `respond` (for `times` requests, default all) before the mock does. */
	override(matcher: RequestMatcher, respond: Override['respond'], times = Infinity): void {
		this.overrides.push({ matcher, respond, remaining: times });
	}

	/** Forgets recorded requests, emails, overrides and the records the CRMs hold. */
	reset(): void {
		this.recorded.length = 0;
		this.received.length = 0;
		this.overrides = [];
		this.state = new CrmState();
	}

	async stop(): Promise<void> {
		await this.proxy.stop();
		await new Promise<void>((resolve) => this.smtp.close(() => resolve()));
		rmSync(this.folder, { recursive: true, force: true });
	}

	private async handle(req: CompletedRequest) {
		const url = new URL(req.url);
		const rawBody = (await req.body.getText()) ?? '';
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
		const record: RecordedRequest = {
			method: req.method.toUpperCase(),
			host: url.hostname,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers,
			body: parseBody(rawBody, headers['content-type'] ?? ''),
			rawBody,
			status: 0,
			response: undefined,
		};
		this.recorded.push(record);

		let answer: MockResponse;
		const override = this.overrides.find((o) => o.remaining > 0 && matches(record, o.matcher));
		if (override) {
			override.remaining--;
			answer = typeof override.respond === 'function' ? override.respond(record) : override.respond;
		} else {
			answer = route(record, this.state);
		}
		record.status = answer.status ?? 200;
		record.response = answer.json ?? answer.text;
		if (answer.status === 204) return { statusCode: 204, headers: answer.headers };
		if (answer.json !== undefined) {
			return { statusCode: record.status, headers: { 'content-type': 'application/json; charset=utf-8', ...answer.headers }, body: JSON.stringify(answer.json) };
		}
		return { statusCode: record.status, headers: { 'content-type': 'text/plain; charset=utf-8', ...answer.headers }, body: answer.text ?? '' };
	}
}

function matches(r: RecordedRequest, m: RequestMatcher): boolean {
	if (r.host !== m.host && !r.host.endsWith(`.${m.host}`)) return false;
	if (m.method && r.method !== m.method.toUpperCase()) return false;
	if (m.path === undefined) return true;
	return typeof m.path === 'string' ? r.path === m.path : m.path.test(r.path);
}

function parseBody(raw: string, contentType: string): unknown {
	if (raw === '') return undefined;
	if (contentType.includes('application/x-www-form-urlencoded')) {
		const form: Record<string, string | string[]> = {};
		for (const [k, v] of new URLSearchParams(raw)) {
			const prev = form[k];
			form[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
		}
		return form;
	}
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		return raw;
	}
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
	if (!value) return [];
	return (Array.isArray(value) ? value : [value]).flatMap((a) => a.value.map((v) => v.address ?? ''));
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, LOOPBACK, () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/**
 * mockttp 4 calls `server.listen(port)`, which listens on every interface; while `start` runs,
 * a one-argument listen is bound to 127.0.0.1 instead.
 */
async function onLoopback(start: () => Promise<void>): Promise<void> {
	const original = net.Server.prototype.listen;
	const patched = function (this: net.Server, ...args: unknown[]) {
		const listen = original as (...a: unknown[]) => net.Server;
		return args.length === 1 && typeof args[0] === 'number' ? listen.call(this, args[0], LOOPBACK) : listen.apply(this, args);
	};
	net.Server.prototype.listen = patched as typeof original;
	try {
		await start();
	} finally {
		net.Server.prototype.listen = original;
	}
}

// ---------------------------------------------------------------------------------------------
// The APIs. Each answers in the shape the real service documents, for the calls n8n's own nodes
// and the template workflows make; records live in memory until `reset()`.

type Rec = Record<string, unknown>;

class CrmState {
	private seq = 1000;
	/** `updatedAt`: the last change, what a search on `lastmodifieddate` reads (the creation until then). */
	hubspotContacts = new Map<string, { vid: number; email: string; properties: Rec; createdAt: string; updatedAt?: string }>();
	hubspotObjects = new Map<string, Rec>();
	salesforce = new Map<string, { type: string; fields: Rec }>();
	pipedrive = new Map<string, Rec & { id: number | string; kind: string }>();
	slackMessages: Rec[] = [];
	nextId(): number {
		return ++this.seq;
	}
}

function route(r: RecordedRequest, s: CrmState): MockResponse {
	const host = r.host;
	if (host === 'api.hubapi.com' || host === 'api.hubspot.com') return hubspot(r, s);
	if (host.endsWith('salesforce.com') || host.endsWith('force.com')) return salesforce(r, s);
	if (host === 'pipedrive.com' || host.endsWith('.pipedrive.com')) return pipedrive(r, s);
	if (host === 'slack.com' || host.endsWith('.slack.com')) return slack(r, s);
	if (host === 'api.twilio.com') return twilio(r, s);
	return notFound(r);
}

function notFound(r: RecordedRequest): MockResponse {
	return { status: 404, json: { status: 'error', message: `lead-handoff SaaS mock has no route for ${r.method} ${r.host}${r.path}` } };
}

const obj = (v: unknown): Rec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const now = () => new Date().toISOString();

// HubSpot: the v1 contacts API n8n's HubSpot node v2 uses, the v3 CRM objects API, owners and
// engagements.
const HUBSPOT_OWNERS = [
	{ id: '101', email: 'ava.owner@example.com', firstName: 'Ava', lastName: 'Owner', userId: 9001, archived: false },
	{ id: '102', email: 'ben.owner@example.com', firstName: 'Ben', lastName: 'Owner', userId: 9002, archived: false },
];

function hubspot(r: RecordedRequest, s: CrmState): MockResponse {
	const body = obj(r.body);
	const p = r.path;
	let m: RegExpMatchArray | null;

	const v1Profile = (c: { vid: number; email: string; properties: Rec }) => ({
		vid: c.vid,
		'canonical-vid': c.vid,
		'is-contact': true,
		properties: Object.fromEntries(Object.entries({ email: c.email, ...c.properties }).map(([k, v]) => [k, { value: String(v) }])),
		'identity-profiles': [{ vid: c.vid, identities: [{ type: 'EMAIL', value: c.email }] }],
	});
	const v3Contact = (c: { vid: number; email: string; properties: Rec; createdAt: string }) => ({
		id: String(c.vid),
		properties: { email: c.email, ...c.properties, hs_object_id: String(c.vid) },
		createdAt: c.createdAt,
		updatedAt: now(),
		archived: false,
	});
	const byId = (id: string) => [...s.hubspotContacts.values()].find((c) => String(c.vid) === id);

	if (r.method === 'POST' && (m = p.match(/^\/contacts\/v1\/contact\/createOrUpdate\/email\/([^/]+)\/?$/))) {
		const email = decodeURIComponent(m[1]).toLowerCase();
		const props: Rec = {};
		for (const item of (body.properties as Array<{ property: string; value: unknown }>) ?? []) props[item.property] = item.value;
		const existing = s.hubspotContacts.get(email);
		if (existing) {
			Object.assign(existing.properties, props);
			existing.updatedAt = now();
			return { json: { vid: existing.vid, isNew: false } };
		}
		const vid = s.nextId();
		s.hubspotContacts.set(email, { vid, email, properties: props, createdAt: now() });
		return { json: { vid, isNew: true } };
	}
	if (r.method === 'GET' && (m = p.match(/^\/contacts\/v1\/contact\/vid\/(\d+)\/profile$/))) {
		const c = byId(m[1]);
		return c ? { json: v1Profile(c) } : { status: 404, json: { status: 'error', message: 'contact does not exist' } };
	}
	if (r.method === 'GET' && (m = p.match(/^\/contacts\/v1\/contact\/email\/([^/]+)\/profile$/))) {
		const c = s.hubspotContacts.get(decodeURIComponent(m[1]).toLowerCase());
		return c ? { json: v1Profile(c) } : { status: 404, json: { status: 'error', message: 'contact does not exist' } };
	}
	if (r.method === 'POST' && p === '/crm/v3/objects/contacts/search') {
		const filters = ((body.filterGroups as Array<{ filters: Array<{ propertyName: string; operator?: string; value: unknown }> }>) ?? []).flatMap((g) => g.filters);
		const email = filters.find((f) => f.propertyName === 'email')?.value;
		// lastmodifieddate GT/GTE/LT/LTE (epoch ms or ISO), ascending by it, `limit` a page and `after` the offset, as HubSpot pages.
		const modified = (c: { createdAt: string; updatedAt?: string }) => Date.parse(c.updatedAt ?? c.createdAt);
		const byDate = filters.filter((f) => f.propertyName === 'lastmodifieddate');
		const at = (v: unknown) => (/^\d+$/.test(String(v)) ? Number(v) : Date.parse(String(v)));
		const compare: Record<string, (a: number, b: number) => boolean> = { GT: (a, b) => a > b, GTE: (a, b) => a >= b, LT: (a, b) => a < b, LTE: (a, b) => a <= b, EQ: (a, b) => a === b };
		const found = [...s.hubspotContacts.values()]
			.filter((c) => email === undefined || c.email === String(email).toLowerCase())
			.filter((c) => byDate.every((f) => (compare[f.operator ?? 'EQ'] ?? compare.EQ)(modified(c), at(f.value))))
			.sort((a, b) => modified(a) - modified(b) || a.vid - b.vid);
		const offset = Number(body.after ?? 0);
		const limit = body.limit === undefined ? Math.max(1, found.length) : Number(body.limit);
		const page = found.slice(offset, offset + limit).map((c) => {
			const v3 = v3Contact(c);
			return { ...v3, properties: { ...v3.properties, lastmodifieddate: new Date(modified(c)).toISOString() }, updatedAt: new Date(modified(c)).toISOString() };
		});
		return { json: { total: found.length, results: page, ...(offset + limit < found.length ? { paging: { next: { after: String(offset + limit) } } } : {}) } };
	}
	if (r.method === 'POST' && p === '/crm/v3/objects/contacts/batch/update') {
		// Up to 100 inputs; unknown ids are errors of a 207 multi-status answer, the others are updated.
		const inputs = (body.inputs as Array<{ id: string; properties: Rec }>) ?? [];
		if (inputs.length > 100) return { status: 400, json: { status: 'error', category: 'VALIDATION_ERROR', message: `Batch size of ${inputs.length} exceeds the limit of 100` } };
		const results: Rec[] = [];
		const missing: string[] = [];
		for (const input of inputs) {
			const c = byId(String(input.id));
			if (!c) {
				missing.push(String(input.id));
				continue;
			}
			Object.assign(c.properties, obj(input.properties));
			c.updatedAt = now();
			results.push(v3Contact(c));
		}
		const errors = missing.length ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects, they may be deleted or not exist.', context: { ids: missing } }] : [];
		return { status: missing.length ? 207 : 200, json: { status: 'COMPLETE', results, ...(missing.length ? { numErrors: missing.length, errors } : {}), startedAt: now(), completedAt: now() } };
	}
	if (r.method === 'POST' && p === '/crm/v3/objects/contacts') {
		const props = obj(body.properties);
		const email = String(props.email ?? `contact-${s.nextId()}@unknown.invalid`).toLowerCase();
		if (s.hubspotContacts.has(email)) {
			return { status: 409, json: { status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${s.hubspotContacts.get(email)!.vid}` } };
		}
		const c = { vid: s.nextId(), email, properties: { ...props }, createdAt: now() };
		s.hubspotContacts.set(email, c);
		return { status: 201, json: v3Contact(c) };
	}
	if ((m = p.match(/^\/crm\/v3\/objects\/contacts\/([^/]+)$/))) {
		const id = decodeURIComponent(m[1]);
		const c = r.query.idProperty === 'email' ? s.hubspotContacts.get(id.toLowerCase()) : byId(id);
		if (!c) return { status: 404, json: { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'resource not found' } };
		if (r.method === 'PATCH') {
			Object.assign(c.properties, obj(body.properties));
			c.updatedAt = now();
		}
		if (r.method === 'GET' || r.method === 'PATCH') return { json: v3Contact(c) };
	}
	if (r.method === 'GET' && (p === '/crm/v3/owners' || p === '/crm/v3/owners/')) {
		const email = r.query.email;
		return { json: { results: HUBSPOT_OWNERS.filter((o) => !email || o.email === email) } };
	}
	if (r.method === 'GET' && (m = p.match(/^\/crm\/v3\/owners\/(\d+)$/))) {
		const owner = HUBSPOT_OWNERS.find((o) => o.id === m![1]);
		return owner ? { json: owner } : { status: 404, json: { status: 'error', message: 'owner not found' } };
	}
	if (r.method === 'GET' && p === '/owners/v2/owners') {
		return { json: HUBSPOT_OWNERS.map((o) => ({ ownerId: Number(o.id), email: o.email, firstName: o.firstName, lastName: o.lastName, type: 'PERSON' })) };
	}
	if (r.method === 'POST' && (m = p.match(/^\/crm\/v3\/objects\/(tasks|notes|calls|emails|meetings|deals|companies)$/))) {
		const id = String(s.nextId());
		const record = { id, properties: { ...obj(body.properties), hs_object_id: id }, associations: body.associations, createdAt: now(), updatedAt: now(), archived: false };
		s.hubspotObjects.set(`${m[1]}/${id}`, record);
		return { status: 201, json: record };
	}
	if ((m = p.match(/^\/crm\/v3\/objects\/(tasks|notes|calls|emails|meetings|deals|companies)\/(\d+)$/))) {
		const record = s.hubspotObjects.get(`${m[1]}/${m[2]}`);
		if (!record) return { status: 404, json: { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'resource not found' } };
		if (r.method === 'PATCH') Object.assign(obj(record.properties), obj(body.properties));
		return { json: record };
	}
	if (r.method === 'PUT' && /^\/crm\/v[34]\/objects\/[^/]+\/[^/]+\/associations\//.test(p)) {
		return { json: { fromObjectTypeId: '0-1', toObjectTypeId: '0-27', labels: [] } };
	}
	if (r.method === 'POST' && p === '/engagements/v1/engagements') {
		const id = s.nextId();
		const engagement = obj(body.engagement);
		return { json: { engagement: { id, portalId: 1234, active: true, createdAt: Date.now(), ...engagement }, associations: obj(body.associations), metadata: obj(body.metadata) } };
	}
	if (r.method === 'POST' && p === '/deals/v1/deal') {
		return { json: { dealId: s.nextId(), portalId: 1234, isDeleted: false, properties: body.properties ?? [] } };
	}
	return notFound(r);
}

// Salesforce: OAuth token endpoint (JWT bearer flow) and the REST sObject + query API.
const SALESFORCE_PREFIX: Record<string, string> = { Lead: '00Q', Contact: '003', Task: '00T', Account: '001', Opportunity: '006', User: '005' };
/** sObject names are case-insensitive in the REST API (n8n's node writes `/sobjects/lead`). */
const sobject = (name: string) => Object.keys(SALESFORCE_PREFIX).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;

function salesforce(r: RecordedRequest, s: CrmState): MockResponse {
	const body = obj(r.body);
	const p = r.path;
	let m: RegExpMatchArray | null;
	if (r.method === 'POST' && p === '/services/oauth2/token') {
		return {
			json: {
				access_token: 'mock-salesforce-access-token',
				instance_url: MOCK_IDS.salesforceInstance,
				id: 'https://login.salesforce.com/id/00D000000000001/005000000000001',
				token_type: 'Bearer',
				issued_at: String(Date.now()),
				signature: 'mock',
				scope: 'api',
			},
		};
	}
	if (r.method === 'POST' && (m = p.match(/^\/services\/data\/v[\d.]+\/sobjects\/(\w+)\/?$/))) {
		const type = sobject(m[1]);
		const id = `${SALESFORCE_PREFIX[type] ?? 'a00'}${String(s.nextId()).padStart(15, '0')}`;
		s.salesforce.set(id, { type, fields: { ...body } });
		return { status: 201, json: { id, success: true, errors: [] } };
	}
	if (r.method === 'PATCH' && (m = p.match(/^\/services\/data\/v[\d.]+\/sobjects\/(\w+)\/(\w+)\/([^/]+)$/))) {
		// Upsert by an external ID or idLookup field (Lead.Email): 201 created, 200 updated, with the record's id.
		const [type, field, value] = [sobject(m[1]), m[2], decodeURIComponent(m[3])];
		const found = [...s.salesforce.entries()].find(([, rec]) => rec.type === type && String(rec.fields[field] ?? '').toLowerCase() === value.toLowerCase());
		if (found) {
			Object.assign(found[1].fields, body);
			return { json: { id: found[0], success: true, errors: [], created: false } };
		}
		const id = `${SALESFORCE_PREFIX[type] ?? 'a00'}${String(s.nextId()).padStart(15, '0')}`;
		s.salesforce.set(id, { type, fields: { ...body, [field]: value } });
		return { status: 201, json: { id, success: true, errors: [], created: true } };
	}
	if ((m = p.match(/^\/services\/data\/v[\d.]+\/sobjects\/(\w+)\/([A-Za-z0-9]{15,18})$/))) {
		const rec = s.salesforce.get(m[2]);
		if (!rec || rec.type !== sobject(m[1])) return { status: 404, json: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
		if (r.method === 'PATCH') {
			Object.assign(rec.fields, body);
			return { status: 204 };
		}
		if (r.method === 'DELETE') {
			s.salesforce.delete(m[2]);
			return { status: 204 };
		}
		if (r.method === 'GET') return { json: { attributes: { type: rec.type, url: p }, Id: m[2], ...rec.fields } };
	}
	if (r.method === 'GET' && /^\/services\/data\/v[\d.]+\/query\/?$/.test(p)) {
		// Enough SOQL for look-ups by email or id: FROM <type> [WHERE <Field> = '<value>'].
		const soql = r.query.q ?? '';
		const from = soql.match(/\bfrom\s+(\w+)/i)?.[1];
		const where = soql.match(/\bwhere\s+(\w+)\s*=\s*'([^']*)'/i);
		const records = [...s.salesforce.entries()]
			.filter(([, rec]) => !from || rec.type.toLowerCase() === from.toLowerCase())
			.filter(([id, rec]) => !where || String(where[1] === 'Id' ? id : (rec.fields[where[1]] ?? '')).toLowerCase() === where[2].toLowerCase())
			.map(([id, rec]) => ({ attributes: { type: rec.type }, Id: id, ...rec.fields }));
		return { json: { totalSize: records.length, done: true, records } };
	}
	if (r.method === 'GET' && /^\/services\/data\/?$/.test(p)) return { json: [{ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' }] };
	return notFound(r);
}

// Pipedrive: v1 (and the v2 shapes where they match) for persons, leads, activities, notes, users.
function pipedrive(r: RecordedRequest, s: CrmState): MockResponse {
	const body = obj(r.body);
	const m = r.path.match(/^(?:\/api)?\/v[12]\/(persons|leads|activities|notes|deals|organizations|users)(?:\/([^/]+))?(?:\/(search))?\/?$/);
	if (!m) return notFound(r);
	const [, kind, idOrSearch] = m;
	const ok = (data: unknown) => ({ json: { success: true, data } });
	const list = () => [...s.pipedrive.values()].filter((x) => x.kind === kind);

	if (kind === 'users' && r.method === 'GET') {
		return ok([
			{ id: 201, name: 'Ava Owner', email: 'ava.owner@example.com', active_flag: true },
			{ id: 202, name: 'Ben Owner', email: 'ben.owner@example.com', active_flag: true },
		]);
	}
	if (idOrSearch === 'search' && r.method === 'GET') {
		const term = (r.query.term ?? '').toLowerCase();
		const items = list()
			.filter((x) => JSON.stringify(x).toLowerCase().includes(term))
			.map((item) => ({ result_score: 1, item }));
		return ok({ items });
	}
	if (!idOrSearch && r.method === 'POST') {
		const id = kind === 'leads' ? randomUUID() : s.nextId();
		const record: Rec & { id: number | string; kind: string } = { ...body, id, kind, add_time: now(), update_time: now() };
		if (kind === 'persons' && typeof body.email === 'string') record.email = [{ value: body.email, primary: true, label: 'work' }];
		s.pipedrive.set(`${kind}/${id}`, record);
		return { status: 201, json: { success: true, data: withoutKind(record) } };
	}
	if (!idOrSearch && r.method === 'GET') {
		// The list filters Pipedrive documents (GET /v1/leads?person_id=...): an equal field, as text.
		const filters = Object.entries(r.query).filter(([k]) => ['person_id', 'owner_id', 'organization_id'].includes(k));
		const found = list().filter((x) => filters.every(([k, v]) => String(x[k]) === v));
		return { json: { success: true, data: found.map(withoutKind), additional_data: { pagination: { start: 0, limit: 100, more_items_in_collection: false } } } };
	}
	if (idOrSearch) {
		const key = `${kind}/${idOrSearch}`;
		const record = s.pipedrive.get(key);
		if (!record) return { status: 404, json: { success: false, error: `${kind} not found`, errorCode: 404 } };
		if (r.method === 'PUT' || r.method === 'PATCH') Object.assign(record, body, { update_time: now() });
		if (r.method === 'DELETE') {
			s.pipedrive.delete(key);
			return ok({ id: record.id });
		}
		return ok(withoutKind(record));
	}
	return notFound(r);
}

function withoutKind(record: Rec): Rec {
	const { kind: _kind, ...rest } = record;
	return rest;
}

// Slack Web API (JSON or form bodies), incoming webhooks, and file uploads the way n8n's Slack
// node 2.2+ makes them: getUploadURLExternal, the upload to files.slack.com, completeUploadExternal.
function slack(r: RecordedRequest, s: CrmState): MockResponse {
	const body = { ...r.query, ...obj(r.body) };
	if (r.host === 'hooks.slack.com') return { text: 'ok' };
	if (r.host === 'files.slack.com' && r.path.startsWith('/upload/')) return { text: `OK - ${r.rawBody.length}` };
	const method = r.path.replace(/^\/api\//, '');
	const ts = `${Math.floor(Date.now() / 1000)}.${String(s.nextId()).padStart(6, '0')}`;
	switch (method) {
		case 'chat.postMessage':
		case 'chat.postEphemeral': {
			if (!body.channel) return { json: { ok: false, error: 'channel_not_found' } };
			const message = { type: 'message', subtype: undefined, text: body.text ?? '', blocks: body.blocks, user: 'U0LEADBOT', bot_id: 'B0LEADBOT', ts, thread_ts: body.thread_ts, team: MOCK_IDS.slackTeam };
			s.slackMessages.push({ channel: body.channel, ...message });
			return { json: { ok: true, channel: body.channel, ts, message } };
		}
		case 'chat.update':
			return { json: { ok: true, channel: body.channel, ts: body.ts, text: body.text ?? '' } };
		case 'users.lookupByEmail':
			return { json: { ok: true, user: { id: `U${String(body.email ?? 'X').replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toUpperCase()}`, team_id: MOCK_IDS.slackTeam, profile: { email: body.email } } } };
		case 'files.getUploadURLExternal': {
			const fileId = `F${s.nextId()}`;
			return { json: { ok: true, upload_url: `https://files.slack.com/upload/v1/${fileId}`, file_id: fileId } };
		}
		case 'files.completeUploadExternal': {
			const files = (Array.isArray(body.files) ? body.files : []).map((f) => ({ ...obj(f), channels: body.channel_id ? [body.channel_id] : [] }));
			return { json: { ok: true, files } };
		}
		case 'conversations.open':
			return { json: { ok: true, channel: { id: `D${s.nextId()}` } } };
		case 'auth.test':
			return { json: { ok: true, url: 'https://lead-handoff.slack.com/', team: 'Lead Handoff', user: 'leadbot', team_id: MOCK_IDS.slackTeam, user_id: 'U0LEADBOT' } };
		default:
			return { json: { ok: false, error: 'unknown_method' } };
	}
}

// Twilio Programmable Messaging.
function twilio(r: RecordedRequest, s: CrmState): MockResponse {
	const m = r.path.match(/^\/2010-04-01\/Accounts\/(\w+)\/Messages\.json$/);
	if (!m || r.method !== 'POST') return notFound(r);
	const body = obj(r.body);
	const sid = `SM${String(s.nextId()).padStart(32, '0')}`;
	return {
		status: 201,
		json: {
			sid,
			account_sid: m[1],
			to: body.To,
			from: body.From,
			body: body.Body,
			status: 'queued',
			num_segments: '1',
			direction: 'outbound-api',
			date_created: new Date().toUTCString(),
			uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
		},
	};
}
