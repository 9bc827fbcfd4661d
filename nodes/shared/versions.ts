/**
 * Parameters that differ between versions of a node, the way n8n's own nodes do it: each
 * version's properties carry an `@version` display condition, under the same names. A workflow
 * saved with an older version keeps reading its parameters in their old shape (n8n keeps only
 * the values of the properties its version shows), and a node dropped fresh gets the newest.
 */
import { NodeHelpers, type DisplayCondition, type INodeProperties } from 'n8n-workflow';

export type VersionCondition = Array<number | DisplayCondition>;

/** Versions before `version`. */
export const versionsBefore = (version: number): VersionCondition => [{ _cnd: { lt: version } }];
/** `version` and later. */
export const versionsFrom = (version: number): VersionCondition => [{ _cnd: { gte: version } }];

/** The properties, shown only for the versions given (on top of their own display options). */
export function atVersions(properties: INodeProperties[], versions: VersionCondition): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, '@version': versions } },
	}));
}

/** The properties a node of this version has: those without an `@version` condition, and those whose condition holds. */
export function propertiesOfVersion(properties: INodeProperties[], version: number): INodeProperties[] {
	return properties.filter((property) => {
		const versions = property.displayOptions?.show?.['@version'];
		const hidden = property.displayOptions?.hide?.['@version'];
		return (!versions || NodeHelpers.checkConditions(versions, [version])) && (!hidden || !NodeHelpers.checkConditions(hidden, [version]));
	});
}
