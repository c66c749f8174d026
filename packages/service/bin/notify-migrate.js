#!/usr/bin/env node
import { loadBuilt } from './load-built.js';

await loadBuilt('migrate', 'notify-migrate');
