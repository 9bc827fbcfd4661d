/**
 * No personal data in the nodes' error messages, which n8n writes to its log: generated leads
 * (distinctive random emails, names, phone numbers, companies, hand-off keys) put their own
 * values in the very fields that are wrong, in every node, in n8n-core's engine. When the run
 * stops, the error names the item and the field and contains none of the lead's values; the
 * values are in the error's description (shown in the editor, not logged). With the error output,
 * the error item's `error` text holds none either (its input fields keep the lead as it came).
 * The store's own error paths are pinned in test/store/personal-data-errors.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { SlaTimer } from '../../nodes/SlaTimer/SlaTimer.node.ts';
import { closeAllStores } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { score } from '../engine/gate/helpers';
import { runNode, type NodeSpec } from '../helpers/n8n-runner';
import { person, personalValues, type Person } from '../store/personal-data';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-pii-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});
let stores = 0;
/** A store of the case's own: one case's hand-offs and timers are not another's. */
const credentials = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `store-${++stores}`) } });

const AS_OF = '2026-06-15T12:00:00Z';
const routerTables = {
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: { rep: [{ id: '101', name: 'Ana Ruiz' }] },
	teams: { team: [{ id: 'sales', name: 'Sales', members: '101', strategy: 'roundRobin', outsideHours: 'allow' }] },
} as unknown as INodeParameters;

/** The lead as a form sends it, with its own values everywhere. */
function leadOf(p: Person): IDataObject {
	return {
		email: p.email,
		firstName: p.firstName,
		lastName: p.lastName,
		phone: p.phone,
		company: p.company,
		eventId: p.handoffKey,
		activities: [{ type: 'page_view', timestamp: '2026-06-14T10:00:00Z', url: 'https://example.com/pricing' }],
	};
}

/** One of the lead's values, as the wrong value of a field. */
const valueOf = (p: Person, pick: number): string => [p.email, `${p.firstName} ${p.lastName}`, p.phone, p.company, p.handoffKey][pick % 5];

interface Case {
	title: string;
	spec: NodeSpec;
	/** The lead with its own value `value` in a field that is wrong. */
	broken: (lead: IDataObject, value: string) => IDataObject;
	store?: boolean;
	/** The lead as it reaches the node when nothing is wrong (the gate and the router read Lead Score's result). */
	prepare?: (lead: IDataObject) => IDataObject;
	/** What the error's description shows; the wrong value unless given. */
	inDescription?: (p: Person) => string;
}

const scored = (lead: IDataObject): IDataObject => ({ ...lead, score: score({ total: 72, grade: 'A1', asOf: AS_OF }) as unknown as IDataObject });

const cases: Case[] = [
	{ title: 'Lead Score: an activity dated with the value', spec: { node: new LeadScore() }, broken: (lead, value) => ({ ...lead, activities: [{ type: 'page_view', timestamp: value }] }) },
	{ title: 'Lead Score: activities as the value', spec: { node: new LeadScore() }, broken: (lead, value) => ({ ...lead, activities: value }) },
	{ title: 'Lead Score: an activity as the value', spec: { node: new LeadScore() }, broken: (lead, value) => ({ ...lead, activities: [value] }) },
	{ title: 'Handoff Gate: the score as the value', spec: { node: new HandoffGate() }, broken: (lead, value) => ({ ...lead, score: value }), store: true, prepare: scored },
	{ title: 'Tier Router: the score as the value', spec: { node: new TierRouter(), parameters: routerTables }, broken: (lead, value) => ({ ...lead, score: value }), store: true, prepare: scored },
	{
		title: 'SLA Timer Start: the start time as the value',
		spec: { node: new SlaTimer(), parameters: { operation: 'start', handoffKey: '={{ $json.eventId }}', ownerId: '101', tier: 'Hot', slaMinutes: 30, startedAt: '={{ $json.startedAt }}' } },
		broken: (lead, value) => ({ ...lead, startedAt: value }),
		store: true,
	},
	{
		title: 'SLA Timer Mark Contacted: the contact time as the value',
		spec: { node: new SlaTimer(), parameters: { operation: 'markContacted', findBy: 'leadKey', contactedAt: '={{ $json.contactedAt }}' } },
		broken: (lead, value) => ({ ...lead, contactedAt: value }),
		store: true,
	},
	{
		title: 'Lead Feedback Record: the disposition as the value',
		spec: { node: new LeadFeedback(), parameters: { resource: 'outcome', operation: 'record', input: 'fields', disposition: '={{ $json.disposition }}', fields: { eventId: '={{ $json.eventId }}', occurredAt: AS_OF } } },
		broken: (lead, value) => ({ ...lead, disposition: value }),
		store: true,
		prepare: (lead) => ({ ...lead, disposition: 'accepted' }),
	},
	{
		title: 'Lead Feedback Record: the time as the value',
		spec: { node: new LeadFeedback(), parameters: { resource: 'outcome', operation: 'record', input: 'fields', disposition: 'accepted', fields: { eventId: '={{ $json.eventId }}', occurredAt: '={{ $json.at }}' } } },
		broken: (lead, value) => ({ ...lead, at: value }),
		store: true,
	},
	{
		title: 'Lead Feedback Record: a hand-off key the store does not know, and no lead key',
		spec: { node: new LeadFeedback(), parameters: { resource: 'outcome', operation: 'record', input: 'fields', disposition: 'accepted', leadKey: '={{ $json.leadKey }}', handoffKey: '={{ $json.handoffKey }}', fields: { eventId: '={{ $json.eventId }}', occurredAt: AS_OF } } },
		prepare: (lead) => ({ ...lead, leadKey: lead.email }),
		broken: (lead) => ({ ...lead, leadKey: undefined, handoffKey: lead.eventId }),
		inDescription: (p) => p.handoffKey,
		store: true,
	},
];

function clean(p: Person, text: unknown, what: string): void {
	assert.equal(typeof text, 'string', `${what}: a message`);
	for (const value of personalValues(p)) assert.ok(!(text as string).includes(value), `${what} names "${value}": ${text as string}`);
}

describe.each(cases)('$title', (c) => {
	const store = c.store ? credentials() : undefined;
	const run = (items: IDataObject[], onError?: NodeSpec['onError']) =>
		runNode({ ...c.spec, ...(onError ? { onError } : {}), items: items.map((json) => ({ json })), credentials: store as never, timezone: 'Europe/Berlin' });

	it('the run stops with an error naming the item and no value of the lead; the description shows it', async () => {
		await fc.assert(
			fc.asyncProperty(person, person, fc.nat(), async (bystander, p, pick) => {
				const ready = (lead: IDataObject) => c.prepare?.(lead) ?? lead;
				const { error } = await run([ready(leadOf(bystander)), c.broken(ready(leadOf(p)), valueOf(p, pick))]);
				assert.ok(error, 'the bad lead stops the run');
				assert.match(error.message, /^Item 1: /, error.message);
				clean(p, error.message, 'the message');
				clean(bystander, error.message, 'the message');
				const description = String((error as { description?: unknown }).description);
				const shown = c.inDescription ? c.inDescription(p) : valueOf(p, pick);
				assert.ok(description.includes(shown), `the description shows "${shown}": ${description}`);
			}),
			{ numRuns: 12 },
		);
	});

	it('with the error output: the error item says what failed without the lead\'s values', async () => {
		await fc.assert(
			fc.asyncProperty(person, fc.nat(), async (p, pick) => {
				const { outputs, error } = await run([c.broken(c.prepare?.(leadOf(p)) ?? leadOf(p), valueOf(p, pick))], 'continueErrorOutput');
				assert.equal(error, undefined, error?.message);
				const failed = outputs[outputs.length - 1];
				assert.equal(failed.length, 1, 'the lead leaves on the error output');
				clean(p, failed[0].json.error, 'the error item');
			}),
			{ numRuns: 8 },
		);
	});
});
