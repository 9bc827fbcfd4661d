/**
 * The loop from Lead Score's challenger experiment to the Lead Quality Report, in n8n-core's
 * engine on the embedded store: leads scored in two arms, handed off, won or lost; the report
 * compares the arms found by their model ids, and shows each logged scoring version's expected
 * impact beside the actual one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { armOf } from '../../nodes/engine/experiment';
import { compileScorer } from '../../nodes/engine/scoring';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { foldOutcome } from '../../nodes/shared/outcomeFold';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores, createStore } from '../../nodes/store';
import { runNode } from '../helpers/n8n-runner';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-arms-'));
const folder = path.join(root, 'store');
const credentials = { leadHandoffStoreApi: { backend: 'embedded', folder } };
const realNow = clock.now;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

const common = { decay: { kind: 'none' }, thresholds: [{ name: 'SQL', score: 70 }] };
const champion = { engagement: [{ activity: 'webinar_attended', points: 10 }], ...common };
const challenger = { engagement: [{ activity: 'webinar_attended', points: 60 }], ...common };
const CHAMPION = compileScorer(champion).modelId;
const CHALLENGER = compileScorer(challenger).modelId;
const leads = Array.from({ length: 80 }, (_, i) => `lead${i}@acme.example`);

beforeAll(async () => {
	clock.now = () => NOW - 10 * DAY;
	const scored = await runNode({
		node: new LeadScore(),
		credentials,
		parameters: {
			mode: 'recordAndRescore',
			rulesSource: 'json',
			rulesJson: JSON.stringify(champion),
			options: { asOf: '2026-11-10T09:00:00Z', experiment: { settings: { name: 'webinar-weight', sharePercent: 25, challengerRules: JSON.stringify(challenger) } } },
		},
		items: leads.map((email, i) => ({ email, activities: [{ id: `w${i}`, type: 'webinar_attended', timestamp: '2026-11-09T10:00:00Z' }] })),
	});
	assert.equal(scored.error, undefined, scored.error?.message);
	const store = await createStore({ kind: 'embedded', folder });
	try {
		for (const [i, lead] of leads.entries()) {
			const at = Date.parse('2026-11-10T10:00:00Z') + i * 60_000;
			await store.decideHandoff({ scope: 'default', leadKey: lead, eventKey: `h-${i}`, at }, () => ({ handoff: true, details: {} }));
			// The challenger's leads are won every other time, the champion's every tenth time.
			const won = armOf('webinar-weight', lead, 0.25) === 'challenger' ? i % 2 === 0 : i % 10 === 0;
			const stage = won ? 'won' : 'lost';
			const event = { id: `plain:${i}`, at: at + DAY, source: 'plain', code: stage, stage };
			await store.recordOutcomeEvent({ scope: 'default', leadKey: lead, receivedAt: at + DAY, event: { source: 'plain', eventId: event.id, occurredAt: event.at, event, code: stage, stage } }, foldOutcome);
		}
		await store.recordScoringChange('default', { modelId: CHALLENGER, rules: challenger, rationale: 'Webinar attendance: +10 → +60', expected: { winRate: 0.4, handoffsPerWeek: 20 }, by: 'maria@acme.test', at: Date.parse('2026-11-01T00:00:00Z'), previousModelId: CHAMPION });
	} finally {
		await store.close();
	}
});

afterAll(async () => {
	clock.now = realNow;
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

describe('Lead Quality Report: arms and expected impact', () => {
	it('compares the arms found by model id and shows the logged change beside its actual figures', async () => {
		clock.now = () => NOW;
		const { outputs, error } = await runNode({ node: new LeadFeedback(), credentials, parameters: { resource: 'report', operation: 'leadQuality', charts: false }, items: [{}] });
		clock.now = realNow;
		assert.equal(error, undefined, error?.message);
		const summary = outputs[0][0].json as { handoffs: number; experiments: Array<{ experiment: string; champion: { handoffs: number; modelId: string }; challenger: { handoffs: number; modelId: string }; metrics: Array<{ metric: string; champion: { rate: number }; challenger: { rate: number }; text: string }> }>; scoringChanges: Array<{ handoffs: number; figures: Array<{ metric: string; expected?: number; actual?: number }> }>; markdown: string; html: string };
		assert.equal(summary.handoffs, 80);
		const challengers = leads.filter((l) => armOf('webinar-weight', l, 0.25) === 'challenger').length;
		const [arms] = summary.experiments;
		assert.equal(arms.experiment, 'webinar-weight');
		assert.deepEqual([arms.champion.modelId, arms.champion.handoffs, arms.challenger.modelId, arms.challenger.handoffs], [CHAMPION, 80 - challengers, CHALLENGER, challengers]);
		const win = arms.metrics.find((m) => m.metric === 'win')!;
		assert.ok(win.challenger.rate > 0.3 && win.champion.rate < 0.2, win.text);
		assert.match(win.text, /^Won: challenger .* against champion .*: (significant|not significant yet)/);
		const [change] = summary.scoringChanges;
		assert.equal(change.handoffs, challengers);
		const winFigure = change.figures.find((f) => f.metric === 'winRate')!;
		assert.equal(winFigure.expected, 0.4);
		assert.equal(winFigure.actual, win.challenger.rate);
		assert.match(summary.markdown, /## Experiment webinar-weight: challenger on 25 % of leads/);
		assert.match(summary.markdown, /## Scoring changes: expected and actual impact/);
		assert.match(summary.html, /Webinar attendance: \+10 → \+60/);
	});

	it('compares the arms of rows given as items, each naming its experiment and arm', async () => {
		const items = Array.from({ length: 60 }, (_, i) => {
			const challenger = i % 3 === 0;
			const won = challenger ? i % 2 === 0 : i % 5 === 0;
			return { handedOffAt: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, stage: won ? 'won' : 'lost', experiment: 'items-test', arm: challenger ? 'challenger' : 'champion' };
		});
		const { outputs, error } = await runNode({ node: new LeadFeedback(), parameters: { resource: 'report', operation: 'leadQuality', rowsFrom: 'items', charts: false }, items });
		assert.equal(error, undefined, error?.message);
		const [arms] = outputs[0][0].json.experiments as Array<{ experiment: string; sharePercent: number; champion: { handoffs: number }; challenger: { handoffs: number } }>;
		assert.deepEqual([arms.experiment, arms.sharePercent, arms.champion.handoffs, arms.challenger.handoffs], ['items-test', 33.3, 40, 20]);
		assert.deepEqual(outputs[0][0].json.scoringChanges, [], 'no change log without the store');
	});
});
