/** Where the test services are, and where the global setup leaves what it skipped. */
import * as os from 'node:os';
import * as path from 'node:path';

export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;
export const PG_DATABASE = 'test';
export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;
export const SKIPS_FILE = path.join(os.tmpdir(), `lead-handoff-test-skips-${process.env.LH_TEST_RUN_ID ?? 'local'}.json`);
