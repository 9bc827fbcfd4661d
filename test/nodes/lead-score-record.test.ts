/**
 * Lead Score's "Record Activities and Rescore" mode and the Lead Handoff Data node, run in
 * n8n-core's engine against the real store: the embedded one, and the local PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { LeadHandoffData } from '../../nodes/LeadHandoffData/LeadHandoffData.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { runNode, runWorkflow } from '../helpers/n8n-runner';
import { BACKENDS, describeOn, type Backend } from '../store/backends';

const leadScore = new LeadScore();
const leadData = new LeadHandoffData();
const AS_OF = '2026-06-15T12:00:00Z';

interface Score {
	total: number;
	engagement: number;
	leadKey: string;
	change: { points: number; previousTotal: number } | null;
	thresholds: Record<string, { score: number; firstCrossedAt: string | null }>;
	ledger: { activities: number; recorded: number; duplicates: number };
}

const recordParams = (asOf = AS_OF) => ({ mode: 'recordAndRescore', options: { asOf } });

function credentialFor(config: Awaited<ReturnType<Backend['fresh']>>): ICredentialDataDecryptedObject {
	if (!config) throw new Error('no store');
	if (config.kind === 'embedded') return { backend: 'embedded', folder: config.folder ?? '' };
	return { backend: 'postgres', host: config.host, port: config.port, database: config.database, user: config.user, password: '', ssl: 'disable', schema: config.schema };
}

afterAll(closeAllStores);

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	afterAll(() => backend.cleanup());

	describeOn(backend)(`Lead Score, record activities and rescore (${backend.name} store)`, () => {
		async function store() {
			const config = await backend.fresh();
			return { leadHandoffStoreApi: credentialFor(config) };
		}

		it('builds the lead history across executions: the second event is scored together with the first', async () => {
			const credentials = await store();
			const first = await runNode({ node: leadScore, credentials, parameters: recordParams('2026-06-10T12:00:00Z'), items: [{ email: 'Dana@Globex.com', jobTitle: 'VP Marketing', activities: [{ id: 'e1', type: 'webinar_attended', timestamp: '2026-06-10T10:00:00Z' }] }] });
			const second = await runNode({ node: leadScore, credentials, parameters: recordParams(), items: [{ email: 'dana@globex.com', jobTitle: 'VP Marketing', activities: [{ id: 'e2', type: 'page_view', timestamp: '2026-06-15T09:00:00Z', url: '/pricing' }] }] });
			const a = first.outputs[0][0].json.score as Score;
			const b = second.outputs[0][0].json.score as Score;
			assert.equal(a.change, null, 'a first score has nothing to compare with');
			assert.equal(b.leadKey, 'dana@globex.com', 'the email is one lead whatever its case');
			assert.deepEqual(b.ledger, { activities: 2, recorded: 1, duplicates: 0 });
			assert.ok(b.engagement > 20, `the webinar from the first execution still counts: ${b.engagement}`);
			assert.equal(b.change?.previousTotal, a.total);
			assert.equal(b.change?.points, Math.round((b.total - a.total) * 100) / 100);
			const activities = second.outputs[0][0].json.activities as Array<{ id: string }>;
			assert.deepEqual(activities.map((x) => x.id), ['e1', 'e2'], 'the output carries the whole history, oldest first');
		});

		it('a redelivered event changes nothing: same ledger, same score, same change', async () => {
			const credentials = await store();
			const lead = { email: 'sam@initech.com', activities: [{ id: 'x', type: 'email_open', timestamp: '2026-06-01T10:00:00Z' }] };
			await runNode({ node: leadScore, credentials, parameters: recordParams('2026-06-01T12:00:00Z'), items: [lead] });
			const event = { email: 'sam@initech.com', activities: [{ type: 'content_download', timestamp: '2026-06-14T10:00:00Z', asset: 'Case study' }] };
			const once = await runNode({ node: leadScore, credentials, parameters: recordParams(), items: [event] });
			const twice = await runNode({ node: leadScore, credentials, parameters: recordParams(), items: [event] });
			const a = once.outputs[0][0].json.score as Score;
			const b = twice.outputs[0][0].json.score as Score;
			assert.deepEqual(a.ledger, { activities: 2, recorded: 1, duplicates: 0 });
			assert.deepEqual(b.ledger, { activities: 2, recorded: 0, duplicates: 1 });
			assert.deepEqual({ ...b, ledger: undefined }, { ...a, ledger: undefined });
		});

		it('remembers when a lead first crossed each threshold, even after its score falls back', async () => {
			const credentials = await store();
			const hot = { email: 'kim@hooli.com', jobTitle: 'Director of IT', industry: 'Software', companySize: 120, activities: [
				{ id: 'p', type: 'page_view', timestamp: '2026-06-15T09:00:00Z', url: '/pricing' },
				{ id: 'w', type: 'webinar_attended', timestamp: '2026-06-12T16:00:00Z' },
				{ id: 'c', type: 'content_download', timestamp: '2026-06-14T11:00:00Z', asset: 'Case study: Hooli' },
			] };
			const now = await runNode({ node: leadScore, credentials, parameters: recordParams(), items: [hot] });
			const crossed = (now.outputs[0][0].json.score as Score).thresholds;
			assert.equal(crossed.SQL.firstCrossedAt, '2026-06-15T12:00:00.000Z');
			// Half a year later the pricing visit has faded below SQL; the first crossing stays.
			const later = await runNode({ node: leadScore, credentials, parameters: recordParams('2026-12-15T12:00:00Z'), items: [{ ...hot, activities: [] }] });
			const score = later.outputs[0][0].json.score as Score;
			assert.ok(score.total < 70, `faded to ${score.total}`);
			assert.equal(score.thresholds.SQL.firstCrossedAt, '2026-06-15T12:00:00.000Z');
		});

		it('many items of one lead in one execution all land in its ledger', async () => {
			const credentials = await store();
			const items = Array.from({ length: 20 }, (_, i) => ({ email: 'lee@acme.io', activities: [{ id: `open-${i}`, type: 'email_open', timestamp: `2026-06-${String(i + 1).padStart(2, '0')}T08:00:00Z` }] }));
			const { outputs } = await runNode({ node: leadScore, credentials, parameters: recordParams(), items });
			assert.deepEqual(outputs[0].map((item) => (item.json.score as Score).ledger.activities), items.map((_, i) => i + 1));
			assert.deepEqual(outputs[0].map((item) => item.pairedItem), items.map((_, item) => ({ item })));
		});

		it('Lead Handoff Data reads the history, and erasure removes every trace of the lead and only that lead', async () => {
			const credentials = await store();
			const leads = [
				{ email: 'gone@globex.com', activities: [{ id: 'g1', type: 'demo_request', timestamp: '2026-06-14T10:00:00Z' }] },
				{ email: 'stays@globex.com', activities: [{ id: 's1', type: 'email_open', timestamp: '2026-06-14T10:00:00Z' }] },
			];
			await runNode({ node: leadScore, credentials, parameters: recordParams(), items: leads });
			const erased = await runNode({ node: leadData, credentials, parameters: { operation: 'erase' }, items: [{ email: 'Gone@Globex.com' }] });
			const result = erased.outputs[0][0].json as { leadKey: string; rowsDeleted: number; deleted: Record<string, number> };
			assert.equal(result.leadKey, 'gone@globex.com');
			assert.equal(result.deleted.activities, 1);
			assert.ok(result.deleted.score_snapshots >= 1);
			const history = await runNode({ node: leadData, credentials, parameters: { operation: 'getHistory' }, items: leads });
			const [gone, stays] = history.outputs[0].map((item) => item.json as { activityCount: number; latestScore: unknown });
			assert.deepEqual([gone.activityCount, gone.latestScore], [0, null]);
			assert.equal(stays.activityCount, 1);
			assert.ok(stays.latestScore);
			const again = await runNode({ node: leadData, credentials, parameters: { operation: 'erase' }, items: [{ email: 'gone@globex.com' }] });
			assert.equal((again.outputs[0][0].json as { rowsDeleted: number }).rowsDeleted, 0, 'erasing twice is harmless');
		});

		it("Store Scope keeps two clients' leads apart in every node: history, score, reading and erasing", async () => {
			const credentials = await store();
			const scoped = (scope: string, asOf = AS_OF) => ({ ...recordParams(asOf), options: { asOf, scope } });
			const dana = (id: string, type: string) => ({ email: 'dana@globex.com', jobTitle: 'VP Marketing', activities: [{ id, type, timestamp: '2026-06-14T10:00:00Z' }] });
			// The same person, and even the same event id, in two clients' pipelines on one store.
			const first = await runNode({ node: leadScore, credentials, parameters: scoped('client-a'), items: [dana('e1', 'demo_request')] });
			const a = await runNode({ node: leadScore, credentials, parameters: scoped('client-a'), items: [dana('e2', 'pricing_page_view')] });
			const b = await runNode({ node: leadScore, credentials, parameters: scoped('client-b'), items: [dana('e1', 'email_open')] });
			const scoreA = a.outputs[0][0].json.score as Score;
			const scoreB = b.outputs[0][0].json.score as Score;
			assert.deepEqual(scoreA.ledger, { activities: 2, recorded: 1, duplicates: 0 });
			assert.deepEqual(scoreB.ledger, { activities: 1, recorded: 1, duplicates: 0 }, "client B's e1 is its own event, not a redelivery of client A's");
			assert.equal(scoreA.change?.previousTotal, (first.outputs[0][0].json.score as Score).total);
			assert.equal(scoreB.change, null, "client B's first score has nothing of client A's to compare with");

			const history = async (scope?: string) =>
				(await runNode({ node: leadData, credentials, parameters: { operation: 'getHistory', ...(scope ? { options: { scope } } : {}) }, items: [{ email: 'dana@globex.com' }] })).outputs[0][0].json as { scope: string; activityCount: number; latestScore: { total: number } | null };
			assert.deepEqual([(await history('client-a')).activityCount, (await history('client-b')).activityCount, (await history()).activityCount], [2, 1, 0]);
			assert.equal((await history('client-b')).latestScore?.total, scoreB.total);

			const erase = async (parameters: Record<string, unknown>) => (await runNode({ node: leadData, credentials, parameters: { operation: 'erase', ...parameters }, items: [{ email: 'dana@globex.com' }] })).outputs[0][0].json;
			const one = await erase({ eraseIn: 'scope', options: { scope: 'client-a' } });
			assert.deepEqual([one.scope, one.allScopes], ['client-a', undefined]);
			assert.deepEqual([(await history('client-a')).activityCount, (await history('client-b')).activityCount], [0, 1], "client B's lead is whole");
			// A person's deletion request: every scope, the node's default.
			await runNode({ node: leadScore, credentials, parameters: scoped('client-a'), items: [dana('e3', 'webinar_attended')] });
			const all = await erase({ options: { scope: 'client-a' } });
			assert.equal(all.allScopes, true);
			assert.equal(all.rowsDeleted as number > 0, true);
			assert.deepEqual([(await history('client-a')).activityCount, (await history('client-b')).activityCount], [0, 0]);
		});

		it('a lead without a key or with a bad activity fails alone, naming the item and field; nothing of it is stored', async () => {
			const credentials = await store();
			const items = [
				{ email: 'ok@globex.com', activities: [{ id: 'a', type: 'email_open', timestamp: '2026-06-14T10:00:00Z' }] },
				{ email: '', activities: [] },
				{ email: 'bad@globex.com', activities: [{ id: 'b', type: 'email_open', timestamp: '2026-06-14T10:00:00Z' }, { id: 'c', type: 'email_open', timestamp: 'soon' }] },
			];
			const { outputs } = await runNode({ node: leadScore, credentials, parameters: recordParams(), items, onError: 'continueErrorOutput' });
			const [success, errors] = outputs;
			assert.deepEqual(success.map((i) => i.pairedItem), [{ item: 0 }]);
			assert.deepEqual(errors.map((i) => i.pairedItem), [{ item: 1 }, { item: 2 }]);
			assert.match(String(errors[0].json.error), /Item 1: Field "Lead Key"/);
			assert.match(String(errors[1].json.error), /Item 2: Field "activities\[1\]\.timestamp"/);
			const history = await runNode({ node: leadData, credentials, parameters: { operation: 'getHistory' }, items: [{ email: 'bad@globex.com' }] });
			assert.equal(history.outputs[0][0].json.activityCount, 0, 'the good activity of the bad item was not stored either');
		});
	});
}

describe('a Lead Handoff Store credential whose data changes', () => {
	/** Whether this process has the file open (Linux: its open file descriptors). */
	const holdsOpen = (file: string) =>
		readdirSync('/proc/self/fd').some((fd) => {
			try {
				return readlinkSync(path.join('/proc/self/fd', fd)) === file;
			} catch {
				return false;
			}
		});
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-rotate-'));
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	(process.platform === 'linux' ? it : it.skip)('the next execution uses the new data, and the old store is closed, not kept for the life of n8n', async () => {
		const run = (folder: string) =>
			runNode({ node: leadScore, credentials: { leadHandoffStoreApi: { backend: 'embedded', folder } }, parameters: recordParams(), items: [{ email: 'a@b.co', activities: [{ id: 'e1', type: 'email_open', timestamp: '2026-06-14T10:00:00Z' }] }] });
		const [first, second] = [path.join(root, 'first'), path.join(root, 'second')];
		assert.equal((await run(first)).outputs[0].length, 1);
		assert.equal(holdsOpen(path.join(first, 'store.sqlite')), true, 'kept open between executions, for speed');
		// The user points the same credential at another folder.
		assert.equal((await run(second)).outputs[0].length, 1);
		for (let i = 0; i < 100 && holdsOpen(path.join(first, 'store.sqlite')); i++) await new Promise((resolve) => setTimeout(resolve, 20));
		assert.equal(holdsOpen(path.join(first, 'store.sqlite')), false, 'the store of the old data is closed');
		assert.equal(holdsOpen(path.join(second, 'store.sqlite')), true);
	});
});

describe('Lead Score with an unreachable store', () => {
	it('says which database it could not reach, before any item is processed', async () => {
		const credentials = { leadHandoffStoreApi: { backend: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'x', password: '', ssl: 'disable', schema: 'lead_handoff' } };
		const { error } = await runNode({ node: leadScore, credentials, parameters: recordParams(), items: [{ email: 'a@b.co' }] });
		assert.ok(error);
		assert.match(error.message, /127\.0\.0\.1:1/);
	});

	it('the stateless mode needs no store at all', async () => {
		const { outputs, error } = await runWorkflow({ nodes: [{ node: leadScore, parameters: { options: { asOf: AS_OF } } }], items: [{ email: 'a@b.co' }] });
		assert.equal(error, undefined);
		assert.equal(outputs['Lead Score'][0].length, 1);
	});
});
