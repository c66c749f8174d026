#!/usr/bin/env node
// The embedded service (`pnpm start`): API, outbox relay and a worker in one process. With
// nothing configured it runs on the in-memory store and queue and writes each email as an .eml
// file; with adapters configured it runs API and worker together on them.
import { runHttpService } from './http-service.js';

void runHttpService('embedded');
