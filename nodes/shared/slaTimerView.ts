/**
 * An SLA timer as it leaves on an item: times in ISO and in the calendar's zone, the stages still
 * to fire with their due times, and the response figures (time to first touch in business and
 * clock minutes, whether the SLA was met) the reports read.
 */
import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { describeSla } from '../engine/calendar';
import { STAGE_LABELS, type SlaTimer, type StageName } from '../engine/sla';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** "Mon 16 Mar 2026 09:30 (CET)": a time in the calendar's zone, as Tier Router shows due times. */
export function localTime(ms: number | undefined, zone: string): string | null {
	return ms === undefined ? null : DateTime.fromMillis(ms, { zone }).toFormat("ccc d LLL yyyy HH:mm '('z')'");
}

/** The stages still to fire, in order, with their due times. */
export function stagesView(timer: Pick<SlaTimer, 'schedule' | 'status'>, zone: string): IDataObject[] {
	const running = timer.status === 'open' || timer.status === 'reassigned';
	return (running ? timer.schedule : []).map((s) => ({ stage: s.stage, label: STAGE_LABELS[s.stage as StageName] ?? s.stage, dueAt: iso(s.dueAt), dueAtLocal: localTime(s.dueAt, zone) }));
}

/** The whole timer for an item. */
export function timerView(timer: SlaTimer, zone: string): IDataObject {
	const view: IDataObject = {
		handoffKey: timer.handoffKey,
		leadKey: timer.leadKey,
		status: timer.status,
		running: timer.status === 'open' || timer.status === 'reassigned',
		tier: timer.tier,
		team: timer.team ?? null,
		ownerId: timer.ownerId ?? null,
		owner: (timer.details.owner as IDataObject | undefined) ?? null,
		manager: (timer.details.manager as IDataObject | undefined) ?? null,
		lead: (timer.details.lead as IDataObject | undefined) ?? null,
		sla: describeSla({ minutes: timer.slaMinutes, basis: timer.slaBasis }),
		slaMinutes: timer.slaMinutes,
		slaBasis: timer.slaBasis,
		slaAction: timer.slaAction,
		startedAt: iso(timer.startedAt),
		dueAt: iso(timer.dueAt),
		dueAtLocal: localTime(timer.dueAt, zone),
		stages: stagesView(timer, zone),
		fired: timer.fired,
		reassignments: timer.reassignments,
		previousOwners: timer.previousOwners,
		lapsed: timer.lapsed,
		contactedAt: iso(timer.contactedAt),
		acceptedAt: iso(timer.acceptedAt),
		closedAt: iso(timer.closedAt),
		closeReason: timer.closeReason ?? null,
		firstTouchAt: iso(timer.firstTouchAt),
		firstTouchBusinessMinutes: timer.firstTouchBusinessMinutes ?? null,
		firstTouchClockMinutes: timer.firstTouchClockMinutes ?? null,
		metSla: timer.metSla ?? null,
	};
	return view;
}
