#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { StreamfoldError } from '../errors.js';
import { registerDoctor } from './commands/doctor.js';
import { version } from './version.js';

const program = new Command('streamfold')
  .description('Kafka Streams for Node.js, with its state in Redis')
  .version(version)
  .showHelpAfterError()
  .exitOverride();

registerDoctor(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof StreamfoldError) {
    process.stderr.write(`streamfold: ${error.message} [${error.code}]\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(
      `streamfold: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
