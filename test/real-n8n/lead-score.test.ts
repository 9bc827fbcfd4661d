/**
 * Lead Score in a real n8n, installed from the packed tarball as a user installs it: a workflow
 * (Manual Trigger -> Code node emitting leads -> Lead Score with default parameters) imported and
 * run with `n8n execute`.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { PACKAGE_NAME, RealN8n, type Execution } from '../helpers/real-n8n';

interface Score {
	total: number;
	fit: number;
	engagement: number;
	negative: number;
	velocity: number;
	grade: string;
	breakdown: Array<{ rule: string; group: string; points: number; why: string; activity?: unknown }>;
	modelId: string;
	asOf: string;
}

const WORKFLOW = join(__dirname, 'workflows', 'lead-score-defaults.json');

describe('Lead Score in a real n8n', () => {
	let n8n: RealN8n;
	let workflowId: string;
	let run: Execution;
	let leads: Array<Record<string, unknown> & { email: string; score: Score }>;

	beforeAll(async () => {
		n8n = await RealN8n.create();
		workflowId = await n8n.importWorkflow(WORKFLOW);
		run = await n8n.execute(workflowId);
		assert.equal(run.status, 'success', run.error?.message);
		leads = run.json('Lead Score') as typeof leads;
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('every lead comes out, in order, with its input and a score whose breakdown adds up to the total', () => {
		const input = run.json('Leads');
		assert.equal(leads.length, input.length);
		leads.forEach((lead, i) => {
			const { score, ...rest } = lead;
			assert.deepEqual(rest, input[i], `lead ${i} keeps its input`);
			for (const key of ['total', 'fit', 'engagement', 'negative', 'velocity'] as const) assert.ok(Number.isFinite(score[key]), `${lead.email}: ${key} is a number`);
			assert.match(score.grade, /^[A-D][1-4]$/);
			assert.match(score.modelId, /\S/);
			assert.ok(!Number.isNaN(Date.parse(score.asOf)), `${lead.email}: asOf is a time`);
			assert.ok(score.breakdown.length > 0, `${lead.email}: the score is explained`);
			const sum = score.breakdown.reduce((total, entry) => total + entry.points, 0);
			assert.ok(Math.abs(sum - score.total) < 0.011, `${lead.email}: breakdown adds up to ${sum}, total is ${score.total}`);
			for (const entry of score.breakdown) assert.ok(entry.rule && entry.why, `${lead.email}: every entry names its rule and why`);
		});
		assert.equal(new Set(leads.map((l) => l.score.modelId)).size, 1, 'one model scored them all');
	});

	it('a VP at a 200-person software company who saw pricing outscores a student with a gmail address', () => {
		const vp = leads.find((l) => l.email === 'vp@acme-software.com')!;
		const student = leads.find((l) => l.email === 'sam.student@gmail.com')!;
		assert.ok(vp.score.total > student.score.total, `${vp.score.total} > ${student.score.total}`);
		assert.ok(vp.score.breakdown.some((e) => e.rule.includes('pricing')), 'the pricing visit counted');
		assert.ok(student.score.negative < 0, 'the student title and free mail domain cost points');
		assert.ok(vp.score.grade < student.score.grade, `grade ${vp.score.grade} is better than ${student.score.grade}`);
	});

	it('n8n ran the node from the installed tarball, and finds it nowhere else', async () => {
		const installed = n8n.packageDir;
		assert.ok(!lstatSync(installed).isSymbolicLink(), 'a copy, not a link into the source tree');
		const lock = JSON.parse(readFileSync(join(n8n.folder, '.n8n', 'nodes', 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
		assert.match(lock.packages[`node_modules/${PACKAGE_NAME}`].resolved ?? '', /\.tgz$/, 'npm installed it from the tarball');
		assert.ok(existsSync(join(installed, 'dist/nodes/LeadScore/LeadScore.node.js')));
		assert.ok(!existsSync(join(installed, 'nodes')) && !readdirSync(installed).includes('test'), 'no sources or tests in the package');

		// Moved out of n8n's nodes folder, the package is gone for n8n: the same workflow fails.
		const aside = join(n8n.folder, 'package-aside');
		renameSync(installed, aside);
		try {
			const without = await n8n.execute(workflowId);
			assert.equal(without.status, 'error');
			assert.match(without.error?.message ?? '', /Unrecognized node type: n8n-nodes-lead-handoff\.leadScore/);
		} finally {
			renameSync(aside, installed);
		}
	});
});
