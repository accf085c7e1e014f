'use strict';
// open() has no notification events: the socket under it subscribes to no more than its peer table
// and reassembly need (association and address changes, aborted partial deliveries), so what a peer
// causes beyond those (send failures with their data, remote errors, ...) is never read or copied.
const assert = require('assert');
const { open, port, sleep } = require('../helpers');

const internals = (handle) => handle[Symbol.for('sctp-napi.internals')]();

describe('open(): notifications read', () => {
  it('a message to a port nobody listens on: one notification read (the association failing), no send failure', async () => {
    const handle = open('127.0.0.1', port(), 64, () => {});
    handle.send(Buffer.from('to nobody'), '127.0.0.1', port()); // the INIT gets an ABORT
    for (let i = 0; i < 250 && !(internals(handle).notifications >= 1); i++) await sleep(20);
    await sleep(500); // a send failure would come with the association's end
    assert.strictEqual(internals(handle).notifications, 1);
  });
});
