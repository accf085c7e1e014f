'use strict';
// The one-to-one socket where a peer ends things at an awkward moment: while a write waits for
// room, just before our end(), with nobody reading. None of it may throw at an app that did not
// listen for 'error', and every socket must still close.
const assert = require('assert');
const sctp = require('../..');
const helpers = require('../helpers');

const { track, once, run, fixture, closed } = helpers;

describe('one-to-one: a peer ending things at awkward moments', () => {
  it('the peer ends while our writes wait for room (EAGAIN): every callback runs, nothing thrown', async () => {
    // In a child: an uncaught 'error' there shows as a non-zero exit and a stack on stderr.
    const res = await run([fixture('stream-edges.js'), 'eagain-end']);
    assert.strictEqual(res.stderr, '');
    assert.strictEqual(res.code, 0);
    const out = JSON.parse(res.stdout);
    assert.ok(out.queued > 0, 'the client never filled its send buffer');
    // Every write's callback ran: the one waiting for room and those queued behind it are told the
    // association is going (EPIPE, ESHUTDOWN) or that the socket is gone; none is left hanging.
    assert.strictEqual(out.called, out.writes);
    const peerCaused = ['EPIPE', 'ESHUTDOWN', 'ERR_STREAM_DESTROYED'];
    assert.ok(out.errors.every((code) => peerCaused.includes(code)), out.errors.join());
    assert.strictEqual(out.closed, true);
  });

  it('end() on a peeled-off socket whose peer has just aborted: nothing thrown, it closes', async () => {
    const res = await run([fixture('stream-edges.js'), 'peel-abort-end']);
    assert.strictEqual(res.stderr, '');
    assert.strictEqual(res.code, 0);
    assert.deepStrictEqual(JSON.parse(res.stdout), { closed: true });
  });

  it('nobody reads on either side: end() still ends both sockets, and the server closes', async () => {
    let accepted;
    const got = new Promise((resolve) => { accepted = resolve; });
    const server = track(sctp.createServer((s) => accepted(s)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = track(sctp.connect(server.address().port, '127.0.0.1'));
    await once(client, 'connect');
    const peer = await got;
    const serverClosed = new Promise((resolve) => server.close(resolve));
    const events = [];
    peer.on('end', () => events.push('peer end'));
    client.on('end', () => events.push('client end'));
    const both = Promise.all([closed(peer), closed(client)]);
    client.end();
    assert.deepStrictEqual(await both, [[false], [false]]);
    assert.deepStrictEqual(events.sort(), ['client end', 'peer end']);
    await serverClosed;
  });

  it('listen({ signal }): aborting closes the server', async () => {
    const controller = new AbortController();
    const server = track(sctp.createServer());
    server.listen({ port: 0, host: '127.0.0.1', signal: controller.signal });
    await once(server, 'listening');
    const serverClosed = once(server, 'close');
    controller.abort();
    await serverClosed;
    assert.strictEqual(server.listening, false);
  });
});
