'use strict';
// createSocket()'s async iterator listens for 'error' itself; that must not make a peer's doing
// (a reply to a client that aborted: EPIPE) an error thrown into a server's for await loop.
const assert = require('assert');
const { bound, once } = require('../helpers');

describe('createSocket(): async iterator and errors a peer caused', () => {
  it('a reply to an aborted association does not end the server\'s loop', async () => {
    const server = await bound();
    const lost = new Promise((resolve) => server.on('association', (info) => {
      if (info.state !== 'up') resolve(info);
    }));
    const loop = (async () => {
      const served = [];
      for await (const { msg, rinfo } of server) {
        if (String(msg) === 'abort me') await lost; // the association is gone: the reply fails
        server.send(`ack ${msg}`, { assocId: rinfo.assocId });
        served.push(String(msg));
        if (served.length === 2) break;
      }
      return served;
    })();
    const port = server.address().port;
    const rude = await bound();
    const { assocId } = await rude.connect(port, '127.0.0.1');
    rude.send('abort me', { assocId }, () => rude.abort(assocId));
    await lost;
    const polite = await bound();
    const ack = once(polite, 'message');
    polite.send('hello', port, '127.0.0.1');
    const [reply] = await Promise.race([ack, loop.then(() => ack)]); // the loop's rejection, if it ended
    assert.strictEqual(String(reply), 'ack hello');
    assert.deepStrictEqual(await loop, ['abort me', 'hello']);
  });

  it('with an \'error\' listener of the app\'s, the loop gets the error too', async () => {
    const server = await bound();
    const seen = [];
    server.on('error', (err) => seen.push(err.code));
    const lost = new Promise((resolve) => server.on('association', (info) => {
      if (info.state !== 'up') resolve(info);
    }));
    const loop = (async () => {
      for await (const { rinfo } of server) {
        await lost;
        server.send('ack', { assocId: rinfo.assocId });
      }
    })();
    const rude = await bound();
    const { assocId } = await rude.connect(server.address().port, '127.0.0.1');
    rude.send('abort me', { assocId }, () => rude.abort(assocId));
    await assert.rejects(loop, { syscall: 'send' });
    assert.strictEqual(seen.length, 1);
  });
});
