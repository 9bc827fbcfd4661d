/**
 * Store scopes: one store can serve several clients (an agency) or unrelated pipelines. Every row
 * about a lead belongs to one scope, and each scope has its own leads: the same lead key in two
 * scopes is two leads that share nothing.
 */

/** The scope of nodes left at their default, and of the data stored before scopes separated leads. */
export const DEFAULT_SCOPE = 'default';

/** Erasure in every scope: a privacy request about a person, whichever client's pipeline holds them. */
export const ALL_SCOPES: unique symbol = Symbol('all scopes');
export type AllScopes = typeof ALL_SCOPES;
