import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeService } from '../src/compose/compose-service.js';
import { loadConfig } from '../src/config/load-config.js';
import { quiet } from './compose-fixtures.js';

// The stock service checks webhook URLs with the SSRF guard in every mode, and
// WEBHOOK_ALLOW_PRIVATE_NETWORKS turns the address check off.
describe('composeService: webhook URLs', () => {
  let outbox: string;
  beforeAll(() => {
    outbox = mkdtempSync(join(tmpdir(), 'notify-compose-webhooks-'));
  });
  afterAll(() => rmSync(outbox, { recursive: true, force: true }));

  const compose = (env: Record<string, string> = {}) =>
    composeService(loadConfig({ OUTBOX_DIR: outbox, ...env }), { role: 'embedded', logger: quiet() });

  it('refuses a loopback, private or metadata URL by default', async () => {
    const service = await compose();
    try {
      for (const url of [
        'http://127.0.0.1/x',
        'http://10.0.0.1/',
        'http://169.254.169.254/',
        'http://[::1]/',
      ]) {
        await expect(service.engine.createWebhook({ url, events: ['*'] })).rejects.toMatchObject({
          code: 'WEBHOOK_URL_FORBIDDEN',
          details: [{ path: 'url' }],
        });
      }
      // A public address is let through without asking DNS.
      const created = await service.engine.createWebhook({
        url: 'https://93.184.216.34/hook',
        events: ['*'],
      });
      expect(created.secret).toMatch(/^whsec_/);
    } finally {
      await service.close();
    }
  });

  it('allows them with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', async () => {
    const service = await compose({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    try {
      const created = await service.engine.createWebhook({ url: 'http://127.0.0.1:9/hook', events: ['*'] });
      expect(created.url).toBe('http://127.0.0.1:9/hook');
      await expect(
        service.engine.createWebhook({ url: 'ftp://127.0.0.1/', events: ['*'] }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    } finally {
      await service.close();
    }
  });

  it('refuses a value of WEBHOOK_ALLOW_PRIVATE_NETWORKS that is not a boolean, naming it', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_NETWORKS/,
    );
  });
});
