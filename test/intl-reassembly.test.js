'use strict';
// Reassembly of interleaved messages (I-DATA) under loss: each message is gathered on its own, by
// association, stream, ordering and message id, and arrives whole with its own PPID. In a
// namespace of its own with net.sctp.intl_enable=1 and a loopback that drops packets (tc netem).
const assert = require('assert');
const { inNamespace } = require('./helpers');

const N = 48;

describe('interleaved reassembly (I-DATA) under loss', () => {
  it(`${N} large and small, unordered and ordered messages of one stream with 4 % loss: each arrives whole, byte-exact, with its PPID`, async function () {
    this.timeout(300000);
    const setup = [['sysctl', '-qw', 'net.sctp.intl_enable=1'], ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '4%']];
    const r = await inNamespace('intlloss', 'intl-loss.js', setup, [String(N)]);
    if (r === null) this.skip(); // needs root, ip and tc (the VM has them)
    console.log(`      (${JSON.stringify(r)})`);
    assert.deepStrictEqual(r.wrong, []);
    assert.strictEqual(r.received, N);
    assert.strictEqual(r.intact, N);
    assert.strictEqual(r.ppids, N);
  });

  it("messages longer than maxMessageSize whose pieces alternate: each 'oversize' reports its exact size", async function () {
    this.timeout(300000);
    const r = await inNamespace('intlover', 'intl-oversize.js', [['sysctl', '-qw', 'net.sctp.intl_enable=1']]);
    if (r === null) this.skip();
    console.log(`      (${JSON.stringify(r)})`);
    assert.deepStrictEqual(r.oversize, [70001, 96 * 1024, 96 * 1024 + 7]);
    assert.deepStrictEqual(r.messages, [5, 5, 5, 5, 5]);
  });

});
