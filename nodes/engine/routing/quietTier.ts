import { DEFAULT_TIERS, type Tier } from './protocol';

/**
 * The last tier that puts nobody on the lead: no owner and no due time, as the default Nurture.
 * A router without a Not Routed output keeps its failed items there under "Continue (regular
 * output)", so a lead that was never judged does not reach a rep. Reads the tiers as given
 * (before validation); undefined when every tier gives an owner or a due time.
 */
export function quietTierIndex(tiers: unknown = DEFAULT_TIERS): number | undefined {
	if (!Array.isArray(tiers)) return undefined;
	for (let i = tiers.length - 1; i >= 0; i--) {
		const tier = tiers[i] as Partial<Tier> | null;
		if (tier && typeof tier === 'object' && tier.assign === false && (tier.sla === undefined || tier.sla === null)) return i;
	}
	return undefined;
}
