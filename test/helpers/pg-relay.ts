/** A TCP relay to the test PostgreSQL that a test cuts and restores on the same port, as a restart looks from n8n. */
import { connect, createServer, type Server, type Socket } from 'node:net';

import { PG_HOST, PG_PORT } from '../setup/env';

export class PgRelay {
	private server?: Server;
	private readonly open = new Set<Socket>();
	/** The relay's port; kept across down() and up(). */
	port = 0;

	async up(): Promise<void> {
		const server = createServer((client) => {
			const upstream = connect(PG_PORT, PG_HOST);
			for (const s of [client, upstream]) {
				this.open.add(s);
				s.on('close', () => this.open.delete(s));
				s.on('error', () => undefined);
			}
			client.pipe(upstream).pipe(client);
			client.on('close', () => upstream.destroy());
			upstream.on('close', () => client.destroy());
		});
		await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
		this.port = (server.address() as { port: number }).port;
		this.server = server;
	}

	/** Every open connection dropped at once, as a server closes them; new ones still accepted. */
	dropConnections(): void {
		for (const s of this.open) s.destroy();
	}

	/** As a restart: every open connection dropped, new ones refused until up(). */
	async down(): Promise<void> {
		this.dropConnections();
		const server = this.server;
		this.server = undefined;
		if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}
