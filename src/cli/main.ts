#!/usr/bin/env node
// The rnn-wasm command. Each subcommand is one module; bad input ends the run with a one-line
// message and exit code 2, a failure of the run itself with exit code 1.
import { readFileSync } from 'node:fs';
import { parse, UsageError, type Command } from './args.js';
import { demo } from './demo.js';
import { exportCommand } from './export.js';
import { forecast } from './forecast.js';
import { predict } from './predict.js';
import { sample } from './sample.js';
import { train } from './train.js';

/** The subcommands, in the order the help lists them. */
const COMMANDS: Command[] = [train, predict, sample, forecast, exportCommand, demo];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const HELP = `Usage: rnn-wasm COMMAND [options]

Vanilla (Elman) recurrent networks with a WebAssembly core.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

Run 'rnn-wasm COMMAND --help' for a command's options.
Options: -h, --help (this help), --version
`;

/** Runs the command line and returns the exit code. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (name === '--version') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const prefix = command === undefined ? 'rnn-wasm' : `rnn-wasm ${command.name}`;
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see --help)`);
    const values = parse(rest, command.options);
    if (values.help === true) {
      process.stdout.write(command.help);
      return 0;
    }
    return (await command.run(values)) ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${prefix}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

// A reader that stops early (`rnn-wasm train ... | head`) closes stdout: the run goes on, so that
// the model is still written, and prints nothing more.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

process.exitCode = await main(process.argv.slice(2));
