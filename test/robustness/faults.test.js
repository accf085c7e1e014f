'use strict';
// Faults: what a peer or the network does never crashes, corrupts or leaks. Real peers in other
// processes (test/fixtures/fault-client.js, fault-receiver.js) over kernel SCTP: one killed
// mid-stream, one that loses its state and comes back on the same address and port (a restart,
// in a network namespace behind a veth pair that goes down while it dies), one that stops
// reading for seconds.
const assert = require('assert');
const { execFileSync } = require('child_process');
const helpers = require('../helpers');
const { message } = require('../fixtures/fault-client');
const receiverFixture = require('../fixtures/fault-receiver');

const { spawnJson, fixture, once } = helpers;
const reliable = { unordered: false, ttl: 0 };
const kInternals = Symbol.for('sctp-napi.internals');

const until = async (predicate, what, ms = 60000) => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`waited ${ms} ms for ${what}`);
    await helpers.sleep(20);
  }
};

// What the server got, checked as it arrives: from each client (the id in the message) the
// numbers 0, 1, 2... in order, each message byte for byte message(id, seq).
function ledger(server) {
  const l = { events: [], clients: new Map(), problems: [], messages: 0 };
  server.on('association', (info) => l.events.push(info));
  server.on('shutdown', ({ assocId }) => l.events.push({ assocId, state: 'shutdown-event' }));
  server.on('message', (msg, rinfo) => {
    l.messages++;
    const problem = (text) => { if (l.problems.length < 20) l.problems.push(text); };
    if (msg.length < 12) return problem(`a ${msg.length}-byte message`);
    const id = msg.readUInt32BE(0);
    const seq = msg.readUInt32BE(4);
    let c = l.clients.get(id);
    if (!c) {
      c = { next: 0, assocId: rinfo.assocId, port: rinfo.port, address: rinfo.address };
      l.clients.set(id, c);
    }
    if (seq !== c.next) problem(`client ${id}: #${seq} where #${c.next} was due`);
    else if (!msg.equals(message(id, seq))) problem(`client ${id}: #${seq} is corrupted`);
    if (rinfo.assocId !== c.assocId) problem(`client ${id}: #${seq} on association ${rinfo.assocId}, not ${c.assocId}`);
    c.next = seq + 1;
    return undefined;
  });
  l.count = (id) => (l.clients.has(id) ? l.clients.get(id).next : 0);
  l.states = (assocId) => l.events.filter((e) => e.assocId === assocId).map((e) => e.state);
  l.ended = (assocId) => l.events.find((e) => e.assocId === assocId && e.state !== 'up' &&
    e.state !== 'restart' && e.state !== 'shutdown-event');
  return l;
}

// After every association ended: the addon's tables are empty (every count 0, including any
// count added later), its receive buffer at rest.
const COUNTS = ['peerAddresses', 'peerAssociations', 'partialBytes', 'associations', 'connecting', 'abandoned', 'queue'];
function assertNoLeftovers(s) {
  const t = s[kInternals]();
  const left = Object.keys(t).filter((k) => k !== 'bufferBytes' && typeof t[k] === 'number' && t[k] !== 0);
  const missing = COUNTS.filter((k) => typeof t[k] !== 'number');
  assert.deepStrictEqual({ left, missing }, { left: [], missing: [] }, `tables ${JSON.stringify(t)}`);
  assert.strictEqual(t.bufferBytes, 4096, `tables ${JSON.stringify(t)}`);
  assert.deepStrictEqual(s.associations(), []);
}

// Sends msg on an association and resolves once the peer's kernel has acknowledged it (it then
// sits in the peer's receive queue, read or not).
async function sendAcked(s, msg, assocId) {
  await new Promise((resolve, reject) => s.send(msg, { assocId }, (err) => (err ? reject(err) : resolve())));
  await until(() => {
    const st = s.status(assocId);
    return st.unackData === 0 && st.pendingData === 0;
  }, 'the peer to acknowledge');
}

describe('Faults: what a peer or the network does never crashes, corrupts or leaks', () => {
  describe('a peer killed with SIGKILL mid-stream (3 client processes on loopback)', () => {
    // Three clients stream numbered messages to a server in this process; the second one is
    // killed. How its association ends is up to its kernel, which closes the dead process's
    // socket: with nothing unread it ends the association gracefully (SHUTDOWN, after delivering
    // what it had taken); with data the process never read, it sends an ABORT (cause 12,
    // user-initiated). Either way the server must go on with the other two, intact and in order,
    // and hold nothing of any of them once they are gone.
    async function killOneOfThree(hung) {
      const server = await helpers.bound({ defaults: reliable });
      const l = ledger(server);
      const { port } = server.address();
      const clients = [1, 2, 3].map((id) => spawnJson(process.execPath, [fixture('fault-client.js'), id, port, '127.0.0.1']));
      const ups = (await Promise.all(clients.map((c) => c.waitFor((x) => x.up)))).map((x) => x.up);
      await until(() => [1, 2, 3].every((id) => l.count(id) >= 100), '100 messages from each client');
      const victim = l.clients.get(2);
      assert.strictEqual(victim.port, ups[1].port);
      assert.strictEqual(clients[1].pid, ups[1].pid, 'the process to kill is the client itself');
      const { assocId } = victim;

      if (hung) {
        clients[1].stdin.write('freeze\n');
        await clients[1].waitFor((x) => x.frozen);
        await sendAcked(server, 'never read', assocId);
      }
      const atKill = l.count(2);
      clients[1].kill('SIGKILL');
      assert.strictEqual(await clients[1].exited, null); // killed by the signal
      await until(() => l.ended(assocId), `the end of association ${assocId}`);

      const end = l.ended(assocId);
      assert.strictEqual(end.address, '127.0.0.1');
      assert.strictEqual(end.port, ups[1].port);
      if (hung) {
        assert.deepStrictEqual(l.states(assocId), ['up', 'lost']);
        assert.strictEqual(end.error, 12);
        assert.strictEqual(end.reason, 'user-initiated-abort');
      } else {
        assert.deepStrictEqual(l.states(assocId), ['up', 'shutdown-event', 'shutdown']);
        assert.strictEqual(end.error, 0);
      }
      assert.ok(l.count(2) >= atKill);
      assert.deepStrictEqual(server.associations().map((a) => a.assocId).sort(),
        [l.clients.get(1).assocId, l.clients.get(3).assocId].sort());

      // The other two go on.
      const from1 = l.count(1);
      const from3 = l.count(3);
      const fromVictim = l.count(2);
      await until(() => l.count(1) >= from1 + 100 && l.count(3) >= from3 + 100, '100 more messages from each survivor');
      assert.strictEqual(l.count(2), fromVictim, 'a message from the dead client after its association ended');

      for (const c of [clients[0], clients[2]]) c.stdin.end();
      const [done1, done3] = await Promise.all([clients[0], clients[2]].map((c) => c.waitFor((x) => x.done !== undefined)));
      assert.deepStrictEqual([done1.state, done3.state], ['shutdown', 'shutdown']);
      await until(() => l.ended(l.clients.get(1).assocId) && l.ended(l.clients.get(3).assocId), 'the survivors\' shutdowns');
      assert.deepStrictEqual([l.count(1), l.count(3)], [done1.done, done3.done], 'not every message sent arrived');
      for (const id of [1, 3]) assert.deepStrictEqual(l.states(l.clients.get(id).assocId), ['up', 'shutdown-event', 'shutdown']);
      assert.deepStrictEqual(l.problems, []);
      for (const c of clients) assert.deepStrictEqual(c.lines.filter((x) => x.sendError || x.error), []);
      assertNoLeftovers(server);
      console.log(`      (${l.messages} messages; the killed client's ${l.count(2)}, ${atKill} of them before the kill)`);
    }

    it('killed: its kernel shuts the association down (\'shutdown\'), the others go on, nothing is left', async () => {
      await killOneOfThree(false);
    });

    it('killed while hung with data unread: its kernel ABORTs (\'lost\', user-initiated-abort), the others go on, nothing is left', async () => {
      await killOneOfThree(true);
    });
  });

  describe('a peer that restarts on the same address and port (a namespace behind a veth pair)', () => {
    const ns = `sctp-fault-${process.pid}`;
    const host = `flt${process.pid % 10000}h`;
    const net = `198.19.${1 + (process.pid % 250)}`;
    const serverAddress = `${net}.1`;
    const clientAddress = `${net}.2`;
    const ip = (...args) => execFileSync('ip', args, { stdio: 'pipe' });

    before(function () {
      try {
        ip('netns', 'add', ns);
      } catch {
        this.skip(); // needs root and ip (the VM has them)
      }
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', `${host}p`);
      ip('link', 'set', `${host}p`, 'netns', ns, 'name', 'eth0');
      ip('addr', 'add', `${serverAddress}/24`, 'dev', host);
      ip('-n', ns, 'addr', 'add', `${clientAddress}/24`, 'dev', 'eth0');
      ip('link', 'set', host, 'up');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
    });
    after(() => {
      try { ip('link', 'del', host); } catch { /* not made */ }
      try { ip('netns', 'del', ns); } catch { /* not made */ }
    });

    it('killed unheard (its ABORT lost on a link that is down), back on the same port: \'restart\' of the same association, both ways work', async () => {
      // Heartbeats off: one sent between the link coming back and the new client's INIT would
      // meet the client's kernel, which knows no association and ABORTs: 'lost', not a restart.
      const server = helpers.socket({ type: 'sctp4', defaults: reliable, heartbeatInterval: 0 });
      server.bind(0, serverAddress);
      await once(server, 'listening');
      const l = ledger(server);
      const { port } = server.address();
      const clientPort = helpers.port();
      const client = (id) => spawnJson('ip', ['netns', 'exec', ns, process.execPath, fixture('fault-client.js'),
        id, port, serverAddress, clientAddress, clientPort]);

      // The first life: messages both ways.
      const old = client(1);
      const { up: oldUp } = await old.waitFor((x) => x.up);
      assert.strictEqual(oldUp.port, clientPort);
      assert.strictEqual(old.pid, oldUp.pid, 'the process to kill is the client itself');
      await until(() => l.count(1) >= 50, '50 messages from the first client');
      const { assocId } = l.clients.get(1);
      assert.deepStrictEqual([l.clients.get(1).address, l.clients.get(1).port], [clientAddress, clientPort]);
      server.send('hello', clientPort, clientAddress);
      await old.waitFor((x) => x.reply === 'hello');

      // It hangs with a message unread (so its kernel will ABORT rather than shut down, and
      // keeps no state), the link goes down, it is killed: the ABORT never reaches the server.
      old.stdin.write('freeze\n');
      await old.waitFor((x) => x.frozen);
      await sendAcked(server, 'never read', assocId);
      ip('-n', ns, 'link', 'set', 'eth0', 'down');
      old.kill('SIGKILL');
      assert.strictEqual(await old.exited, null);
      await helpers.sleep(2000);
      assert.deepStrictEqual(l.states(assocId), ['up'], 'the server heard of the death');
      assert.deepStrictEqual(server.associations().map((a) => a.assocId), [assocId]);
      const fromOld = l.count(1);

      // The second life, on the same address and port, knowing nothing of the first.
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      const again = client(2);
      const { up: newUp } = await again.waitFor((x) => x.up, 90000);
      assert.strictEqual(newUp.port, clientPort);
      await until(() => l.count(2) >= 50, '50 messages from the restarted client');
      assert.deepStrictEqual(l.states(assocId), ['up', 'restart'], 'how the server saw the restart');
      const restart = l.events.find((e) => e.state === 'restart');
      assert.strictEqual(restart.assocId, assocId);
      assert.deepStrictEqual([restart.address, restart.port, restart.error], [clientAddress, clientPort, 0]);
      assert.ok(restart.inStreams > 0 && restart.outStreams > 0);
      assert.strictEqual(l.clients.get(2).assocId, assocId);
      assert.strictEqual(l.count(1), fromOld, 'a message of the first life after the restart');
      assert.deepStrictEqual(server.associations().map((a) => [a.assocId, a.address, a.port]),
        [[assocId, clientAddress, clientPort]]);

      // A reply reaches the new client, by address and by association.
      server.send('welcome back', clientPort, clientAddress);
      server.send('by association', { assocId });
      await again.waitFor((x) => x.reply === 'by association');
      assert.deepStrictEqual(again.lines.filter((x) => x.reply).map((x) => x.reply), ['welcome back', 'by association']);

      again.stdin.end();
      const { done, state } = await again.waitFor((x) => x.done !== undefined);
      assert.strictEqual(state, 'shutdown');
      await until(() => l.ended(assocId), 'the shutdown');
      assert.strictEqual(l.count(2), done, 'not every message sent arrived');
      assert.deepStrictEqual(l.states(assocId), ['up', 'restart', 'shutdown-event', 'shutdown']);
      assert.deepStrictEqual(l.problems, []);
      for (const c of [old, again]) assert.deepStrictEqual(c.lines.filter((x) => x.sendError || x.error), []);
      assertNoLeftovers(server);
      console.log(`      (first life ${fromOld} messages, second ${done})`);
    });
  });

  it('a receiver that stops reading for 3 s: send() returns false, \'drain\', every callback without error, all 5000 arrive in order, intact', async () => {
    const N = 5000;
    const receiver = spawnJson(process.execPath, [fixture('fault-receiver.js'), N]);
    const { listening: port } = await receiver.waitFor((x) => x.listening);
    const sender = helpers.socket({
      type: 'sctp4', sendBufferSize: 64 * 1024, sendHighWaterMark: 256 * 1024, defaults: reliable,
    });
    const { assocId } = await sender.connect(port, '127.0.0.1');
    let drains = 0;
    sender.on('drain', () => drains++);
    let minRwnd = Infinity;
    let maxQueue = 0;
    const sampler = setInterval(() => {
      minRwnd = Math.min(minRwnd, sender.status(assocId).rwnd);
      maxQueue = Math.max(maxQueue, sender.getSendQueueCount());
    }, 50);

    receiver.stdin.write('block 3000\n');
    await receiver.waitFor((x) => x.blocking);
    const results = [];
    let falses = 0;
    try {
      for (let i = 0; i < N; i++) {
        const ok = sender.send(receiverFixture.message(i), port, '127.0.0.1',
          (err, bytes) => results.push(err || bytes));
        if (!ok) {
          falses++;
          await once(sender, 'drain');
        }
      }
      await until(() => results.length === N, 'every send callback');
    } finally {
      clearInterval(sampler);
    }
    assert.ok(receiver.lines.some((x) => x.unblocked));
    assert.ok(falses > 0, 'send() never returned false');
    assert.ok(drains >= falses, `${falses} false returns, ${drains} 'drain' events`);
    const failed = results.filter((r) => r !== receiverFixture.SIZE);
    assert.deepStrictEqual(failed, [], 'a send callback got an error');
    assert.ok(minRwnd < receiverFixture.SIZE, `the receiver's window never closed (at least ${minRwnd} bytes)`);
    const last = await receiver.waitFor((x) => x.received === N, 120000);
    assert.deepStrictEqual(last, { received: N, inOrder: true, intact: true });
    assert.strictEqual(sender.getSendQueueCount(), 0);

    const ended = new Promise((resolve) => sender.on('association', (info) => info.state !== 'up' && resolve(info)));
    sender.eof(assocId);
    assert.strictEqual((await ended).state, 'shutdown');
    assertNoLeftovers(sender);
    receiver.stdin.end();
    assert.strictEqual(await receiver.exited, 0);
    console.log(`      (${falses} false returns, ${drains} drains, up to ${maxQueue} queued, receiver window down to ${minRwnd} bytes)`);
  });
});
