'use strict';
// A seeded, bounded random-argument fuzz over the public API: every call returns or throws an
// Error (ours carry a string `code`); nothing crashes or hangs. FUZZ_SEED=n repeats a run.
const assert = require('assert');
const sctp = require('../..');

const SEED = Number(process.env.FUZZ_SEED) || (Date.now() % 0x7fffffff);
const ROUNDS = Number(process.env.FUZZ_ROUNDS) || 1500;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function detachedView() {
  const ab = new ArrayBuffer(8);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

const pool = (random) => [
  undefined, null, true, false, 0, -0, -1, 1, 1.5, 64, 65535, 65536, 2 ** 31, 2 ** 32, 2 ** 53,
  NaN, Infinity, -Infinity, 1e308, 10n, Symbol('s'),
  '', 'x', '127.0.0.1', '::1', '::', '0.0.0.0', '::ffff:127.0.0.1', 'fe80::1%lo', 'fe80::1%nope',
  'localhost', '1.2.3.4.5', '999.1.1.1', 'a'.repeat(300),
  Buffer.alloc(0), Buffer.from('hi'), Buffer.alloc(70000), new Uint16Array(3),
  new DataView(new ArrayBuffer(4)), detachedView(), new ArrayBuffer(4), [], ['x'], [Buffer.from('a'), 1],
  {}, { type: 'sctp4' }, { type: 'sctp6' }, { type: 'sctp4', maxMessageSize: 1 },
  { type: 'sctp6', defaults: { ttl: -1 } }, { stream: 70000 }, { ppid: 1, ttl: 0 }, { port: 0 },
  { port: 0, address: '::' }, 'sctp4', 'sctp6', () => {}, function named() {}, Object.create(null),
  new Date(0), /re/, new Proxy({}, { get() { throw new Error('trap'); } }),
  20000 + Math.floor(random() * 40000),
];

describe(`fuzz (seed ${SEED}, ${ROUNDS} rounds; FUZZ_SEED=${SEED} repeats it)`, () => {
  it('random arguments to open/send/close/createSocket/bind/send/address/close: no crash', async () => {
    const random = mulberry32(SEED);
    const values = pool(random);
    const any = () => values[Math.floor(random() * values.length)];
    const args = () => Array.from({ length: Math.floor(random() * 6) }, any);
    const open = [];
    let calls = 0;
    let thrown = 0;
    let sockets = 0;
    const attempt = (what, fn) => {
      calls++;
      try {
        return fn();
      } catch (err) {
        thrown++;
        const ours = err instanceof Error && typeof err.code === 'string';
        const users = err instanceof Error && err.message === 'trap'; // the Proxy's own throw
        const symbol = err instanceof TypeError && /Symbol/.test(err.message); // String(symbol)
        assert.ok(ours || users || symbol, `seed ${SEED}: ${what} threw ${err && err.stack}`);
        return undefined;
      }
    };
    try {
      await rounds();
    } finally {
      for (const s of open) s.close(); // a failing round must not leave the process running
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The fuzz reached past validation: sockets were made and fuzzed, and calls were refused.
    assert.ok(sockets > ROUNDS / 4 && thrown > 0 && thrown < calls,
      `${calls} calls, ${thrown} threw, ${sockets} sockets`);

    async function rounds() {
    for (let round = 0; round < ROUNDS; round++) {
      // Half the time valid enough to get a socket, so the calls on sockets are fuzzed too.
      const openArgs = random() < 0.5 ? ['127.0.0.1', 0, 64, () => {}].map((v) => (random() < 0.2 ? any() : v)) : args();
      const handle = attempt('open', () => sctp.open(...openArgs));
      if (handle) {
        open.push(handle);
        sockets++;
        attempt('handle.send', () => handle.send(...args()));
        if (random() < 0.8) attempt('handle.close', () => handle.close());
      }
      const type = random() < 0.5 ? (random() < 0.5 ? 'sctp4' : 'sctp6') : any();
      const sock = attempt('createSocket', () => sctp.createSocket(type));
      if (sock) {
        open.push(sock);
        sockets++;
        sock.on('error', () => {});
        attempt('bind', () => sock.bind(...args()));
        attempt('send', () => sock.send(...args()));
        attempt('address', () => sock.address());
        if (random() < 0.1) attempt('unref', () => sock.unref());
        if (random() < 0.8) attempt('close', () => sock.close(...args().filter((a) => typeof a === 'function')));
      }
      if (round % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    }
  });
});
