import { Argument, type Command, type Option } from 'commander';
import { UsageError } from '../io.js';
import { out } from '../io.js';

interface Node {
  path: string;
  words: string[];
}

const flagsOf = (options: readonly Option[]) => options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));

/** Every command path with the words that may follow it: subcommands, or options and argument choices. */
function walk(cmd: Command, globals: string[], prefix = ''): Node[] {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  const choices = (cmd.registeredArguments as Argument[]).flatMap((a) => (a as Argument & { argChoices?: string[] }).argChoices ?? []);
  const words = subs.length ? subs.map((c) => c.name()) : [...choices, ...flagsOf(cmd.options), ...globals];
  const nodes: Node[] = [{ path: prefix, words: [...new Set([...words, '--help'])] }];
  for (const sub of subs) nodes.push(...walk(sub, globals, prefix ? `${prefix} ${sub.name()}` : sub.name()));
  return nodes;
}

/** Options whose values are a fixed list (e.g. --output), from every command. */
function valueChoices(cmd: Command, into = new Map<string, string[]>()): Map<string, string[]> {
  for (const o of cmd.options as (Option & { argChoices?: string[] })[]) if (o.long && o.argChoices) into.set(o.long, o.argChoices);
  for (const sub of cmd.commands) valueChoices(sub, into);
  return into;
}

function bashScript(nodes: Node[], choices: Map<string, string[]>): string {
  const known = nodes
    .filter((n) => n.path)
    .map((n) => `"${n.path}"`)
    .join('|');
  const cases = nodes.map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`).join('\n');
  return `# acc bash completion; load with: source <(acc completion bash)
_acc_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    next="\${path:+$path }\${COMP_WORDS[i]}"
    case "$next" in
      ${known}) path="$next" ;;
    esac
  done
  local words=""
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
${[...choices].map(([flag, values]) => `    ${flag}) COMPREPLY=( $(compgen -W "${values.join(' ')}" -- "$cur") ); return ;;`).join('\n')}
  esac
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _acc_completion acc
`;
}

function zshScript(nodes: Node[], choices: Map<string, string[]>): string {
  const known = nodes
    .filter((n) => n.path)
    .map((n) => `"${n.path}"`)
    .join('|');
  const cases = nodes.map((n) => `    "${n.path}") opts=(${n.words.map((w) => `'${w}'`).join(' ')}) ;;`).join('\n');
  return `#compdef acc
# acc zsh completion; load with: source <(acc completion zsh)
_acc() {
  local cmdpath="" next i
  local -a opts
  for ((i = 2; i < CURRENT; i++)); do
    next="\${cmdpath:+$cmdpath }\${words[i]}"
    case "$next" in
      ${known}) cmdpath="$next" ;;
    esac
  done
  case "\${words[CURRENT-1]}" in
${[...choices].map(([flag, values]) => `    ${flag}) compadd -- ${values.join(' ')}; return ;;`).join('\n')}
  esac
  case "$cmdpath" in
${cases}
  esac
  compadd -- "\${opts[@]}"
}
if (( $+functions[compdef] )); then compdef _acc acc; fi
`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(acc completion bash)')
    .addArgument(new Argument('<shell>', 'target shell').choices(['bash', 'zsh']))
    .action((shell: string) => {
      const nodes = walk(program, flagsOf(program.options));
      const choices = valueChoices(program);
      if (shell === 'bash') out(bashScript(nodes, choices));
      else if (shell === 'zsh') out(zshScript(nodes, choices));
      else throw new UsageError(`unsupported shell: ${shell}`);
    });
}
