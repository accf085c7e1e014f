'use strict';
// SCTP payload protocol identifiers, from IANA's registry (sctp-parameters, "SCTP Payload Protocol
// Identifiers"): what `listen` prints beside a message's PPID, and the names `--ppid` takes.
// [value, name for --ppid, IANA's description]
const PPIDS = [
  [0, 'none', 'not specified'], [1, 'iua', 'IUA'], [2, 'm2ua', 'M2UA'], [3, 'm3ua', 'M3UA'],
  [4, 'sua', 'SUA'], [5, 'm2pa', 'M2PA'], [6, 'v5ua', 'V5UA'], [7, 'h248', 'H.248'],
  [8, 'bicc', 'BICC/Q.2150.3'], [9, 'tali', 'TALI'], [10, 'dua', 'DUA'], [11, 'asap', 'ASAP'],
  [12, 'enrp', 'ENRP'], [13, 'h323', 'H.323'], [14, 'qipc', 'Q.IPC/Q.2150.3'], [15, 'simco', 'SIMCO'],
  [16, 'ddp-segment', 'DDP Segment Chunk'], [17, 'ddp-control', 'DDP Stream Session Control'],
  [18, 's1ap', 'S1AP'], [19, 'rua', 'RUA'], [20, 'hnbap', 'HNBAP'], [21, 'forces-hp', 'ForCES-HP'],
  [22, 'forces-mp', 'ForCES-MP'], [23, 'forces-lp', 'ForCES-LP'], [24, 'sbc-ap', 'SBc-AP'],
  [25, 'nbap', 'NBAP'], [27, 'x2ap', 'X2AP'], [28, 'ircp', 'IRCP'], [29, 'lcs-ap', 'LCS-AP'],
  [30, 'mpich2', 'MPICH2'], [31, 'sabp', 'SABP'], [32, 'fgp', 'Fractal Generator Protocol'],
  [33, 'ppp', 'Ping Pong Protocol'], [34, 'calcapp', 'CalcApp Protocol'],
  [35, 'ssp', 'Scripting Service Protocol'], [36, 'npmp-control', 'NetPerfMeter Control'],
  [37, 'npmp-data', 'NetPerfMeter Data'], [38, 'echo', 'Echo'], [39, 'discard', 'Discard'],
  [40, 'daytime', 'Daytime'], [41, 'chargen', 'Character Generator'], [42, 'rna', '3GPP RNA'],
  [43, 'm2ap', '3GPP M2AP'], [44, 'm3ap', '3GPP M3AP'], [45, 'ssh', 'SSH over SCTP'],
  [46, 'diameter', 'Diameter'], [47, 'diameter-dtls', 'Diameter over DTLS'], [48, 'r14p', 'R14P'],
  [49, 'gdt', 'Generic Data Transfer'], [50, 'webrtc-dcep', 'WebRTC DCEP'],
  [51, 'webrtc-string', 'WebRTC String'], [52, 'webrtc-binary-partial', 'WebRTC Binary Partial'],
  [53, 'webrtc-binary', 'WebRTC Binary'], [54, 'webrtc-string-partial', 'WebRTC String Partial'],
  [55, 'pua', '3GPP PUA'], [56, 'webrtc-string-empty', 'WebRTC String Empty'],
  [57, 'webrtc-binary-empty', 'WebRTC Binary Empty'], [58, 'xwap', '3GPP XwAP'],
  [59, 'xw-cp', '3GPP Xw-Control Plane'], [60, 'ngap', 'NGAP'], [61, 'xnap', 'XnAP'],
  [62, 'f1ap', 'F1AP'], [63, 'http', 'HTTP over SCTP'], [64, 'e1ap', 'E1AP'],
  [65, 'ele2', 'ELE2 Lawful Interception'], [66, 'ngap-dtls', 'NGAP over DTLS'],
  [67, 'xnap-dtls', 'XnAP over DTLS'], [68, 'f1ap-dtls', 'F1AP over DTLS'], [69, 'e1ap-dtls', 'E1AP over DTLS'],
  [70, 'e2-cp', 'E2-CP'], [71, 'e2-up', 'E2-UP'], [72, 'e2-du', 'E2-DU'], [73, 'w1ap', 'W1AP'],
];
const byValue = new Map(PPIDS.map(([value, , description]) => [value, description]));
const byName = new Map(PPIDS.map(([value, name]) => [name, value]));

// IANA's description of a PPID, '' for one it has not assigned.
const ppidName = (value) => byValue.get(value) || '';

// A PPID given as a number (0-4294967295) or a name ('diameter', 'ngap': case ignored); null if neither.
function parsePpid(text) {
  if (/^\d+$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  const value = byName.get(String(text).toLowerCase());
  return value === undefined ? null : value;
}

module.exports = { PPIDS, ppidName, parsePpid };
