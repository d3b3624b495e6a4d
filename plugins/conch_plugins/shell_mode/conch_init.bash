# Conch session shell start-up, used as bash's --rcfile.
# It makes the user's own bash usable behind Conch's prompt; it must never touch
# ~/.bash_history (Conch keeps its own history) nor leave the start directory.
# Sourced again with the argument `recover` when the sentinel stopped coming
# (PROMPT_COMMAND unset or replaced by an array, `exec bash`): it then puts the
# sentinel back and returns the status of the user's last command.
__conch_status=$?
# The per-session token, written by Conch on the pty: program output cannot
# forge a sentinel without it, and no child process can read it (it is neither
# exported nor on any command line).
IFS= builtin read -r __conch_token
if ! builtin declare -F __conch_prompt >/dev/null; then
    # A fresh bash: Conch's first start, or one the user exec'd.
    if [[ ${1-} != recover ]]; then
        __conch_start_dir=$CONCH_START_DIR
        if [[ ${CONCH_SOURCE_BASHRC:-1} == 1 && -f ~/.bashrc ]]; then
            # shellcheck disable=SC1090
            source ~/.bashrc
        fi
        # A `cd` in the rc files must not override the session's start directory.
        builtin cd -- "$__conch_start_dir" 2>/dev/null
        unset PROMPT_COMMAND
    fi
    # History is Conch's job: never read, record or write bash's history file.
    builtin history -c
    unset HISTFILE
    set +o history
    set +H
    # An exec'd bash edits lines with readline: codes and echo of its own.
    set +o emacs +o vi
    # Pagers would wait for keys nobody can send; full-screen runs restore them.
    export CONCH_USER_PAGER=${PAGER-} CONCH_USER_GIT_PAGER=${GIT_PAGER-}
    export PAGER=cat GIT_PAGER=cat
    unset CONCH_START_DIR CONCH_SOURCE_BASHRC __conch_start_dir
    trap - DEBUG
    PS1=''
    PS2=''
    # The sentinel: token, exit status and logical cwd between control bytes
    # that programs do not print (0x1f 0x1e ... 0x1e 0x1f), written to the
    # terminal itself so that `exec >/dev/null` cannot swallow it.
    # Lines typed for a program that never read them would otherwise be run by
    # bash as commands of their own: drain them here and hand them back to Conch
    # after a 0x1d in the sentinel.
    # Conch sends each command line with a leading space; ignorespace keeps
    # those lines out of any history the user turns on (re-asserted, since an
    # rc file may set HISTCONTROL).
    __conch_prompt() {
        local __conch_status=$? __conch_unread='' __conch_line
        while builtin read -r -t 0 2>/dev/null && IFS= builtin read -r -t 0.05 __conch_line; do
            __conch_unread+=$__conch_line$'\n'
        done
        if [[ :${HISTCONTROL-}: != *:ignorespace:* && :${HISTCONTROL-}: != *:ignoreboth:* ]]; then
            HISTCONTROL=${HISTCONTROL:+${HISTCONTROL}:}ignorespace
        fi
        builtin printf '\037\036CONCH:%s:%s:%s\035%s\036\037' "$__conch_token" \
            "$__conch_status" "$PWD" "$__conch_unread" 2>/dev/null >/dev/tty ||
            builtin printf '\037\036CONCH:%s:%s:%s\035%s\036\037' "$__conch_token" \
                "$__conch_status" "$PWD" "$__conch_unread"
    }
fi
# Run by every command line Conch sends, right after the command: whatever
# history recorded during it (a sourced rc that turned history on records its
# own lines) is dropped before any `history -a` in PROMPT_COMMAND sees it.
# Returns the command's status.
__conch_after() {
    local __conch_status=$?
    while [[ -o history ]] && ((HISTCMD > __conch_history_base)); do
        builtin history -d -1 2>/dev/null || break
    done
    # Read here, not elsewhere: HISTCMD counts differently in other contexts.
    __conch_history_base=$HISTCMD
    return "$__conch_status"
}
__conch_history_base=${__conch_history_base:-0}
# bash 5.1 runs every element of a PROMPT_COMMAND array. Ours sits in a high
# slot, so that the user's `PROMPT_COMMAND='...'` (which sets element 0) runs
# first and keeps the sentinel; each element sees the command's own $?.
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)); then
    PROMPT_COMMAND[1000]=__conch_prompt
else
    PROMPT_COMMAND=__conch_prompt
fi
# PS0 is printed once bash has read a whole command line: only then may Conch
# send ^C (persistent_bash.ACCEPTED); an earlier one can cut the line in two.
# Read-only, so no command can drop it (Conch would wait for it forever). Not
# re-set from __conch_prompt: bash 5.2 then printed freed memory as PS0 after
# an eval syntax error.
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)) && [[ ${PS0-} != $'\037\036CONCH-GO\036\037' ]]; then
    declare -r PS0=$'\037\036CONCH-GO\036\037'
    [[ ${1-} == recover ]] || builtin printf '%s' "$PS0" # tells Conch that this bash has PS0
fi
if [[ ${1-} == recover ]]; then
    builtin return "$__conch_status"
fi
