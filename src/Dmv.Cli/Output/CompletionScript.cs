using System.Text;
using Dmv.Cli.CommandLine;

namespace Dmv.Cli.Output;

/// <summary>
/// <c>driver-tool completion bash</c>: the bash completion script, its commands, options and
/// option values taken from <see cref="OptionTable"/> (the package installs what this prints), so
/// completion cannot offer what the parser refuses, nor miss what it accepts. Driver and variant
/// names come from <c>driver-tool -l</c> when completing.
/// </summary>
internal static class CompletionScript
{
    public static string Bash()
    {
        string commands = string.Join(' ', OptionTable.Words.Select(static w => w.Word));
        string valued = string.Join(' ', OptionTable.Options.Where(static o => o.TakesValue).Select(static o => o.Name));
        string flags = string.Join(' ', OptionTable.Options.Where(static o => !o.TakesValue).Select(static o => o.Name));
        var values = new StringBuilder();
        foreach (OptionSpec option in OptionTable.Options.Where(static o => o.TakesValue))
        {
            string action = option.Completion switch
            {
                ValueCompletion.Directory => "_filedir -d; return ;;",
                ValueCompletion.File => "_filedir; return ;;",
                ValueCompletion.Words => $"COMPREPLY=($(compgen -W \"{string.Join(' ', option.Words ?? [])}\" -- \"$cur\")); return ;;",
                ValueCompletion.Kernel => "local base=${root[1]:-${root[0]#--root=}}\n      COMPREPLY=($(compgen -W \"$(ls \"$base\"/lib/modules 2>/dev/null)\" -- \"$cur\")); return ;;",
                _ => "return ;;",
            };
            values.Append($"    {option.Name}) {action}\n");
        }

        return Template
            .Replace("@COMMANDS@", commands)
            .Replace("@VALUED@", valued)
            .Replace("@FLAGS@", flags)
            .Replace("@TRIAL_ACTIONS@", string.Join(' ', OptionTable.TrialActions))
            .Replace("@VALUES@\n", values.ToString());
    }

    private const string Template = """
        # bash completion for driver-tool (printed by `driver-tool completion bash`): commands, options,
        # option values, and driver and variant names (read from `driver-tool -l`).
        _driver_tool_names() {
          # Drivers, or the variants of driver $1, from the listing (quietly: completion must never print errors;
          # --format json whatever DRIVER_TOOL_FORMAT says).
          driver-tool "${root[@]}" --format json -l 2>/dev/null | python3 -c '
        import json, sys
        drivers = json.load(sys.stdin).get("drivers", {})
        name = sys.argv[1] if len(sys.argv) > 1 else ""
        print("\n".join(drivers[name]["variants"] if name in drivers else drivers))' "$@" 2>/dev/null
        }

        _driver_tool() {
          local cur prev words cword split
          # -s: "--root=DIR" is one word, and its value is completed after the "=".
          _init_completion -s || return
          local commands="@COMMANDS@"
          local valued="@VALUED@"
          local options="-l -s -n -v -d -h -V $valued @FLAGS@ --version --list"
          # The command, and the words after it that are its arguments (not options, nor an option's value).
          local root=() i word command="" args=()
          for ((i = 1; i < cword; i++)); do
            word=${words[i]}
            if [[ " $valued " == *" $word "* ]]; then
              [[ $word == --root ]] && root=(--root "${words[i + 1]}")
              ((i++))
              continue
            fi
            case $word in
              --root=*) root=("$word") ;;
              -l) command=list ;;
              -s) command=select ;;
              -d) command=deselect args+=("${words[i + 1]}"); ((i++)) ;;
              -n) args=("${words[i + 1]}" "${args[@]:1}"); ((i++)) ;;
              -v) args=("${args[0]-}" "${words[i + 1]}"); ((i++)) ;;
              -*) ;;
              *) if [[ -z $command ]]; then command=$word; else args+=("$word"); fi ;;
            esac
          done

          case $prev in
        @VALUES@
            -n|-d) COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur")); return ;;
            -v) COMPREPLY=($(compgen -W "$(_driver_tool_names "${args[0]-}")" -- "$cur")); return ;;
          esac
          $split && return

          if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$options" -- "$cur"))
            return
          fi

          case $command in
            "") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
            select)
              case ${#args[@]} in
                0) COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur")) ;;
                1) COMPREPLY=($(compgen -W "$(_driver_tool_names "${args[0]}")" -- "$cur")) ;;
              esac ;;
            list|reconcile) COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur")) ;;
            deselect|verify|explain|history) ((${#args[@]} == 0)) && COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur")) ;;
            inspect) _filedir ;;
            trial) ((${#args[@]} == 0)) && COMPREPLY=($(compgen -W "@TRIAL_ACTIONS@" -- "$cur")) ;;
            completion) ((${#args[@]} == 0)) && COMPREPLY=($(compgen -W "bash" -- "$cur")) ;;
            help) ((${#args[@]} == 0)) && COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
          esac
        }
        complete -F _driver_tool driver-tool
        """;
}
