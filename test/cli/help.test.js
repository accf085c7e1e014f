'use strict';
// Issue 25: every flag docs/cli.md documents exists, parses and is in the command's --help, and
// every flag a command has is documented. In-process (lib/cli/main.js's main()), no socket needed.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { Writable } = require('stream');
const { main, COMMANDS, COMMON } = require('../../lib/cli/main');

// A Writable that keeps what is written.
const sink = () => Object.assign(new Writable({ write(chunk, encoding, done) { this.text += chunk; done(); } }), { text: '' });
const run = async (argv) => {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
};

// docs/cli.md's flags, per command section (## `listen` ...), and those under "Every command".
const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
const sections = Object.fromEntries(docs.split(/^## /m).slice(1).map((s) => {
  const [title, ...body] = s.split('\n');
  const rows = body.filter((l) => l.startsWith('| `-'));
  return [title.replace(/`/g, ''), new Set(rows.flatMap((l) => [...l.split(' | ')[0].matchAll(/`--([a-z-]+)/g)].map((m) => m[1])))];
}));

describe('sctp-napi --help and docs/cli.md', () => {
  for (const name of COMMANDS) {
    it(`${name}: the flags documented are the flags it has, and each parses and is in --help`, async () => {
      const command = require(`../../lib/cli/${name}`);
      const documented = new Set([...sections[name], ...sections['Every command']]);
      const actual = new Set([...Object.keys(command.options), ...Object.keys(COMMON)]);
      assert.deepStrictEqual([...documented].sort(), [...actual].sort());
      const help = await run([name, '--help']);
      assert.strictEqual(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: sctp-napi ${name} `));
      for (const [flag, o] of Object.entries({ ...command.options, ...COMMON })) {
        assert(help.stdout.includes(`--${flag}`), `--${flag} is not in ${name} --help`);
        const value = o.type === 'string' ? ['1'] : [];
        const r = await run([name, `--${flag}`, ...value, ...(o.short ? [`-${o.short}`, ...value] : []), '--help']);
        assert.strictEqual(r.code, 0, `${name} --${flag}: ${r.stderr}`);
      }
    });
  }

  it('the command list, an unknown command and an unknown flag: exit 0, 2, 2', async () => {
    const list = await run(['--help']);
    assert.strictEqual(list.code, 0);
    for (const name of COMMANDS) assert.match(list.stdout, new RegExp(`^ {2}${name} +\\S`, 'm'));
    assert.strictEqual((await run([])).code, 2);
    const unknown = await run(['frobnicate']);
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /^sctp-napi: unknown command 'frobnicate'/);
    const flag = await run(['ping', '--nope']);
    assert.strictEqual(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--nope'/);
  });
});

describe('sctp-napi output: a progress line only on a terminal, never with --json', () => {
  const { Output } = require('../../lib/cli/common');
  for (const [tty, json, drawn] of [[true, false, true], [false, false, false], [true, true, false]]) {
    it(`stderr ${tty ? 'a terminal' : 'a pipe'}${json ? ', --json' : ''}: ${drawn ? 'drawn, and cleared before data' : 'nothing'}`, () => {
      const stdout = sink();
      const stderr = Object.assign(sink(), { isTTY: tty });
      const out = new Output({ json, stdout, stderr });
      out.progress('sent 5 of 10');
      out.write({ type: 'summary', sent: 10 }, 'sent 10');
      assert.strictEqual(stderr.text, drawn ? '\r\x1b[Ksent 5 of 10\r\x1b[K' : '');
      assert.strictEqual(stdout.text, json ? '{"type":"summary","sent":10}\n' : 'sent 10\n');
    });
  }
});
