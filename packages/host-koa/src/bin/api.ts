#!/usr/bin/env node
// The stock API process: HTTP API plus the outbox relay; workers run as separate processes
// (notify-worker). Needs DATABASE_URL and RabbitMQ; see docs/configuration.md.
import { runHttpService } from './http-service.js';

void runHttpService('api');
