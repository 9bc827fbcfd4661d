// Copies what tsc does not emit: node icons, codex files and JSON schemas.
const { src, dest, parallel } = require('gulp');

const copy = (glob) => () => src(glob, { base: '.', encoding: false }).pipe(dest('dist'));

exports.build = parallel(
	copy(['nodes/**/*.svg', 'nodes/**/*.png', 'credentials/**/*.svg', 'credentials/**/*.png']),
	copy(['nodes/**/*.node.json']),
	copy(['nodes/**/*.schema.json']),
);
