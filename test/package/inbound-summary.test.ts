/**
 * The inbound-lead templates' "Summary for the Caller" (a Code node) answers the webhook with one
 * entry per lead: whatever mix of items reaches it (the decided lead, failed message steps with
 * the lead's fields and their error, a failed Confirm Delivery), a lead is listed once, its
 * message failures under `deliveryErrors`, and `received` counts leads, not items.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const TEMPLATES = ['inbound-lead-to-hubspot', 'inbound-lead-to-salesforce', 'inbound-lead-to-pipedrive'];

type Json = Record<string, unknown>;
type Summary = { received: number; decided: number; failed: number; leads: Array<{ lead: string | null; status: string; deliveryErrors?: unknown[] }> };

function summaryOf(template: string): (items: Json[]) => Summary {
	const workflow = JSON.parse(readFileSync(join(__dirname, '../../workflows', `${template}.json`), 'utf8')) as { nodes: Array<{ name: string; parameters: { jsCode?: string } }> };
	const code = workflow.nodes.find((n) => n.name === 'Summary for the Caller')!.parameters.jsCode!;
	// The Code node's body, run with the two globals it uses.
	const run = new Function('$input', '$', code) as (input: unknown, node: unknown) => Array<{ json: Summary }>;
	return (items) => run({ all: () => items.map((json) => ({ json })) }, () => ({ itemMatching: () => null }))[0].json;
}

const leadArb = fc.record({
	email: fc.constantFrom('ana@globex.com', 'ben@initech.com', 'cy@umbrella.com'),
	decided: fc.boolean(),
	failedSteps: fc.array(fc.constantFrom('Slack down', 'SMS down', 'HubSpot 500'), { maxLength: 3 }),
	confirmFailed: fc.boolean(),
});

describe.each(TEMPLATES)('%s: Summary for the Caller', (template) => {
	const summary = summaryOf(template);
	it('lists each routed lead once, with its failed message steps, whatever items reach it (fast-check)', () => {
		fc.assert(
			fc.property(fc.uniqueArray(leadArb, { selector: (l) => l.email, minLength: 1, maxLength: 3 }), (leads) => {
				const routing = { tier: 'Hot', owner: { name: 'Ana Ruiz' }, dueAtLocal: 'Thu 3 Dec 2026 10:00', autoReply: null };
				const items: Json[] = [];
				for (const l of leads) {
					const base = { email: l.email, routing, handoff: {} };
					if (l.confirmFailed) items.push({ ...base, error: 'The store could not be reached' });
					else if (l.decided) items.push({ ...base, delivery: { status: 'confirmed' } });
					for (const step of l.failedSteps) items.push({ ...base, error: step });
				}
				const answer = summary(items);
				const listed = leads.filter((l) => l.confirmFailed || l.decided || l.failedSteps.length > 0);
				assert.deepEqual(answer.leads.map((l) => l.lead).sort(), listed.map((l) => l.email).sort(), 'each lead once');
				assert.equal(answer.received, listed.length);
				for (const l of listed) {
					const entry = answer.leads.find((e) => e.lead === l.email)!;
					assert.equal(entry.status, 'ok');
					const expected = [...(l.confirmFailed ? ['The store could not be reached'] : []), ...l.failedSteps];
					assert.deepEqual([...(entry.deliveryErrors ?? [])].sort(), expected.sort(), `${l.email}: its message failures`);
				}
			}),
			{ numRuns: 200 },
		);
	});
});
