// The entry the bin runs from the sources (through tsx); the built bin imports main.ts instead.
import { main } from './main.js';

await main(process.argv);
