/**
 * The "Lead Handoff Store" credential test, run by n8n's "Test" button. A database is not an HTTP
 * API, so this is a node-side test (like n8n's own Postgres node): nodes that use the credential
 * register it as `methods.credentialTest.leadHandoffStoreConnectionTest` and name it in
 * `credentials: [{ name: 'leadHandoffStoreApi', testedBy: 'leadHandoffStoreConnectionTest' }]`.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { createStore, storeConfigFromCredential, type OpenOptions } from './index';
import { StoreError } from './errors';

export const CREDENTIAL_TEST_NAME = 'leadHandoffStoreConnectionTest';

/** Opens the store as a node would (connect, migrate), makes one round trip and closes it. */
export async function testStoreCredential(data: Record<string, unknown> | undefined, options: OpenOptions = {}): Promise<INodeCredentialTestResult> {
	try {
		const config = storeConfigFromCredential(data ?? {});
		// A store of its own: a test with a wrong password must not linger in the shared registry.
		const store = await createStore(config, options);
		try {
			await store.ping();
			const version = await store.schemaVersion();
			const where = store.kind === 'embedded' ? `Embedded store ready at ${store.location}` : `Connected to PostgreSQL at ${store.location}`;
			return { status: 'OK', message: `${where} (schema version ${version}).` };
		} finally {
			await store.close();
		}
	} catch (error) {
		const message = error instanceof StoreError ? error.message : `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
		return { status: 'Error', message };
	}
}

export async function leadHandoffStoreConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testStoreCredential(credential.data as Record<string, unknown> | undefined);
}
