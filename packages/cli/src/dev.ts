// `npm run dev -- <command>` from the sources; with no command, `serve --demo-if-empty` as in the README.
import { main } from './main.js';

const args = process.argv.slice(2);
await main([...process.argv.slice(0, 2), ...(args.length > 0 ? args : ['serve', '--demo-if-empty'])]);
