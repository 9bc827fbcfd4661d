/**
 * How a node reaches the handoff store: the credential it declares, the credential's "Test"
 * button, and the shared open store for the credential it was given.
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type IExecuteFunctions, type INode } from 'n8n-workflow';

import { openStore, storeConfigFromCredential, StoreError, type HandoffStore, type StoreLease } from '../store';
import type { StoreErrorCode } from '../store/errors';
import { CREDENTIAL_TEST_NAME, leadHandoffStoreConnectionTest } from '../store/credentialTest';
import { whenItemsDone } from './items';

/**
 * A node using the store declares, literally (the community lint rule reads it from the source):
 *   credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }]
 */
export const STORE_CREDENTIAL_TYPE = 'leadHandoffStoreApi';

/** For `methods.credentialTest`: a database is no HTTP API, so the node runs the test. */
export const storeCredentialTest = { [CREDENTIAL_TEST_NAME]: leadHandoffStoreConnectionTest };

/**
 * The process's open store for the node's credential, held until the node's item loop is done
 * (processItems gives it back); store errors become the node's errors. The store is keyed by the
 * credential itself: when its data changes, this execution opens the new store and the old one
 * closes once the executions still using it are done.
 */
export async function openStoreFor(ctx: IExecuteFunctions): Promise<HandoffStore> {
	const lease = await leaseStoreFor(ctx);
	whenItemsDone(ctx, lease.release);
	return lease.store;
}

/** What opening the store needs of a node's context: an execution's, or a poll trigger's. */
export interface StoreNodeContext {
	getNode(): INode;
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

/**
 * A lease on the process's open store for the node's credential, for a node without an item loop
 * (a poll trigger): the caller gives it back with `release()` once its store work is done,
 * however it ended. Store errors become the node's errors, as with openStoreFor.
 */
export async function leaseStoreFor(ctx: StoreNodeContext): Promise<StoreLease> {
	try {
		const credential = ctx.getNode().credentials?.[STORE_CREDENTIAL_TYPE];
		const id = credential?.id ?? credential?.name;
		return await openStore(storeConfigFromCredential(await ctx.getCredentials(STORE_CREDENTIAL_TYPE)), id ? { owner: `credential:${id}` } : {});
	} catch (error) {
		throw storeOpenError(ctx, error);
	}
}

/** Store failures that only the user can fix in the credential: retrying or re-running cannot help. */
const CONFIGURATION_ERRORS: ReadonlySet<StoreErrorCode> = new Set(['authentication', 'ssl', 'database-missing', 'permission', 'folder', 'queue-mode', 'unsupported-runtime', 'invalid-input']);

/**
 * Why the store could not be opened, as one node error for the whole execution (the store is
 * opened once, before any item): a missing credential or one the database refuses is named a
 * configuration error, with what to fix.
 */
function storeOpenError(ctx: StoreNodeContext, error: unknown): NodeOperationError {
	const node = ctx.getNode();
	if (!node.credentials?.[STORE_CREDENTIAL_TYPE]) {
		return new NodeOperationError(node, 'Configuration error: no "Lead Handoff Store" credential is selected', {
			description: `Open ${node.name}, pick a "Lead Handoff Store" credential under "Credential to connect with" (or create one: Embedded needs nothing else, PostgreSQL needs its host, database, user and password), then run again.`,
		});
	}
	if (error instanceof StoreError && CONFIGURATION_ERRORS.has(error.code)) {
		return new NodeOperationError(node, `Configuration error in the "Lead Handoff Store" credential: ${error.message}`, {
			description: 'Fix the "Lead Handoff Store" credential (its Test button checks it), then run again. No item was processed.',
		});
	}
	const description = error instanceof StoreError ? 'Check the "Lead Handoff Store" credential.' : undefined;
	return new NodeOperationError(node, error as Error, { description });
}
