'use strict';
// createSocket(): bind, address, send and receive with per-message options and receive metadata.
const assert = require('assert');
const { socket, once, messages, pythonPeer, port } = require('../helpers');

async function pair(type = 'sctp4', options = {}) {
  const a = socket({ type, ...options });
  const b = socket({ type, ...options });
  a.bind(0);
  b.bind(0);
  await Promise.all([once(a, 'listening'), once(b, 'listening')]);
  return [a, b];
}

describe('createSocket(): sending and receiving', () => {
  it('bind(0) gives an ephemeral port that address() reports', async () => {
    const s = socket({ type: 'sctp4' });
    assert.throws(() => s.address(), { code: 'ERR_SOCKET_NOT_BOUND' });
    const listening = once(s, 'listening');
    assert.strictEqual(s.bind(0, '127.0.0.1'), s);
    await listening;
    const { address, family, port: p } = s.address();
    assert.deepStrictEqual([address, family], ['127.0.0.1', 'IPv4']);
    assert.ok(p >= 1024 && p <= 65535, `port ${p}`);
    assert.throws(() => s.bind(0), { code: 'ERR_SOCKET_ALREADY_BOUND' });
  });

  it('bind({ port, address }, cb) and an sctp6 socket', async () => {
    const s = socket({ type: 'sctp6' });
    const p = port();
    await new Promise((resolve) => s.bind({ port: p, address: '::1' }, resolve));
    assert.deepStrictEqual(s.address(), { address: '::1', family: 'IPv6', port: p });
  });

  it('a bind error is emitted as a Node-style error', async () => {
    const s = socket({ type: 'sctp4' });
    s.bind(0, '192.0.2.1');
    const [err] = await once(s, 'error');
    assert.strictEqual(err.message, 'bind EADDRNOTAVAIL 192.0.2.1:0');
    assert.strictEqual(err.code, 'EADDRNOTAVAIL');
  });

  it('streams 0..9 and PPIDs round-trip with their metadata in rinfo', async () => {
    const [a, b] = await pair('sctp4', { initMsg: { outStreams: 10, maxInStreams: 10 } });
    const to = b.address().port;
    const got = messages(b, 11);
    a.send('opening', to, '127.0.0.1', { stream: 0, ppid: 0 });
    for (let stream = 0; stream < 10; stream++) {
      a.send(`on ${stream}`, to, '127.0.0.1', { stream, ppid: 0xfffffff0 + stream, context: 7 });
    }
    const list = await got;
    const byText = new Map(list.map(([msg, rinfo]) => [msg.toString(), rinfo]));
    for (let stream = 0; stream < 10; stream++) {
      const rinfo = byText.get(`on ${stream}`);
      assert.strictEqual(rinfo.stream, stream);
      assert.strictEqual(rinfo.ppid, 0xfffffff0 + stream);
      assert.strictEqual(rinfo.size, `on ${stream}`.length);
      assert.strictEqual(rinfo.address, '127.0.0.1');
      assert.strictEqual(rinfo.family, 'IPv4');
      assert.strictEqual(rinfo.port, a.address().port);
      assert.ok(rinfo.assocId > 0);
      assert.ok(rinfo.tsn > 0);
      assert.strictEqual(typeof rinfo.ssn, 'number');
      assert.strictEqual(typeof rinfo.context, 'number');
    }
  });

  it('unordered is seen in rinfo; the default is the original\'s (unordered)', async () => {
    const [a, b] = await pair();
    const to = b.address().port;
    const got = messages(b, 3);
    a.send('default', to, '127.0.0.1');
    a.send('ordered', to, '127.0.0.1', { unordered: false });
    a.send('unordered', to, '127.0.0.1', { unordered: true });
    const flags = new Map((await got).map(([m, r]) => [m.toString(), r.unordered]));
    assert.deepStrictEqual(Object.fromEntries(flags), { default: true, ordered: false, unordered: true });
  });

  it('socket-wide defaults apply to every send, and per-send options override them', async () => {
    const a = socket({ type: 'sctp4', defaults: { ppid: 46, unordered: false, ttl: 0 } });
    const [b] = await pair();
    const got = messages(b, 2);
    a.send('a', b.address().port, '127.0.0.1');
    a.send('b', b.address().port, '127.0.0.1', { ppid: 47 });
    const list = (await got).sort((x, y) => x[0][0] - y[0][0]);
    assert.deepStrictEqual(list.map(([, r]) => [r.ppid, r.unordered]), [[46, false], [47, false]]);
  });

  it('msg may be a string, a TypedArray, a DataView or an array of those', async () => {
    const [a, b] = await pair();
    const got = messages(b, 1);
    const bytes = Buffer.from('--typed--');
    a.send(['str|', new Uint8Array([65, 66]), '|', new DataView(bytes.buffer, bytes.byteOffset + 2, 5)],
      b.address().port, '127.0.0.1', { unordered: false });
    const [[msg]] = await got;
    assert.strictEqual(msg.toString(), 'str|AB|typed');
  });

  it('the send callback gets (null, bytes); a send error goes to it, else to \'error\'', async () => {
    const [a, b] = await pair();
    const bytes = await new Promise((resolve, reject) => a.send('12345', b.address().port, '127.0.0.1',
      (err, n) => (err ? reject(err) : resolve(n))));
    assert.strictEqual(bytes, 5);
    const err = await new Promise((resolve) => a.send('x', 9, '127.0.0.1', { stream: 60000 }, resolve));
    assert.ok(err instanceof Error);
    assert.strictEqual(err.syscall, 'send');
    assert.strictEqual(err.code, 'EINVAL');
    assert.strictEqual(err.message, "send EINVAL 127.0.0.1:9 (stream 60000 is beyond this socket's 10 outbound " +
      'streams: initMsg.outStreams)'); // the app's doing: no stream or outStreams of the peer's
    a.send('x', 9, '127.0.0.1', { stream: 60000 });
    const [emitted] = await once(a, 'error');
    assert.strictEqual(emitted.code, err.code);
  });

  it('first message to a new peer is not lost, with a TTL set (20 fresh sockets, ttl 1000)', async () => {
    const [b] = await pair();
    const got = messages(b, 20);
    for (let i = 0; i < 20; i++) {
      socket({ type: 'sctp4' }).send(`fresh ${i}`, b.address().port, '127.0.0.1', { ttl: 1000 });
    }
    const texts = (await got).map(([m]) => m.toString()).sort();
    assert.deepStrictEqual(texts, Array.from({ length: 20 }, (_, i) => `fresh ${i}`).sort());
  });

  it('an unbound socket binds itself on its first send, like dgram', async () => {
    const [b] = await pair();
    const a = socket({ type: 'sctp4' });
    const got = messages(b, 1);
    a.send('auto', b.address().port, '127.0.0.1');
    const [[msg, rinfo]] = await got;
    assert.strictEqual(msg.toString(), 'auto');
    assert.strictEqual(rinfo.port, a.address().port);
  });

  it('dual stack: an sctp6 socket talks to an sctp4 one', async () => {
    const six = socket({ type: 'sctp6' });
    const [four] = await pair('sctp4');
    six.bind(0);
    await once(six, 'listening');
    const got = messages(six, 1);
    four.send('from v4', six.address().port, '127.0.0.1');
    const [[, rinfo]] = await got;
    assert.strictEqual(rinfo.address, '::ffff:127.0.0.1');
    assert.strictEqual(rinfo.family, 'IPv6');
  });

  it('streams and PPIDs round-trip with a Python kernel-SCTP peer', async () => {
    const pyPort = port();
    const py = pythonPeer('echo-info', '127.0.0.1', pyPort, 4);
    await py.waitLines(1);
    const [a] = await pair('sctp4', { initMsg: { outStreams: 8, maxInStreams: 8 } });
    const echoes = messages(a, 4);
    const sends = [[0, 0, false], [3, 46, false], [5, 0xdeadbeef, true], [7, 1, false]];
    for (const [stream, ppid, unordered] of sends) {
      a.send(`s${stream}`, pyPort, '127.0.0.1', { stream, ppid, unordered, ttl: 0 });
    }
    const seen = (await py.waitLines(5)).slice(1).sort((x, y) => x.stream - y.stream);
    assert.deepStrictEqual(seen.map((l) => [l.stream, l.ppid, l.unordered, l.data]),
      sends.map(([stream, ppid, unordered]) => [stream, ppid, unordered, `s${stream}`]));
    const back = (await echoes).map(([m, r]) => [m.toString(), r.stream, r.ppid, r.port])
      .sort((x, y) => x[1] - y[1]);
    assert.deepStrictEqual(back, sends.map(([stream, ppid]) =>
      [`s${stream}`, stream, (ppid + 1) >>> 0, pyPort]));
  });
});
