'use strict';
// With `interleave`, Linux's sendmsg() to a peer with no association waits until the handshake
// ends, whatever O_NONBLOCK says: send() must not, and a peer that refuses is reported as
// connect() reports it. In a namespace with net.sctp.intl_enable=1.
const assert = require('assert');
const { inNamespace } = require('../helpers');

describe('interleave: send() to a peer with no association', () => {
  it('an unreachable peer: the event loop turns while the association is set up; a refused one: ECONNREFUSED', async function () {
    this.timeout(300000);
    const intl = ['sysctl', '-qw', 'net.sctp.intl_enable=1'];
    const unreachable = await inNamespace('intlgone', 'intl-connect.js', [intl, ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '100%']]);
    if (unreachable === null) this.skip(); // needs root, ip and tc (the VM has them)
    const refused = await inNamespace('intlrefused', 'intl-connect.js', [intl]);
    console.log(`      (${JSON.stringify({ unreachable, refused })})`);
    assert.strictEqual(unreachable.state, 'cant-start');
    // Blocked in sendmsg(), the interval could not tick until the handshake had failed.
    assert.ok(unreachable.ticksBeforeFailure >= 3, `ticks while the association was being set up: ${unreachable.ticksBeforeFailure}`);
    assert.strictEqual(unreachable.error.code, 'ETIMEDOUT');
    assert.strictEqual(unreachable.error.syscall, 'connect');
    assert.strictEqual(refused.error.code, 'ECONNREFUSED');
    assert.strictEqual(refused.error.syscall, 'connect');
    assert.deepStrictEqual([unreachable.errors, refused.errors], [[], []]); // the callbacks had them
  });

  it('a send after the association ended at the kernel, its end not read yet, does not wait in sendmsg(); held sends count in the queue', async function () {
    this.timeout(300000);
    const r = await inNamespace('intlended', 'intl-ended.js', [['sysctl', '-qw', 'net.sctp.intl_enable=1']]);
    if (r === null) this.skip(); // needs root, ip and tc (the VM has them)
    console.log(`      (${JSON.stringify(r)})`);
    assert.deepStrictEqual(r.first, {
      returned: [true, false], queued: { size: 8, count: 2 }, got: ['one!', 'two!'], callbacks: ['ok', 'ok'], drains: 1,
    });
    assert.ok(r.sendMs < 500, `send() took ${r.sendMs} ms`);
    // The new association's INIT went unanswered 3 times: the event loop turned meanwhile.
    assert.ok(r.ticks >= 3, `ticks while the new association was being set up: ${r.ticks}`);
    assert.deepStrictEqual(r.error, { code: 'ETIMEDOUT', syscall: 'connect' });
    assert.deepStrictEqual(r.errors, []);
    assert.strictEqual(r.states[0], 'up');
    assert.strictEqual(r.states[r.states.length - 1], 'cant-start');
  });

  // The association is matched by any of the peer's addresses, an IPv4-mapped one as IPv4: the sends
  // made while the app's own connect() was on its way used to wait until close().
  it("sends made during the app's own connect(), to an IPv4 peer from an sctp6 socket, to the peer's second address or to both of its addresses, go once it is up", async function () {
    this.timeout(300000);
    const setup = [['sysctl', '-qw', 'net.sctp.intl_enable=1'], ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '50ms']];
    const r = await inNamespace('intlheld', 'intl-held.js', setup);
    if (r === null) this.skip(); // needs root, ip and tc (the VM has them)
    const sent = { got: ['a', 'b'], callbacks: ['ok', 'ok'] };
    assert.deepStrictEqual(r, { mapped: sent, secondAddress: sent, bothAddresses: sent });
  });

  // Held sends, the queue and 'drain' (test/fixtures/intl-drain.js says what each scenario does).
  describe('held sends, the queue and drain', () => {
    let r;
    before(async function () {
      this.timeout(300000);
      r = await inNamespace('intldrain', 'intl-drain.js', [['sysctl', '-qw', 'net.sctp.intl_enable=1']]);
      if (r === null) this.skip(); // needs root, ip and tc (the VM has them)
      console.log(`      (${JSON.stringify(r)})`);
    });

    it("a false send() gets its 'drain' although a send made in the 'association' listener is held", () => {
      assert.strictEqual(r.A.r1, false);
      assert.deepStrictEqual(r.A.callbacks, ['ok', 'ok']);
      assert.strictEqual(r.A.drains, 1);
    });

    it('messages to one peer arrive in the order sent, across its association coming up', () => {
      assert.ok(r.C.waitingAtUp > 0, `nothing waited for room at COMM_UP: ${r.C.waitingAtUp}`);
      assert.deepStrictEqual(r.C.got, r.C.sent);
    });

    it('a send held for an association that is peeled off while connecting fails with ERR_SCTP_PEELED_OFF', function () {
      if (!r.D.guessed) this.skip(); // other associations took the kernel's next ids
      assert.deepStrictEqual(r.D, { guessed: true, held: 1, connect: 'ERR_SCTP_PEELED_OFF', callback: 'ERR_SCTP_PEELED_OFF', count: 0 });
    });

    it("a send held for connect()'s association, to the peer's second address, fails when it cannot start", () => {
      assert.deepStrictEqual(r.E, { held: 1, connect: 'ETIMEDOUT', callback: 'ETIMEDOUT', count: 0 });
    });

    it("an unanswered peer's held send does not hold back the 'drain' of sends to another", () => {
      assert.strictEqual(r.B.returned, false);
      assert.ok(r.B.drainMs !== null && r.B.drainMs < 1000, JSON.stringify(r.B));
    });
  });
});
