/**
 * The replen command line: `replen <command> [flags]`. Each command is a function from its arguments to an exit code.
 */
import { DataFolderLockedError } from '../../db/data-folder-lock';
import { configTable, keyUsage, runKeyCommand } from './admin';
import { forecastUsage, runForecastCommand } from './forecast';
import { pullUsage, runPullCommand } from './pull';
import { replayUsage, runReplayCommand } from './replay';
import { runRunCommand, runUsage } from './run';
import { runSimulateCommand, simulateUsage } from './simulate';
import { runSenseCommand, senseUsage } from './sense';

const usage = [
  'usage: replen <command> [flags]',
  'commands:',
  `  forecast   ${forecastUsage.replace('usage: replen forecast ', '')}`,
  `  simulate   ${simulateUsage.replace('usage: replen simulate ', '')}`,
  `  replay     ${replayUsage.replace('usage: replen replay ', '')}`,
  `  key        ${keyUsage.replace('usage: replen key ', '')}`,
  `  pull       ${pullUsage.replace('usage: replen pull ', '')}`,
  `  run        ${runUsage.replace('usage: replen run ', '')}`,
  `  sense      ${senseUsage.replace('usage: replen sense ', '').trim()}`,
  '  config     prints the configuration settings as a table',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'forecast':
      return runForecastCommand(rest);
    case 'simulate':
      return runSimulateCommand(rest);
    case 'replay':
      return runReplayCommand(rest);
    case 'key':
      return runKeyCommand(rest);
    case 'pull':
      return runPullCommand(rest);
    case 'run':
      return runRunCommand(rest);
    case 'sense':
      return runSenseCommand(rest);
    case 'config':
      process.stdout.write(`${configTable()}\n`);
      return 0;
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`replen: unknown command '${command}'\n${usage}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A locked embedded database is a state to explain, not a bug to trace.
    const text = error instanceof DataFolderLockedError ? error.message : ((error as Error).stack ?? String(error));
    process.stderr.write(`replen ${process.argv[2] ?? ''}: ${text}\n`);
    process.exitCode = 1;
  },
);
