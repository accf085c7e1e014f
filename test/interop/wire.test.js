'use strict';
// What the wire carries, decoded by tshark (Wireshark's dissectors, not our reading of the RFCs),
// from a loopback capture during each test (helpers.capture): UDP encapsulation puts SCTP in UDP on
// the configured port; interleave sends I-DATA, not DATA; an abandoned PR-SCTP message is skipped
// with FORWARD-TSN; AUTH precedes the DATA it signs, with the negotiated HMAC. Each test also runs
// the same traffic without the feature, where the check must come out the other way.
const assert = require('assert');
const fs = require('fs');
const {
  bound, capture, messages, sleep, lossyLoopback, reliable,
  CHUNK: { DATA, INIT, INIT_ACK, AUTH, I_DATA, FORWARD_TSN, I_FORWARD_TSN },
} = require('../helpers');

const sysctl = (name, value) => {
  const file = `/proc/sys/net/sctp/${name}`;
  const saved = fs.readFileSync(file, 'utf8').trim();
  fs.writeFileSync(file, String(value));
  return () => fs.writeFileSync(file, saved);
};

// The packets of the association between two of our sockets.
const between = (packets, a, b) => {
  const ports = [a.address().port, b.address().port];
  return packets.filter((p) => ports.includes(p.src) && ports.includes(p.dst));
};
const from = (packets, s) => packets.filter((p) => p.src === s.address().port);
const chunksOf = (packets) => packets.flatMap((p) => p.chunks);

// Client sends `count` messages (by send(i)), the server receives them, then `more(result)`; resolves
// with the packets of it all.
async function exchange(serverOptions, clientOptions, count, send, more = async () => {}) {
  const server = await bound({ ...reliable, ...serverOptions });
  const client = await bound({ ...reliable, ...clientOptions });
  const cap = await capture([9899]);
  const { assocId } = await client.connect(server.address().port, '127.0.0.1');
  const got = messages(server, count);
  for (let i = 0; i < count; i++) send(client, assocId, i);
  const r = { server, client, assocId, arrived: await got };
  await more(r);
  return { ...r, packets: between(await cap.packets(), server, client) };
}

describe('on the wire (tshark)', function () {
  this.timeout(600000); // captures decoded, and lossy paths, in a slow VM
  const restore = [];
  before(() => {
    restore.push(sysctl('udp_port', 9899), sysctl('intl_enable', 1), sysctl('auth_enable', 0));
  });
  after(() => {
    while (restore.length) restore.pop()();
  });

  it('udpEncapsPort: every packet of the association is SCTP in UDP, port 9899 both ways; without it, plain SCTP', async () => {
    const send = (client, assocId, i) => client.send(`m${i}`, { assocId, stream: i, ppid: 40 + i });
    const on = await exchange({}, { udpEncapsPort: 9899 }, 3, send);
    const off = await exchange({}, {}, 3, send);
    const summary = (r) => r.packets.map((p) => `${p.ipProto}:${p.udpSrc}>${p.udpDst}:${p.chunks}`).join(' ');
    console.log(`      (with: ${summary(on)}; without: ${summary(off)})`);
    for (const r of [on, off]) {
      assert.deepStrictEqual(r.arrived.map(([m, i]) => [m.toString(), i.stream, i.ppid]),
        [['m0', 0, 40], ['m1', 1, 41], ['m2', 2, 42]]);
      assert.ok(chunksOf(r.packets).includes(INIT), 'the handshake was captured');
      const data = r.packets.filter((p) => p.chunks.includes(DATA));
      assert.deepStrictEqual([data.flatMap((p) => p.streams), data.flatMap((p) => p.ppids)], [[0, 1, 2], [40, 41, 42]]);
    }
    for (const p of on.packets) assert.deepStrictEqual([p.ipProto, p.udpSrc, p.udpDst], [17, 9899, 9899], summary(on));
    for (const p of off.packets) assert.deepStrictEqual([p.ipProto, p.udpSrc], [132, null], summary(off));
  });

  it('interleave: both ends offer I-DATA in INIT and INIT ACK, and every message goes in I-DATA chunks, none in DATA; without it, DATA', async () => {
    // A large message fragmented at 1500 bytes on stream 1, small ones on stream 2.
    const send = (client, assocId, i) => client.send(i === 0 ? Buffer.alloc(20000, 7) : `small${i}`, { assocId, stream: i === 0 ? 1 : 2 });
    const on = await exchange({ interleave: true }, { interleave: true, pathMtu: 1500 }, 4, send);
    const off = await exchange({}, { pathMtu: 1500 }, 4, send);
    const data = (r) => chunksOf(r.packets).filter((t) => t === DATA || t === I_DATA);
    console.log(`      (with: ${data(on).length} chunks ${[...new Set(data(on))]}; without: ${data(off).length} chunks ${[...new Set(data(off))]})`);
    for (const r of [on, off]) {
      assert.deepStrictEqual(r.arrived.map(([m, i]) => [m.length, i.stream]).sort((a, b) => a[1] - b[1]),
        [[20000, 1], [6, 2], [6, 2], [6, 2]]);
      assert.ok(data(r).length >= 14 + 3, `the 20000 bytes went in pieces: ${data(r).length} chunks`);
    }
    const offers = (r, type) => r.packets.find((p) => p.chunks.includes(type)).supported;
    assert.ok(offers(on, INIT).includes(I_DATA) && offers(on, INIT_ACK).includes(I_DATA));
    assert.ok(data(on).every((t) => t === I_DATA), `with interleave: ${data(on)}`);
    assert.ok(!offers(off, INIT).includes(I_DATA) && !offers(off, INIT_ACK).includes(I_DATA));
    assert.ok(data(off).every((t) => t === DATA), `without: ${data(off)}`);
  });

  it('PR-SCTP: messages with rtx: 0 lost on a lossy path are skipped with FORWARD-TSN chunks; reliable ones under the same loss are retransmitted, no FORWARD-TSN', async () => {
    const N = 60;
    async function lossy(policy) {
      const server = await bound(reliable);
      const client = await bound({ ...reliable, pathMtu: 1500, rtoInfo: { initial: 300, min: 300, max: 1000 } });
      const { assocId } = await client.connect(server.address().port, '127.0.0.1');
      let arrived = 0;
      server.on('message', () => { arrived++; });
      const cap = await capture();
      await lossyLoopback('25%', async () => {
        for (let i = 0; i < N; i++) client.send(Buffer.alloc(1000, i), { assocId, ...policy });
        // Until every message is acknowledged or abandoned (and the FORWARD-TSN acknowledged).
        for (let waited = 0; waited < 120000 && client.status(assocId).unackData + client.status(assocId).pendingData > 0; waited += 200) await sleep(200);
      });
      if (policy.rtx === undefined) while (arrived < N) await sleep(200);
      const packets = from(between(await cap.packets(), server, client), client);
      return { arrived, chunks: chunksOf(packets) };
    }
    const rtx = await lossy({ rtx: 0 });
    const full = await lossy({});
    const count = (r, t) => r.chunks.filter((c) => c === t).length;
    console.log(`      (rtx 0: ${rtx.arrived} of ${N} arrived, ${count(rtx, FORWARD_TSN)} FORWARD-TSN; ` +
      `reliable: ${full.arrived}, ${count(full, FORWARD_TSN)} FORWARD-TSN, ${count(full, DATA)} DATA chunks)`);
    assert.ok(rtx.arrived < N, `${rtx.arrived} of ${N}: none was lost, nothing to abandon`);
    assert.ok(count(rtx, FORWARD_TSN) >= 1, `no FORWARD-TSN among ${rtx.chunks}`);
    assert.strictEqual(count(rtx, I_FORWARD_TSN), 0); // no interleave: the RFC 3758 chunk
    assert.strictEqual(full.arrived, N);
    assert.strictEqual(count(full, FORWARD_TSN), 0);
    assert.ok(count(full, DATA) >= N); // (netem drops before the capture: a lost chunk shows once, resent)
  });

  it("auth: the client signs each DATA with an AUTH chunk before it, with the HMAC the server's INIT ACK put first; the server's replies (not asked for) go unsigned; without it, no AUTH", async () => {
    const send = (client, assocId, i) => client.send(`a${i}`, { assocId });
    const on = await exchange({ auth: { chunks: ['data'], key: 'secret' } }, { auth: { key: 'secret' } }, 3, send,
      async ({ server, client, arrived }) => {
        const reply = messages(client, 1);
        server.send('reply', { assocId: arrived[0][1].assocId });
        await reply;
      });
    const off = await exchange({}, {}, 3, send);
    const init = on.packets.find((p) => p.chunks.includes(INIT));
    const initAck = on.packets.find((p) => p.chunks.includes(INIT_ACK));
    // RFC 4895 6.1: the sender uses the first HMAC in the peer's list that it also supports.
    const hmac = initAck.hmacs.find((h) => init.hmacs.includes(h));
    const signed = (packets) => packets.filter((p) => p.chunks.includes(DATA));
    console.log(`      (HMACs: client ${init.hmacs}, server ${initAck.hmacs}; client's DATA packets: ` +
      `${signed(from(on.packets, on.client)).map((p) => p.chunks).join(' ')})`);
    const clientData = signed(from(on.packets, on.client));
    assert.strictEqual(clientData.length >= 1, true);
    for (const p of clientData) {
      assert.ok(p.chunks.includes(AUTH) && p.chunks.indexOf(AUTH) < p.chunks.indexOf(DATA), `chunks ${p.chunks}`);
      assert.deepStrictEqual([p.hmacs, p.keys], [[hmac], [1]]); // key #1: the auth option's key
    }
    const serverData = signed(from(on.packets, on.server));
    assert.strictEqual(serverData.length, 1);
    assert.ok(!serverData[0].chunks.includes(AUTH), `server's reply: ${serverData[0].chunks}`);
    assert.ok(!chunksOf(off.packets).includes(AUTH), `without auth: ${chunksOf(off.packets)}`);
    assert.strictEqual(signed(off.packets).length >= 1, true);
  });
});
