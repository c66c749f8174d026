#!/usr/bin/env node
import { runServiceProgram, WORKER_PROGRAM } from '../cli/service-command-line.js';
import { runWorkerService } from '../run/worker-service.js';

runServiceProgram(WORKER_PROGRAM, process.argv.slice(2), runWorkerService);
