/**
 * Cancel: stops a running timer without a response (the lead was disqualified, merged, or is
 * handled elsewhere). Escalations stop and the owner's open count goes down.
 */
import type { INodeProperties } from 'n8n-workflow';

import { changeTimer } from './change';
import { findByProperties, show, targetOf, textOf, timeOf, timeProperty, type OperationModule } from './common';

export const description: INodeProperties[] = [
	...findByProperties(['cancel']),
	{ displayName: 'Reason', name: 'reason', type: 'string', default: '', placeholder: 'e.g. Duplicate lead, merged', displayOptions: show('cancel'), description: 'Why the timer stops; kept with it' },
	timeProperty('cancelledAt', 'Cancelled At', ['cancel'], 'When it was cancelled.'),
];

export const writes = true;

export const execute: OperationModule['execute'] = async (_item, i, run) => {
	const target = targetOf(run, i);
	const reason = textOf(run, 'reason', 'Reason', i);
	return changeTimer(run, target, { kind: 'cancel', at: timeOf(run, 'cancelledAt', 'Cancelled At', i), ...(reason ? { reason } : {}) });
};
