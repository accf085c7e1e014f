'use strict';
// reusePort (SO_REUSEPORT, Linux 5.0): sockets bound to exactly the same addresses and port form a
// group, and the kernel gives each new association to one member (a hash of the peer's address and
// port); an association never moves. Members here are sockets of one process; the recipes with
// workers and cluster are examples/.
const assert = require('assert');
const sctp = require('../..');
const { socket, track, once, sleep } = require('../helpers');

// A one-to-many member bound to `where` (bind()'s arguments after port), listening.
async function member(port, where = ['127.0.0.1'], options = {}) {
  const s = socket({ type: 'sctp4', reusePort: true, ...options });
  if (Array.isArray(where[0])) s.bind({ port, addresses: where[0] });
  else s.bind(port, ...where);
  await once(s, 'listening');
  return s;
}

// n client sockets, each sending `text` to port: n new associations.
function clients(n, port, text = 'hello') {
  const list = [];
  for (let i = 0; i < n; i++) {
    const c = socket({ type: 'sctp4' });
    c.on('error', () => {}); // a closed member's associations end: not this test's point
    c.send(text, port, '127.0.0.1');
    list.push(c);
  }
  return list;
}

// Each member's senders: client port -> assocId, recorded as messages arrive.
function record(members) {
  return members.map((m) => {
    const peers = new Map();
    m.on('message', (msg, rinfo) => {
      if (!peers.has(rinfo.port)) peers.set(rinfo.port, []);
      peers.get(rinfo.port).push({ text: msg.toString(), assocId: rinfo.assocId });
    });
    return peers;
  });
}

async function until(what, test, ms = 60000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('reusePort: one address and port, several sockets', function () {
  this.timeout(180000);

  it('one-to-many: 200 associations land on both members; closing one leaves the other\'s up, and new ones go to it', async () => {
    const first = await member(0);
    const { port } = first.address();
    const second = await member(port);
    const members = [first, second];
    const seen = record(members);
    const total = () => seen.reduce((n, peers) => n + peers.size, 0);
    const old = clients(200, port);
    await until('200 first messages', () => total() === 200);
    const spread = seen.map((peers) => peers.size);
    console.log(`      (spread over 2 members: ${spread.join(' / ')})`);
    assert.ok(spread.every((n) => n > 0), `a member got no association: ${spread}`);

    // The first member goes: its associations end with it; the second's keep their ids.
    const kept = new Map(seen[1]);
    first.close();
    await once(first, 'close');
    for (const c of old) if (kept.has(c.address().port)) c.send('again', port, '127.0.0.1');
    await until("the second member's clients again", () => [...kept.keys()].every((p) => seen[1].get(p).length === 2));
    for (const [p, got] of kept) assert.strictEqual(got[1].assocId, got[0].assocId, `client ${p}'s association moved`);
    clients(40, port, 'new');
    await until('40 new associations on the remaining member', () => seen[1].size === kept.size + 40);
    assert.strictEqual(seen[0].size, spread[0], 'the closed member heard more');
  });

  it('multi-homed members: the same address set on each forms one group', async () => {
    const set = [['127.0.0.1', '127.0.0.2']];
    const first = await member(0, set);
    const { port } = first.address();
    const second = await member(port, set);
    const seen = record([first, second]);
    clients(100, port);
    await until('100 first messages', () => seen[0].size + seen[1].size === 100);
    const spread = seen.map((peers) => peers.size);
    console.log(`      (spread over 2 members: ${spread.join(' / ')})`);
    assert.ok(spread.every((n) => n > 0), `a member got no association: ${spread}`);
  });

  it('an overlapping address set on the port: EEXIST at listen(), saying every member needs the same set', async () => {
    const first = await member(0, ['127.0.0.1']);
    const { port } = first.address();
    const other = socket({ type: 'sctp4', reusePort: true });
    other.bind({ port, addresses: ['127.0.0.1', '127.0.0.2'] });
    const [err] = await once(other, 'error');
    assert.strictEqual(err.code, 'EEXIST');
    assert.strictEqual(err.syscall, 'listen');
    assert.match(err.message, /exactly the same addresses/);
  });

  it('a socket on the port without reusePort: EADDRINUSE, saying so', async () => {
    const plain = socket({ type: 'sctp4' });
    plain.bind(0, '127.0.0.1');
    await once(plain, 'listening');
    const other = socket({ type: 'sctp4', reusePort: true });
    other.bind(plain.address().port, '127.0.0.1');
    const [err] = await once(other, 'error');
    assert.strictEqual(err.code, 'EADDRINUSE');
    assert.match(err.message, /lacks reusePort/);
  });

  it('one-to-one: two servers listen({ reusePort }) on one port; 100 connections land on both', async () => {
    const counts = [0, 0];
    const servers = counts.map((_, i) => track(sctp.createServer((s) => { counts[i]++; s.on('error', () => {}); })));
    servers[0].listen({ port: 0, host: '127.0.0.1', reusePort: true });
    await once(servers[0], 'listening');
    const { port } = servers[0].address();
    servers[1].listen({ port, host: '127.0.0.1', reusePort: true });
    await once(servers[1], 'listening');
    for (let i = 0; i < 100; i++) track(sctp.connect(port, '127.0.0.1')).on('error', () => {});
    await until('100 connections', () => counts[0] + counts[1] === 100);
    console.log(`      (spread over 2 servers: ${counts.join(' / ')})`);
    assert.ok(counts.every((n) => n > 0), `a server got no connection: ${counts}`);
  });

  it('a member sends on its own associations: to a peer of another member, EADDRNOTAVAIL', async () => {
    const first = await member(0);
    const { port } = first.address();
    const second = await member(port);
    const seen = record([first, second]);
    const peers = clients(20, port);
    await until('20 first messages', () => seen[0].size + seen[1].size === 20);
    const other = peers.find((c) => seen[0].has(c.address().port)); // the first member's peer
    const [err] = await new Promise((resolve) => second.send('x', other.address().port, '127.0.0.1', (...a) => resolve(a)));
    assert.ok(err, 'the send to another member\'s peer went');
    assert.strictEqual(err.code, 'EADDRNOTAVAIL');
  });

  it('a member keeps its addresses: addAddress() and removeAddress() throw ERR_INVALID_STATE', async () => {
    const m = await member(0, [['127.0.0.1', '127.0.0.2']]);
    assert.throws(() => m.addAddress('127.0.0.3'), { code: 'ERR_INVALID_STATE' });
    assert.throws(() => m.removeAddress('127.0.0.2'), { code: 'ERR_INVALID_STATE' });
    assert.deepStrictEqual(m.localAddresses().map((a) => a.address).sort(), ['127.0.0.1', '127.0.0.2']);
  });

  it('reusePort must be a boolean, and connect() refuses it', () => {
    assert.throws(() => sctp.createSocket({ type: 'sctp4', reusePort: 1 }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => sctp.createServer().listen({ port: 0, reusePort: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => sctp.connect({ port: 9, host: '127.0.0.1', reusePort: true }), { code: 'ERR_INVALID_ARG_VALUE' });
  });
});
