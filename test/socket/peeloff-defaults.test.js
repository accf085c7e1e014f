'use strict';
// A one-to-one socket sends in order and fully reliably by default, whichever way it was made:
// peeloff() of a createSocket() socket (whose own defaults are unordered, with a 30 s lifetime)
// included. Defaults the app gave createSocket() carry over, over the one-to-one ones.
const assert = require('assert');
const helpers = require('../helpers');

const { track, once, messages } = helpers;

async function peeled(serverOptions) {
  const server = await helpers.bound(serverOptions);
  const client = await helpers.bound();
  const [association] = await Promise.all([
    once(server, 'association').then(([info]) => info),
    client.connect(server.address().port, '127.0.0.1'),
  ]);
  return { client, peer: track(server.peeloff(association.assocId)) };
}

describe('peeloff(): send defaults', () => {
  it('writes of a peeled-off socket are ordered', async () => {
    const { client, peer } = await peeled({}); // createSocket()'s defaults: unordered, ttl 30000
    const got = messages(client, 2);
    peer.write('one');
    peer.send('two', { ppid: 3 });
    const [[, a], [, b]] = await got;
    assert.deepStrictEqual([a.unordered, b.unordered, b.ppid], [false, false, 3]);
  });

  it('the defaults given to createSocket() carry over, over the one-to-one ones', async () => {
    const { client, peer } = await peeled({ defaults: { ppid: 7 } });
    const got = messages(client, 1);
    peer.write('one');
    const [[, rinfo]] = await got;
    assert.deepStrictEqual([rinfo.unordered, rinfo.ppid], [false, 7]);
  });
});
