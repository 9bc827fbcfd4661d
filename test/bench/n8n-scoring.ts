/**
 * Scoring inside a real n8n, side by side: 1,000, 20,000 and 100,000 generated leads with 20
 * rules through Lead Score, through the same rules hand-written in a Code node (decay included),
 * and through a NoOp node (n8n's own per-item cost). Each node's time is the execution's own
 * per-node timing; the raw engine loop is measured in this process. Prints the goals as met or
 * missed, the n8n process's peak memory on 100,000 leads against NoOp's, and how many leads the
 * Code node scores differently from Lead Score, and why.
 *
 *   node --import tsx test/bench/n8n-scoring.ts
 *   BENCH_SIZES=1000,20000 BENCH_REPEAT=3  smaller or more runs
 *   BENCH_CPU_PROF=/tmp/prof               n8n runs with --cpu-prof, profiles written there on stop
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compileScorer, type LeadScoreResult } from '../../nodes/engine/scoring';
import { machine, median, n8nPid, n8nVersion, nextTimings, procMiB, readTimings, sampleTreeRss, writeTimingHook } from '../helpers/n8n-bench';
import { n8nBinary, RealN8n } from '../helpers/real-n8n';
import { SCORE_FUNCTION } from '../helpers/code-node-scoring';
import { ACTIVITIES, DOMAINS, INDUSTRIES, makeLeads, TITLES, TWENTY_RULES } from './leads';

const SIZES = (process.env.BENCH_SIZES ?? '1000,20000,100000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

// The generator of leads.ts (its lists, its sequence), as a Code node: the leads reach the measured node from a Code node,
// as an import or a CRM sync would bring them.
const GENERATE = `
const count = Number($input.first().json.body.count);
const now = Date.now();
let state = 42;
const random = () => {
	state = (state + 0x6d2b79f5) >>> 0;
	let t = state;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const TITLES = ${JSON.stringify(TITLES)};
const INDUSTRIES = ${JSON.stringify(INDUSTRIES)};
const DOMAINS = ${JSON.stringify(DOMAINS)};
const ACTIVITIES = ${JSON.stringify(ACTIVITIES)};
const items = [];
for (let i = 0; i < count; i++) {
	items.push({ json: {
		id: i,
		email: 'lead' + i + '@' + pick(DOMAINS),
		jobTitle: pick(TITLES),
		industry: pick(INDUSTRIES),
		companySize: Math.floor(random() * 2000),
		country: pick(['US', 'DE', 'GB', 'IN']),
		unsubscribed: random() < 0.05,
		activities: Array.from({ length: Math.floor(random() * 12) }, () => ({ ...pick(ACTIVITIES), timestamp: new Date(now - Math.floor(random() * 90 * 86400000)).toISOString() })),
	} });
}
return items;
`;

const CODE_SCORER = `${SCORE_FUNCTION}
const now = Date.now();
return $input.all().map((item) => ({ json: { ...item.json, score: scoreLead(item.json, now) } }));
`;

type Variant = 'noop' | 'leadScore' | 'code';
const MEASURED: Record<Variant, string> = { noop: 'NoOp', leadScore: 'Lead Score', code: 'Score in Code' };

function workflow(variant: Variant): Record<string, unknown> {
	const measured =
		variant === 'noop'
			? { name: MEASURED.noop, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }
			: variant === 'leadScore'
				? { name: MEASURED.leadScore, type: 'n8n-nodes-lead-handoff.leadScore', typeVersion: 2, parameters: { rulesSource: 'json', rulesJson: JSON.stringify(TWENTY_RULES) } }
				: { name: MEASURED.code, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: CODE_SCORER } };
	return {
		name: `Bench: scoring (${variant})`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveDataErrorExecution: 'none', saveManualExecutions: false },
		nodes: [
			{ id: 'a0000000-0000-4000-8000-000000000001', name: 'Leads In', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `bench-${variant}`, parameters: { httpMethod: 'POST', path: `bench-scoring-${variant}`, responseMode: 'onReceived', options: {} } },
			{ id: 'a0000000-0000-4000-8000-000000000002', name: 'Generate Leads', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: GENERATE } },
			{ id: 'a0000000-0000-4000-8000-000000000003', position: [440, 0], ...measured },
		],
		connections: {
			'Leads In': { main: [[{ node: 'Generate Leads', type: 'main', index: 0 }]] },
			'Generate Leads': { main: [[{ node: measured.name, type: 'main', index: 0 }]] },
		},
	};
}

interface Run {
	ms: number;
	items: number;
	/** Peak RSS of n8n's process tree during the run (MiB). */
	treePeak: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const perSecond = (items: number, ms: number) => fmt(items / (ms / 1000));

/** Engine loop in this process over the same number of leads: compile once, score each (warm). */
function engineLoopMs(count: number): number {
	const now = Date.now();
	const leads = makeLeads(count, now);
	const loop = () => {
		const scorer = compileScorer(TWENTY_RULES);
		let sum = 0;
		for (const lead of leads) sum += scorer.score(lead, now, 'UTC').total;
		return sum;
	};
	loop();
	const start = performance.now();
	loop();
	return performance.now() - start;
}

/** Leads the Code node scores differently from Lead Score, by the rule group that differs. */
function differences(count: number): string[] {
	const now = Date.now();
	const leads = makeLeads(count, now);
	const scoreLead = new Function(`${SCORE_FUNCTION}\nreturn scoreLead;`)() as (lead: unknown, now: number) => { total: number; fit: number; engagement: number; negative: number; seniority: number };
	const scorer = compileScorer(TWENTY_RULES);
	let differ = 0;
	const by = { seniority: 0, otherFit: 0, negative: 0, engagement: 0, cap: 0 };
	const titles = new Map<string, number>();
	for (const lead of leads) {
		const engine: LeadScoreResult = scorer.score(lead, now, 'UTC');
		const code = scoreLead(lead, now);
		// Below half a point is rounding (Lead Score rounds each line to cents), not a different score.
		if (Math.abs(engine.total - code.total) < 0.5) continue;
		differ++;
		const engineSeniority = engine.breakdown.filter((l) => l.label === 'Director+ title').reduce((s, l) => s + l.points, 0);
		if (engineSeniority !== code.seniority) {
			by.seniority++;
			titles.set(String(lead.jobTitle), (titles.get(String(lead.jobTitle)) ?? 0) + 1);
		} else if (engine.fit !== code.fit) by.otherFit++;
		if (engine.negative !== code.negative) by.negative++;
		if (Math.abs(engine.engagement - code.engagement) >= 0.5) by.engagement++;
	}
	return [
		`Code node vs Lead Score on ${fmt(count)} leads: ${fmt(differ)} leads (${((100 * differ) / count).toFixed(1)}%) get a total different by half a point or more`,
		`  title seniority: ${fmt(by.seniority)} (the regex misses ${[...titles.keys()].map((t) => `"${t}"`).join(', ') || 'nothing'}; Lead Score's title classifier counts them as Director+)`,
		`  other fit rules: ${fmt(by.otherFit)}; free-mail / negative rules: ${fmt(by.negative)} (a 6-domain list against Lead Score's maintained list; the generated leads use only gmail.com and yahoo.com)`,
		`  engagement (decay and caps): ${fmt(by.engagement)} (the Code node caps only the last 30 days and in array order; Lead Score caps every 30-day window, newest first, then decays what it counted)`,
	];
}

async function main(): Promise<void> {
	const bin = n8nBinary();
	console.log(`Scoring in a real n8n ${n8nVersion(bin)}: ${SIZES.map(fmt).join(', ')} leads, 20 rules, median of ${REPEAT} runs (100,000: one run in a fresh n8n per node, for memory)`);
	console.log(`machine: ${machine()}`);
	const hookDir = mkdtempSync(join(tmpdir(), 'lead-handoff-bench-'));
	const hook = writeTimingHook(hookDir);
	const env: Record<string, string> = { ...hook.env, N8N_PAYLOAD_SIZE_MAX: '512', N8N_RUNNERS_MAX_PAYLOAD: String(2 * 1024 ** 3) };
	if (PROFILE_DIR) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}`;
	const n8n = await RealN8n.create({ env });
	const variants: Variant[] = ['noop', 'leadScore', 'code'];
	const ids = await n8n.importWorkflows(variants.map(workflow));
	const idOf = Object.fromEntries(variants.map((v, i) => [v, ids[i]])) as Record<Variant, string>;

	const once = async (variant: Variant, count: number): Promise<Run> => {
		const seen = readTimings(hook.out).length;
		const stopSampling = sampleTreeRss(n8nPid(n8n));
		const res = await n8n.callWebhook(`bench-scoring-${variant}`, { count });
		if (res.status !== 200) throw new Error(`webhook ${variant}: ${res.status} ${JSON.stringify(res.body)}`);
		const timings = await nextTimings(hook.out, idOf[variant], seen);
		const treePeak = stopSampling();
		if (timings.status !== 'success') throw new Error(`${variant} on ${count}: ${timings.status} ${timings.error ?? ''}`);
		const node = timings.nodes[MEASURED[variant]];
		if (node.items !== count) throw new Error(`${variant}: ${node.items} items out, ${count} in`);
		return { ms: node.ms, items: node.items, treePeak };
	};

	try {
		await n8n.start();
		for (const v of variants) await n8n.activate(idOf[v]);
		const rows: string[] = [];
		const goals: string[] = [];
		const memory: string[] = [];
		for (const count of SIZES) {
			const fresh = count >= 100_000;
			const runs: Record<Variant, Run[]> = { noop: [], leadScore: [], code: [] };
			const engineRuns: number[] = [];
			const hwm: Partial<Record<Variant, number>> = {};
			for (let r = 0; r < (fresh ? 1 : REPEAT); r++) {
				for (const v of variants) {
					if (fresh) {
						// A fresh n8n per node: its high-water mark is this run's.
						await n8n.stop();
						await n8n.start();
					}
					runs[v].push(await once(v, count));
					if (fresh) hwm[v] = procMiB(n8nPid(n8n), 'VmHWM');
				}
				engineRuns.push(engineLoopMs(count));
			}
			const engine = median(engineRuns);
			const ms = (v: Variant) => median(runs[v].map((run) => run.ms));
			const [noop, score, code] = [ms('noop'), ms('leadScore'), ms('code')];
			const first = runs.leadScore[0].ms;
			rows.push(
				`${fmt(count).padStart(7)} leads  Lead Score ${fmt(score).padStart(6)} ms (${perSecond(count, score)}/s; first run ${fmt(first)} ms)  Code ${fmt(code).padStart(6)} ms (${perSecond(count, code)}/s)  NoOp ${fmt(noop).padStart(5)} ms  engine loop ${fmt(engine).padStart(5)} ms (${perSecond(count, engine)}/s)`,
			);
			const faster = code / score;
			const overhead = score / (noop + engine);
			goals.push(`${fmt(count).padStart(7)} leads  Lead Score vs Code node: ${faster.toFixed(1)}x faster (goal >= 3x): ${faster >= 3 ? 'met' : 'MISSED'}`);
			goals.push(`${fmt(count).padStart(7)} leads  Lead Score vs NoOp + engine loop: ${overhead.toFixed(2)}x (goal <= 1.5x): ${overhead <= 1.5 ? 'met' : 'MISSED'}`);
			if (fresh) {
				memory.push(`${fmt(count)} leads, peak RSS of the n8n process (VmHWM, fresh process per node): Lead Score ${fmt(hwm.leadScore ?? 0)} MiB, NoOp ${fmt(hwm.noop ?? 0)} MiB (${((hwm.leadScore ?? 0) / (hwm.noop || 1)).toFixed(2)}x), Code node ${fmt(hwm.code ?? 0)} MiB`);
				memory.push(`  with the task runners (sampled RSS of the process tree): Lead Score ${fmt(runs.leadScore[0].treePeak)} MiB, NoOp ${fmt(runs.noop[0].treePeak)} MiB, Code node ${fmt(runs.code[0].treePeak)} MiB`);
			}
		}
		for (const line of [...rows, ...goals, ...memory]) console.log(line);
		for (const line of differences(Math.min(20_000, Math.max(...SIZES)))) console.log(line);
		console.log(`machine after: ${machine()}`);
	} finally {
		await n8n.dispose();
		rmSync(hookDir, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
