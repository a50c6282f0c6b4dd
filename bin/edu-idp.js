#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader: no build step on Node 20 or 24.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main();
