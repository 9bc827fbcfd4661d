// xml2js ships without types; n8n parses webhook XML bodies with it (and so does the Salesforce test).
declare module 'xml2js' {
	export class Parser {
		constructor(options?: Record<string, unknown>);
		parseStringPromise(xml: string): Promise<unknown>;
	}
}
