'use strict';
// Reassembly of interleaved messages (I-DATA) under loss: each message is gathered on its own, by
// association, stream, ordering and message id, and arrives whole with its own PPID. In a
// namespace of its own with net.sctp.intl_enable=1 and a loopback that drops packets (tc netem).
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const { inNamespace } = require('../helpers');

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

  it("one peer holding more unfinished messages than the receiver's bound: another peer's message still arrives whole (the one holding the most pays)", async function () {
    this.timeout(300000);
    // A send buffer of 8 MiB: all of the first peer's messages in the kernel at once, interleaved.
    const wmem = '/proc/sys/net/core/wmem_max';
    let before;
    try {
      before = fs.readFileSync(wmem, 'utf8').trim();
      execFileSync('sysctl', ['-qw', 'net.core.wmem_max=16777216']);
    } catch {
      this.skip(); // not root
    }
    let r;
    try {
      r = await inNamespace('intlfair', 'intl-fair.js', [['sysctl', '-qw', 'net.sctp.intl_enable=1']]);
    } finally {
      execFileSync('sysctl', ['-qw', `net.core.wmem_max=${before}`]);
    }
    if (r === null) this.skip();
    console.log(`      (${JSON.stringify(r)})`);
    assert.ok(r.heldMax > 2 * 1024 * 1024, `the receiver held ${r.heldMax} bytes of unfinished messages at most`);
    assert.deepStrictEqual(r.b, { whole: 1, oversize: 0, cut: 0 });
    assert.strictEqual(r.a.cut, 0);
    assert.strictEqual(r.a.whole + r.a.oversize, 48);
    assert.ok(r.a.oversize > 0);
  });
});
