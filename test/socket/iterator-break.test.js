'use strict';
// createSocket()'s async iterator left early (break): the messages it had read from the kernel
// and not yet given out go to the next reader, a loop or a 'message' listener, in order.
const assert = require('assert');
const { bound, sleep, once } = require('../helpers');

const reliable = { ttl: 0, unordered: false };
const TOTAL = 40;

// A receiver whose loop has read ahead (up to 16) of TOTAL messages sent to it.
async function readAhead() {
  const receiver = await bound();
  const sender = await bound();
  const it = receiver[Symbol.asyncIterator]();
  for (let i = 0; i < TOTAL; i++) sender.send(`m${i}`, receiver.address().port, '127.0.0.1', reliable);
  await sleep(1000); // the loop's listener reads ahead meanwhile
  let first;
  for await (const { msg } of it) {
    first = String(msg);
    break;
  }
  return { receiver, first };
}

const names = (n) => Array.from({ length: n }, (_, i) => `m${i}`);

describe('createSocket(): async iterator left early', () => {
  it('a loop after a break gets every message the first one did not, in order', async () => {
    const { receiver, first } = await readAhead();
    const rest = [];
    for await (const { msg } of receiver) {
      rest.push(String(msg));
      if (rest.length === TOTAL - 1) break;
    }
    assert.deepStrictEqual([first, ...rest], names(TOTAL));
  });

  it('a \'message\' listener after a break gets every message the loop did not, in order', async () => {
    const { receiver, first } = await readAhead();
    const rest = [];
    receiver.on('message', (msg) => rest.push(String(msg)));
    for (let i = 0; i < 600 && rest.length < TOTAL - 1; i++) await sleep(50);
    assert.deepStrictEqual([first, ...rest], names(TOTAL));
  });

  it('once() listeners after a break: each takes the next message; none is lost', async () => {
    const { receiver, first } = await readAhead();
    const got = [first];
    for (let i = 1; i < TOTAL; i++) got.push(String((await once(receiver, 'message'))[0]));
    assert.deepStrictEqual(got, names(TOTAL));
  });

  it('a listener there while the loop read gets nothing twice from its break', async () => {
    const FEW = 10; // fewer than the loop holds before it pauses reading
    const receiver = await bound();
    const sender = await bound();
    const early = [];
    const onEarly = (msg) => early.push(String(msg));
    receiver.on('message', onEarly); // sees everything the loop reads: the break hands none back
    const it = receiver[Symbol.asyncIterator]();
    for (let i = 0; i < FEW; i++) sender.send(`m${i}`, receiver.address().port, '127.0.0.1', reliable);
    for (let i = 0; i < 600 && early.length < FEW; i++) await sleep(50);
    receiver.off('message', onEarly);
    assert.strictEqual(String((await it.next()).value.msg), 'm0');
    await it.return();
    const late = [];
    receiver.on('message', (msg) => late.push(String(msg)));
    for (let i = 0; i < FEW; i++) sender.send(`n${i}`, receiver.address().port, '127.0.0.1', reliable);
    for (let i = 0; i < 600 && late.length < FEW; i++) await sleep(50);
    await sleep(300);
    assert.deepStrictEqual(early, names(FEW));
    assert.deepStrictEqual(late, Array.from({ length: FEW }, (_, i) => `n${i}`));
  });

  // What arrives meanwhile, with no one listening, is dropped, as dgram's; what the loop had read is not.
  it('after a break with no reader, the socket keeps reading: notifications arrive, connect() resolves', async () => {
    const { receiver, first } = await readAhead();
    const peer = await bound();
    const up = await Promise.race([
      receiver.connect(peer.address().port, '127.0.0.1'),
      sleep(20000).then(() => null),
    ]);
    assert.ok(up && up.state === 'up', 'connect() settled while nothing read messages');
    const rest = [];
    receiver.on('message', (msg) => rest.push(String(msg)));
    await sleep(500);
    assert.ok(rest.length >= 15, `the loop's read-ahead handed back: ${rest}`);
    assert.deepStrictEqual([first, ...rest], names(rest.length + 1));
  });
});
