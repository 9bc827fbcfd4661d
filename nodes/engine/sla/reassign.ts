/**
 * Reassignment through the same routing as Tier Router, passing over the rep who has the lead now
 * (the one who let it lapse). The store locks and loads the team as for a first assignment.
 */
import type { Lead } from '../common/types';
import type { CompiledRouter, OwnerResult, RoutingState } from '../routing';
import { lateness } from './lateness';
import type { CompiledPolicy } from './policy';
import type { SlaTimer } from './timer';

/** The rep to pass over, with why in words ("let the SLA lapse: due 10:00, 2 h overdue"). */
export function passOver(policy: CompiledPolicy, timer: SlaTimer, now: number): Array<{ repId: string; reason: string }> {
	if (timer.ownerId === undefined) return [];
	const standing = lateness(timer.dueAt, now, policy);
	return [{ repId: timer.ownerId, reason: standing.overdue ? `let the SLA lapse (${standing.text})` : 'has the lead now' }];
}

/** The new owner of a timer's lead, chosen by the routing with the current owner passed over. */
export function routeReassignment(router: CompiledRouter, policy: CompiledPolicy, lead: Lead, timer: SlaTimer, now: number, state: RoutingState = {}): OwnerResult {
	return router.assign(lead, now, { ...state, exclude: [...(state.exclude ?? []), ...passOver(policy, timer, now)] });
}
