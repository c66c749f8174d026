#!/usr/bin/env node
import { loadBuilt } from './load-built.js';

await loadBuilt('dead-letters', 'notify-dead-letters');
