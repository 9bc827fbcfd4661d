/**
 * Lead Score throughput: 100,000 leads against 20 rules. Prints items per second, and the
 * ratio to scoring that recompiles the rules for every lead (what a Code node that builds its
 * rules inside the item loop does), measured side by side in this run.
 *
 *   npm run bench        (or: node --import tsx test/bench/score.ts [count])
 */
import { compileScorer } from '../../nodes/engine/scoring';
import { makeLeads, TWENTY_RULES } from './leads';

const count = Number(process.argv[2] ?? 100_000);
const now = Date.parse('2026-06-15T12:00:00Z');
const leads = makeLeads(count, now);
const ruleCount = (TWENTY_RULES.fit?.length ?? 0) + (TWENTY_RULES.engagement?.length ?? 0) + (TWENTY_RULES.negative?.length ?? 0);

function time(label: string, items: number, run: () => number): number {
	run(); // warm-up
	const start = process.hrtime.bigint();
	const checksum = run();
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	const perSecond = items / seconds;
	console.log(`${label.padEnd(42)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} leads/s  (${seconds.toFixed(2)} s, checksum ${checksum.toFixed(2)})`);
	return perSecond;
}

console.log(`Scoring ${count.toLocaleString('en-US')} leads (${leads.reduce((n, l) => n + (l.activities as unknown[]).length, 0).toLocaleString('en-US')} activities) with ${ruleCount} rules, Node ${process.version}`);
const compiledOnce = time('rules compiled once per execution', count, () => {
	const scorer = compileScorer(TWENTY_RULES);
	let sum = 0;
	for (const lead of leads) sum += scorer.score(lead, now, 'UTC').total;
	return sum;
});
const sample = leads.slice(0, Math.max(1, Math.floor(count / 20)));
const perItem = time(`rules compiled for every lead (${sample.length} leads)`, sample.length, () => {
	let sum = 0;
	for (const lead of sample) sum += compileScorer(TWENTY_RULES).score(lead, now, 'UTC').total;
	return sum;
});
console.log(`ratio: compiling once is ${(compiledOnce / perItem).toFixed(1)}x faster than compiling per lead`);
