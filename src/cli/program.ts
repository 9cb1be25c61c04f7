import { Command, CommanderError } from 'commander';
import { StreamfoldError } from '../errors.js';
import { registerDoctor } from './commands/doctor.js';
import { registerLag } from './commands/lag.js';
import { registerQuery } from './commands/query.js';
import { registerRebuild } from './commands/rebuild.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRun } from './commands/run.js';
import { registerSimulate } from './commands/simulate.js';
import { registerTopics } from './commands/topics.js';
import { registerUnpark } from './commands/unpark.js';
import { registerValidate } from './commands/validate.js';
import { version } from './version.js';

const program = new Command('streamfold')
  .description('Kafka Streams for Node.js, with its state in Redis')
  .version(version)
  .showHelpAfterError()
  .exitOverride();

registerRun(program);
registerTopics(program);
registerSimulate(program);
registerReconcile(program);
registerQuery(program);
registerLag(program);
registerRebuild(program);
registerUnpark(program);
registerDoctor(program);
registerValidate(program);

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

// Native Kafka client threads can outlive the command; the command's outcome is final here.
process.exit(process.exitCode ?? 0);
