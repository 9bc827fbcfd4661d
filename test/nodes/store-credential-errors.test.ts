/**
 * A store credential that is missing or that the database refuses is a configuration error: the
 * node says so once for the whole run, with what to fix, before any item is processed.
 */
import assert from 'node:assert/strict';
import type { ICredentialDataDecryptedObject, INodeParameters, INodeType } from 'n8n-workflow';

import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode } from '../helpers/n8n-runner';
import { itWithPostgres, PG_DATABASE, PG_HOST, PG_PORT } from '../setup/env';

afterAll(closeAllStores);

const leads = [{ email: 'dana@globex.com', activities: [] }, { email: 'lee@initech.example', activities: [] }, { email: 'kim@hooli.example', activities: [] }];

/** Each node that needs the store, with parameters that make it open the store. */
const NODES: Array<{ name: string; node: INodeType; parameters: INodeParameters }> = [
	{ name: 'Lead Score (recording)', node: new LeadScore(), parameters: { mode: 'recordAndRescore' } },
	{ name: 'Handoff Gate', node: new HandoffGate(), parameters: {} },
	{ name: 'Tier Router', node: new TierRouter(), parameters: {} },
];

describe('store credential errors', () => {
	for (const { name, node, parameters } of NODES) {
		it(`${name}: no store credential selected is one configuration error that says what to pick`, async () => {
			const r = await runNode({ node, parameters, items: leads });
			assert.equal(r.error?.name, 'NodeOperationError');
			assert.equal(r.error?.message, 'Configuration error: no "Lead Handoff Store" credential is selected');
			assert.match(String(r.error?.description), /pick a "Lead Handoff Store" credential under "Credential to connect with"/);
			assert.doesNotMatch(r.error?.message ?? '', /^Item \d/, 'not an error of an item');
			assert.equal(r.outputs.flat().length, 0, 'no item passes on unprocessed');
		});
	}

	const refused = (): Record<string, ICredentialDataDecryptedObject> => ({
		leadHandoffStoreApi: { backend: 'postgres', host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user: 'lh_no_such_user', password: 'wrong', ssl: 'disable', schema: 'lead_handoff_refused' },
	});

	for (const { name, node, parameters } of NODES) {
		itWithPostgres(`${name}: a store user PostgreSQL refuses is a configuration error naming the credential and the user`, async () => {
			const r = await runNode({ node, parameters, items: leads, credentials: refused() });
			assert.equal(r.error?.name, 'NodeOperationError');
			assert.match(r.error?.message ?? '', /^Configuration error in the "Lead Handoff Store" credential: PostgreSQL at .+ rejected user "lh_no_such_user": .+\. Check the user and password in the "Lead Handoff Store" credential\.$/);
			assert.match(String(r.error?.description), /Fix the "Lead Handoff Store" credential \(its Test button checks it\)/);
			assert.equal(r.outputs.flat().length, 0);
		});
	}
});
