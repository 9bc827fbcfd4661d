/**
 * Champion/challenger assignment: a lead's arm depends on the experiment name and the lead key
 * alone, so another process (another worker, or n8n after a restart) puts every lead in the same
 * arm; the challenger gets its share of 10,000 leads to within 2 percentage points; and the
 * experiment compiles with errors that name the setting.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { armOf, bucketOf, compileExperiment, scoreInExperiment } from '../../../nodes/engine/experiment';
import { compileScorer } from '../../../nodes/engine/scoring';

const emails = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `lead.${i + offset}@company${(i + offset) % 97}.example`);
const crmIds = (n: number) => Array.from({ length: n }, (_, i) => `00Q5g00000${String(100000 + i)}`);

describe('experiment arms', () => {
	it('another process assigns every lead to the same arm', () => {
		const keys = [...emails(1500), ...crmIds(500)];
		const here = keys.map((k) => armOf('webinar-weight-q1', k, 0.1));
		const child = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'arms-child.ts'), 'webinar-weight-q1', '0.1'], { input: keys.join('\n'), encoding: 'utf8' });
		assert.deepEqual(JSON.parse(child), here);
		assert.ok(here.includes('challenger') && here.includes('champion'));
	});

	it.each([5, 10, 25, 50])('gives the challenger %d %% of 10,000 leads, within 2 points, in every experiment', (percent) => {
		for (const name of ['webinar-weight-q1', 'pricing-page-2026', 'a', 'Experiment with spaces and ünïcode']) {
			for (const keys of [emails(10_000), crmIds(10_000)]) {
				const challengers = keys.filter((k) => armOf(name, k, percent / 100) === 'challenger').length;
				assert.ok(Math.abs(challengers / keys.length - percent / 100) <= 0.02, `${name}: ${challengers} of ${keys.length} for ${percent} %`);
			}
		}
	});

	it('deals each experiment anew: the challenger groups of two experiments overlap by chance only', () => {
		const keys = emails(10_000);
		const a = new Set(keys.filter((k) => armOf('first', k, 0.5) === 'challenger'));
		const both = keys.filter((k) => a.has(k) && armOf('second', k, 0.5) === 'challenger').length;
		assert.ok(Math.abs(both / keys.length - 0.25) <= 0.02, `${both} in both challenger groups`);
	});

	it('a larger share keeps every lead the smaller one had in the challenger arm', () => {
		for (const key of emails(2000)) if (armOf('x', key, 0.1) === 'challenger') assert.equal(armOf('x', key, 0.2), 'challenger');
		assert.ok(bucketOf('x', 'a') >= 0 && bucketOf('x', 'a') < 1);
	});
});

describe('compiled experiment', () => {
	const common = { decay: { kind: 'none' }, thresholds: [{ name: 'SQL', score: 70 }] };
	const champion = compileScorer({ engagement: [{ activity: 'webinar_attended', points: 10 }], ...common });
	const challengerRules = { engagement: [{ activity: 'webinar_attended', points: 80 }], ...common };
	const lead = { email: 'x@y.z', activities: [{ type: 'webinar_attended', timestamp: '2026-06-15T10:00:00Z' }] };
	const asOf = Date.parse('2026-06-15T12:00:00Z');

	it("scores with both tables and keeps the arm's score, with the arm and both models", () => {
		const experiment = compileExperiment({ name: 'webinar', sharePercent: 50, challengerRules: JSON.stringify(challengerRules) }, champion);
		const keys = emails(40);
		for (const key of keys) {
			const { score } = scoreInExperiment(experiment, key, (s) => s.score(lead, asOf, 'UTC'));
			const arm = armOf('webinar', key, 0.5);
			assert.equal(score.experiment.arm, arm);
			assert.equal(score.total, arm === 'challenger' ? 80 : 10);
			assert.equal(score.modelId, arm === 'challenger' ? experiment.challenger.modelId : champion.modelId);
			assert.deepEqual([score.experiment.champion.total, score.experiment.challenger.total], [10, 80]);
			assert.deepEqual([score.experiment.championModelId, score.experiment.challengerModelId], [champion.modelId, experiment.challenger.modelId]);
		}
	});

	it('names the setting that is wrong', () => {
		const compile = (input: Partial<Parameters<typeof compileExperiment>[0]>) => () => compileExperiment({ name: 'e', sharePercent: 10, challengerRules, ...input }, champion);
		assert.throws(compile({ name: ' ' }), /\/experiment\/name: an experiment needs a name/);
		assert.throws(compile({ sharePercent: 100 }), /\/experiment\/sharePercent: the challenger's share is a percentage above 0 and below 100, got 100/);
		assert.throws(compile({ challengerRules: '{ nope' }), /\/challengerRules: the challenger table is not valid JSON/);
		assert.throws(compile({ challengerRules: { engagement: [{ activity: 'webinar_attended', points: 'many' }] } }), /Challenger table: .*\/engagement\/0\/points: must be number/);
		assert.throws(compile({ challengerRules: { engagement: [{ activity: 'webinar_attended', points: 10 }], ...common } }), /gives the same points as the champion/);
		assert.throws(compile({ challengerRules: { ...challengerRules, fields: { activities: 'events' } } }), /reads the lead's fields differently from the champion \(activities\)/);
	});
});
