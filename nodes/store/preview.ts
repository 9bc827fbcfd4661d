/**
 * Test runs: the store's own operations, run inside one transaction that is rolled back at the
 * end. A node tried from the editor takes the same locks, reads the same rows and makes the
 * same decisions as in production, and sees its own earlier writes within the run (a second
 * item of the same lead finds the first one's hand-off), yet nothing is kept.
 */
import type { Driver, Queryable, TransactionOptions } from './dialect';
import { StoreError } from './errors';

/**
 * A Driver over one open transaction. The store's transactions inside it become savepoints: a
 * failed operation undoes its own writes and leaves the transaction usable for the next item
 * (PostgreSQL would otherwise refuse every later statement of the transaction). One operation
 * at a time, as the nodes' item loops run them: savepoints of overlapping operations would nest
 * wrongly.
 */
export class TransactionDriver implements Driver {
	readonly dialect;
	readonly location;
	private savepoints = 0;

	constructor(
		private readonly outer: Driver,
		private readonly tx: Queryable,
	) {
		this.dialect = outer.dialect;
		this.location = outer.location;
	}

	all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
		return this.inSavepoint(() => this.tx.all<R>(sql, params));
	}

	run(sql: string, params?: readonly unknown[]): Promise<number> {
		return this.inSavepoint(() => this.tx.run(sql, params));
	}

	exec(sql: string): Promise<void> {
		return this.inSavepoint(() => this.tx.exec(sql));
	}

	transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
		return this.inSavepoint(() => fn(this.tx), options.rollback);
	}

	exclusive<T>(): Promise<T> {
		return Promise.reject(new StoreError('unknown', 'Migrations cannot run inside a test run.'));
	}

	tableExists(table: string): Promise<boolean> {
		return this.outer.tableExists(table);
	}

	explain(error: unknown): StoreError {
		return this.outer.explain(error);
	}

	/** The transaction belongs to whoever opened it: closing this view closes nothing. */
	async close(): Promise<void> {}

	private async inSavepoint<T>(work: () => Promise<T>, rollback = false): Promise<T> {
		const name = `lh_step_${++this.savepoints}`;
		await this.tx.exec(`SAVEPOINT ${name}`);
		let result: T;
		try {
			result = await work();
		} catch (error) {
			await this.tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
			await this.tx.exec(`RELEASE SAVEPOINT ${name}`);
			throw error instanceof StoreError ? error : this.outer.explain(error);
		}
		if (rollback) await this.tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
		await this.tx.exec(`RELEASE SAVEPOINT ${name}`);
		return result;
	}
}
