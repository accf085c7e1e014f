'use strict';
// Node's diagnostics_channel, as net ('net.client.socket') and dgram ('udp.socket') publish on it:
// sockets made and closed, associations up, restarted and down, sends that failed, for an APM tool
// to observe without patching (docs/diagnostics.md). A message is built only while its channel has
// subscribers, and nothing is published per data message.
const dc = require('diagnostics_channel');

const names = Object.freeze({
  socketCreated: 'sctp-napi.socket.created',
  socketClosed: 'sctp-napi.socket.closed',
  associationUp: 'sctp-napi.association.up',
  associationRestart: 'sctp-napi.association.restart',
  associationDown: 'sctp-napi.association.down',
  sendFailed: 'sctp-napi.send.failed',
});
const channels = {};
for (const [key, name] of Object.entries(names)) channels[key] = dc.channel(name);

// build() -> the message, called only when someone listens. A subscriber that throws does not
// throw here: diagnostics_channel reports it as an uncaught exception on the next tick.
function publish(channel, build) {
  if (channel.hasSubscribers) channel.publish(build());
}

// An 'association' event's info on the channel of its state.
function publishAssociation(socket, info) {
  const { assocId, state } = info;
  if (state === 'up' || state === 'restart') {
    publish(state === 'up' ? channels.associationUp : channels.associationRestart, () => ({
      socket, assocId, address: info.address, port: info.port, inStreams: info.inStreams, outStreams: info.outStreams,
    }));
  } else {
    publish(channels.associationDown, () => ({ socket, assocId, state, error: info.error, reason: info.reason }));
  }
}

// A send that failed with a system error (the kernel's own reports are relayed() in notifications.js).
function publishSendError(socket, assocId, error, info, size) {
  publish(channels.sendFailed, () => ({
    socket, assocId, error, sent: false, stream: info.stream, ppid: info.ppid, context: info.context, size,
  }));
}

module.exports = { names, channels, publish, publishAssociation, publishSendError };
