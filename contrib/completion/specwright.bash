# SPDX-License-Identifier: Apache-2.0
# bash completion for specwright.
#
# Commands, verbs and options are read from specwright's own --help output,
# so the completion follows the binary it completes.  Agent names (agent
# show) and hook ids (hooks run) come from "agent list" / "hooks list".

_specwright_help_words() {
	# Lines "    name   summary" after a "commands:" heading.
	"$@" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p'
}

_specwright_help_options() {
	"$@" --help 2>/dev/null | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p'
}

_specwright() {
	local cur prog i cmd= verb= dir=
	local -a pre
	cur=${COMP_WORDS[COMP_CWORD]}
	prog=${COMP_WORDS[0]}
	COMPREPLY=()

	if [ "${COMP_WORDS[COMP_CWORD-1]}" = "-C" ]; then
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
	fi
	i=1
	while [ "$i" -lt "$COMP_CWORD" ]; do
		case ${COMP_WORDS[i]} in
		-C) dir=${COMP_WORDS[i+1]}; i=$((i + 2)); continue ;;
		-*) ;;
		*) if [ -z "$cmd" ]; then cmd=${COMP_WORDS[i]}; elif [ -z "$verb" ]; then verb=${COMP_WORDS[i]}; fi ;;
		esac
		i=$((i + 1))
	done
	pre=("$prog")
	[ -n "$dir" ] && pre+=(-C "$dir")

	if [ -z "$cmd" ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W "-C -v -q --json --color=always --color=never --color=auto --version --help" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "$(_specwright_help_words "${pre[@]}")" -- "$cur")) ;;
		esac
		return 0
	fi
	if [ "$cmd" = help ]; then
		COMPREPLY=($(compgen -W "$(_specwright_help_words "${pre[@]}")" -- "$cur"))
		return 0
	fi
	local verbs
	verbs=$(_specwright_help_words "${pre[@]}" "$cmd")
	if [ -n "$verbs" ] && [ -z "$verb" ]; then
		COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		return 0
	fi
	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$(_specwright_help_options "${pre[@]}" "$cmd" $verb)" -- "$cur"))
		return 0 ;;
	esac
	case "$cmd $verb" in
	"agent show")
		COMPREPLY=($(compgen -W "$("${pre[@]}" agent list 2>/dev/null | awk '{print $1}')" -- "$cur")) ;;
	"hooks run")
		COMPREPLY=($(compgen -W "$("${pre[@]}" hooks list 2>/dev/null | awk '{print $1}')" -- "$cur")) ;;
	*)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
	return 0
}

complete -o filenames -F _specwright specwright
