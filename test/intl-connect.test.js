'use strict';
// With `interleave`, Linux's sendmsg() to a peer with no association waits until the handshake
// ends, whatever O_NONBLOCK says: send() must not, and a peer that refuses is reported as
// connect() reports it. In a namespace with net.sctp.intl_enable=1.
const assert = require('assert');
const { inNamespace } = require('./helpers');

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
});
