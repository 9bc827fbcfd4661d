/**
 * A deterministic stream of webhook events for concurrency tests and the ingest benchmark:
 * `unique` distinct activities over `leads` leads, plus `duplicates` redeliveries of some of
 * them, shuffled. Writers ingest it the way the Lead Score node writes: items of one execution
 * grouped per lead, one `recordActivities` call per lead.
 */
import type { HandoffStore, LedgerActivityInput } from '../../nodes/store';

export interface WorkloadEvent {
	lead: string;
	activity: LedgerActivityInput;
}

export interface Workload {
	events: WorkloadEvent[];
	/** The distinct activity keys of each lead: what the ledger must hold afterwards. */
	expected: Map<string, Set<string>>;
	unique: number;
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const TYPES = ['page_view', 'email_open', 'email_click', 'webinar_attended', 'form_submit', 'demo_request'];
const T0 = Date.parse('2026-06-01T00:00:00Z');

export function makeWorkload(options: { leads: number; unique: number; duplicates: number; seed?: number }): Workload {
	const random = mulberry32(options.seed ?? 42);
	const originals: WorkloadEvent[] = [];
	const expected = new Map<string, Set<string>>();
	for (let i = 0; i < options.unique; i++) {
		const lead = `lead-${i % options.leads}`;
		const key = `evt-${i.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`;
		const type = TYPES[Math.floor(random() * TYPES.length)];
		originals.push({
			lead,
			activity: {
				key,
				type,
				at: T0 + Math.floor(random() * 30 * 86_400_000),
				data: { url: `https://example.com/${type}/${i}`, campaign: `c${i % 7}`, utm_source: i % 2 ? 'linkedin' : 'google' },
			},
		});
		if (!expected.has(lead)) expected.set(lead, new Set());
		expected.get(lead)!.add(key);
	}
	const events = [...originals];
	for (let i = 0; i < options.duplicates; i++) events.push(originals[Math.floor(random() * originals.length)]);
	for (let i = events.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[events[i], events[j]] = [events[j], events[i]];
	}
	return { events, expected, unique: options.unique };
}

/** Deals the events out to `count` writers, like a queue handing executions to workers. */
export function splitStreams(events: WorkloadEvent[], count: number): WorkloadEvent[][] {
	const streams: WorkloadEvent[][] = Array.from({ length: count }, () => []);
	events.forEach((event, i) => streams[i % count].push(event));
	return streams;
}

/** Ingests a stream in executions of `itemsPerExecution` items, one call per lead per execution. */
export async function ingest(store: HandoffStore, stream: WorkloadEvent[], itemsPerExecution = 50): Promise<{ inserted: number; duplicates: number; calls: number }> {
	const total = { inserted: 0, duplicates: 0, calls: 0 };
	for (let start = 0; start < stream.length; start += itemsPerExecution) {
		const byLead = new Map<string, LedgerActivityInput[]>();
		for (const { lead, activity } of stream.slice(start, start + itemsPerExecution)) {
			if (!byLead.has(lead)) byLead.set(lead, []);
			byLead.get(lead)!.push(activity);
		}
		for (const [lead, activities] of byLead) {
			const result = await store.recordActivities('default', lead, activities);
			total.inserted += result.inserted;
			total.duplicates += result.duplicates;
			total.calls++;
		}
	}
	return total;
}
