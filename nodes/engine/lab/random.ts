/** A seeded random source (mulberry32): the same seed gives the same splits and bootstrap samples. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Indexes 0..n-1 in a seeded random order (Fisher-Yates). */
export function shuffledIndexes(n: number, random: Random): Int32Array {
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		const t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	return order;
}
