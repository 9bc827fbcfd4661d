/**
 * One poll of the SLA Breach Trigger: claim the stages due by now in the store (each stage of each
 * timer goes to exactly one poll, whatever the number of n8n processes), reassign the leads whose
 * Reassignment stage fell due, and turn every fired stage into its Escalation item on the stage's
 * output. A manual run ("Fetch Test Event") shows the engine's sample and claims nothing.
 *
 * The Reassignment stage, with reassigning on, is fired in two steps that cannot leave a lead
 * behind. Reassigning inside the claim was the other way, and it is refused: the claim holds
 * timer rows and would then wait for the team's round-robin row and the reps' load rows, which
 * Tier Router takes in the opposite order (counter, loads, then the lead's timers); on PostgreSQL
 * one of the two would be aborted as a deadlock, rolling back a whole poll of up to 10,000 stages,
 * and a poll reassigning hundreds of leads would hold a team's counter for all of them. Instead:
 * 1. The claim LEASES the stage (the store's SlaHold): the stages before it fire, the stage stays
 *    the timer's next one, due again when the lease runs out (REASSIGN_LEASE_MS).
 * 2. `reassignByRouting` with `held` reassigns the lead and fires the stage in ONE transaction, in
 *    the usual lock order, only while the timer still holds this poll's lease. When nobody can
 *    take the lead, the stage fires all the same and the reason stays on the timer.
 * If the process dies, or the database drops, between or during the two, the lease runs out and
 * the next poll (in any process) claims the stage again, as it claims any due stage, and finishes
 * it: the lead is reassigned, or the reason kept, exactly once, and only the poll whose
 * transaction committed emits the Reassignment item. A poll whose lease ran out meanwhile (a stall
 * longer than the lease, or another process's clock running ahead) finds it taken and emits nothing.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { LeadDataError } from '../engine/common/errors';
import {
	buildEscalation,
	compilePolicy,
	pollStep,
	sampleEscalations,
	STAGE_LABELS,
	teamManager,
	type Contact,
	type Escalation,
	type EscalationContext,
	type SlaTimer,
	type StageDue,
	type StageName,
} from '../engine/sla';
import { StoreError, type HandoffStore, type SlaClaim, type SlaHold, type SlaUnreadableTimer } from '../store';
import { fireWithoutReassigning, reassignByRouting, type HeldReassignResult, type ReassignResult } from '../shared/slaReassign';
import { DEFAULT_CLAIM_LIMIT, MAX_CLAIM_LIMIT, STAGE_OUTPUTS } from './description';

export interface ManagerRow {
	team?: unknown;
	name?: unknown;
	email?: unknown;
	slackId?: unknown;
	phone?: unknown;
}

export interface TriggerSettings {
	scope: string;
	/** The last alert's channel, named in its message. */
	channel?: string;
	/** Managers by team id (folded to lower case); `*` for every other team. */
	managers: Map<string, Contact>;
	reassign: boolean;
	claimLimit: number;
}

/** What a fired Reassignment stage did, on its item beside `reassignedTo`. */
export interface ReassignmentNote {
	reassigned: boolean;
	/** What happened, in words: who got the lead, or why nobody did. */
	message: string;
	via?: string;
	skipped?: Array<{ repId: string; reason: string }>;
}

/**
 * How long a poll holds a claimed Reassignment stage before another poll may take it over. Far
 * longer than a reassignment takes (milliseconds), short enough that a lead whose poller died
 * waits only a couple of poll intervals more.
 */
export const REASSIGN_LEASE_MS = 2 * 60_000;
const HOLD: SlaHold = { stages: ['reassign'], leaseMs: REASSIGN_LEASE_MS };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The Managers table as a lookup; a row without any contact is refused, naming the row. */
export function managersOf(rows: readonly ManagerRow[]): Map<string, Contact> {
	const managers = new Map<string, Contact>();
	rows.forEach((row, index) => {
		const team = (text(row.team) ?? '*').toLowerCase();
		const contact: Contact = {};
		for (const key of ['name', 'email', 'slackId', 'phone'] as const) {
			const value = row[key];
			if (value !== undefined && value !== null && typeof value !== 'string') throw new LeadDataError(`Managers row ${index + 1}: ${key}`, 'a text', value);
			const given = text(value);
			if (given !== undefined) contact[key] = given;
		}
		if (Object.keys(contact).length === 0) throw new LeadDataError(`Managers row ${index + 1}`, 'a name, email, Slack user ID or phone for the manager', row);
		if (managers.has(team)) throw new LeadDataError(`Managers row ${index + 1}: Team`, `a team not listed in an earlier row ("${team}" is listed twice)`, row.team);
		managers.set(team, contact);
	});
	return managers;
}

/** Checks the Claim Limit option. */
export function claimLimitOf(value: unknown): number {
	if (value === undefined || value === null || value === '') return DEFAULT_CLAIM_LIMIT;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CLAIM_LIMIT) {
		throw new LeadDataError('Options: Claim Limit', `a whole number from 1 to ${MAX_CLAIM_LIMIT}`, value);
	}
	return value;
}

/**
 * The manager of a timer's team: the one the hand-off carries (Tier Router put it there from the
 * routing), else the routing's manager of the team, else the Managers table's row for the team,
 * else its `*` row.
 */
export function managerFor(timer: SlaTimer, policy: ReturnType<typeof compilePolicy>, managers: ReadonlyMap<string, Contact>): Contact | undefined {
	const carried = timer.details.manager;
	if (typeof carried === 'object' && carried !== null && Object.keys(carried).length) return carried as Contact;
	const routed = teamManager(policy.policy.routing, timer.team);
	if (routed) return routed;
	return (timer.team === undefined ? undefined : managers.get(timer.team.toLowerCase())) ?? managers.get('*');
}

const TIMES = ['startedAt', 'dueAt', 'stageDueAt', 'firedAt'] as const;

/** An escalation as an item's json: its times as ISO 8601 (UTC), as Tier Router gives its due times. */
export function escalationJson(escalation: Escalation | IDataObject): IDataObject {
	const json = { ...(escalation as IDataObject) };
	for (const key of TIMES) if (typeof json[key] === 'number') json[key] = new Date(json[key] as number).toISOString();
	return json;
}

function contextFor(settings: TriggerSettings, manager: Contact | undefined, reassignedTo?: Contact): EscalationContext {
	return { ...(manager ? { manager } : {}), ...(settings.channel ? { channel: settings.channel } : {}), ...(reassignedTo ? { reassignedTo } : {}) };
}

/** Empty outputs, one per stage. */
function emptyOutputs(): INodeExecutionData[][] {
	return STAGE_OUTPUTS.map(() => []);
}

const outputOf = (stage: string): number => STAGE_OUTPUTS.findIndex((o) => o.stage === stage);

/**
 * A claimed stage whose escalation could not be built (its stored policy no longer compiles): it
 * fired all the same, so it leaves on its output with the lead, the owner and the error, rather
 * than vanishing.
 */
function unrenderable(timer: SlaTimer, stage: StageDue, firedAt: number, error: unknown): IDataObject {
	return escalationJson({
		stage: stage.stage,
		stageLabel: STAGE_LABELS[stage.stage as StageName] ?? stage.stage,
		handoffKey: timer.handoffKey,
		leadKey: timer.leadKey,
		tier: timer.tier,
		...(timer.ownerId === undefined ? {} : { ownerId: timer.ownerId }),
		dueAt: timer.dueAt,
		stageDueAt: stage.dueAt,
		firedAt,
		error: `The escalation could not be written: ${error instanceof Error ? error.message : String(error)}`,
	});
}

function unreadableItem(timer: SlaUnreadableTimer, now: number): IDataObject {
	return {
		stage: timer.stage,
		stageLabel: timer.stage === null ? null : (STAGE_LABELS[timer.stage as StageName] ?? timer.stage),
		handoffKey: timer.handoffKey,
		stageDueAt: timer.dueAt === null ? null : new Date(timer.dueAt).toISOString(),
		polledAt: new Date(now).toISOString(),
		unreadable: true,
		retryAt: new Date(timer.retryAt).toISOString(),
		error: `The SLA timer could not be read from the store (${timer.reason}): no stage fired. It is set aside until the next report; repair or erase its row, or release its hand-off.`,
	};
}

/** The escalation of a Reassignment stage, with the reassignment done first when the option is on. */
async function reassignmentItem(store: HandoffStore, settings: TriggerSettings, claim: SlaClaim<SlaTimer>, stage: StageDue, policy: ReturnType<typeof compilePolicy>): Promise<IDataObject> {
	const manager = managerFor(claim.timer, policy, settings.managers);
	if (!settings.reassign) return escalationJson(buildEscalation(policy, claim.timer, stage, claim.firedAt, contextFor(settings, manager)));
	let result: ReassignResult;
	try {
		// Only from the rep who let it lapse: a lead someone reassigned meanwhile stays where it went.
		result = await reassignByRouting(store, {
			scope: claim.timer.scope,
			handoffKey: claim.timer.handoffKey,
			at: claim.firedAt,
			...(claim.timer.ownerId === undefined ? {} : { fromOwner: claim.timer.ownerId }),
		});
	} catch (error) {
		result = { status: 'notFound', message: `Not reassigned: ${error instanceof Error ? error.message : String(error)}` };
	}
	const reassignedTo = result.status === 'reassigned' ? result.owner : undefined;
	const escalation = buildEscalation(policy, claim.timer, stage, claim.firedAt, contextFor(settings, manager, reassignedTo));
	const note: ReassignmentNote = {
		reassigned: result.status === 'reassigned',
		message: result.message,
		...(result.status !== 'notFound' && result.via ? { via: result.via } : {}),
		...(result.status !== 'notFound' && result.skipped?.length ? { skipped: result.skipped } : {}),
	};
	return { ...escalationJson(escalation), reassignment: note as unknown as IDataObject };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Whether a failed reassignment may succeed if tried again: the database was unreachable, dropped
 * the connection, was locked or restarting (the store's errors, and raw driver errors, which carry
 * a code). An error of the engine or of the data (a policy that no longer compiles, a corrupt row)
 * would fail on every try.
 */
function mayPass(error: unknown): boolean {
	const root = error instanceof StoreError && error.code === 'unknown' && error.cause !== undefined ? error.cause : error;
	if (root instanceof StoreError) return root.code !== 'invalid-input' && root.code !== 'corrupt';
	const code = (root as { code?: unknown } | null)?.code;
	return typeof code === 'string' || typeof (root as { errno?: unknown } | null)?.errno === 'number';
}

/**
 * A leased Reassignment stage, fired with the reassignment (see the top of this file). Undefined
 * when this poll does not emit it: another poll took the lease over (it emits it), the timer is
 * gone (the lead was erased), or the store failed in a way the next poll's try may not (the
 * lease then runs out and the next poll finishes it).
 */
async function heldReassignmentItem(store: HandoffStore, settings: TriggerSettings, claim: SlaClaim<SlaTimer>, policy: ReturnType<typeof compilePolicy> | undefined, failure: unknown): Promise<IDataObject | undefined> {
	const { stage, until } = claim.held!;
	const held = { stage: stage.stage, until };
	const base = { scope: claim.timer.scope, handoffKey: claim.timer.handoffKey, at: claim.firedAt };
	let result: HeldReassignResult;
	try {
		if (!policy) throw failure;
		// Only from the rep who let it lapse: a lead someone reassigned meanwhile stays where it went.
		result = await reassignByRouting(store, { ...base, held, ...(claim.timer.ownerId === undefined ? {} : { fromOwner: claim.timer.ownerId }) });
	} catch (error) {
		if (mayPass(error)) return undefined;
		try {
			result = await fireWithoutReassigning(store, { ...base, held }, `Not reassigned: ${messageOf(error)}`, policy?.calendar.zone ?? 'UTC');
		} catch {
			return undefined;
		}
	}
	if (result.status === 'leaseLost' || result.status === 'notFound') return undefined;
	// The timer as the stage found it: the late owner, the stage fired.
	const timer = result.before;
	if (!policy) return { ...unrenderable(timer, stage as unknown as StageDue, claim.firedAt, failure), reassignment: { reassigned: false, message: result.message } };
	const manager = managerFor(timer, policy, settings.managers);
	const reassignedTo = result.status === 'reassigned' ? result.owner : undefined;
	const escalation = buildEscalation(policy, timer, stage as unknown as StageDue, claim.firedAt, contextFor(settings, manager, reassignedTo));
	const note: ReassignmentNote = {
		reassigned: result.status === 'reassigned',
		message: result.message,
		...(result.via ? { via: result.via } : {}),
		...(result.skipped?.length ? { skipped: result.skipped } : {}),
	};
	return { ...escalationJson(escalation), reassignment: note as unknown as IDataObject };
}

/**
 * Claims the stages due by `now` and returns one output per stage (Reminder, Manager Alert,
 * Reassignment, Last Alert), or null when nothing was due (n8n then starts no execution).
 */
export async function pollEscalations(store: HandoffStore, settings: TriggerSettings, now: number): Promise<INodeExecutionData[][] | null> {
	// With reassigning on, the Reassignment stage is leased by the claim and fired with its reassignment.
	const claims = await store.claimDueSlaStages<SlaTimer>(settings.scope, now, pollStep, { limit: settings.claimLimit, ...(settings.reassign ? { hold: HOLD } : {}) });
	if (claims.length === 0 && claims.unreadable.length === 0) return null;
	const outputs = emptyOutputs();
	// A timer whose stored state is corrupt fires nothing; it is shown on its stage's output (the
	// last one when its stage is unknown), so the workflow can alert someone, and again each hour.
	for (const timer of claims.unreadable) {
		const output = timer.stage === null ? -1 : outputOf(timer.stage);
		outputs[output >= 0 ? output : outputs.length - 1].push({ json: unreadableItem(timer, now) });
	}
	for (const claim of claims) {
		let policy: ReturnType<typeof compilePolicy> | undefined;
		let failure: unknown;
		try {
			policy = compilePolicy(claim.policy);
		} catch (error) {
			failure = error;
		}
		// The engine's pollStep fired them: every stage is one of the ladder's.
		for (const stage of claim.due as StageDue[]) {
			const output = outputOf(stage.stage);
			if (output < 0) continue;
			let json: IDataObject;
			try {
				if (!policy) throw failure;
				json =
					stage.stage === 'reassign'
						? await reassignmentItem(store, settings, claim, stage, policy)
						: escalationJson(buildEscalation(policy, claim.timer, stage, claim.firedAt, contextFor(settings, managerFor(claim.timer, policy, settings.managers))));
			} catch (error) {
				json = unrenderable(claim.timer, stage, claim.firedAt, error);
			}
			outputs[output].push({ json });
		}
		if (claim.held) {
			const json = await heldReassignmentItem(store, settings, claim, policy, failure);
			if (json) outputs[outputOf(claim.held.stage.stage)].push({ json });
		}
	}
	return outputs.some((o) => o.length) ? outputs : null;
}

/** What a manual run shows: one realistic escalation per stage, marked as a sample. Claims nothing. */
export function sampleOutputs(now: number, zone: string, settings?: Pick<TriggerSettings, 'channel' | 'managers'>): INodeExecutionData[][] {
	const manager = settings?.managers.get('*') ?? settings?.managers.values().next().value;
	const sample = sampleEscalations(now, zone, { ...(settings?.channel ? { channel: settings.channel } : {}), ...(manager ? { manager } : {}) });
	const note = {
		sample: true,
		sampleNote: 'A sample escalation of each stage, for building the workflow: a test run claims nothing in the store. Published, the trigger emits the real stages as they fall due.',
	};
	return STAGE_OUTPUTS.map(({ stage }) => {
		const escalation: Escalation = sample[stage];
		const extra = stage === 'reassign' ? { reassignment: { reassigned: true, message: 'Reassigned from 101 to 102 (sample)' } } : {};
		return [{ json: { ...escalationJson(escalation), ...extra, ...note } }];
	});
}
