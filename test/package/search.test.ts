/**
 * The node panel finds every node by the words a marketer types. Runs n8n's node-panel search
 * over the built package (dist/: each node's description and its codex file, as n8n loads them),
 * so `npm run build` comes first (npm test does it).
 *
 * How n8n 2.41.1 searches the node panel (the editor's node creator):
 * - searchNodes() in packages/frontend/editor-ui/src/features/shared/nodeCreator/nodeCreator.utils.ts
 *   drops a trailing word that starts "trigger" (removeTrailingTrigger), lowercases the query and
 *   calls sublimeSearch() with its default keys; the results are re-ranked by popularity, which
 *   only n8n's own nodes have.
 * - sublimeSearch() in packages/@n8n/utils/src/search/sublimeSearch.ts (shipped as
 *   @n8n/utils 1.48.0, dist/search/sublime-search) scores two fields: the displayName (weight 1.3)
 *   and each entry of the codex `alias` list (weight 1). The description, the categories and the
 *   subcategories are not searched.
 * - A field matches when the whole query, spaces and hyphens included, is a subsequence of its
 *   characters (case-insensitive): the query is not split into words, so "lead routing" needs one
 *   field holding "lead", a space, then "routing"; "hand-off" needs a hyphen in the field, while
 *   "handoff" also matches "hand-off". An item scores its best field; results are sorted by score.
 * The port below follows that code line by line; the differential test checks it against
 * @n8n/utils' own sublimeSearch, which this repository has through n8n-core.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';

const root = join(__dirname, '../..');
const loadModule = createRequire(__filename);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };

/** The part of a node-creator item the search reads (INodeCreateElement in the editor). */
interface PanelItem {
	key: string;
	properties: { displayName: string; codex?: { alias?: string[]; categories?: string[] } };
}

/** Each node as n8n's loader presents it to the editor: its description plus its codex file. */
function loadPanelItems(): PanelItem[] {
	return pkg.n8n.nodes.map((file) => {
		const path = join(root, file);
		const className = file.split('/').pop()!.replace('.node.js', '');
		const NodeClass = (loadModule(path) as Record<string, new () => { description: { name: string; displayName: string } }>)[className];
		const { description } = new NodeClass();
		// n8n-core DirectoryLoader.getCodex(): reads `<node>.node.json` next to the built node.
		const { alias, categories } = JSON.parse(readFileSync(join(dirname(path), `${className}.node.json`), 'utf8')) as { alias?: string[]; categories?: string[] };
		return { key: `${pkg.name}.${description.name}`, properties: { displayName: description.displayName, codex: { alias, categories } } };
	});
}

// ---- Port of @n8n/utils src/search/sublimeSearch.ts (n8n 2.41.1) ----
const SEQUENTIAL_BONUS = 60;
const SEPARATOR_BONUS = 38;
const CAMEL_BONUS = 30;
const FIRST_LETTER_BONUS = 15;
const LEADING_LETTER_PENALTY = -20;
const MAX_LEADING_LETTER_PENALTY = -200;
const UNMATCHED_LETTER_PENALTY = -2.5;
const DEFAULT_KEYS = [
	{ key: 'properties.displayName', weight: 1.3 },
	{ key: 'properties.codex.alias', weight: 1 },
];

function fuzzyMatchSimple(pattern: string, target: string): boolean {
	let patternIdx = 0;
	let strIdx = 0;
	while (patternIdx < pattern.length && strIdx < target.length) {
		if (pattern.charAt(patternIdx).toLowerCase() === target.charAt(strIdx).toLowerCase()) patternIdx++;
		++strIdx;
	}
	return pattern.length !== 0 && target.length !== 0 && patternIdx === pattern.length;
}

function fuzzyMatchRecursive(
	pattern: string,
	target: string,
	patternCurIndex: number,
	targetCurrIndex: number,
	targetMatches: number[] | null,
	matches: number[],
	maxMatches: number,
	nextMatch: number,
	recursionCount: number,
	recursionLimit: number,
): { matched: boolean; outScore: number } {
	let outScore = 0;
	if (++recursionCount >= recursionLimit) return { matched: false, outScore };
	if (patternCurIndex === pattern.length || targetCurrIndex === target.length) return { matched: false, outScore };
	let recursiveMatch = false;
	// The original also keeps the best recursive match positions; they never reach the score.
	let bestRecursiveScore = 0;
	let firstMatch = true;
	while (patternCurIndex < pattern.length && targetCurrIndex < target.length) {
		if (pattern[patternCurIndex].toLowerCase() === target[targetCurrIndex].toLowerCase()) {
			if (nextMatch >= maxMatches) return { matched: false, outScore };
			if (firstMatch && targetMatches) {
				matches = [...targetMatches];
				firstMatch = false;
			}
			const recursiveMatches: number[] = [];
			const recursiveResult = fuzzyMatchRecursive(pattern, target, patternCurIndex, targetCurrIndex + 1, matches, recursiveMatches, maxMatches, nextMatch, recursionCount, recursionLimit);
			if (recursiveResult.matched) {
				if (!recursiveMatch || recursiveResult.outScore > bestRecursiveScore) bestRecursiveScore = recursiveResult.outScore;
				recursiveMatch = true;
			}
			matches[nextMatch++] = targetCurrIndex;
			++patternCurIndex;
		}
		++targetCurrIndex;
	}
	const matched = patternCurIndex === pattern.length;
	if (!matched) return { matched: false, outScore };
	outScore = 100;
	if (!target.toLowerCase().startsWith('n8n')) {
		outScore += Math.max(LEADING_LETTER_PENALTY * matches[0], MAX_LEADING_LETTER_PENALTY);
	}
	outScore += UNMATCHED_LETTER_PENALTY * (target.length - nextMatch);
	for (let i = 0; i < nextMatch; i++) {
		const currIdx = matches[i];
		if (i > 0 && currIdx === matches[i - 1] + 1) outScore += SEQUENTIAL_BONUS;
		if (currIdx > 0) {
			const neighbor = target[currIdx - 1];
			const curr = target[currIdx];
			if (neighbor !== neighbor.toUpperCase() && curr !== curr.toLowerCase()) outScore += CAMEL_BONUS;
			if (neighbor === '_' || neighbor === ' ') outScore += SEPARATOR_BONUS;
		} else {
			outScore += FIRST_LETTER_BONUS;
		}
	}
	if (recursiveMatch && bestRecursiveScore > outScore) return { matched: true, outScore: bestRecursiveScore };
	return { matched: true, outScore };
}

function scoreSearchValue(filter: string, value: string, weight: number): number | undefined {
	if (!fuzzyMatchSimple(filter, value)) return undefined;
	const match = fuzzyMatchRecursive(filter, value, 0, 0, null, [], 256, 0, 0, 5);
	return match.matched ? match.outScore * weight : undefined;
}

function getValue(obj: object, prop: string): unknown {
	if (Object.prototype.hasOwnProperty.call(obj, prop)) return (obj as Record<string, unknown>)[prop];
	let result: unknown = obj;
	for (const segment of prop.split('.')) {
		if (!result) break;
		result = (result as Record<string, unknown>)[segment];
	}
	return result;
}

function sublimeSearch<T extends object>(filter: string, data: readonly T[], keys = DEFAULT_KEYS): Array<{ score: number; item: T }> {
	const results: Array<{ score: number; item: T }> = [];
	for (const item of data) {
		let best: number | undefined;
		for (const { key, weight } of keys) {
			const value = getValue(item, key);
			const entries = Array.isArray(value) ? value : [value];
			for (const entry of entries) {
				if (typeof entry !== 'string') continue;
				const score = scoreSearchValue(filter, entry, weight);
				if (score !== undefined && (best === undefined || score > best)) best = score;
			}
		}
		if (best !== undefined) results.push({ score: best, item });
	}
	return results.sort((a, b) => b.score - a.score);
}

// ---- Port of editor-ui nodeCreator.utils.ts: removeTrailingTrigger() and searchNodes() ----
function removeTrailingTrigger(searchFilter: string): string {
	const parts = searchFilter.split(' ');
	if (parts.length > 1 && 'trigger'.startsWith(parts.slice(-1)[0].toLowerCase())) {
		return parts.slice(0, -1).filter((x) => x).join(' ').trimEnd();
	}
	return searchFilter;
}

/** What the node panel lists for a query, best first (popularity re-ranking left out: it only boosts n8n's own nodes). */
function searchNodes(searchFilter: string, items: PanelItem[]): PanelItem[] {
	return sublimeSearch(removeTrailingTrigger(searchFilter).toLowerCase(), items).map(({ item }) => item);
}

// ---- The words marketers type, and the nodes each must find ----
const LEAD_SCORE = 'Lead Score';
const HANDOFF_GATE = 'Handoff Gate';
const TIER_ROUTER = 'Tier Router';
const LEAD_ENRICH = 'Lead Enrich';
const LEAD_HANDOFF_DATA = 'Lead Handoff Data';
const SLA_BREACH_TRIGGER = 'SLA Breach Trigger';
const SLA_TIMER = 'SLA Timer';
const LEAD_FEEDBACK = 'Lead Feedback';
const LEAD_FEEDBACK_TRIGGER = 'Lead Feedback Trigger';
const LEAD_SCORING_LAB = 'Lead Scoring Lab';
const EVERY_NODE = [LEAD_SCORE, HANDOFF_GATE, LEAD_ENRICH, TIER_ROUTER, LEAD_HANDOFF_DATA, SLA_BREACH_TRIGGER, SLA_TIMER, LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER, LEAD_SCORING_LAB];

const MUST_FIND: Record<string, string[]> = {
	lead: EVERY_NODE,
	sales: EVERY_NODE,
	score: [LEAD_SCORE],
	// Both scoring nodes: the one that scores, and the lab that learns its points.
	scoring: [LEAD_SCORE, LEAD_SCORING_LAB],
	'lead scoring': [LEAD_SCORE, LEAD_SCORING_LAB],
	feedback: [LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER, LEAD_SCORE],
	outcome: [LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER],
	disposition: [LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER],
	won: [LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER],
	lost: [LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER],
	'CRM webhook': [LEAD_FEEDBACK, LEAD_FEEDBACK_TRIGGER],
	handoff: [HANDOFF_GATE, TIER_ROUTER, LEAD_HANDOFF_DATA],
	'hand-off': [HANDOFF_GATE, TIER_ROUTER, LEAD_HANDOFF_DATA],
	'lead handoff': [HANDOFF_GATE, TIER_ROUTER, LEAD_HANDOFF_DATA],
	routing: [TIER_ROUTER],
	'lead routing': [TIER_ROUTER],
	'round robin': [TIER_ROUTER],
	'round-robin': [TIER_ROUTER],
	assign: [TIER_ROUTER],
	owner: [TIER_ROUTER],
	territory: [TIER_ROUTER],
	SLA: [TIER_ROUTER, SLA_BREACH_TRIGGER, SLA_TIMER],
	escalation: [TIER_ROUTER, SLA_BREACH_TRIGGER, SLA_TIMER],
	breach: [SLA_BREACH_TRIGGER],
	overdue: [SLA_BREACH_TRIGGER],
	reminder: [SLA_BREACH_TRIGGER],
	'speed to lead': [SLA_BREACH_TRIGGER, SLA_TIMER],
	'response time': [SLA_BREACH_TRIGGER, SLA_TIMER],
	timer: [SLA_TIMER],
	'first touch': [SLA_TIMER],
	contacted: [SLA_TIMER],
	'scoring lab': [LEAD_SCORING_LAB],
	'learn points': [LEAD_SCORING_LAB],
	'point table': [LEAD_SCORING_LAB],
	'predictive scoring': [LEAD_SCORING_LAB],
	holdout: [LEAD_SCORING_LAB],
	'what-if': [LEAD_SCORING_LAB],
	'sales capacity': [LEAD_SCORING_LAB],
};

describe('the node panel search (n8n 2.41.1 node creator)', () => {
	const items = loadPanelItems();
	const names = (found: PanelItem[]) => found.map((item) => item.properties.displayName);

	afterAll(() => {
		const width = Math.max(...Object.keys(MUST_FIND).map((word) => word.length));
		const table = Object.keys(MUST_FIND).map((word) => `  ${word.padEnd(width)}  ->  ${names(searchNodes(word, items)).join(', ') || '(nothing)'}`);
		console.log(`What the node panel lists for each word, best first:\n${table.join('\n')}`);
	});

	it('the package has the nodes the table names', () => {
		assert.deepEqual([...names(items)].sort(), [...EVERY_NODE].sort());
	});

	it.each(Object.entries(MUST_FIND))('"%s" finds %j, ahead of the package\'s other nodes', (word, expected) => {
		const found = names(searchNodes(word, items));
		for (const node of expected) assert.ok(found.includes(node), `"${word}" finds ${node} (found: ${found.join(', ') || 'nothing'})`);
		assert.deepEqual(
			[...found.slice(0, expected.length)].sort(),
			[...expected].sort(),
			`"${word}" lists ${expected.join(', ')} first (found: ${found.join(', ')})`,
		);
	});

	it('the port scores exactly like @n8n/utils sublimeSearch (the code the editor bundles)', () => {
		const real = loadModule('@n8n/utils/dist/search/sublime-search') as { sublimeSearch: typeof sublimeSearch };
		const vocabulary = [...new Set(items.flatMap((item) => [item.properties.displayName, ...(item.properties.codex?.alias ?? [])]))];
		const text = fc.oneof(fc.constantFrom(...vocabulary), fc.string({ unit: fc.constantFrom(...'lead hand-off routingSLAn8_R'), maxLength: 24 }));
		const randomItem = fc.record({ key: fc.string(), properties: fc.record({ displayName: text, codex: fc.record({ alias: fc.array(text, { maxLength: 4 }) }, { noNullPrototype: true }) }, { noNullPrototype: true }) }, { noNullPrototype: true });
		fc.assert(
			fc.property(
				fc.oneof(text, fc.constantFrom(...Object.keys(MUST_FIND))).map((q) => q.toLowerCase()),
				fc.array(randomItem, { maxLength: 6 }),
				(query, extra) => {
					const data: PanelItem[] = [...items, ...extra];
					const summary = (results: Array<{ score: number; item: PanelItem }>) => results.map(({ score, item }) => [item.key, score]);
					assert.deepEqual(summary(sublimeSearch(query, data)), summary(real.sublimeSearch(query, data)));
				},
			),
			{ numRuns: 500 },
		);
	});
});
