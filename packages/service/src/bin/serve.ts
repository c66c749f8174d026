#!/usr/bin/env node
import { runServiceProgram, SERVE_PROGRAM } from '../cli/service-command-line.js';
import { runHttpService } from '../run/http-service.js';

runServiceProgram(SERVE_PROGRAM, process.argv.slice(2), () => runHttpService('embedded'));
