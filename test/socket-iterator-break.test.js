'use strict';
// createSocket()'s async iterator left early (break): the messages it had read from the kernel
// and not yet given out go to the next reader, a loop or a 'message' listener, in order.
const assert = require('assert');
const { bound, sleep } = require('./helpers');

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
});
