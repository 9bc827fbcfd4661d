/**
 * Mark Contacted: the first touch (a call logged, an email sent, a meeting booked), usually from
 * a CRM webhook. Stops the timer and records the time to first touch in business and clock
 * minutes and whether the SLA was met. A contact that arrives before its timer starts is kept and
 * closes the timer as it starts; the earliest contact wins; repeating one changes nothing.
 */
import type { INodeProperties } from 'n8n-workflow';

import { changeTimer } from './change';
import { findByProperties, targetOf, timeOf, timeProperty, type OperationModule } from './common';

export const description: INodeProperties[] = [
	...findByProperties(['markContacted']),
	timeProperty('contactedAt', 'Contacted At', ['markContacted'], 'When the rep reached the lead (the call or email time from the CRM), e.g. {{ $json.properties.hs_timestamp }}.'),
];

export const writes = true;

export const execute: OperationModule['execute'] = async (_item, i, run) => {
	const target = targetOf(run, i);
	const at = timeOf(run, 'contactedAt', 'Contacted At', i);
	return changeTimer(run, target, { kind: 'contact', at, byLead: 'leadKey' in target }, { keepContact: true });
};
