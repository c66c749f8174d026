#!/usr/bin/env node
import { API_PROGRAM, runServiceProgram } from '../cli/service-command-line.js';
import { runHttpService } from '../run/http-service.js';

runServiceProgram(API_PROGRAM, process.argv.slice(2), () => runHttpService('api'));
