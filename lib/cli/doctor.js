'use strict';
// sctp-napi doctor: can SCTP be used here, and if not, what to do. Each finding is ok, info, warn
// or fail, with the command that fixes it; exit 1 when one fails. The checks: the runtime, the
// native binary (prebuild or build, its glibc floor against this system's), the kernel and its SCTP
// module (loaded, loadable, blacklisted), the sysctls the features need, what this kernel version
// has, and a loopback self-test over both socket kinds.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { EXIT, UsageError, sleep } = require('./common');
const { platform, advice } = require('../unsupported');

const options = {
  timeout: { type: 'string', value: 'MS', help: 'give the self-test this long', default: 30000 },
};

const ROOT = path.join(__dirname, '..', '..');
// Run by a child: loads lib/binding.js (argv[1]); prints why not, exit 1.
const PROBE = 'try { require(process.argv[1]); } catch (e) { console.log(e.message); process.exit(1); }';
const version = (text) => String(text).split(/[.-]/).slice(0, 3).map((n) => parseInt(n, 10) || 0);
const atLeast = (have, want) => {
  for (let i = 0; i < 3; i++) if ((have[i] || 0) !== (want[i] || 0)) return (have[i] || 0) > (want[i] || 0);
  return true;
};
const read = (file) => { try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; } };

// What each kernel version added that sctp-napi uses (docs/features.md).
const FEATURES = [
  ['5.0', 'SCTP_EVENT, reusePort: what every socket needs'],
  ['5.11', 'UDP encapsulation (RFC 6951, udpEncapsPort)'],
  ['6.2', "the 'fc' and 'wfq' stream schedulers"],
];

// The sysctls, what each does for sctp-napi, and when to say something.
const SYSCTLS = [
  ['auth_enable', (v) => (v === '1' ? ['ok', 'SCTP-AUTH offered on every socket']
    : ['info', "SCTP-AUTH only on sockets with the 'auth' option (a peer not of ours needs it on its side)", 'sudo sysctl -w net.sctp.auth_enable=1'])],
  ['intl_enable', (v) => (v === '1' ? ['ok', 'I-DATA interleaving (the interleave option) allowed']
    : ['info', "the 'interleave' option fails with EPERM", 'sudo sysctl -w net.sctp.intl_enable=1'])],
  ['reconf_enable', (v) => (v === '1' ? ['ok', 'stream reconfiguration offered on every socket']
    : ['info', "stream reconfiguration only on sockets with the 'streamReset' option", 'sudo sysctl -w net.sctp.reconf_enable=1'])],
  ['udp_port', (v) => (v && v !== '0' ? ['ok', `UDP encapsulation: this host listens on UDP port ${v}`]
    : ['info', "UDP encapsulation off (udpEncapsPort throws ERR_SCTP_UDP_PORT_UNSET)", 'sudo sysctl -w net.sctp.udp_port=9899'])],
  ['sndbuf_policy', (v) => (v === '1' ? ['ok', 'send buffer per association']
    : ['info', 'send buffer per socket: with thousands of associations on one socket every ack wakes them all', 'sudo sysctl -w net.sctp.sndbuf_policy=1'])],
];

async function run(values, positionals, out) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) throw new UsageError('--timeout must be a positive number of ms');
  const findings = [];
  const say = (check, status, detail, fix) => {
    const f = { type: 'finding', check, status, detail, ...(fix ? { fix } : {}) };
    findings.push(f);
    out.write(f, `${status.padEnd(4)} ${check}: ${detail}${fix ? `\n     fix: ${fix}` : ''}`);
  };

  // The runtime.
  if (process.platform !== 'linux') say('platform', 'fail', `this is ${process.platform}: sctp-napi needs Linux's kernel SCTP`);
  else say('platform', 'ok', `Linux ${os.release()} ${process.arch}`);
  if (process.versions.bun || process.versions.deno) {
    say('runtime', 'fail', `${process.versions.bun ? 'Bun' : 'Deno'}: sctp-napi needs Node.js's libuv loop`, 'run it under Node.js 20 or later');
  } else {
    say('runtime', atLeast(version(process.versions.node), [20]) ? 'ok' : 'fail', `Node.js ${process.versions.node}`,
      atLeast(version(process.versions.node), [20]) ? null : 'install Node.js 20 or later');
  }

  // The native binary.
  let binding = null;
  const file = process.env.SCTP_NAPI_BINDING || (() => {
    try { return require('node-gyp-build').resolve(ROOT); } catch { return null; }
  })();
  // Loaded in a child first: a binary that is broken (truncated, another architecture's) can kill
  // the process that loads it (SIGBUS, SIGSEGV), and this one must live to say so.
  const probe = spawnSync(process.execPath, ['-e', PROBE, path.join(__dirname, '..', 'binding.js')], { encoding: 'utf8', timeout: 60000 });
  if (probe.signal) {
    say('binary', 'fail', `loading ${file || 'the native binary'} killed the process (${probe.signal}): it is damaged or not for this machine`,
      'npm rebuild sctp-napi (or reinstall the package)');
  } else if (probe.status !== 0) {
    say('binary', 'fail', (probe.stdout.trim() || probe.stderr.trim().split('\n')[0]));
  } else {
    binding = require('../binding');
  }
  if (binding && file) {
    const kind = file.includes(`${path.sep}prebuilds${path.sep}`) ? 'the prebuild' : 'built here';
    const needs = (fs.readFileSync(file, 'latin1').match(/GLIBC_\d+\.\d+(\.\d+)?/g) || []).map((v) => v.slice(6))
      .sort((a, b) => (atLeast(version(a), version(b)) ? 1 : -1));
    const floor = needs[needs.length - 1];
    const have = process.report && process.report.getReport().header.glibcVersionRuntime;
    say('binary', 'ok', `${path.relative(ROOT, file) || file} (${kind})` +
      `${floor ? `, needs glibc ${floor}` : ''}${have ? ` (this system has ${have})` : ''}`);
  }

  // The kernel and its SCTP.
  const kernel = os.release();
  const loaded = fs.existsSync('/proc/net/sctp');
  const k = version(kernel);
  if (!atLeast(k, [5, 0])) say('kernel', 'fail', `Linux ${kernel}: sctp-napi needs 5.0 or later (SCTP_EVENT)`, 'a newer kernel');
  const moduleFile = ['', '.xz', '.zst', '.gz'].map((z) => `/lib/modules/${kernel}/kernel/net/sctp/sctp.ko${z}`).find((f) => fs.existsSync(f));
  const blacklist = blacklisted();
  if (loaded) {
    say('module', 'ok', `SCTP is in this kernel (${fs.existsSync('/sys/module/sctp/initstate') ? 'the sctp module, loaded' : 'built in'})`);
  } else if (blacklist) {
    say('module', 'fail', `SCTP is not loaded, and ${blacklist.file} blocks it ('${blacklist.line}')`,
      `remove that line, then 'sudo modprobe sctp'`);
  } else if (moduleFile) {
    say('module', 'fail', `SCTP is not loaded (the module is there: ${moduleFile})`, 'sudo modprobe sctp');
  } else {
    say('module', 'fail', `this kernel (${kernel}) has no SCTP loaded, and no sctp module was found`, advice(platform()));
  }
  if (loaded) {
    for (const [name, judge] of SYSCTLS) {
      const v = read(`/proc/sys/net/sctp/${name}`);
      if (v === null) continue;
      const [status, detail, fix] = judge(v);
      say(`net.sctp.${name}=${v}`, status, detail, status === 'ok' ? null : fix);
    }
    const rmem = read('/proc/sys/net/core/rmem_max');
    const wmem = read('/proc/sys/net/core/wmem_max');
    say('buffers', 'info', `net.core.rmem_max=${rmem}, wmem_max=${wmem}: recvBufferSize/sendBufferSize are capped there`,
      Number(rmem) < 4 << 20 ? 'sudo sysctl -w net.core.rmem_max=4194304 net.core.wmem_max=4194304' : null);
    for (const [v, what] of FEATURES) {
      say(`Linux ${v}`, atLeast(k, version(v)) ? 'ok' : 'info', `${what}: ${atLeast(k, version(v)) ? 'this kernel has it' : `not in ${kernel}`}`);
    }
  }

  // Can a socket be made, and do messages cross loopback?
  if (binding) {
    const sctp = require('../index');
    let socketOk = false;
    try {
      sctp.createSocket('sctp4').close();
      socketOk = true;
      say('socket', 'ok', 'an SCTP socket opens');
    } catch (e) {
      say('socket', 'fail', e.message, e.code === 'ERR_SCTP_UNSUPPORTED' ? null : 'see the error');
    }
    if (socketOk) {
      try {
        const ms = await selfTest(sctp, timeout);
        say('self-test', 'ok', `one-to-many and one-to-one messages over 127.0.0.1, stream and PPID kept (${ms} ms)`);
      } catch (e) {
        say('self-test', 'fail', `loopback: ${e.message}`, 'sctp-napi listen --port 9000 in one terminal, sctp-napi send 127.0.0.1 9000 hi in another, to see where it stops');
      }
    }
  }
  const failed = findings.filter((f) => f.status === 'fail').length;
  out.write({ type: 'summary', failed, findings: findings.length },
    failed ? `${failed} check${failed > 1 ? 's' : ''} failed: SCTP cannot be used here as it is` : 'SCTP works here');
  return failed ? EXIT.failed : EXIT.ok;
}

// A modprobe.d line that keeps the sctp module out: { file, line }, or null.
function blacklisted() {
  for (const dir of ['/etc/modprobe.d', '/run/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d']) {
    let names = [];
    try { names = fs.readdirSync(dir).filter((n) => n.endsWith('.conf')); } catch { continue; }
    for (const name of names) {
      const line = (read(path.join(dir, name)) || '').split('\n').map((l) => l.trim())
        .find((l) => /^blacklist\s+sctp\s*$/.test(l) || /^install\s+sctp\s+\/(usr\/)?bin\/(false|true)/.test(l));
      if (line) return { file: path.join(dir, name), line };
    }
  }
  return null;
}

// A message each way over a one-to-many and a one-to-one association on 127.0.0.1, with a
// stream and PPID that must arrive as sent. Resolves with the ms it took.
async function selfTest(sctp, timeout) {
  const started = Date.now();
  const closers = [];
  const done = new AbortController();
  const deadline = sleep(timeout, done.signal).then(() => {
    if (!done.signal.aborted) throw new Error(`no answer within ${timeout} ms`);
  });
  const check = (rinfo, what) => {
    if (rinfo.stream !== 1 || rinfo.ppid !== 46) throw new Error(`${what}: stream ${rinfo.stream} ppid ${rinfo.ppid}, sent 1 and 46`);
  };
  const test = (async () => {
    const server = sctp.createSocket({ type: 'sctp4', defaults: { unordered: false, ttl: 0 } });
    closers.push(() => server.close());
    server.on('message', (msg, rinfo) => server.send(msg, { assocId: rinfo.assocId, stream: rinfo.stream, ppid: rinfo.ppid }, () => {}));
    await new Promise((resolve, reject) => { server.once('error', reject); server.bind(0, '127.0.0.1', resolve); });
    const client = sctp.createSocket({ type: 'sctp4', defaults: { unordered: false, ttl: 0 } });
    closers.push(() => client.close());
    const echo = new Promise((resolve) => client.once('message', (msg, rinfo) => resolve(rinfo)));
    client.send('doctor', server.address().port, '127.0.0.1', { stream: 1, ppid: 46 });
    check(await echo, 'one-to-many');

    const listener = sctp.createServer((s) => {
      s.on('error', () => {});
      s.on('message', (msg, rinfo) => s.send(msg, { stream: rinfo.stream, ppid: rinfo.ppid }));
    });
    closers.push(() => listener.close());
    await new Promise((resolve, reject) => { listener.once('error', reject); listener.listen(0, '127.0.0.1', resolve); });
    const stream = sctp.connect({ port: listener.address().port, host: '127.0.0.1' });
    closers.push(() => stream.destroy());
    await new Promise((resolve, reject) => { stream.once('error', reject); stream.once('connect', resolve); });
    const back = new Promise((resolve) => stream.once('message', (msg, rinfo) => resolve(rinfo)));
    stream.send('doctor', { stream: 1, ppid: 46 });
    check(await back, 'one-to-one');
    return Date.now() - started;
  })();
  try {
    return await Promise.race([test, deadline]);
  } finally {
    done.abort();
    for (const close of closers) close();
  }
}

module.exports = {
  summary: 'can SCTP be used here, and if not, what to do: module, sysctls, kernel features, binary, a self-test',
  usage: '[--json]',
  details: 'Exits 1 when a check fails (each failed check says the command that fixes it).',
  options,
  run,
};
