/**
 * Benchmark plumbing for a real n8n: per-node timings from each execution's own run data
 * (`runData[node][0].executionTime`), written by an n8n external hook so that no execution with
 * 100,000 items has to be saved, printed or parsed; the n8n process's memory from /proc; and
 * the machine the figures were taken on.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import type { RealN8n } from './real-n8n';

export interface ExecutionTimings {
	workflowId: string;
	executionId: string;
	status: string;
	error?: string;
	/** Node name -> its run's executionTime (ms) and the items on its first output. */
	nodes: Record<string, { ms: number; items: number }>;
}

/** A CommonJS hook file for EXTERNAL_HOOK_FILES that appends each execution's node timings to `out`. */
export function writeTimingHook(folder: string): { env: Record<string, string>; out: string } {
	const file = join(folder, 'bench-timing-hook.js');
	const out = join(folder, 'bench-timings.jsonl');
	writeFileSync(
		file,
		`const fs = require('fs');
module.exports = { workflow: { postExecute: [async function (run, workflowData, executionId) {
	const nodes = {};
	for (const [name, runs] of Object.entries((run && run.data && run.data.resultData && run.data.resultData.runData) || {})) {
		const first = runs[0] || {};
		const main = (first.data && first.data.main && first.data.main[0]) || [];
		nodes[name] = { ms: first.executionTime, items: main.length };
	}
	const error = run && run.data && run.data.resultData && run.data.resultData.error;
	fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({ workflowId: workflowData.id, executionId: String(executionId), status: run.status, error: error && error.message, nodes }) + '\\n');
}] } };
`,
	);
	return { env: { EXTERNAL_HOOK_FILES: file }, out };
}

/** Timings the hook has written so far. */
export function readTimings(out: string): ExecutionTimings[] {
	if (!existsSync(out)) return [];
	return readFileSync(out, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as ExecutionTimings);
}

/** Waits for the next execution of `workflowId` after the `seen` timings already read. */
export async function nextTimings(out: string, workflowId: string, seen: number, timeoutMs = 600_000): Promise<ExecutionTimings> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = readTimings(out)
			.slice(seen)
			.find((t) => t.workflowId === workflowId);
		if (found) return found;
		if (Date.now() > deadline) throw new Error(`no execution of ${workflowId} finished within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** The pid of `n8n start` (the main process, not its task runners). */
export function n8nPid(n8n: RealN8n): number {
	const pid = (n8n as unknown as { server?: { pid?: number } }).server?.pid;
	if (!pid) throw new Error('n8n is not started');
	return pid;
}

/** A field of /proc/<pid>/status in MiB (VmRSS, VmHWM); 0 when the process is gone. */
export function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	try {
		const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
		return match ? Number(match[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

/** The process and its descendants (the task runners n8n spawns). */
function tree(pid: number): number[] {
	const all = [pid];
	for (let i = 0; i < all.length; i++) {
		try {
			for (const task of readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').split(/\s+/).filter(Boolean)) all.push(Number(task));
		} catch {
			// gone
		}
	}
	return all;
}

/** Samples the RSS of n8n's process tree every 50 ms until stopped; returns the peak in MiB. */
export function sampleTreeRss(pid: number): () => number {
	let peak = 0;
	const take = () => {
		peak = Math.max(peak, tree(pid).reduce((sum, p) => sum + procMiB(p, 'VmRSS'), 0));
	};
	take();
	const timer = setInterval(take, 50);
	return () => {
		clearInterval(timer);
		take();
		return peak;
	};
}

/** The machine, for every printed figure: cores and the load average at the time. */
export function machine(): string {
	const [one, five] = loadavg();
	return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), load average ${one.toFixed(2)} / ${five.toFixed(2)} (1 / 5 min), Node ${process.version}`;
}

/** The n8n version the binary reports in its package.json. */
export function n8nVersion(n8nBin: string): string {
	try {
		return (JSON.parse(readFileSync(join(n8nBin, '../../package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

export const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const percentile = (values: number[], p: number): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
