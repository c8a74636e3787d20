// Test helper: run one registered CLI command in-process and capture what it prints on stdout.
import { Command } from 'commander';
import type { RegisterCommand } from './commands.js';

export async function runCommandCapturingStdout(register: RegisterCommand, args: string[]): Promise<string> {
  const program = new Command('flowseg').exitOverride();
  register(program);
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => printed.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'flowseg', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return printed.join('');
}
