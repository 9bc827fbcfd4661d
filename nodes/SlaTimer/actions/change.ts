/**
 * Mark Contacted, Accept and Cancel: one engine change run by the store under the timer's locks,
 * on the timer the item names. A repeated event changes nothing and says so (`changed: false`).
 */
import type { IDataObject } from 'n8n-workflow';

import { changeFor, compilePolicy, type SlaTimer, type TimerChange, type TimerOperation } from '../../engine/sla';
import type { SlaChange } from '../../store';
import { timerView } from '../../shared/slaTimerView';
import type { SlaTimerRun } from './common';

export interface ChangeOptions {
	/** A contact for a timer not started yet is kept, and closes the timer when it starts. */
	keepContact?: boolean;
}

/**
 * Runs `operation` on the timer of `target` and describes the result: the timer (several when a
 * lead has more than one running), whether it changed, and what happened in words.
 */
export async function changeTimer(run: SlaTimerRun, target: { scope: string; label: string } & ({ handoffKey: string } | { leadKey: string }), operation: TimerOperation, options: ChangeOptions = {}): Promise<IDataObject> {
	const results: TimerChange[] = [];
	const zones: string[] = [];
	const engine = changeFor(operation, results);
	const change: SlaChange<SlaTimer> = (timer, policy) => {
		zones.push(compilePolicy(policy).calendar.zone);
		return engine(timer, policy);
	};
	const { label, ...where } = target;
	const outcome = await run.store.changeSlaTimers<SlaTimer>(where, operation.at, change, { keepContact: options.keepContact === true });
	if (outcome.kept) {
		return {
			changed: true,
			outcome: 'kept',
			note: `No SLA timer for ${label} yet: the contact is kept and closes the timer when it starts (webhooks can arrive before the hand-off)`,
			contactedAt: new Date(operation.at).toISOString(),
		};
	}
	if (outcome.timers.length === 0) return { changed: false, outcome: 'notFound', note: `No SLA timer for ${label}; nothing changed` };
	// The engine's words for each timer, in the order the store ran them (the last attempt's, if it retried).
	const said = results.slice(-outcome.timers.length);
	const views = outcome.timers.map((t, i) => ({
		changed: t.changed,
		outcome: said[i]?.outcome ?? (t.changed ? operation.kind : 'unchanged'),
		note: said[i]?.message ?? '',
		...timerView(t.after, zones[zones.length - outcome.timers.length + i] ?? run.zone),
	}));
	const [first, ...more] = views;
	return { ...first, ...(more.length ? { changed: views.some((v) => v.changed), timers: views } : {}) };
}
