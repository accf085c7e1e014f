'use strict';
// reusePort across worker threads, each owning one member of the group: a worker terminated in the
// middle of the traffic takes only its own associations with it; the survivor's get every message,
// in order, and the associations that come after go to the survivor.
const assert = require('assert');
const { Worker } = require('worker_threads');
const { socket, fixture, sleep } = require('../helpers');

const reliable = { unordered: false, ttl: 0 };

const workers = new Set(); // every worker this file started: none outlives it (mocha would not exit)
after(() => Promise.all([...workers].map((w) => w.terminate())));

function member(port) {
  const worker = new Worker(fixture('reuseport-member.js'), { workerData: { port } });
  workers.add(worker);
  worker.exited = new Promise((resolve) => worker.once('exit', resolve));
  const inbox = [];
  worker.on('message', (m) => inbox.push(m));
  worker.next = async (key) => {
    for (let i = 0; i < 3000; i++) {
      const at = inbox.findIndex((m) => key in m);
      if (at >= 0) return inbox.splice(at, 1)[0][key];
      await sleep(20);
    }
    throw new Error(`no ${key} from the worker`);
  };
  worker.report = async () => { worker.postMessage('report'); return worker.next('seqs'); };
  return worker;
}

describe('reusePort: a member per worker thread', function () {
  this.timeout(240000);

  it('a worker terminated mid-traffic: the survivor\'s peers lose no message, and new peers go to it', async () => {
    const first = member(0);
    let second = first; // until it starts
    try {
      const port = await first.next('port');
      second = member(port);
      await second.next('port');
      const COUNT = 150;
      const peers = Array.from({ length: 20 }, () => {
        const c = socket({ type: 'sctp4', defaults: reliable });
        c.on('error', () => {}); // the terminated worker's peers see their association end
        c.failures = 0;
        return c;
      });
      let seq = 0;
      const sendRound = () => {
        for (const c of peers) c.send(String(seq), port, '127.0.0.1', (err) => { if (err) c.failures++; });
        seq++;
      };
      sendRound();
      // Which worker has which peer: once every peer's first message is in.
      let where;
      for (let i = 0; i < 500; i++) {
        const [a, b] = [await first.report(), await second.report()];
        if (Object.keys(a).length + Object.keys(b).length === peers.length) { where = [a, b]; break; }
        await sleep(20);
      }
      assert.ok(where, 'the first messages never all arrived');
      const survivors = new Set(Object.keys(where[1]).map(Number));
      assert.ok(survivors.size > 0 && survivors.size < peers.length, `the peers did not spread: ${survivors.size} of ${peers.length} on one worker`);
      // Half the messages, then the termination, then the rest, with the traffic flowing throughout.
      while (seq < COUNT / 2) { sendRound(); await sleep(5); }
      const terminated = first.terminate();
      while (seq < COUNT) { sendRound(); await sleep(5); }
      await terminated;

      const mine = peers.filter((c) => survivors.has(c.address().port));
      const expected = Array.from({ length: COUNT }, (_, i) => i);
      let got;
      for (let i = 0; i < 500; i++) {
        got = await second.report();
        if (mine.every((c) => (got[c.address().port] || []).length >= COUNT)) break;
        await sleep(50);
      }
      for (const c of mine) {
        assert.deepStrictEqual(got[c.address().port], expected, `peer ${c.address().port} on the survivor`);
        assert.strictEqual(c.failures, 0);
      }

      // New peers (new associations) land on the survivor.
      const fresh = Array.from({ length: 10 }, () => socket({ type: 'sctp4', defaults: reliable }));
      for (const c of fresh) c.send('0', port, '127.0.0.1');
      for (let i = 0; i < 500; i++) {
        got = await second.report();
        if (fresh.every((c) => got[c.address().port])) break;
        await sleep(50);
      }
      for (const c of fresh) assert.deepStrictEqual(got[c.address().port], [0], `new peer ${c.address().port}`);
      console.log(`      (${mine.length} of ${peers.length} peers on the survivor, ${COUNT} messages each, none lost)`);
    } finally {
      second.postMessage('close'); // a graceful end, else terminated
      await Promise.race([second.exited, sleep(10000)]);
      await Promise.all([first.terminate(), second.terminate()]);
    }
  });
});
