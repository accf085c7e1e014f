'use strict';
// A peer decides how many streams we may send on (min(our outStreams, its INIT's MIS)). A peer
// that sends on stream 3 but accepts one inbound stream makes a reply on rinfo.stream fail: a
// peer's doing, never thrown at a server without an 'error' listener (the README's servers).
const assert = require('assert');
const helpers = require('../helpers');

const { bound, once, messages, track } = helpers;
const sctp = require('../..');

const streams = { outStreams: 4, maxInStreams: 4 };
const narrow = { outStreams: 4, maxInStreams: 1 }; // sends on 4 streams, accepts 1

describe('a peer that accepts fewer streams than it sends on', () => {
  it('createSocket(): a reply on rinfo.stream fails without an error thrown; the counts are reported', async () => {
    const server = await bound({ initMsg: streams }); // as examples/socket.js: no 'error' listener
    const failures = [];
    server.on('message', (msg, rinfo) => {
      server.send(`ack ${msg}`, rinfo.port, rinfo.address, { stream: rinfo.stream });
      server.send(`ack2 ${msg}`, rinfo.port, rinfo.address, { stream: rinfo.stream }, (err) => failures.push(err));
    });
    const up = once(server, 'association');
    const client = await bound({ initMsg: narrow });
    const acks = messages(client, 2);
    const { assocId } = await client.connect(server.address().port, '127.0.0.1');
    const [info] = await up;
    assert.strictEqual(info.outStreams, 1);
    assert.strictEqual(info.inStreams, 4);
    assert.strictEqual(server.status(info.assocId).outStreams, 1);
    assert.strictEqual(client.status(assocId).inStreams, 1);
    client.send('three', { assocId, stream: 3 });
    client.send('zero', { assocId, stream: 0 }); // its replies come after those to 'three' failed
    const got = await acks;
    assert.deepStrictEqual(got.map(([m, r]) => [String(m), r.stream]), [['ack zero', 0], ['ack2 zero', 0]]);
    assert.strictEqual(failures.length, 2);
    const [err] = failures;
    assert.strictEqual(err.code, 'EINVAL');
    assert.strictEqual(err.stream, 3);
    assert.strictEqual(err.outStreams, 1);
    assert.match(err.message, /stream 3.*1 outbound stream/);
    assert.strictEqual(failures[1], null);
  });

  it('one-to-one: a reply on rinfo.stream ends the association without an error thrown', async () => {
    let accepted;
    const peer = new Promise((resolve) => { accepted = resolve; });
    const server = await helpers.listening((socket) => { // as examples/stream.js: no 'error' listener
      track(socket);
      const closed = helpers.closed(socket);
      socket.on('message', (msg, rinfo) => {
        socket.send(`ack ${msg}`, { stream: rinfo.stream }, (err) => accepted([closed, err]));
      });
    }, { initMsg: streams });
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1', initMsg: narrow }));
    client.on('error', () => {});
    await once(client, 'connect');
    assert.strictEqual(client.status().inStreams, 1);
    client.send('three', { stream: 3 });
    const [closed, err] = await peer;
    assert.strictEqual(err.code, 'EINVAL');
    assert.strictEqual(err.stream, 3);
    assert.strictEqual(err.outStreams, 1);
    const [hadError] = await closed;
    assert.strictEqual(hadError, true);
  });

  it('one-to-one: with an \'error\' listener the error is emitted', async () => {
    const errors = [];
    let closed;
    const done = new Promise((resolve) => { closed = resolve; });
    const server = await helpers.listening((socket) => {
      track(socket);
      socket.on('error', (e) => errors.push(e));
      socket.on('close', closed);
      socket.on('message', (msg, rinfo) => socket.send(`ack ${msg}`, { stream: rinfo.stream }));
    }, { initMsg: streams });
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1', initMsg: narrow }));
    client.on('error', () => {});
    await once(client, 'connect');
    client.send('three', { stream: 3 });
    await done;
    assert.deepStrictEqual(errors.map((e) => [e.code, e.stream, e.outStreams]), [['EINVAL', 3, 1]]);
  });

  // The association's count is min(ours, the peer's): a stream beyond our own outStreams (the
  // kernel's default 10 here) is the app's bug whatever the peer accepts: a plain EINVAL.
  const ours = (err) => {
    assert.strictEqual(err.code, 'EINVAL');
    assert.strictEqual(err.outStreams, undefined);
    assert.strictEqual(err.stream, undefined);
    assert.doesNotMatch(err.message, /peer/);
    assert.match(err.message, /stream 50 .*initMsg\.outStreams/);
  };

  it('createSocket(): a stream beyond our own outStreams is an app\'s EINVAL, emitted and given to the callback', async () => {
    const server = await bound(); // accepts the kernel's default, many more than 50
    const client = await bound();
    const errors = [];
    client.on('error', (e) => errors.push(e));
    const up = once(server, 'association');
    const { assocId } = await client.connect(server.address().port, '127.0.0.1');
    await up;
    assert.ok(client.status(assocId).outStreams < 50);
    client.send('fifty', { assocId, stream: 50 });
    const err = await new Promise((resolve) => client.send('fifty', { assocId, stream: 50 }, resolve));
    ours(err);
    assert.strictEqual(errors.length, 1);
    ours(errors[0]);
  });

  it('one-to-one: a stream beyond our own outStreams destroys the socket with the error', async () => {
    const server = await helpers.listening((socket) => track(socket));
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1' }));
    const errors = [];
    client.on('error', (e) => errors.push(e));
    await once(client, 'connect');
    const closed = helpers.closed(client);
    const err = await new Promise((resolve) => client.send('fifty', { stream: 50 }, resolve));
    ours(err);
    const [hadError] = await closed;
    assert.strictEqual(hadError, true);
    assert.deepStrictEqual(errors, [err]);
  });
});
