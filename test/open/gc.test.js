'use strict';
// Regression 3: the original's finalizer closed the socket when the app dropped the handle, so
// open(..., onRecv) without keeping the result stopped receiving at the first GC.
const assert = require('assert');
const sctp = require('../..');
const { open, port, inbox, sleep } = require('../helpers');

async function collectGarbage() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await sleep(20); // finalizers run on a later turn of the loop
  }
}

// regression 3 of the original (docs/api/open.md): GC closed a live socket
describe('open(): garbage collection', () => {
  before(function () {
    if (typeof global.gc !== 'function') this.skip(); // .mocharc.json passes --expose-gc
  });

  it('an open handle nobody references keeps receiving', async () => {
    const serverPort = port();
    const received = inbox();
    let weak;
    (() => {
      // `this` in onRecv is the handle: the only way left to close it.
      weak = new WeakRef(sctp.open('127.0.0.1', serverPort, 64, function (r) { received(r); if (received.results.length === 2) this.close(); }));
    })();
    await collectGarbage();
    assert.ok(weak.deref(), 'the open handle was collected');
    const client = open('127.0.0.1', port(), 64, () => {});
    client.send(Buffer.from('after gc'), '127.0.0.1', serverPort);
    await received.wait(1);
    await collectGarbage();
    client.send(Buffer.from('after another gc'), '127.0.0.1', serverPort);
    const got = await received.wait(2);
    assert.deepStrictEqual(got.map((r) => r[0].toString()), ['after gc', 'after another gc']);
  });

  it('a closed handle is collected', async () => {
    let weak;
    (() => {
      const handle = sctp.open('127.0.0.1', port(), 64, () => {});
      handle.close();
      weak = new WeakRef(handle);
    })();
    await collectGarbage();
    assert.strictEqual(weak.deref(), undefined);
  });
});
