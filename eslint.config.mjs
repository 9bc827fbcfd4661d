// Lint: n8n's community-node rule set for nodes, credentials and package.json,
// plus typescript-eslint's recommended rules for all TypeScript.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.n8n-dev/**', '.tmp/**', 'gulpfile.js'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
		// The package.json rules read it as an expression, which typescript-eslint's parser allows.
		languageOptions: { parser: tseslint.parser },
		rules: {
			...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport.rules,
			// Broken on purpose: the package needs ajv (JSON Schema validation of protocols), luxon
			// (calendars and time zones), pg (the PostgreSQL store) and a maintained free-mail list.
			// Bundling them would hide their versions from users' audits.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// The engine and the store import nothing from n8n by design (see the README's architecture);
		// they throw their own errors, which the node adapters wrap in NodeOperationError.
		files: ['nodes/engine/**/*.ts', 'nodes/store/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
);
