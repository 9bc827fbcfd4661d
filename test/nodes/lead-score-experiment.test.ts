/**
 * Lead Score's challenger experiment in n8n-core's engine, with Handoff Gate behind it: each lead
 * is scored by both tables, the arm's score goes on (so the gate decides on the arm's table), the
 * arm and both model ids travel with it, and in Record mode the snapshot keeps them and the store
 * knows which models ran as which arm.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { armOf } from '../../nodes/engine/experiment';
import { compileScorer } from '../../nodes/engine/scoring';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores, createStore } from '../../nodes/store';
import { runNode, runWorkflow } from '../helpers/n8n-runner';

const leadScore = new LeadScore();
const gate = new HandoffGate();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-experiment-'));
let stores = 0;
const freshFolder = () => path.join(root, `s${++stores}`);

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const AS_OF = '2026-06-15T12:00:00Z';
const common = { decay: { kind: 'none' }, thresholds: [{ name: 'SQL', score: 70 }] };
const championRules = { fit: [{ field: 'jobTitle', operator: 'contains', value: 'director', points: 20 }], engagement: [{ activity: 'webinar_attended', points: 10 }], ...common };
const challengerRules = { fit: [{ field: 'jobTitle', operator: 'contains', value: 'director', points: 20 }], engagement: [{ activity: 'webinar_attended', points: 60 }], ...common };
const gateRules = { triggers: [{ name: 'Score 70 or more', when: { score: 'total', atLeast: 70 } }] };
const EXPERIMENT = 'webinar-weight';

const lead = (email: string) => ({ email, jobTitle: 'Director of Marketing', activities: [{ id: `w-${email}`, type: 'webinar_attended', timestamp: '2026-06-14T10:00:00Z' }] });
/** Leads of each arm at a 30 % share, found the way the node deals them. */
const keys = Array.from({ length: 60 }, (_, i) => `lead${i}@acme.example`);
const challengers = keys.filter((k) => armOf(EXPERIMENT, k, 0.3) === 'challenger').slice(0, 3);
const champions = keys.filter((k) => armOf(EXPERIMENT, k, 0.3) === 'champion').slice(0, 3);

const experimentOption = (extra: IDataObject = {}) => ({ experiment: { settings: { name: EXPERIMENT, sharePercent: 30, challengerRules: JSON.stringify(challengerRules), ...extra } } });
const scoreParameters = (extra: IDataObject = {}) => ({ rulesSource: 'json', rulesJson: JSON.stringify(championRules), options: { asOf: AS_OF, ...experimentOption(), ...extra } });

type Tagged = { total: number; modelId: string; experiment: { name: string; arm: string; sharePercent: number; championModelId: string; challengerModelId: string; champion: { total: number }; challenger: { total: number } } };
const scoreOf = (item: INodeExecutionData) => item.json.score as Tagged;
const CHAMPION = compileScorer(championRules).modelId;
const CHALLENGER = compileScorer(challengerRules).modelId;

describe('Lead Score challenger experiment', () => {
	it("hands off on the arm's table: the challenger's leads reach 70 and go to sales, the champion's do not", async () => {
		assert.equal(challengers.length, 3);
		const run = await runWorkflow({
			nodes: [
				{ node: leadScore, parameters: scoreParameters() },
				{ node: gate, parameters: { rulesSource: 'json', rulesJson: JSON.stringify(gateRules) } },
			],
			items: [...challengers, ...champions].map(lead),
			credentials: { leadHandoffStoreApi: { backend: 'embedded', folder: freshFolder() } },
		});
		assert.equal(run.error, undefined, run.error?.message);
		const [handOff, notYet] = run.outputs['Handoff Gate'];
		assert.deepEqual(handOff.map((i) => i.json.email), challengers);
		assert.deepEqual(notYet.map((i) => i.json.email), champions);
		for (const item of handOff) {
			assert.deepEqual({ total: scoreOf(item).total, model: scoreOf(item).modelId, arm: scoreOf(item).experiment.arm }, { total: 80, model: CHALLENGER, arm: 'challenger' });
		}
		for (const item of notYet) {
			const score = scoreOf(item);
			assert.deepEqual({ total: score.total, model: score.modelId, arm: score.experiment.arm }, { total: 30, model: CHAMPION, arm: 'champion' });
			assert.deepEqual([score.experiment.champion.total, score.experiment.challenger.total], [30, 80], 'both tables scored the lead');
			assert.deepEqual([score.experiment.championModelId, score.experiment.challengerModelId, score.experiment.sharePercent], [CHAMPION, CHALLENGER, 30]);
		}
	});

	it('keeps the arm in the snapshot and records which models ran as which arm (Record mode)', async () => {
		const folder = freshFolder();
		const credentials = { leadHandoffStoreApi: { backend: 'embedded', folder } };
		const parameters = { mode: 'recordAndRescore', ...scoreParameters() };
		const first = await runNode({ node: leadScore, parameters, items: [lead(challengers[0]), lead(champions[0])], credentials });
		assert.equal(first.error, undefined, first.error?.message);
		assert.deepEqual(first.outputs[0].map((i) => [scoreOf(i).experiment.arm, scoreOf(i).total]), [['challenger', 80], ['champion', 30]]);
		const store = await createStore({ kind: 'embedded', folder });
		try {
			const snapshot = await store.latestScore('default', challengers[0]);
			assert.equal(snapshot?.modelId, CHALLENGER);
			assert.deepEqual((snapshot?.score as Tagged).experiment.arm, 'challenger');
			assert.equal((await store.latestScore('default', champions[0]))?.modelId, CHAMPION);
			assert.deepEqual((await store.listExperiments('default')).map(({ name, championModelId, challengerModelId, sharePercent }) => ({ name, championModelId, challengerModelId, sharePercent })), [
				{ name: EXPERIMENT, championModelId: CHAMPION, challengerModelId: CHALLENGER, sharePercent: 30 },
			]);
		} finally {
			await store.close();
		}
	});

	it('stops before any item when the challenger table is invalid, naming the setting', async () => {
		const { error, outputs } = await runNode({ node: leadScore, parameters: scoreParameters(experimentOption({ challengerRules: '{"engagement": [{"activity": "webinar_attended"}]}' })), items: [lead('a@b.c')] });
		assert.match(error?.message ?? '', /Challenger table: .*\/engagement\/0/);
		assert.equal(outputs.flat().length, 0);
	});

	it('sends an item without a lead key to the error output, the others carry on', async () => {
		const { outputs } = await runNode({ node: leadScore, parameters: scoreParameters(), items: [lead(''), lead(challengers[1])], onError: 'continueErrorOutput' });
		const [ok, errors] = outputs;
		assert.deepEqual(ok.map((i) => i.json.email), [challengers[1]]);
		assert.match(String(errors[0].json.error), /Challenger Experiment: Lead Key/);
	});
});
