/** The activity types the editor offers by name; any other type is entered as "Custom". */
import type { INodePropertyOptions } from 'n8n-workflow';

export const STANDARD_ACTIVITY_TYPES: readonly string[] = [
	'page_view',
	'content_download',
	'webinar_attended',
	'email_open',
	'email_click',
	'form_submit',
	'demo_request',
	'contact_sales',
];

export const ACTIVITY_TYPE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Contact Sales', value: 'contact_sales' },
	{ name: 'Content Download', value: 'content_download' },
	{ name: 'Custom', value: 'custom', description: 'Any other activity type (comma-separated for several)' },
	{ name: 'Demo Request', value: 'demo_request' },
	{ name: 'Email Click', value: 'email_click' },
	{ name: 'Email Open', value: 'email_open' },
	{ name: 'Form Submit', value: 'form_submit' },
	{ name: 'Page View', value: 'page_view' },
	{ name: 'Webinar Attended', value: 'webinar_attended' },
];
