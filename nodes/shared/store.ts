/**
 * How a node reaches the handoff store: the credential it declares, the credential's "Test"
 * button, and the shared open store for the credential it was given.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { openStore, storeConfigFromCredential, StoreError, type HandoffStore } from '../store';
import { CREDENTIAL_TEST_NAME, leadHandoffStoreConnectionTest } from '../store/credentialTest';

/**
 * A node using the store declares, literally (the community lint rule reads it from the source):
 *   credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }]
 */
export const STORE_CREDENTIAL_TYPE = 'leadHandoffStoreApi';

/** For `methods.credentialTest`: a database is no HTTP API, so the node runs the test. */
export const storeCredentialTest = { [CREDENTIAL_TEST_NAME]: leadHandoffStoreConnectionTest };

/** The process's open store for the node's credential; store errors become the node's errors. */
export async function openStoreFor(ctx: IExecuteFunctions): Promise<HandoffStore> {
	try {
		return await openStore(storeConfigFromCredential(await ctx.getCredentials(STORE_CREDENTIAL_TYPE)));
	} catch (error) {
		const description = error instanceof StoreError ? 'Check the "Lead Handoff Store" credential.' : undefined;
		throw new NodeOperationError(ctx.getNode(), error as Error, { description });
	}
}
