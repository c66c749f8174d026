import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createPostgresStore, migrate } from '@notify/adapter-postgres';
import { sampleNotification } from '@notify/email-core/testing';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { createTestVhost } from '../../../test-support/rabbitmq.js';
it('mk', async () => {
  const db = await createTestDatabase(); const vh = await createTestVhost();
  await migrate({ connectionString: db.url });
  const s = createPostgresStore({ connectionString: db.url });
  await s.insert(sampleNotification({ requestId: 'x1', status: 'failed', errorCode: 'SMTP_PERMANENT', error: 'boom', history: [] }));
  await s.close();
  writeFileSync('/tmp/dl/env', `DATABASE_URL=${db.url}\nRABBITMQ_URL=${vh.url}\n`);
});
