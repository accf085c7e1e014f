'use strict';
// Tuning options (delayedSack, maxSegment, pathMtu, autoClose, adaptationLayer) and per-path
// parameters (setPeerParams), each shown by what the kernel then does: SACKs and fragments counted
// in /proc/net/sctp/snmp, the association's status, its end, the peer's association event.
const assert = require('assert');
const fs = require('fs');
const sctp = require('../..');
const { bound, once, messages, sleep, track, spawnJson, python } = require('../helpers');

// The namespace's SCTP counters (the whole VM's: both ends of a test are in it).
const snmp = () => Object.fromEntries(fs.readFileSync('/proc/net/sctp/snmp', 'utf8').trim().split('\n')
  .map((line) => line.split(/\s+/)).map(([k, v]) => [k, Number(v)]));
const delta = (before, key) => snmp()[key] - before[key];

const quiet = { heartbeatInterval: 0 }; // no HEARTBEAT chunks among the counted ones

async function pair(serverOptions = {}, clientOptions = {}) {
  const server = await bound({ ...quiet, ...serverOptions });
  const client = await bound({ ...quiet, ...clientOptions });
  const up = once(server, 'association');
  const info = await client.connect(server.address().port, '127.0.0.1');
  const [serverInfo] = await up;
  return { server, client, assocId: info.assocId, info, serverInfo };
}

// Sends n messages one at a time, each after the last arrived: one DATA packet each. Returns how
// many control chunks (the receiver's SACKs) went out meanwhile.
async function sacksFor(n, receiverOptions) {
  const { server, client, assocId } = await pair(receiverOptions);
  await sleep(300); // the handshake's last SACK is out
  const before = snmp();
  for (let i = 0; i < n; i++) {
    const got = messages(server, 1);
    client.send(`m${i}`, { assocId, ttl: 0 });
    await got;
  }
  await sleep(400); // the last delayed SACK
  const sacks = delta(before, 'SctpOutCtrlChunks');
  client.close();
  server.close();
  return sacks;
}

describe('tuning options', () => {
  it('delayedSack: frequency 1 SACKs every packet; frequency 4 with a delay SACKs a fraction of them', async () => {
    const every = await sacksFor(24, { delayedSack: { frequency: 1 } });
    const delayed = await sacksFor(24, { delayedSack: { delay: 150, frequency: 4 } });
    assert.ok(every >= 24, `one SACK per packet: ${every}`);
    assert.ok(delayed <= every / 2, `delayed: ${delayed} SACKs, undelayed: ${every}`);
  });

  it('maxSegment: DATA chunks no larger than it (the fragmentation point), messages split and joined', async () => {
    const { server, client, assocId } = await pair({}, { maxSegment: 1000 });
    assert.strictEqual(client.status(assocId).fragmentationPoint, 1000);
    assert.ok(server.status(server.associations()[0].assocId).fragmentationPoint > 60000, 'loopback: no limit the other way');
    const before = snmp();
    const got = messages(server, 1);
    client.send(Buffer.alloc(5000, 7), { assocId });
    const [[msg]] = await got;
    assert.ok(msg.equals(Buffer.alloc(5000, 7)));
    assert.strictEqual(delta(before, 'SctpFragUsrMsgs'), 1);
    assert.strictEqual(delta(before, 'SctpReasmUsrMsgs'), 1);
    assert.ok(delta(before, 'SctpOutOrderChunks') + delta(before, 'SctpOutUnorderChunks') >= 5);
  });

  it('pathMtu: a fixed path MTU (discovery off) for every path, and per path with setPeerParams()', async () => {
    const { client, assocId } = await pair({}, { pathMtu: 1280 });
    const status = client.status(assocId);
    assert.strictEqual(status.primary.mtu, 1280);
    assert.ok(status.fragmentationPoint < 1280 - 40, `fragmentation point ${status.fragmentationPoint}`);
    client.setPeerParams(assocId, { address: '127.0.0.1', pathMtu: 600 });
    assert.strictEqual(client.status(assocId).primary.mtu, 600);
    client.setPeerParams(assocId, { pathMtu: 900 }); // every path of the association
    assert.strictEqual(client.status(assocId).primary.mtu, 900);
    assert.ok(client.status(assocId).fragmentationPoint < 900);
  });

  it('setPeerParams({ heartbeatNow }): one HEARTBEAT (and its ACK) on request, with heartbeats off', async () => {
    const { client, assocId } = await pair();
    await sleep(300);
    let before = snmp();
    await sleep(500);
    assert.strictEqual(delta(before, 'SctpOutCtrlChunks'), 0, 'nothing while idle');
    before = snmp();
    client.setPeerParams(assocId, { address: '127.0.0.1', heartbeatNow: true });
    await sleep(500);
    assert.strictEqual(delta(before, 'SctpOutCtrlChunks'), 2, 'HEARTBEAT and HEARTBEAT ACK');
  });

  it('autoClose: an idle association is shut down after that many seconds', async () => {
    const { server, client, assocId } = await pair({}, { autoClose: 2 });
    const got = messages(server, 1);
    client.send('last words', { assocId });
    await got;
    const idleSince = Date.now();
    const [info] = await once(client, 'association');
    const idle = Date.now() - idleSince;
    assert.strictEqual(info.state, 'shutdown');
    assert.strictEqual(info.assocId, assocId);
    assert.ok(idle >= 1500 && idle < 20000, `closed after ${idle} ms idle`);
    assert.deepStrictEqual(client.associations(), []);
  });

  it('adaptationLayer: each side\'s indication is in the other\'s association event', async () => {
    const { info, serverInfo, client } = await pair({ adaptationLayer: 0xcafe }, { adaptationLayer: 0xfeedf00d });
    assert.strictEqual(info.adaptation, 0xcafe);
    assert.strictEqual(serverInfo.adaptation, 0xfeedf00d);
    const plain = await bound();
    const [up] = await Promise.all([client.connect(plain.address().port, '127.0.0.1'), once(plain, 'association')]);
    assert.strictEqual('adaptation' in up, false, 'a peer that sets none sends none');
  });

  it('adaptationLayer: a Python peer reads ours and we read its own; one-to-one connect() too', async () => {
    const code = `
import json, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_SEQPACKET, 132)
s.setsockopt(132, 7, struct.pack('I', 0xabc))                 # SCTP_ADAPTATION_LAYER
s.setsockopt(132, 127, struct.pack('iHBx', 0, 0x8007, 1))      # SCTP_EVENT: adaptation indication
s.bind(('127.0.0.1', 0)); s.listen(4)
print(json.dumps({'port': s.getsockname()[1]}), flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(4096)
    if flags & 0x8000 and struct.unpack_from('H', data)[0] == 0x8007:
        print(json.dumps({'adaptation': struct.unpack_from('I', data, 8)[0]}), flush=True)
`;
    const py = spawnJson(python, ['-c', code]);
    const [{ port }] = await py.waitLines(1);
    const s = await bound({ adaptationLayer: 77 });
    const info = await s.connect(port, '127.0.0.1');
    assert.strictEqual(info.adaptation, 0xabc);
    assert.deepStrictEqual(await py.waitFor((l) => l.adaptation !== undefined), { adaptation: 77 });

    const stream = track(sctp.connect({ port, host: '127.0.0.1', adaptationLayer: 78 }));
    const [streamInfo] = await once(stream, 'association');
    assert.strictEqual(streamInfo.adaptation, 0xabc);
    await py.waitFor((l) => l.adaptation === 78);
  });
});
