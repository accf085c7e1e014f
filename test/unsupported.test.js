'use strict';
// Issue 13: where the kernel has no SCTP, ERR_SCTP_UNSUPPORTED says what to do on that platform.
// npm test runs this file natively first (scripts/test.sh), so the last test sees a kernel without
// SCTP wherever the suite itself has to run in the VM.
const assert = require('assert');
const os = require('os');
const sctp = require('..');
const { platform, advice } = require('../lib/unsupported');
const binding = require('../lib/binding');

const kernel = '6.1.0-27-amd64';
const plain = { kernel, distro: 'debian', container: false, modules: true };

describe('a kernel without SCTP: ERR_SCTP_UNSUPPORTED says what to do (issue 13)', () => {
  it('names what to do per platform, and the VM harness for every one', () => {
    const cases = [
      [plain, /^load the module: 'sudo modprobe sctp', or run under the VM harness/],
      [{ ...plain, distro: 'ubuntu debian' }, /'sudo modprobe sctp'.*'sudo apt-get install linux-modules-extra-6\.1\.0-27-amd64'/],
      [{ ...plain, distro: 'linuxmint ubuntu' }, /linux-modules-extra-6\.1\.0-27-amd64/],
      [{ ...plain, distro: 'fedora' }, /'sudo dnf install kernel-modules-extra-6\.1\.0-27-amd64'.*\/etc\/modprobe\.d\/sctp-blacklist\.conf.*'sudo modprobe sctp'/],
      [{ ...plain, distro: 'rocky rhel centos fedora' }, /kernel-modules-extra.*sctp-blacklist\.conf/],
      [{ ...plain, distro: 'arch' }, /^load the module: 'sudo modprobe sctp' \(your distribution may package it separately\)/],
      [{ ...plain, kernel: '5.15.153.1-microsoft-standard-WSL2', container: true },
        /^WSL2's stock kernel \(5\.15\.153\.1-microsoft-standard-WSL2\) has no SCTP: use a WSL2 kernel built with CONFIG_IP_SCTP/],
      [{ ...plain, container: true }, /^this is a container, which uses its host's kernel \(6\.1\.0-27-amd64\): load SCTP on the host \('sudo modprobe sctp' there/],
      [{ ...plain, modules: false }, /^this kernel \(6\.1\.0-27-amd64\) has no SCTP and cannot load modules/],
    ];
    for (const [facts, expected] of cases) {
      const text = advice(facts);
      assert.match(text, expected, JSON.stringify(facts));
      assert.match(text, /or run under the VM harness in sctp-napi's repository \(scripts\/vm\.sh, 'npm run vm -- node app\.js'\)/);
    }
  });

  it('socket() failing with EPROTONOSUPPORT gets the advice for this machine; other errors keep theirs', () => {
    const err = binding.socketError(os.constants.errno.EPROTONOSUPPORT);
    assert.strictEqual(err.code, 'ERR_SCTP_UNSUPPORTED');
    assert.strictEqual(err.message, `SCTP is not available (socket EPROTONOSUPPORT): ${advice(platform())}`);
    assert.strictEqual(err.stack.split('\n')[0], `Error: ${err.message}`);
    assert.match(binding.socketError(os.constants.errno.ENOPROTOOPT).message, /Linux 5\.0 or later/);
    assert.strictEqual(binding.socketError(os.constants.errno.EMFILE).message, 'socket EMFILE');
  });

  it('on this kernel, where it has no SCTP: open(), createSocket(), connect() and listen() say it', async function () {
    let works = true;
    try { sctp.createSocket('sctp4').close(); } catch { works = false; }
    if (works) this.skip(); // this kernel has SCTP: the test above covers the text

    const expected = new RegExp(`^SCTP is not available \\(socket E(PROTO|SOCKT)NOSUPPORT\\): ${
      advice(platform()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const shape = { code: 'ERR_SCTP_UNSUPPORTED', message: expected };
    assert.throws(() => sctp.open('127.0.0.1', 0, 64, () => {}), shape);
    assert.throws(() => sctp.createSocket('sctp6'), shape);
    const [connectErr] = await require('events').once(sctp.connect(9, '127.0.0.1'), 'error');
    assert.match(connectErr.message, expected);
    const [listenErr] = await require('events').once(sctp.createServer().listen(0), 'error');
    assert.match(listenErr.message, expected);
    // The machine's own facts, as advice() got them.
    const facts = platform();
    assert.strictEqual(facts.kernel, os.release());
    if (/microsoft/i.test(facts.kernel)) assert.match(connectErr.message, /WSL2/);
    else if (facts.container) assert.match(connectErr.message, /this is a container/);
  });
});
