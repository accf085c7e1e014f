'use strict';
// peeloff() of an association connect() is still waiting for. The API gives no assocId before
// connect() resolves (nor does 'association', which comes with the resolution), but the kernel's
// ids are sequential, so one can be guessed: the association left this socket (its COMM_UP goes
// to the peeled-off one: net/sctp/socket.c sctp_sock_migrate()), and connect()'s promise stayed
// pending for ever, its entry held in the socket. It rejects now, with ERR_SCTP_PEELED_OFF.
const assert = require('assert');
const { bound, track, once, sleep } = require('../helpers');

const internals = Symbol.for('sctp-napi.internals');

describe('createSocket(): peeloff() of an association still connecting', () => {
  it("connect()'s promise rejects with ERR_SCTP_PEELED_OFF; the association goes on, on the peeled-off socket", async function () {
    const first = await bound();
    const peer = await bound();
    const s = await bound();
    const { assocId } = await s.connect(first.address().port, '127.0.0.1');
    const connecting = s.connect(peer.address().port, '127.0.0.1');
    // The kernel's next ids (the peer's end of the first association took one): ours is the one
    // whose peer is `peer`.
    const ours = (id) => {
      try {
        return s.peerAddresses(id)[0].port === peer.address().port;
      } catch {
        return false;
      }
    };
    const guess = [1, 2, 3, 4].map((n) => assocId + n).find(ours);
    if (guess === undefined) this.skip(); // other associations took those ids
    const branch = track(s.peeloff(guess));
    const outcome = await Promise.race([
      connecting.then(() => 'resolved', (err) => `${err.code}: ${err.message}`),
      sleep(5000).then(() => 'still pending after 5 s'),
    ]);
    assert.strictEqual(outcome, 'ERR_SCTP_PEELED_OFF: The association was peeled off before it was up');
    assert.strictEqual(s[internals]().connecting, 0);
    branch.write('on the branch');
    const [msg] = await once(peer, 'message');
    assert.strictEqual(msg.toString(), 'on the branch');
  });
});
