/** What the global setup found out about the services, read by the suites. */
export { PG_DATABASE, PG_HOST, PG_PORT, REDIS_HOST, REDIS_PORT } from './services-config';
/** The PostgreSQL user the suites connect as, or undefined when PostgreSQL is unreachable. */
export const pgUser = (): string | undefined => process.env.LH_TEST_PG_USER;
export const pgSkipReason = (): string | undefined => process.env.LH_TEST_PG_SKIP;
export const redisSkipReason = (): string | undefined => process.env.LH_TEST_REDIS_SKIP;

/** `describe`, or `describe.skip` (counted as skipped in the summary) when PostgreSQL is away. */
export const describeWithPostgres: jest.Describe = (pgUser() ? describe : describe.skip) as jest.Describe;
/** `it`, or `it.skip` when PostgreSQL is away. */
export const itWithPostgres: jest.It = (pgUser() ? it : it.skip) as jest.It;
