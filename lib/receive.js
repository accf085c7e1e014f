'use strict';
// Receiving: one call into JS per readable tick. The native side (src/receive_batch.h) reads up to
// 64 messages, writes a row of fields per message into a Uint32Array it shares with us, puts their
// bytes in a few ArrayBuffers (a small message shares one with at most 7 others of its tick, 4 KiB
// in all, so one the app keeps holds little else alive; a larger one has its own), and calls
// onmessages(buffers, addresses, count) once. Each message is then delivered as if it had its own
// callback, which is what users of Node's handles count on: nextTick and promise jobs queued by
// one message's handler run before the next message (Node's own timers and immediates do the
// same, with the same function), a handler that throws is an uncaught exception and the messages
// after it still come (the native side calls again from the next one), and none comes after the
// handle is closed.
const { AsyncResource } = require('async_hooks');
const { markAsUntransferable } = require('worker_threads');
const binding = require('./binding');

const ROW = 12;
const MAX = 64;
const [BUFFER, OFFSET, LENGTH, ADDRESS, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT] =
  Array.from({ length: ROW }, (_, i) => i);
const NEXT = MAX * ROW;
const LIMIT = NEXT + 1;
const STOP = 0xffffffff; // kNext once the handle is closed

// Node's runNextTicks (process._tickCallback, kept for compatibility: DEP0134, documentation-only).
// Where it is missing or wrapped (--pending-deprecation), a call carries one message: the native
// side's own callback scope then runs what each queued.
const runTicks = process._tickCallback;
const batched = typeof runTicks === 'function' && runTicks.name === 'runNextTicks';

// -> { rows, onmessages, attach, behind }: rows for the handle's constructor, onmessages its
// callback, which calls deliver(msg, address, fields, r) for each message (its fields:
// fields[r + PORT]); attach(handle) routes the handle's setReading through here; behind(fn) is the
// handle's callback fn for an event the reading itself brings (a notification, the end, a recvmsg
// error). A pause taken during a tick (a full readable side, an async iterator's bound) holds the
// tick's rest: it is delivered, in order, when reading resumes, and only then does the handle read
// again. An event read after held messages waits behind them (kernel order: the association's end
// after its last messages).
function receiver(deliver) {
  const rows = new Uint32Array(LIMIT + 1);
  rows[LIMIT] = batched ? MAX : 1;
  let paused = false;
  let current = null; // { buffers, addresses, count }: the tick being delivered
  let held = null; // { fields, buffers, addresses, next, count }: what was read, not delivered
  const waiting = []; // the events read after held messages
  const gone = new Set(); // the associations peeled off during this tick, or with messages held
  let scheduled = false;
  let run = deliverHeld; // bound to the async context of the tick that held
  let resume; // the handle's own setReading

  const one = (fields, buffers, addresses, i, to = deliver) => {
    const r = i * ROW;
    to(Buffer.from(buffers[fields[r + BUFFER]], fields[r + OFFSET], fields[r + LENGTH]),
      addresses[fields[r + ADDRESS]], fields, r);
  };

  function onmessages(buffers, addresses, count) {
    if (rows[NEXT] === 0) { // a new tick (not a call again after a throw)
      gone.clear();
      // A shared ArrayBuffer cannot go to a worker (its other messages would be detached), as
      // Node's own Buffer pool cannot: each group begins at offset 0.
      for (let r = 0; r < count * ROW; r += ROW) {
        const ab = buffers[rows[r + BUFFER]];
        if (rows[r + OFFSET] === 0 && rows[r + LENGTH] !== ab.byteLength) markAsUntransferable(ab);
      }
    }
    current = { buffers, addresses, count };
    try {
      for (let i = rows[NEXT]; i < count; i = rows[NEXT]) { // (closed: kNext is past count)
        if (paused) {
          held = { fields: rows.slice(0, count * ROW), buffers, addresses, next: i, count };
          run = AsyncResource.bind(deliverHeld); // (this handle's async context, as a tick's)
          rows[NEXT] = count;
          return;
        }
        rows[NEXT] = i + 1;
        if (gone.size && gone.has(rows[i * ROW + ASSOC])) continue; // given to its own socket
        one(rows, buffers, addresses, i);
        if (i + 1 < count && rows[NEXT] === i + 1) runTicks();
      }
    } finally {
      current = null;
    }
  }

  // What was held, then the events read after it (those even if reading is paused again: nothing
  // is behind them then), until a pause or close().
  function deliverHeld() {
    scheduled = false;
    try {
      while (rows[NEXT] !== STOP) {
        if (held !== null) {
          if (paused) break;
          const h = held;
          const i = h.next++;
          if (h.next === h.count) held = null;
          if (gone.size && gone.has(h.fields[i * ROW + ASSOC])) continue;
          one(h.fields, h.buffers, h.addresses, i); // a throw: an uncaught exception, the rest after it
        } else if (waiting.length) {
          waiting.shift()();
        } else {
          break;
        }
        if (held !== null || waiting.length) runTicks();
      }
    } finally {
      if (rows[NEXT] === STOP) drop();
      else if (!paused) setReading(true);
      else if (held === null && waiting.length) schedule(); // (an event threw: the others next)
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  }

  function drop() { // closed: nothing more
    held = null;
    waiting.length = 0;
  }

  function setReading(on) {
    paused = !on;
    if (rows[NEXT] === STOP) drop();
    if (!on || (held === null && waiting.length === 0)) return resume(on);
    schedule(); // the handle reads again once they are delivered
    return 0;
  }

  function behind(fn, name) {
    return function (...args) {
      // (an error of another call than recvmsg, as the poll's for a paused reader, is not held)
      if ((held === null && waiting.length === 0) || (name === 'onerror' && args[1] !== 'recvmsg')) {
        return fn.apply(this, args);
      }
      waiting.push(() => fn.apply(this, args));
    };
  }

  // assocId was peeled off to a socket whose messages go to `to`: what this socket read of it
  // and has not delivered (the rest of this tick, what is held) goes there now, before anything
  // that socket reads itself (the kernel moved the rest of the association's queue to it).
  function divert(assocId, to) {
    gone.add(assocId);
    const rest = [];
    if (current) rest.push([rows, current, rows[NEXT], current.count]);
    if (held) rest.push([held.fields, held, held.next, held.count]);
    for (const [fields, { buffers, addresses }, from, count] of rest) {
      for (let i = from; i < count; i++) {
        if (fields[i * ROW + ASSOC] === assocId) one(fields, buffers, addresses, i, to);
      }
    }
  }

  function attach(handle) {
    resume = (on) => binding.SocketHandle.prototype.setReading.call(handle, on);
    Object.defineProperty(handle, 'setReading', { value: setReading }); // (the prototype's is read-only)
    receivers.set(handle, { deliver, divert });
    return handle;
  }
  return { rows, onmessages, attach, behind };
}

const receivers = new WeakMap(); // handle -> its receiver's { deliver, divert }
const unheld = new Set(['onwritable', 'onconnection']); // not events of the reading

// The native handle, its callbacks given as { onmessage: deliver, ... } (see receiver()).
function socketHandle({ onmessage, ...callbacks }, name) {
  if (!onmessage) return new binding.SocketHandle(callbacks, name);
  const { rows, onmessages, attach, behind } = receiver(onmessage);
  for (const key of Object.keys(callbacks)) {
    if (!unheld.has(key)) callbacks[key] = behind(callbacks[key], key);
  }
  return attach(new binding.SocketHandle({ ...callbacks, onmessages }, name, rows));
}

// child.peeloff(parent, assocId), and what the parent has read of that association and not
// delivered goes to the child first. -> the errno of the peeloff, 0 if it worked.
function peeloff(child, parent, assocId) {
  const err = child.peeloff(parent, assocId);
  const from = receivers.get(parent);
  const to = receivers.get(child);
  if (!err && from && to) from.divert(assocId, to.deliver);
  return err;
}

module.exports = { socketHandle, peeloff, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT };
