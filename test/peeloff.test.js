'use strict';
// peeloff(): one association branched off into a socket of its own, delivering both ways.
const assert = require('assert');
const helpers = require('./helpers');

const { track, once, messages } = helpers;

const bound = () => helpers.bound({ defaults: { unordered: false, ttl: 0 } });

describe('createSocket(): peeloff', () => {
  it('a peeled-off association delivers both ways; the parent no longer sees it', async () => {
    const server = await bound();
    const client = await bound();
    const [association] = await Promise.all([
      once(server, 'association').then(([info]) => info),
      client.connect(server.address().port, '127.0.0.1'),
    ]);
    const peer = track(server.peeloff(association.assocId));
    assert.deepStrictEqual(server.associations(), []);
    assert.strictEqual(peer.address().port, server.address().port);

    let parentGot = 0;
    server.on('message', () => parentGot++);
    const atPeer = messages(peer, 2);
    client.send('one', server.address().port, '127.0.0.1');
    client.send('two', server.address().port, '127.0.0.1', { ppid: 9 });
    const got = await atPeer;
    assert.deepStrictEqual(got.map(([m, r]) => [m.toString(), r.ppid, r.port]),
      [['one', 0, client.address().port], ['two', 9, client.address().port]]);

    // The parent's maxMessageSize (256 KiB by default) holds on the peeled-off socket too.
    const big = messages(peer, 1);
    client.send(Buffer.alloc(100 * 1024, 7), server.address().port, '127.0.0.1');
    assert.strictEqual((await big)[0][0].length, 100 * 1024);

    const atClient = messages(client, 2);
    assert.strictEqual(peer.send('back'), true);
    await new Promise((resolve, reject) => peer.send(Buffer.from('again'), { ppid: 3 }, (err) => (err ? reject(err) : resolve())));
    const back = await atClient;
    assert.deepStrictEqual(back.map(([m, r]) => [m.toString(), r.ppid]), [['back', 0], ['again', 3]]);
    assert.strictEqual(parentGot, 0);

    // Ending it from the client: the peeled socket sees the shutdown, 'end', then closes.
    const ended = once(peer, 'end');
    const closed = once(peer, 'close');
    client.eof(back[0][1].assocId);
    await ended;
    await closed;
  });

  it('peeloff() of an unknown association throws a system error', async () => {
    const server = await bound();
    assert.throws(() => server.peeloff(12345), { syscall: 'sctp_peeloff', code: 'EINVAL' });
    assert.throws(() => server.peeloff(0), { code: 'ERR_OUT_OF_RANGE' });
  });
});
