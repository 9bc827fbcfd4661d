/**
 * Per-item error handling shared by every node: n8n sends an item to the error output only
 * when the node caught the error itself, so each node catches per item and uses these.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { LeadDataError, ProtocolError } from '../engine/common/errors';
import { StoreError } from '../store/errors';

/** Wraps an engine error for n8n: names the item, and keeps the field and expectation. */
export function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex?: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	if (error instanceof ProtocolError) {
		return new NodeOperationError(ctx.getNode(), `Invalid protocol: ${message}`, {
			description: 'Fix the rules in the node parameters; no item was processed.',
		});
	}
	const where = itemIndex === undefined ? '' : `Item ${itemIndex}: `;
	return new NodeOperationError(ctx.getNode(), `${where}${message}`, {
		itemIndex,
		// The value goes in the description, which n8n shows but does not log; so do the lead's
		// key and the hand-off's key a store error names.
		description: error instanceof LeadDataError ? `The field "${error.field}" of item ${itemIndex} must be ${error.expected}; it is ${error.shown}.` : error instanceof StoreError ? error.description : undefined,
	});
}

/**
 * The item that leaves on the error output (or on the node's failed-item output under
 * "Continue (regular output)"): the input fields and binary data, kept so nothing is lost, plus
 * `error` (the message) and, for bad data, `details` with the field at fault and what it must be.
 *
 * On the error output n8n merges the input item's fields in by itself, and it recognises an
 * error item only when its json holds nothing but `error`, `message` and `details`; setting
 * `item.error` instead would make n8n replace the json with the message alone.
 */
export function errorItem(ctx: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, error: unknown): INodeExecutionData {
	const nodeError = toNodeError(ctx, error, itemIndex);
	const errorJson: IDataObject = {
		error: nodeError.message,
		...(error instanceof LeadDataError ? { details: { item: itemIndex, field: error.field, expected: error.expected } } : {}),
	};
	const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	return outputItem(item, itemIndex, toErrorOutput ? errorJson : { ...item.json, ...errorJson });
}

/** An output item for input item `itemIndex`: new json, the input's binary data unchanged (as n8n's If and Switch keep it). */
function outputItem(input: INodeExecutionData, itemIndex: number, json: IDataObject): INodeExecutionData {
	return { json, ...(input.binary ? { binary: input.binary } : {}), pairedItem: { item: itemIndex } };
}

/** Where one input item goes: the output index and the JSON it leaves with. */
export interface Routed {
	output: number;
	json: IDataObject;
}

/** What an execution's `prepare` took and gives back when its item loop ends (store leases). */
const afterItems = new WeakMap<IExecuteFunctions, Array<() => void>>();

/** Runs `done` when this execution's item loop (processItems) is over, however it ended. */
export function whenItemsDone(ctx: IExecuteFunctions, done: () => void): void {
	const list = afterItems.get(ctx);
	if (list) list.push(done);
	else afterItems.set(ctx, [done]);
}

/**
 * The item loop every node shares. `prepare` runs once per execution (compile the protocol,
 * open the store); if it fails, the run stops, or under "continue on fail" every item leaves
 * with that error, so none is lost and none passes on unprocessed. Each item is handled in
 * turn and leaves on exactly one output, with pairedItem set and its binary data kept, or as
 * an error item.
 *
 * A failed item leaves on `failedOutput`: under "Continue (using error output)" n8n moves it to
 * the error output from there; under "Continue (regular output)" it stays there, so a node
 * with several outputs names one that contacts nobody (never Hand Off or Hot, which would
 * notify a rep about a lead that was never judged).
 */
export async function processItems<P>(
	ctx: IExecuteFunctions,
	outputCount: number,
	prepare: () => P | Promise<P>,
	handle: (item: INodeExecutionData, itemIndex: number, prepared: P) => Routed | Promise<Routed>,
	failedOutput = 0,
): Promise<INodeExecutionData[][]> {
	return withItemsDone(ctx, () => processEach(ctx, outputCount, prepare, handle, failedOutput));
}

/** Runs the item loop, then what was registered with `whenItemsDone` (a store lease given back). */
async function withItemsDone(ctx: IExecuteFunctions, loop: () => Promise<INodeExecutionData[][]>): Promise<INodeExecutionData[][]> {
	try {
		return await loop();
	} finally {
		const done = afterItems.get(ctx) ?? [];
		afterItems.delete(ctx);
		for (const give of done) give();
	}
}

/**
 * The execution's preparation: its result, or, when it failed under "continue on fail", the
 * outputs with every item on `failedOutput` with that error (none lost, none passed on).
 */
async function prepareForItems<P>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	outputs: INodeExecutionData[][],
	prepare: () => P | Promise<P>,
	failedOutput: number,
): Promise<{ prepared: P } | { failed: INodeExecutionData[][] }> {
	try {
		return { prepared: await prepare() };
	} catch (error) {
		if (!ctx.continueOnFail()) throw toNodeError(ctx, error);
		outputs[failedOutput] = items.map((item, index) => errorItem(ctx, item, index, error));
		return { failed: outputs };
	}
}

/**
 * `processItems` for a node whose items each make one store call that is faster made together
 * (Tier Router's assignments): the handlers of up to `window` items run side by side, and what
 * they pass to `together` is run as one `runTogether` call, in item order, once every handler of
 * the window has finished or is waiting in `together`. `runTogether` returns a result per request
 * up to the first that failed (an Error); the requests after it were not attempted.
 *
 * The rules of processItems hold: every item leaves on one output or as an error item; without
 * "continue on fail" the first failed item stops the node, and no request of a later item is run
 * (as if the items had run one after the other); with it, the requests after a failed one run.
 */
export async function processItemsTogether<P, R, O>(
	ctx: IExecuteFunctions,
	outputCount: number,
	prepare: () => P | Promise<P>,
	handle: (item: INodeExecutionData, itemIndex: number, prepared: P, together: (request: R) => Promise<O>) => Routed | Promise<Routed>,
	runTogether: (requests: R[], prepared: P) => Promise<Array<O | Error>>,
	failedOutput = 0,
	window = 1000,
): Promise<INodeExecutionData[][]> {
	return withItemsDone(ctx, () => processTogether(ctx, outputCount, prepare, handle, runTogether, failedOutput, window));
}

/** A request of an item that was not run because an earlier item failed. */
class NotAttempted extends Error {}

async function processTogether<P, R, O>(
	ctx: IExecuteFunctions,
	outputCount: number,
	prepare: () => P | Promise<P>,
	handle: (item: INodeExecutionData, itemIndex: number, prepared: P, together: (request: R) => Promise<O>) => Routed | Promise<Routed>,
	runTogether: (requests: R[], prepared: P) => Promise<Array<O | Error>>,
	failedOutput: number,
	window: number,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	const preparation = await prepareForItems(ctx, items, outputs, prepare, failedOutput);
	if ('failed' in preparation) return preparation.failed;
	const { prepared } = preparation;
	const continueOnFail = ctx.continueOnFail();
	for (let from = 0; from < items.length; from += window) {
		const indexes = Array.from({ length: Math.min(window, items.length - from) }, (_, i) => from + i);
		const settled = new Map<number, { routed: Routed } | { error: unknown }>();
		const waiting = new Map<number, { request: R; resolve: (o: O) => void; reject: (e: unknown) => void }>();
		let wake: (() => void) | undefined;
		const ready = () => indexes.every((i) => settled.has(i) || waiting.has(i));
		const changed = () => {
			if (wake && ready()) {
				const w = wake;
				wake = undefined;
				w();
			}
		};
		for (const i of indexes) {
			const together = (request: R) =>
				new Promise<O>((resolve, reject) => {
					waiting.set(i, { request, resolve, reject });
					changed();
				});
			Promise.resolve()
				.then(() => handle(items[i], i, prepared, together))
				.then(
					(routed) => settled.set(i, { routed }),
					(error: unknown) => settled.set(i, { error }),
				)
				.finally(changed);
		}
		while (settled.size < indexes.length) {
			if (!ready()) await new Promise<void>((resolve) => (wake = resolve));
			if (waiting.size === 0) continue;
			const batch = [...waiting.entries()].sort(([a], [b]) => a - b);
			waiting.clear();
			// Without "continue on fail", nothing after the first failed item may run.
			const firstFailed = continueOnFail ? Infinity : Math.min(...[...settled].filter(([, s]) => 'error' in s).map(([i]) => i));
			const run = batch.filter(([i]) => i < firstFailed);
			for (const [i, w] of batch) if (i >= firstFailed) w.reject(new NotAttempted(`Item ${i} was not run`));
			if (run.length === 0) continue;
			let results: Array<O | Error>;
			try {
				results = await runTogether(run.map(([, w]) => w.request), prepared);
			} catch (error) {
				results = [error instanceof Error ? error : new Error(String(error))];
			}
			run.forEach(([i, w], j) => {
				const result = results[j];
				if (result === undefined) {
					// Not attempted after a failure: run again with the next batch, or never.
					if (continueOnFail) waiting.set(i, w);
					else w.reject(new NotAttempted(`Item ${i} was not run`));
				} else if (result instanceof Error) w.reject(result);
				else w.resolve(result);
			});
			// Let the handlers take their results before checking who is ready.
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
		for (const i of indexes) {
			const outcome = settled.get(i)!;
			if ('routed' in outcome) outputs[outcome.routed.output].push(outputItem(items[i], i, outcome.routed.json));
			else if (!continueOnFail) throw toNodeError(ctx, outcome.error, i);
			else outputs[failedOutput].push(errorItem(ctx, items[i], i, outcome.error));
		}
	}
	return outputs;
}

async function processEach<P>(
	ctx: IExecuteFunctions,
	outputCount: number,
	prepare: () => P | Promise<P>,
	handle: (item: INodeExecutionData, itemIndex: number, prepared: P) => Routed | Promise<Routed>,
	failedOutput: number,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	const preparation = await prepareForItems(ctx, items, outputs, prepare, failedOutput);
	if ('failed' in preparation) return preparation.failed;
	const { prepared } = preparation;
	for (let index = 0; index < items.length; index++) {
		try {
			const { output, json } = await handle(items[index], index, prepared);
			outputs[output].push(outputItem(items[index], index, json));
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx, error, index);
			outputs[failedOutput].push(errorItem(ctx, items[index], index, error));
		}
	}
	return outputs;
}
