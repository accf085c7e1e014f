'use strict';
// UDP encapsulation (RFC 6951, Linux 5.11+): with udpEncapsPort, an association is carried in UDP
// datagrams (for networks that drop raw SCTP). In a namespace of its own with net.sctp.udp_port=9899
// (fixtures/kernel-features.js), so the UDP counters there count only this traffic.
const assert = require('assert');
const fs = require('fs');
const sctp = require('../..');
const { inNamespace, bound } = require('../helpers');

const udpPort = [['sysctl', '-qw', 'net.sctp.udp_port=9899']];

describe('UDP encapsulation (RFC 6951)', () => {
  it('udpEncapsPort: the association goes over UDP (the namespace counts the datagrams), messages and replies intact', async function () {
    const r = await inNamespace('udp', 'kernel-features.js', udpPort, ['udp', 'on']);
    if (r === null) this.skip(); // needs root and ip (the VM has them)
    console.log(`      (${JSON.stringify(r)})`);
    assert.ok(r.intact);
    assert.strictEqual(r.arrived.length, 20);
    assert.strictEqual(r.replies, 20);
    // The handshake, 20 messages, 20 replies and their SACKs: every packet of both ends is a datagram.
    assert.ok(r.udpDatagrams >= 40, `${r.udpDatagrams} UDP datagrams`);
  });

  it('without it the same traffic is plain SCTP: no UDP datagram', async function () {
    const r = await inNamespace('noudp', 'kernel-features.js', udpPort, ['udp', 'off']);
    if (r === null) this.skip();
    assert.ok(r.intact);
    assert.strictEqual(r.replies, 20);
    assert.strictEqual(r.udpDatagrams, 0);
  });

  it('with net.sctp.udp_port unset, udpEncapsPort is an error that says what to set (the kernel would ignore it)', function () {
    let unset;
    try {
      unset = fs.readFileSync('/proc/sys/net/sctp/udp_port', 'utf8').trim() === '0';
    } catch {
      this.skip(); // a kernel before 5.11
    }
    if (!unset) this.skip();
    assert.throws(() => sctp.createSocket({ type: 'sctp4', udpEncapsPort: 9899 }),
      { code: 'ERR_SCTP_UDP_PORT_UNSET', message: /net\.sctp\.udp_port/ });
    assert.throws(() => sctp.createSocket({ type: 'sctp4', udpEncapsPort: 70000 }), { code: 'ERR_OUT_OF_RANGE' });
  });

  it('setPeerParams({ udpEncapsPort }) is checked the same way', async function () {
    if (!fs.existsSync('/proc/sys/net/sctp/udp_port')) this.skip();
    const server = await bound();
    const client = await bound();
    const { assocId } = await client.connect(server.address().port, '127.0.0.1');
    assert.throws(() => client.setPeerParams(assocId, { udpEncapsPort: 9899 }), { code: 'ERR_SCTP_UDP_PORT_UNSET' });
    client.setPeerParams(assocId, { udpEncapsPort: 0 }); // none: always allowed
  });
});
