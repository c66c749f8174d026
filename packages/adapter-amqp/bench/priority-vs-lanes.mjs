// Measures the two ways to honour priority on RabbitMQ 3.10, for docs/rabbitmq.md:
//   classic: one classic queue with x-max-priority 10;
//   lanes:   two quorum queues (high, low), each with its own consumer (quorum queues have no
//            priorities before RabbitMQ 4.0).
// Run: node packages/adapter-amqp/bench/priority-vs-lanes.mjs   (needs rabbitmqctl, as root)
import { execFileSync } from 'node:child_process';
import { connect } from 'amqplib';

const N = Number(process.env.N ?? 5000);
const BACKLOG = Number(process.env.BACKLOG ?? 2000);
const vhost = `notify-bench-${Date.now().toString(36)}`;
const ctl = (...args) => execFileSync('rabbitmqctl', ['-q', ...args]).toString();
ctl('add_vhost', vhost);
ctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const body = (i) =>
  Buffer.from(
    JSON.stringify({ requestId: `req-${i}`, taskId: `t-${i}`, priority: 10, correlationId: `c-${i}` }),
  );

async function publishAll(ch, queue, count, priority) {
  const started = performance.now();
  for (let i = 0; i < count; i += 500) {
    for (let j = i; j < Math.min(count, i + 500); j++)
      ch.sendToQueue(queue, body(j), { persistent: true, priority });
    await ch.waitForConfirms();
  }
  return count / ((performance.now() - started) / 1000);
}

async function consumeAll(conn, queue, count, prefetch) {
  const ch = await conn.createChannel();
  await ch.prefetch(prefetch);
  let seen = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    ch.consume(queue, (m) => {
      ch.ack(m);
      if (++seen === count) resolve();
    });
  });
  const rate = count / ((performance.now() - started) / 1000);
  await ch.close();
  return rate;
}

/** Backlog of low messages, consumers working (2 ms each, 10 at once); then one high message. */
async function overtaking(conn, pub, lanes) {
  const low = lanes ? 'lane.low' : 'work';
  const high = lanes ? 'lane.high' : 'work';
  for (let i = 0; i < BACKLOG; i++) pub.sendToQueue(low, body(i), { persistent: true, priority: 0 });
  await pub.waitForConfirms();
  const order = [];
  let highAt = 0;
  const channels = [];
  let stopping = false;
  const subscribe = async (queue, prefetch) => {
    const ch = await conn.createChannel();
    await ch.prefetch(prefetch);
    await ch.consume(queue, async (m) => {
      await sleep(2);
      const isHigh = m.properties.priority === 10;
      order.push(isHigh ? 'H' : 'l');
      if (isHigh) highAt = performance.now();
      if (!stopping) ch.ack(m);
    });
    channels.push(ch);
  };
  if (lanes) {
    await subscribe('lane.high', 2);
    await subscribe('lane.low', 8);
  } else {
    await subscribe('work', 10);
  }
  while (order.length < 200) await sleep(5);
  const before = order.length;
  const sentAt = performance.now();
  pub.sendToQueue(high, body(-1), { persistent: true, priority: 10 });
  await pub.waitForConfirms();
  while (!highAt) await sleep(1);
  const result = { lowAhead: order.indexOf('H') - before, latencyMs: Math.round(highAt - sentAt) };
  stopping = true;
  for (const ch of channels) await ch.close();
  return result;
}

const conn = await connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
const pub = await conn.createConfirmChannel();
const results = {};
try {
  await pub.assertQueue('work', { durable: true, arguments: { 'x-max-priority': 10 } });
  await pub.assertQueue('plain', { durable: true });
  await pub.assertQueue('lane.high', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await pub.assertQueue('lane.low', { durable: true, arguments: { 'x-queue-type': 'quorum' } });

  results['classic, no priority: publish msg/s'] = Math.round(await publishAll(pub, 'plain', N, 0));
  results['classic, no priority: consume msg/s'] = Math.round(await consumeAll(conn, 'plain', N, 50));
  results['classic x-max-priority 10: publish msg/s'] = Math.round(await publishAll(pub, 'work', N, 5));
  results['classic x-max-priority 10: consume msg/s'] = Math.round(await consumeAll(conn, 'work', N, 50));
  results['quorum lane: publish msg/s'] = Math.round(await publishAll(pub, 'lane.low', N, 0));
  results['quorum lane: consume msg/s'] = Math.round(await consumeAll(conn, 'lane.low', N, 50));
  await pub.purgeQueue('work');
  await pub.purgeQueue('lane.low');

  const classic = await overtaking(conn, pub, false);
  await pub.purgeQueue('work');
  const lanes = await overtaking(conn, pub, true);
  results[`classic priority: low messages consumed before the high one (backlog ${BACKLOG}, prefetch 10)`] =
    classic.lowAhead;
  results['classic priority: high message latency ms'] = classic.latencyMs;
  results['lanes: low messages consumed before the high one (prefetch 8 + 2)'] = lanes.lowAhead;
  results['lanes: high message latency ms'] = lanes.latencyMs;
} finally {
  await conn.close();
  ctl('delete_vhost', vhost);
}
console.log(JSON.stringify({ rabbitmq: '3.10', messages: N, ...results }, null, 2));
