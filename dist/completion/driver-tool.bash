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
  local cur prev words cword
  _init_completion || return
  local commands="list select deselect auto-select verify reconcile inspect explain kernels help version"
  local options="-l -s -n -v -d -h -V --root --lspci --format --strict --running-kernel --lock-timeout --force --no-hooks --no-initrd --initrd --dry-run --repair --pending --signatures --trusted-keys --kernel --help --version"
  local root=() rootdir="" i command=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --root) root=(--root "${words[i + 1]}"); rootdir=${words[i + 1]} ;;
      --root=*) root=("${words[i]}"); rootdir=${words[i]#--root=} ;;
      list|select|deselect|auto-select|verify|reconcile|inspect|explain|kernels|help|version) [[ -z $command ]] && command=${words[i]} ;;
      -s) command=select ;;
      -d) command=deselect ;;
    esac
  done

  case $prev in
    --root|--trusted-keys) _filedir -d; return ;;
    --lspci) _filedir; return ;;
    --format) COMPREPLY=($(compgen -W "json table" -- "$cur")); return ;;
    --signatures) COMPREPLY=($(compgen -W "enforce warn off" -- "$cur")); return ;;
    --kernel|--running-kernel) COMPREPLY=($(compgen -W "$(ls "$rootdir"/lib/modules 2>/dev/null)" -- "$cur")); return ;;
    -n|-d) COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur")); return ;;
    -v)
      local name="" j
      for ((j = 1; j < cword; j++)); do [[ ${words[j]} == -n ]] && name=${words[j + 1]}; done
      COMPREPLY=($(compgen -W "$(_driver_tool_names "$name")" -- "$cur")); return ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi

  case $command in
    "") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    select)
      if [[ $prev == select ]]; then COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur"))
      else COMPREPLY=($(compgen -W "$(_driver_tool_names "$prev")" -- "$cur")); fi ;;
    list|deselect|verify|reconcile|explain) COMPREPLY=($(compgen -W "$(_driver_tool_names)" -- "$cur")) ;;
    inspect) _filedir ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
  esac
}
complete -F _driver_tool driver-tool
