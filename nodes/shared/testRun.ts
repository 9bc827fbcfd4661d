/**
 * Test runs from the editor. A manual execution (Test workflow, Test step) of a node that keeps
 * state shows what would happen, with the same decisions, reasons, owner and due time, but keeps
 * nothing: no fire-once hand-off, no round-robin turn, no rep load, no recorded activity or score.
 * So a user who tries the workflow, fixes a credential further down and tries again gets the same
 * answer instead of "already handed off". The node's "Record Test Runs" option keeps them.
 * Executions started any other way (webhook, trigger, schedule, `n8n execute`) always record.
 *
 * How: the node's store work for the whole run goes through one store transaction that is rolled
 * back when the node's items are done (see HandoffStore.preview), so the decisions are made by
 * the very code production runs, and items of one lead in one run see each other. A node that
 * starts state of its own (SLA timers) does the same through `withStoreRun`.
 *
 * Always real, test run or not: Lead Enrich's company-data cache (facts about a company, not a
 * lead's state; keeping them saves a paid lookup and changes no decision) and Lead Handoff Data's
 * Erase and Release (a user who tests them on a lead means it).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandoffStore } from '../store';

/**
 * The "Record Test Runs" option, in the Options of every node that keeps state; `kept` says what
 * that node records.
 */
export function recordTestRunsOption(kept: string): INodeProperties {
	return {
		displayName: 'Record Test Runs',
		name: 'recordTestRuns',
		type: 'boolean',
		default: false,
		description: `Whether a test run from the editor records ${kept}, as a live run does. Off, a test run shows the same result but keeps nothing, so it can be run again and again with the same answer. Live runs (webhooks, triggers, schedules) always record.`,
	};
}

/** What a test run that kept nothing adds to its result, so nobody takes it for a real hand-off. */
export const TEST_RUN_MARK: IDataObject = {
	test: true,
	testNote: 'Test run from the editor: nothing was recorded (no hand-off, round-robin turn, rep load, SLA timer or activity was kept). Live runs record; to record test runs too, turn on Record Test Runs in the Options.',
};

/** Whether this execution is a test run from the editor (n8n's 'manual' mode). */
export function isEditorTestRun(ctx: Pick<IExecuteFunctions, 'getMode'>): boolean {
	return ctx.getMode() === 'manual';
}

/**
 * One node execution's store work: real, or (a test run that records nothing) inside one
 * transaction rolled back by `end()`. Call `end()` once the items are done, whatever happened.
 */
export class StoreRun {
	private session: Promise<{ store: HandoffStore; finish: () => Promise<void> }> | undefined;

	constructor(
		/** True when nothing this run does to the store may be kept. */
		readonly preview: boolean,
	) {}

	/** The store this run works on: `store` itself, or its test-run view. */
	async use(store: HandoffStore): Promise<HandoffStore> {
		if (!this.preview) return store;
		this.session ??= begin(store);
		return (await this.session).store;
	}

	/** Marks a result as a test run's, when it is one. */
	mark(result: IDataObject): IDataObject {
		return this.preview ? { ...result, ...TEST_RUN_MARK } : result;
	}

	/** Rolls a test run back; nothing to do for a real one. */
	async end(): Promise<void> {
		const session = this.session;
		this.session = undefined;
		if (!session) return;
		const opened = await session.catch(() => undefined);
		await opened?.finish();
	}
}

/** A test-run view of `store`, held open until `finish()` rolls it back. */
async function begin(store: HandoffStore): Promise<{ store: HandoffStore; finish: () => Promise<void> }> {
	let finish!: () => void;
	const finished = new Promise<void>((resolve) => (finish = resolve));
	let opened!: (view: HandoffStore) => void;
	const ready = new Promise<HandoffStore>((resolve) => (opened = resolve));
	const whole = store.preview(async (view) => {
		opened(view);
		await finished;
	});
	const view = await Promise.race([ready, whole.then(() => undefined)]);
	if (!view) throw new Error('The store ended a test run before it began.');
	return {
		store: view,
		finish: async () => {
			finish();
			await whole;
		},
	};
}

/**
 * Runs a node's item loop with its store run: a test run from the editor records nothing unless
 * the node's Record Test Runs option is on.
 */
export async function withStoreRun<T>(ctx: IExecuteFunctions, body: (run: StoreRun) => Promise<T>): Promise<T> {
	const record = ctx.getNodeParameter('options.recordTestRuns', 0, false) === true;
	const run = new StoreRun(isEditorTestRun(ctx) && !record);
	try {
		return await body(run);
	} finally {
		await run.end();
	}
}
