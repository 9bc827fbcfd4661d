/**
 * Lead Quality Report › Dashboard Page in n8n-core's engine, rows from the store: the summary
 * carries a whole HTML page whose figures are the summary's own, with the store's open SLA timers
 * (who holds them, how late) and the charts inline; without the option there is no page.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { percent } from '../../nodes/engine/feedback/report';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores, createStore } from '../../nodes/store';
import { runNode } from '../helpers/n8n-runner';
import { contact, start } from '../store/sla-support';

const node = new LeadFeedback();
const NOW = Date.parse('2026-12-02T13:00:00Z');
const at = (iso: string) => Date.parse(iso);

describe('Lead Quality Report › Dashboard Page', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-dashboard-'));
	const folder = path.join(root, 'store');
	const realNow = clock.now;

	beforeAll(async () => {
		const store = await createStore({ kind: 'embedded', folder });
		// Two hand-offs on 1 December: Ana's lead contacted in 20 minutes, Sam's still waiting on Ben <b>.
		for (const [lead, key, rep] of [['ana@x.com', 'h-ana', 'ana'], ['sam@x.com', 'h-sam', 'ben']] as const) {
			await store.decideHandoff({ scope: 'default', leadKey: lead, eventKey: key, at: at('2026-12-01T09:00:00Z') }, () => ({ handoff: true, details: {} }));
			await store.assignLead({ scope: 'default', leadKey: lead, eventKey: key, at: at('2026-12-01T09:00:00Z'), team: 'EMEA', reps: [] }, () => ({ repId: rep, details: {} }));
		}
		await start(store, { handoffKey: 'h-ana', leadKey: 'ana@x.com', startedAt: at('2026-12-01T09:00:00Z'), ownerId: 'ana', details: { owner: { name: 'Ana Silva' }, lead: { name: 'Ana Lee' } } });
		await start(store, { handoffKey: 'h-sam', leadKey: 'sam@x.com', startedAt: at('2026-12-01T09:00:00Z'), ownerId: 'ben', details: { owner: { name: 'Ben <b>Okafor</b>' }, lead: { name: 'Sam <i>Wu</i>', company: 'Initech' } } });
		await contact(store, { handoffKey: 'h-ana' }, at('2026-12-01T09:20:00Z'));
		await store.close();
	});
	beforeEach(() => {
		clock.now = () => NOW;
	});
	afterEach(() => {
		clock.now = realNow;
	});
	afterAll(async () => {
		await closeAllStores();
		rmSync(root, { recursive: true, force: true });
	});

	async function run(parameters: INodeParameters) {
		const { outputs, error } = await runNode({
			node,
			parameters: { resource: 'report', operation: 'leadQuality', ...parameters },
			items: [{}],
			timezone: 'Europe/Berlin',
			credentials: { leadHandoffStoreApi: { backend: 'embedded', folder } },
		});
		assert.equal(error, undefined);
		return outputs[0][0];
	}

	it("serves the summary's own figures, the open timer held by Ben, and the charts inline", async () => {
		const summary = await run({ dashboard: true, reportOptions: { title: 'Hand-off dashboard', refreshSeconds: 30 } });
		const page = String(summary.json.dashboard);
		const total = summary.json.total as IDataObject;
		assert.match(page, /^<!DOCTYPE html>/);
		assert.match(page, /<meta http-equiv="refresh" content="30">/);
		assert.ok(page.includes(`data-figure="total.handoffs">${total.handoffs}<`));
		assert.equal(total.handoffs, 2);
		assert.ok(page.includes(`data-figure="total.slaMet">${percent(total.slaMetRate as number)}<`), `SLA met ${total.slaMetRate}`);
		assert.equal(summary.json.openTimers, 1);
		assert.ok(page.includes('data-figure="holder.open" data-group="Ben &lt;b&gt;Okafor&lt;/b&gt;">1<'));
		assert.match(page, /<td class="name">Sam &lt;i&gt;Wu&lt;\/i&gt; · Initech<\/td><td class="name">Hot<\/td>/);
		assert.match(page, /overdue/);
		assert.doesNotMatch(page, /<b>|<i>/);
		const charts = page.match(/data-chart="(\w+)" src="data:image\/png;base64,/g) ?? [];
		assert.equal(charts.length, 3);
		assert.ok(summary.binary?.funnel, 'the charts stay on the summary as binary data too');
	});

	it('makes no page unless asked', async () => {
		const summary = await run({ charts: false });
		assert.equal(summary.json.dashboard, undefined);
		assert.equal(summary.json.openTimers, undefined);
	});
});
