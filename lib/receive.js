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

// -> { rows, onmessages, attach }: rows for the handle's constructor, onmessages its callback,
// which calls deliver(msg, address, fields, r) for each message (its fields: fields[r + PORT]);
// attach(handle) routes the handle's setReading through here. A pause taken during a tick (a full
// readable side, an async iterator's bound) holds the tick's rest; it is delivered, in order, when
// reading resumes, and only then does the handle read again.
function receiver(deliver) {
  const rows = new Uint32Array(LIMIT + 1);
  rows[LIMIT] = batched ? MAX : 1;
  let paused = false;
  let held = null; // { fields, buffers, addresses, next, count }: what was read and not delivered
  let scheduled = false;
  let resume; // the handle's own setReading

  const one = (fields, buffers, addresses, i) => {
    const r = i * ROW;
    deliver(Buffer.from(buffers[fields[r + BUFFER]], fields[r + OFFSET], fields[r + LENGTH]),
      addresses[fields[r + ADDRESS]], fields, r);
  };

  function onmessages(buffers, addresses, count) {
    for (let i = rows[NEXT]; i < count; i = rows[NEXT]) { // (closed: kNext is past count)
      if (paused) {
        held = { fields: rows.slice(0, count * ROW), buffers, addresses, next: i, count };
        rows[NEXT] = count;
        return;
      }
      rows[NEXT] = i + 1;
      one(rows, buffers, addresses, i);
      if (i + 1 < count && rows[NEXT] === i + 1) runTicks();
    }
  }

  function deliverHeld() {
    scheduled = false;
    try {
      while (held !== null && !paused && rows[NEXT] !== STOP) {
        const h = held;
        const i = h.next++;
        if (h.next === h.count) held = null;
        one(h.fields, h.buffers, h.addresses, i); // a throw: an uncaught exception, the rest after it
        if (held !== null) runTicks();
      }
    } finally {
      if (rows[NEXT] === STOP) held = null; // closed meanwhile
      else if (!paused) setReading(true);
    }
  }

  function setReading(on) {
    paused = !on;
    if (held !== null && rows[NEXT] === STOP) held = null;
    if (!on || held === null) return resume(on);
    if (!scheduled) {
      scheduled = true;
      setImmediate(deliverHeld);
    }
    return 0;
  }

  function attach(handle) {
    resume = (on) => binding.SocketHandle.prototype.setReading.call(handle, on);
    Object.defineProperty(handle, 'setReading', { value: setReading }); // (the prototype's is read-only)
    return handle;
  }
  return { rows, onmessages, attach };
}

// The native handle, its callbacks given as { onmessage: deliver, ... } (see receiver()).
function socketHandle({ onmessage, ...callbacks }, name) {
  if (!onmessage) return new binding.SocketHandle(callbacks, name);
  const { rows, onmessages, attach } = receiver(onmessage);
  return attach(new binding.SocketHandle({ ...callbacks, onmessages }, name, rows));
}

module.exports = { socketHandle, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT };
