# bash completion for driver-tool: commands, options, driver and variant names (read from `driver-tool -l`).
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
  local commands="list select deselect auto-select verify reconcile inspect explain kernels history trial help version"
  local valued="--root --lspci --format --running-kernel --lock-timeout --signatures --trusted-keys --kernel --limit --tries --boot-config"
  local options="-l -s -n -v -d -h -V $valued --strict --force --no-hooks --no-initrd --initrd --dry-run --repair --pending --include-deselected --trial --help --version"
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
    --root|--trusted-keys) _filedir -d; return ;;
    --lspci|--boot-config) _filedir; return ;;
    --format) COMPREPLY=($(compgen -W "json table" -- "$cur")); return ;;
    --signatures) COMPREPLY=($(compgen -W "enforce warn off" -- "$cur")); return ;;
    --kernel|--running-kernel)
      local base=${root[1]:-${root[0]#--root=}}
      COMPREPLY=($(compgen -W "$(ls "$base"/lib/modules 2>/dev/null)" -- "$cur")); return ;;
    --lock-timeout|--limit) return ;;
    --tries) COMPREPLY=($(compgen -W "1 2 3 4 5 6 7 8 9" -- "$cur")); return ;;
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
    trial) ((${#args[@]} == 0)) && COMPREPLY=($(compgen -W "confirm rollback settle enable disable" -- "$cur")) ;;
    help) ((${#args[@]} == 0)) && COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
  esac
}
complete -F _driver_tool driver-tool
