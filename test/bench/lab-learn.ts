/**
 * The scoring lab's learning speed: a point table learned from 100,000 generated closed leads
 * (attributes, activities, outcomes), the goal being under 5 s. Prints the time of learning
 * alone and of the whole lab (learning, the random and the time-ordered holdout with their
 * bootstrap intervals, the drift check), measured in this run.
 *
 *   npm run bench        (or: node --import tsx test/bench/lab-learn.ts [count])
 */
import os from 'node:os';

import { learnTable, runLab } from '../../nodes/engine/lab';
import { START, SYNTHETIC_TABLE, syntheticRows } from '../engine/lab/synthetic';

const count = Number(process.argv[2] ?? 100_000);
const rows = syntheticRows(count);
const options = { current: SYNTHETIC_TABLE, asOf: START };

/** Wall-clock seconds, and CPU seconds of this process (what the run costs on a machine it has to itself). */
function time<T>(run: () => T): { seconds: number; cpu: number; result: T } {
	const start = process.hrtime.bigint();
	const cpuStart = process.cpuUsage();
	const result = run();
	const cpu = process.cpuUsage(cpuStart);
	return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, result };
}

const activities = rows.reduce((n, r) => n + (r.lead.activities as unknown[]).length, 0);
console.log(`Learning from ${count.toLocaleString('en-US')} closed leads (${activities.toLocaleString('en-US')} activities), Node ${process.version}`);
learnTable(rows.slice(0, 5000), options); // warm-up
const learned = time(() => learnTable(rows, options));
const goal = learned.seconds < 5 ? 'met' : learned.cpu < 5 ? 'met in CPU time, wall time slowed by other processes' : 'NOT met';
console.log(`learn a table                            ${learned.seconds.toFixed(2)} s  (CPU ${learned.cpu.toFixed(2)} s; ${learned.result.ruleCount} rules; goal under 5 s: ${goal})`);
const lab = time(() => runLab(rows, options));
console.log(`whole lab (2 learns, 2 holdouts, drift)  ${lab.seconds.toFixed(2)} s  (CPU ${lab.cpu.toFixed(2)} s; holdout AUC ${lab.result.random.current.auc.toFixed(3)} current, ${lab.result.random.proposal.auc.toFixed(3)} learned)`);
console.log(`(the machine's load average: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; wall time grows with it, CPU time does not)`);
