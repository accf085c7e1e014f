'use strict';
// Loss: over a loopback that drops 5 % of packets (tc netem, in a network namespace of its own),
// 10 000 ordered, reliable messages arrive complete and in order. Needs root, ip and tc (the VM
// has them); skipped elsewhere.
const assert = require('assert');
const { execFileSync, execFile } = require('child_process');
const { promisify } = require('util');
const { fixture } = require('../helpers');

const ns = `sctp-loss-${process.pid}`;
const sh = (cmd, ...args) => execFileSync(cmd, args, { stdio: 'pipe' });

describe('loss (tc netem on a namespace\'s loopback)', () => {
  before(function () {
    try {
      sh('ip', 'netns', 'add', ns);
      sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      sh('ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '5%');
    } catch (err) {
      this.skip(); // not root, or no ip/tc/netem here
    }
  });
  after(() => {
    try { sh('ip', 'netns', 'del', ns); } catch { /* never added */ }
  });

  it('10 000 ordered reliable messages arrive complete and in order with 5 % loss', async function () {
    this.timeout(300000);
    const { stdout } = await promisify(execFile)('ip',
      ['netns', 'exec', ns, process.execPath, fixture('loss-run.js'), '10000']);
    const result = JSON.parse(stdout);
    assert.strictEqual(result.received, 10000);
    assert.strictEqual(result.inOrder, true);
    // The netem qdisc really dropped packets: its counters say so.
    const stats = sh('ip', 'netns', 'exec', ns, 'tc', '-s', 'qdisc', 'show', 'dev', 'lo').toString();
    const dropped = Number((stats.match(/dropped (\d+)/) || [])[1]);
    assert.ok(dropped > 0, `netem dropped nothing:\n${stats}`);
    console.log(`      (netem dropped ${dropped} packets; ${result.ms} ms)`);
  });
});
