'use strict';
// Issue 13: where the kernel has no SCTP, ERR_SCTP_UNSUPPORTED says what to do on that platform.
// npm test runs this file natively first (scripts/test.sh), so the last test sees a kernel without
// SCTP wherever the suite itself has to run in the VM.
const assert = require('assert');
const os = require('os');
const sctp = require('../..');
const { platform, advice } = require('../../lib/unsupported');
const { socketError } = require('../../lib/errors');

const kernel = '6.1.0-27-amd64';
const plain = { kernel, distro: 'debian', container: false, modules: true };

// issue 13
describe('a kernel without SCTP: ERR_SCTP_UNSUPPORTED says what to do', () => {
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
    const err = socketError(-os.constants.errno.EPROTONOSUPPORT);
    assert.strictEqual(err.code, 'ERR_SCTP_UNSUPPORTED');
    assert.strictEqual(err.message, `SCTP is not available (socket EPROTONOSUPPORT): ${advice(platform())}`);
    assert.strictEqual(err.stack.split('\n')[0], `Error: ${err.message}`);
    assert.match(socketError(-os.constants.errno.ENOPROTOOPT).message, /Linux 5\.0 or later/);
    assert.strictEqual(socketError(-os.constants.errno.EMFILE).message, 'socket EMFILE');
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

// Issue 21: a binary that is missing or cannot load here, and a runtime that is not Node.js, get
// ERR_SCTP_UNSUPPORTED saying what to do, not a loader's or node-gyp-build's stack trace, nor an
// abort or a hang. Each case runs in a child process on a copy of the package.
// issue 21
describe('a binary or runtime sctp-napi cannot use: ERR_SCTP_UNSUPPORTED says what to do', function () {
  this.timeout(300000); // the first run fetches Bun and Deno (scripts/node.sh)
  const { execFileSync, spawnSync } = require('child_process');
  const fs = require('fs');
  const path = require('path');
  const repo = path.join(__dirname, '..', '..');
  const addon = [path.join(repo, 'build/Release/sctp_dgram.node'),
    path.join(repo, `prebuilds/linux-${process.arch}/sctp-napi.glibc.node`)].find((f) => fs.existsSync(f));
  let dir;
  beforeEach(() => { // the package with no binary at all: lib/, package.json, and its dependencies
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctp-napi-unsupported-'));
    fs.cpSync(path.join(repo, 'lib'), path.join(dir, 'lib'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const put = (file, content) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  // require() of the copy in a child: what it threw.
  const thrown = (env = {}) => {
    const out = execFileSync(process.execPath, ['-e', `
      try { require(${JSON.stringify(dir)}); console.log('{}'); } catch (e) {
        console.log(JSON.stringify({ code: e.code, message: e.message, cause: e.cause && e.cause.message }));
      }`], { env: { ...process.env, SCTP_NAPI_BINDING: '', ...env }, encoding: 'utf8' }); // the copy's own binary
    return JSON.parse(out);
  };
  const rebuild = "'npm rebuild sctp-napi'";

  it('no binary for this platform and none built (install scripts off): names npm rebuild sctp-napi', () => {
    const err = thrown();
    assert.strictEqual(err.code, 'ERR_SCTP_UNSUPPORTED');
    assert.strictEqual(err.message, `sctp-napi has no native binary for linux-${process.arch} (glibc) and none ` +
      `was built (were install scripts off, as pnpm and Bun have them by default?): build it from source: ${rebuild} ` +
      "(this needs a C++ compiler, make, python3 and libsctp's headers: 'apt-get install build-essential python3 " +
      "libsctp-dev', or 'dnf install gcc-c++ make python3 lksctp-tools-devel')");
    assert.match(err.cause, /^No native build was found for platform=linux/);
  });

  it('musl (Alpine), where only the glibc prebuild is: says to apk add the build tools and npm rebuild', function () {
    if (!addon) this.skip(); // nothing built here
    put(`prebuilds/linux-${process.arch}/sctp-napi.glibc.node`, fs.readFileSync(addon));
    assert.ok(thrown().code === undefined, 'the glibc prebuild loads on glibc');
    const err = thrown({ LIBC: 'musl' }); // what node-gyp-build sees on Alpine
    assert.strictEqual(err.code, 'ERR_SCTP_UNSUPPORTED');
    assert.strictEqual(err.message, `sctp-napi has no native binary for linux-${process.arch} (musl) and none was ` +
      'built (were install scripts off, as pnpm and Bun have them by default?): there is no prebuild for musl ' +
      "(Alpine): install a compiler and libsctp's headers ('apk add lksctp-tools-dev build-base python3'), " +
      `then build it: ${rebuild}`);
  });

  it('a binary that cannot load (not ELF, wrong architecture, a missing symbol): the loader\'s word and what to do', function () {
    if (!addon) this.skip();
    const elf = fs.readFileSync(addon);
    const foreign = Buffer.from(elf);
    foreign.writeUInt16LE(foreign.readUInt16LE(18) === 62 ? 183 : 62, 18); // e_machine: x86-64 <-> AArch64
    const missing = path.join(dir, 'missing.node'); // needs a symbol nothing defines, bound at load
    execFileSync('cc', ['-shared', '-fPIC', '-Wl,-z,now', '-o', missing, '-x', 'c', '-'],
      { input: 'extern int sctp_napi_missing(void); int f(void) { return sctp_napi_missing(); }' });
    const cases = [
      ['build/Release/sctp_dgram.node', 'not an ELF file', /invalid ELF header|file too short/],
      [`prebuilds/linux-${process.arch}/sctp-napi.glibc.node`, foreign, /wrong ELF class|cannot open shared object|ELF/],
      [`prebuilds/linux-${process.arch}/sctp-napi.glibc.node`, fs.readFileSync(missing), /undefined symbol: sctp_napi_missing/],
    ];
    for (const [file, content, loader] of cases) {
      fs.rmSync(path.join(dir, 'build'), { recursive: true, force: true });
      fs.rmSync(path.join(dir, 'prebuilds'), { recursive: true, force: true });
      put(file, content);
      const err = thrown();
      assert.strictEqual(err.code, 'ERR_SCTP_UNSUPPORTED', file);
      assert.ok(err.message.startsWith(`sctp-napi's native binary ${path.join(dir, file)} cannot be loaded here (`), err.message);
      assert.match(err.message, loader);
      assert.ok(err.message.endsWith(`): build it from source: ${rebuild} (this needs a C++ compiler, make, python3 and ` +
        "libsctp's headers: 'apt-get install build-essential python3 libsctp-dev', or 'dnf install gcc-c++ make " +
        "python3 lksctp-tools-devel')"), err.message);
      assert.strictEqual(err.message.split('\n').length, 1);
      assert.ok(err.cause && err.message.includes(err.cause.split('\n')[0]));
    }
  });

  // Bun and Deno, from the npm registry (scripts/node.sh bun|deno): each way to open a socket.
  const script = (req) => `${req}
    const sctp = require(${JSON.stringify(repo)});
    const seen = {};
    const note = (what, e) => { seen[what] = { code: e.code, message: e.message }; };
    try { sctp.createSocket('sctp4'); seen.createSocket = 'opened'; } catch (e) { note('createSocket', e); }
    try { sctp.open('127.0.0.1', 0, 64, () => {}); seen.open = 'opened'; } catch (e) { note('open', e); }
    const done = () => { if (seen.connect && seen.listen) { console.log(JSON.stringify(seen)); process.exit(0); } };
    sctp.connect(9, '127.0.0.1').on('error', (e) => { note('connect', e); done(); });
    sctp.createServer().on('error', (e) => { note('listen', e); done(); }).listen(0);`;
  for (const [name, version, run] of [
    ['bun', '1.4.5', (bin, file) => [bin, [file]]],
    ['deno', '2.9.6', (bin, file) => [bin, ['run', '-A', file]]],
  ]) {
    it(`under ${name === 'bun' ? 'Bun' : 'Deno'}: opening a socket throws ERR_SCTP_UNSUPPORTED saying so (no abort, no hang)`, function () {
      let bin;
      try {
        bin = execFileSync('bash', [path.join(repo, 'scripts/node.sh'), name], { encoding: 'utf8' }).trim();
      } catch (e) {
        console.log(`      (skipped: could not fetch ${name} from the npm registry: ${e.message.split('\n')[0]})`);
        this.skip();
      }
      const file = path.join(dir, name === 'bun' ? 'check.js' : 'check.mjs');
      fs.writeFileSync(file, script(name === 'bun' ? ''
        : "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"));
      const [cmd, args] = run(bin, file);
      const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000, env: { ...process.env, NO_COLOR: '1' } });
      assert.strictEqual(result.status, 0, `${name}: status ${result.status} signal ${result.signal}\n${result.stderr}`);
      const seen = JSON.parse(result.stdout);
      const label = `${name === 'bun' ? 'Bun' : 'Deno'} ${version}`;
      for (const what of ['createSocket', 'open', 'connect', 'listen']) {
        assert.deepStrictEqual(seen[what], {
          code: 'ERR_SCTP_UNSUPPORTED',
          message: `sctp-napi does not work under ${label}: its native addon needs Node.js's libuv event loop, ` +
            `which ${label.split(' ')[0]} does not provide as the addon uses it; run it under Node.js 20 or later`,
        }, `${name}: ${what}`);
      }
    });
  }
});
