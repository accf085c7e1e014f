#!/usr/bin/env node
'use strict';
// sctp-napi's command line: `npx sctp-napi COMMAND [options]`. Each command is a module of this
// folder with { summary, usage, options, run(values, positionals, out) }; this file parses the
// arguments (util.parseArgs), prints --help from the same option tables, and maps failures to
// exit codes (docs/cli.md).
const { parseArgs } = require('util');
const { EXIT, UsageError, Output } = require('./common');

const COMMANDS = ['listen', 'send', 'ping', 'status', 'doctor'];
const load = (name) => require(`./${name}`);

// Every command's options also have these.
const COMMON = {
  json: { type: 'boolean', help: 'NDJSON on stdout: one object per message, event or report' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

function optionLines(options) {
  return Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value || 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(28)} ${o.help}${o.default !== undefined ? ` (default ${o.default})` : ''}${o.multiple ? ' (repeatable)' : ''}`;
  });
}

function commandHelp(name) {
  const c = load(name);
  return [`Usage: sctp-napi ${name} ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : []), '',
    'Options:', ...optionLines({ ...c.options, ...COMMON })].join('\n');
}

function mainHelp() {
  return ['Usage: sctp-napi COMMAND [options]   (sctp-napi COMMAND --help for its options)', '',
    'SCTP from the command line, over the kernel\'s SCTP (sctp-napi ' + require('../../package.json').version + ').', '',
    'Commands:', ...COMMANDS.map((n) => `  ${n.padEnd(8)} ${load(n).summary}`), '',
    'Exit codes: 0 done, 1 failed (peer, network, lost messages, a failed check), 2 bad command line,',
    '3 SCTP cannot be used here (run \'sctp-napi doctor\').'].join('\n');
}

// parseArgs's option table: ours without our own fields, which parseArgs would refuse.
const parseTable = (options) => Object.fromEntries(Object.entries(options).map(([name, o]) =>
  [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]));

async function main(argv, out = {}) {
  const stdout = out.stdout || process.stdout;
  const stderr = out.stderr || process.stderr;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? stderr : stdout).write(`${mainHelp()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    stdout.write(`${require('../../package.json').version}\n`);
    return EXIT.ok;
  }
  if (!COMMANDS.includes(name)) {
    stderr.write(`sctp-napi: unknown command '${name}'\n\n${mainHelp()}\n`);
    return EXIT.usage;
  }
  const command = load(name);
  const options = { ...command.options, ...COMMON };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: parseTable(options), allowPositionals: true, strict: true });
  } catch (e) {
    stderr.write(`sctp-napi ${name}: ${e.message}\n\n${commandHelp(name)}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    stdout.write(`${commandHelp(name)}\n`);
    return EXIT.ok;
  }
  for (const [key, o] of Object.entries(options)) {
    if (values[key] === undefined && o.default !== undefined) values[key] = String(o.default);
  }
  const output = new Output({ json: Boolean(values.json), stdout, stderr });
  try {
    return await command.run(values, positionals, output);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr.write(`sctp-napi ${name}: ${e.message}\n(sctp-napi ${name} --help lists the options)\n`);
      return EXIT.usage;
    }
    if (e && e.name === 'AbortError') e.message = 'interrupted (SIGINT or SIGTERM) before it was done';
    const unsupported = e && e.code === 'ERR_SCTP_UNSUPPORTED';
    if (output.json) output.write({ type: 'error', code: e.code, errno: e.errno, syscall: e.syscall, message: e.message });
    else output.note(`sctp-napi ${name}: ${e.message}${unsupported ? "\n(run 'sctp-napi doctor' for what to do)" : ''}`);
    return unsupported ? EXIT.unsupported : EXIT.failed;
  }
}

if (require.main === module) {
  // A reader that went away (| head): stop quietly, as other command-line tools do; 1 if the
  // command had not finished (what it was doing was cut short).
  let finished = false;
  process.stdout.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(finished ? process.exitCode : EXIT.failed);
  });
  main(process.argv.slice(2)).then((code) => {
    finished = true;
    process.exitCode = code;
  });
}

module.exports = { main, COMMANDS, COMMON, commandHelp };
