'use strict';
// Issue 25: `sctp-napi doctor` answers "why can't I open an SCTP socket here?". npm test runs this
// file natively first (scripts/test.sh), where this machine's kernel has no SCTP: there it must say
// so, with what to do, and exit 1; in the VM, every check passes and the self-test crosses loopback.
const assert = require('assert');
const fs = require('fs');
const sctp = require('../..');
const { cli } = require('../helpers');

const works = (() => {
  try {
    sctp.createSocket('sctp4').close();
    return true;
  } catch {
    return false;
  }
})();

describe(`sctp-napi doctor (${works ? 'a kernel with SCTP' : 'a kernel without SCTP'})`, () => {
  it('--json: a finding per check, the verdict and the exit code as SCTP works here or not', async () => {
    const r = await cli(['doctor', '--json']);
    const findings = r.records.filter((f) => f.type === 'finding');
    const by = Object.fromEntries(findings.map((f) => [f.check, f]));
    for (const f of findings) {
      assert(['ok', 'info', 'warn', 'fail'].includes(f.status), JSON.stringify(f));
      assert.strictEqual(typeof f.detail, 'string');
    }
    const summary = r.records[r.records.length - 1];
    assert.strictEqual(summary.type, 'summary');
    assert.strictEqual(summary.failed, findings.filter((f) => f.status === 'fail').length);
    assert.strictEqual(by.platform.status, 'ok');
    assert.strictEqual(by.binary.status, 'ok');
    assert.match(by.binary.detail, /sctp_dgram\.node \((the prebuild|built here)\), needs glibc 2\.\d+/);
    if (works) {
      assert.strictEqual(r.code, 0, r.stdout);
      assert.strictEqual(summary.failed, 0, r.stdout);
      assert.strictEqual(by.module.status, 'ok');
      assert.strictEqual(by.socket.status, 'ok');
      assert.strictEqual(by['self-test'].status, 'ok', by['self-test'].detail);
      // Each sysctl as the kernel has it, with the command that turns a feature on when it is off.
      for (const name of ['auth_enable', 'intl_enable', 'reconf_enable', 'udp_port', 'sndbuf_policy']) {
        const value = fs.readFileSync(`/proc/sys/net/sctp/${name}`, 'utf8').trim();
        const f = by[`net.sctp.${name}=${value}`];
        assert(f, `no finding for net.sctp.${name}=${value}: ${Object.keys(by)}`);
        if (f.status !== 'ok') assert.match(f.fix, new RegExp(`^sudo sysctl -w net\\.sctp\\.${name}=`));
      }
    } else {
      assert.strictEqual(r.code, 1, r.stdout);
      assert.strictEqual(by.module.status, 'fail');
      assert(by.module.fix, 'the module finding says what to do');
      assert.match(by.module.fix, /modprobe sctp|VM harness/);
      assert.strictEqual(by.socket.status, 'fail');
      assert.match(by.socket.detail, /^SCTP is not available \(socket E(PROTO|SOCKT)NOSUPPORT\): /);
      assert.strictEqual(by['self-test'], undefined); // nothing to test without a socket
    }
  });

  it('on a terminal or a pipe: a line per finding, its fix under it, the verdict last', async () => {
    const r = await cli(['doctor']);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^ok {3}platform: Linux /);
    assert.match(lines[lines.length - 1], works ? /^SCTP works here$/ : /^\d+ checks? failed: SCTP cannot be used here as it is$/);
    for (const [i, line] of lines.entries()) {
      if (line.startsWith('     fix: ')) assert.match(lines[i - 1], /^(info|warn|fail) /);
    }
    assert.strictEqual(r.code, works ? 0 : 1);
  });

  it('without a native binary: doctor says which and what to do; every other command exits 3 with the reason', async () => {
    const os = require('os');
    const path = require('path');
    const { execFileSync } = require('child_process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctp-napi-nobin-'));
    try { // the package as installed with scripts off, where no prebuild matches: lib/ without build/
      execFileSync('cp', ['-r', path.join(__dirname, '..', '..', 'lib'), path.join(__dirname, '..', '..', 'package.json'), dir]);
      fs.symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
      const main = path.join(dir, 'lib', 'cli', 'main.js');
      // (not the build SCTP_NAPI_BINDING names, as the AddressSanitizer run sets it: the copy has none)
      const env = { ...process.env, SCTP_NAPI_BINDING: '' };
      const doctor = await cli(['doctor', '--json'], { main, env });
      const binary = doctor.records.find((f) => f.check === 'binary');
      assert.strictEqual(doctor.code, 1);
      assert.deepStrictEqual([binary.status, /has no native binary for linux-/.test(binary.detail)], ['fail', true], binary.detail);
      const send = await cli(['send', '127.0.0.1', '9', 'hi'], { main, env });
      assert.strictEqual(send.code, 3);
      assert.match(send.stderr, /sctp-napi has no native binary for linux-.*npm rebuild sctp-napi[^]*run 'sctp-napi doctor'/);
      assert.strictEqual((await cli(['listen', '--help'], { main, env })).code, 0); // help needs no binary
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
