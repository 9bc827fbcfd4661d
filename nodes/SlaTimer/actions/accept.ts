/**
 * Accept: the owner takes the lead. For an acknowledge SLA (MQLs) that meets the SLA and stops
 * the timer; for a contact SLA it is recorded and the timer runs on to the first contact.
 */
import type { INodeProperties } from 'n8n-workflow';

import { changeTimer } from './change';
import { findByProperties, targetOf, timeOf, timeProperty, type OperationModule } from './common';

export const description: INodeProperties[] = [
	...findByProperties(['accept']),
	timeProperty('acceptedAt', 'Accepted At', ['accept'], 'When the owner accepted the lead (e.g. the CRM task was taken).'),
];

export const writes = true;

export const execute: OperationModule['execute'] = async (_item, i, run) => {
	const target = targetOf(run, i);
	return changeTimer(run, target, { kind: 'accept', at: timeOf(run, 'acceptedAt', 'Accepted At', i) });
};
