/**
 * A separate process's view of experiment arms: reads lead keys (one a line) on stdin and prints
 * their arms as JSON, for `assignment.test.ts` to compare with its own.
 */
import { readFileSync } from 'node:fs';

import { armOf } from '../../../nodes/engine/experiment';

const [name, share] = process.argv.slice(2);
const keys = readFileSync(0, 'utf8').split('\n').filter((k) => k !== '');
process.stdout.write(JSON.stringify(keys.map((k) => armOf(name, k, Number(share)))));
