# Conch session shell start-up, used as bash's --rcfile.
# It makes the user's own bash usable behind Conch's prompt; it must never touch
# ~/.bash_history (Conch keeps its own history) nor leave the start directory.
__conch_start_dir=$CONCH_START_DIR
if [[ ${CONCH_SOURCE_BASHRC:-1} == 1 && -f ~/.bashrc ]]; then
    # shellcheck disable=SC1090
    source ~/.bashrc
fi
# A `cd` in the rc files must not override the session's start directory.
builtin cd -- "$__conch_start_dir" 2>/dev/null
# History is Conch's job: never read, record or write bash's history file.
unset HISTFILE
set +o history
set +H
# Pagers would wait for keys nobody can send; full-screen runs restore them.
export CONCH_USER_PAGER=${PAGER-} CONCH_USER_GIT_PAGER=${GIT_PAGER-}
export PAGER=cat GIT_PAGER=cat
unset CONCH_START_DIR CONCH_SOURCE_BASHRC __conch_start_dir
trap - DEBUG
PS1=''
PS2=''
unset PROMPT_COMMAND
# The sentinel: exit status and logical cwd between control bytes that
# programs do not print (0x1f 0x1e ... 0x1e 0x1f).
# Lines typed for a program that never read them would otherwise be run by
# bash as commands of their own: drain them here and hand them back to Conch
# after a 0x1d in the sentinel.
__conch_prompt() {
    local __conch_status=$? __conch_unread='' __conch_line
    while builtin read -r -t 0 2>/dev/null && IFS= builtin read -r -t 0.05 __conch_line; do
        __conch_unread+=$__conch_line$'\n'
    done
    builtin printf '\037\036CONCH:%s:%s\035%s\036\037' "$__conch_status" "$PWD" "$__conch_unread"
}
PROMPT_COMMAND=__conch_prompt
# PS0 is printed once bash has read a whole command line: only then may Conch
# send ^C (session_shell.ACCEPTED); an earlier one can cut the line in two.
# Read-only, so no command can drop it (Conch would wait for it forever). Not
# re-set from __conch_prompt: bash 5.2 then printed freed memory as PS0 after
# an eval syntax error.
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)); then
    declare -r PS0=$'\037\036CONCH-GO\036\037'
    builtin printf '%s' "$PS0" # tells Conch that this bash has PS0
fi
